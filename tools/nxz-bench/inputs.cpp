#include "inputs.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace nxz::bench {
namespace fs = std::filesystem;
namespace {

bool read_whole(const fs::path& p, std::vector<uint8_t>* out) {
  std::ifstream f(p, std::ios::binary);
  if (!f) return false;
  out->assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return !f.bad();
}

std::vector<fs::path> regular_files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    if (e.is_regular_file(ec)) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void add_file(const fs::path& p, std::vector<Input>* out) {
  Input in{p.filename().string(), {}};
  if (read_whole(p, &in.data) && !in.data.empty()) out->push_back(std::move(in));
}

std::string corpus_dir() {
  if (const char* env = std::getenv("NXZ_CORPUS_DIR"); env && *env) return env;
#ifdef NXZ_CORPUS_DIR
  return NXZ_CORPUS_DIR;
#else
  return "";
#endif
}

// Text, a dictionary, machine code and many small licences: the mix the
// corpus would give, from files Debian always installs.
std::vector<Input> system_inputs() {
  std::vector<Input> inputs;
  for (const auto& p : regular_files_in("/usr/share/common-licenses")) add_file(p, &inputs);
  add_file("/usr/share/dict/words", &inputs);
  add_file("/usr/bin/bash", &inputs);
  constexpr size_t kCopyrightsMax = 4 << 20;
  Input copyrights{"doc-copyrights", {}};
  std::error_code ec;
  std::vector<fs::path> docs;
  for (const auto& e : fs::directory_iterator("/usr/share/doc", ec)) docs.push_back(e.path());
  std::sort(docs.begin(), docs.end());
  for (const auto& d : docs) {
    std::vector<uint8_t> text;
    if (!fs::is_regular_file(d / "copyright", ec) || !read_whole(d / "copyright", &text)) continue;
    const size_t room = kCopyrightsMax - copyrights.data.size();
    copyrights.data.insert(copyrights.data.end(), text.begin(),
                           text.begin() + static_cast<std::ptrdiff_t>(std::min(room, text.size())));
    if (copyrights.data.size() >= kCopyrightsMax) break;
  }
  if (!copyrights.data.empty()) inputs.push_back(std::move(copyrights));
  return inputs;
}

}  // namespace

bool load_paths(const std::vector<std::string>& paths, std::vector<Input>* out,
                std::string* error) {
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      for (const auto& p : regular_files_in(path)) add_file(p, out);
      continue;
    }
    Input in{fs::path(path).filename().string(), {}};
    if (!fs::is_regular_file(path, ec) || !read_whole(path, &in.data)) {
      *error = "cannot read " + path;
      return false;
    }
    if (!in.data.empty()) out->push_back(std::move(in));
  }
  return true;
}

std::vector<Input> default_inputs(std::string* description) {
  const std::string dir = corpus_dir();
  std::error_code ec;
  if (!dir.empty() && fs::is_directory(dir, ec)) {
    std::vector<Input> inputs;
    for (const auto& p : regular_files_in(dir))
      if (p.filename() != "README.md") add_file(p, &inputs);
    if (!inputs.empty()) {
      *description = "corpus " + fs::weakly_canonical(dir, ec).string();
      return inputs;
    }
  }
  *description = "system files (no corpus found; set NXZ_CORPUS_DIR)";
  return system_inputs();
}

void append_chunks(const Input& in, size_t chunk, std::vector<Chunk>* out) {
  const size_t step = chunk ? chunk : in.data.size();
  for (size_t pos = 0; pos < in.data.size(); pos += step)
    out->push_back({in.data.data() + pos, std::min(step, in.data.size() - pos), &in.name, pos});
}

std::vector<Chunk> make_chunks(const std::vector<Input>& inputs, size_t chunk) {
  std::vector<Chunk> chunks;
  for (const auto& in : inputs) append_chunks(in, chunk, &chunks);
  return chunks;
}

}  // namespace nxz::bench
