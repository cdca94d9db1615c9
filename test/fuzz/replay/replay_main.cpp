// The replay test of one fuzz target: every file under the directories (or
// the files) named on the command line is one GoogleTest case that feeds it
// to LLVMFuzzerTestOneInput. A target reports a broken invariant by
// aborting (support/fuzz_input.h), which fails the test run with the
// file's name printed just before; a crash does the same.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::vector<uint8_t> read_all(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)),
                              std::istreambuf_iterator<char>());
}

class ReplayOne : public ::testing::Test {
 public:
  explicit ReplayOne(std::filesystem::path p) : path_(std::move(p)) {}
  void TestBody() override {
    const std::vector<uint8_t> data = read_all(path_);
    std::fprintf(stderr, "replay %s (%zu bytes)\n", path_.c_str(), data.size());
    // libFuzzer hands a target a buffer of exactly the input's size; so
    // does this copy (ASan then sees any read past it).
    std::vector<uint8_t> exact(data);
    EXPECT_EQ(LLVMFuzzerTestOneInput(exact.data(), exact.size()), 0);
  }

 private:
  std::filesystem::path path_;
};

// A test name from a file name: GoogleTest allows letters, digits and '_'.
std::string test_name(const std::filesystem::path& p) {
  std::string s = p.filename().string();
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg = argv[i];
    if (std::filesystem::is_directory(arg)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(arg))
        if (e.is_regular_file()) files.push_back(e.path());
    } else {
      files.push_back(arg);
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "replay: no inputs given (usage: %s DIR|FILE...)\n", argv[0]);
    return 1;
  }
  for (const auto& f : files) {
    ::testing::RegisterTest("Replay", test_name(f).c_str(), nullptr, nullptr, __FILE__, __LINE__,
                            [f]() -> ::testing::Test* { return new ReplayOne(f); });
  }
  return RUN_ALL_TESTS();
}
