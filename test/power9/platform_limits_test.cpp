// Contract §6/§9.4: request size limits and PowerVM detection, read from a
// fake file-system tree in a temporary directory.
#include "power9/platform_limits.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using namespace nxz::power9;

class FakeRoot : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "nxz-p9-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { fs::remove_all(root_); }

  void put(const char* rel, const std::string& text) {
    const fs::path p = root_ + rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
  }

  std::string root_;
};

TEST_F(FakeRoot, BareMetalWithoutSysfsIs64MiB) {
  EXPECT_FALSE(is_powervm(root_));
  EXPECT_EQ(sysfs_max_request(root_), 0u);
  EXPECT_EQ(max_request_bytes(root_), 64u << 20);
}

TEST_F(FakeRoot, PartitionNameMeansPowerVmAnd1MiB) {
  put(kPartitionName, std::string("lpar7\0", 6));
  EXPECT_TRUE(is_powervm(root_));
  EXPECT_EQ(max_request_bytes(root_), 1u << 20);
}

TEST_F(FakeRoot, LparcfgMeansPowerVm) {
  put(kLparcfg, "lparcfg 1.9\nshared_processor_mode=1\n");
  EXPECT_TRUE(is_powervm(root_));
  EXPECT_EQ(max_request_bytes(root_), 1u << 20);
}

TEST_F(FakeRoot, SysfsValueWinsOverThePowerVmDefault) {
  put(kLparcfg, "lparcfg 1.9\n");
  put(kReqMaxProcessedLen, "524288\n");
  EXPECT_EQ(sysfs_max_request(root_), 524288u);
  EXPECT_EQ(max_request_bytes(root_), 524288u);
}

TEST_F(FakeRoot, SysfsValueLargerThanTheDefaultIsTaken) {
  put(kPartitionName, "p");
  put(kReqMaxProcessedLen, "8388608");
  EXPECT_EQ(max_request_bytes(root_), 8388608u);
}

TEST_F(FakeRoot, UnreadableSysfsValuesFallBackToTheDefault) {
  put(kPartitionName, "p");
  for (const char* bad :
       {"", "\n", "0\n", "abc\n", "-5\n", "12kB\n", "99999999999999999999999\n"}) {
    put(kReqMaxProcessedLen, bad);
    EXPECT_EQ(sysfs_max_request(root_), 0u) << '"' << bad << '"';
    EXPECT_EQ(max_request_bytes(root_), 1u << 20) << '"' << bad << '"';
  }
}

TEST_F(FakeRoot, SysfsValueWithSurroundingBlanksAtTheEndIsRead) {
  put(kReqMaxProcessedLen, "65536 \n");
  EXPECT_EQ(max_request_bytes(root_), 65536u);
}

}  // namespace
