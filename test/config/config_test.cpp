// The settings: environment over the per-user file over the system file,
// never the current directory, one warning and the default for anything
// malformed (src/config/config.h).
#include "config/config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>

#include "config/log.h"

namespace nxz::config {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/nxz-config-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p) << text;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::map<std::string, std::string> g_env;
const char* fake_getenv(const char* name) {
  auto it = g_env.find(name);
  return it == g_env.end() ? nullptr : it->second.c_str();
}

Settings load_with(const std::vector<std::string>& files, std::vector<std::string>* warnings,
                   std::map<std::string, std::string> env = {}) {
  g_env = std::move(env);
  Sources src;
  src.files = files;
  src.getenv = fake_getenv;
  Settings s;
  load(src, &s, warnings);
  return s;
}

TEST(Config, DefaultsWithNothingSet) {
  std::vector<std::string> w;
  const Settings s = load_with({}, &w);
  EXPECT_EQ(s.backend, "auto");
  EXPECT_FALSE(s.stats);
  EXPECT_TRUE(s.stats_file.empty());
  EXPECT_EQ(s.log, LogLevel::kWarn);
  EXPECT_EQ(s.timeout_ms, 0u);
  EXPECT_FALSE(s.emu_faults_set);
  EXPECT_FALSE(s.zlib_set);
  EXPECT_EQ(s.inflate_soft_below, 8192u);
  EXPECT_EQ(s.deflate_soft_below, 0u);
  EXPECT_TRUE(w.empty());
}

TEST(Config, EveryKeyFromAFile) {
  TempDir d;
  const std::string f = d.write("nxz.conf",
                                "# a comment\n"
                                "backend = emulated\n"
                                "  stats=yes   # trailing comment\n"
                                "stats_file = /tmp/x.stats\n"
                                "log = debug\n"
                                "log_file = /tmp/x.log\n"
                                "timeout_ms = 250\n"
                                "emu_faults = seed=3,fault=0.1\n"
                                "zlib = none\n"
                                "inflate_soft_below = 4K\n"
                                "deflate_soft_below = 1M\n");
  std::vector<std::string> w;
  const Settings s = load_with({f}, &w);
  EXPECT_TRUE(w.empty()) << w.front();
  EXPECT_EQ(s.backend, "emulated");
  EXPECT_TRUE(s.stats);
  EXPECT_EQ(s.stats_file, "/tmp/x.stats");
  EXPECT_EQ(s.log, LogLevel::kDebug);
  EXPECT_EQ(s.log_file, "/tmp/x.log");
  EXPECT_EQ(s.timeout_ms, 250u);
  EXPECT_TRUE(s.emu_faults_set);
  EXPECT_EQ(s.emu_faults, "seed=3,fault=0.1");
  EXPECT_TRUE(s.zlib_set);
  EXPECT_EQ(s.zlib, "none");
  EXPECT_EQ(s.inflate_soft_below, 4096u);
  EXPECT_EQ(s.deflate_soft_below, 1u << 20);
}

TEST(Config, TheUserFileOverTheSystemFileAndTheEnvironmentOverBoth) {
  TempDir d;
  const std::string sys = d.write("sys.conf", "backend = nx\ntimeout_ms = 100\nstats = 1\n");
  const std::string user = d.write("user.conf", "backend = emulated\ntimeout_ms = 200\n");
  std::vector<std::string> w;
  Settings s = load_with({sys, user}, &w);
  EXPECT_EQ(s.backend, "emulated");
  EXPECT_EQ(s.timeout_ms, 200u);
  EXPECT_TRUE(s.stats);  // untouched by the user file
  s = load_with({sys, user}, &w, {{"NXZ_BACKEND", "auto"}, {"NXZ_TIMEOUT_MS", "7"}});
  EXPECT_EQ(s.backend, "auto");
  EXPECT_EQ(s.timeout_ms, 7u);
  // An empty variable is no setting at all.
  s = load_with({sys, user}, &w, {{"NXZ_BACKEND", ""}});
  EXPECT_EQ(s.backend, "emulated");
  EXPECT_TRUE(w.empty());
}

TEST(Config, MalformedSettingsWarnOnceEachAndKeepTheDefault) {
  TempDir d;
  const std::string f = d.write("bad.conf",
                                "backend = turbo\n"
                                "colour = blue\n"
                                "just some words\n"
                                "timeout_ms = -5\n"
                                "timeout_ms = 0\n"
                                "inflate_soft_below = 12Q\n"
                                "stats = maybe\n"
                                "stats_file = relative/path\n"
                                "log = loud\n");
  std::vector<std::string> w;
  const Settings s = load_with({f}, &w, {{"NXZ_LOG", "shout"}, {"NXZ_TIMEOUT_MS", "x"}});
  EXPECT_EQ(s.backend, "auto");
  EXPECT_EQ(s.timeout_ms, 0u);
  EXPECT_EQ(s.inflate_soft_below, 8192u);
  EXPECT_FALSE(s.stats);
  EXPECT_TRUE(s.stats_file.empty());
  EXPECT_EQ(s.log, LogLevel::kWarn);
  ASSERT_EQ(w.size(), 11u);
  EXPECT_EQ(w[0], f + ":1: bad value `turbo` for backend; the default stays");
  EXPECT_EQ(w[1], f + ":2: unknown setting `colour`; ignored");
  EXPECT_EQ(w[2], f + ":3: not a `key = value` line; ignored");
  EXPECT_EQ(w[7], f + ":8: bad value `relative/path` for stats_file; the default stays");
  EXPECT_EQ(w[9], "NXZ_LOG=shout: bad value; the default stays");
  EXPECT_EQ(w[10], "NXZ_TIMEOUT_MS=x: bad value; the default stays");
}

TEST(Config, AnUnreadableFileIsSaidAndAMissingOneIsNot) {
  std::vector<std::string> w;
  load_with({"/nonexistent/nxz.conf"}, &w);
  EXPECT_TRUE(w.empty());
  load_with({"/proc/self/mem/nxz.conf"}, &w);  // ENOTDIR
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("/proc/self/mem/nxz.conf: "), std::string::npos);
}

// A file kept away by permissions or a sandbox (sshd's seccomp answers
// EACCES) is as good as absent: no word on the host program's stderr.
TEST(Config, AFileKeptAwayIsNotSaid) {
  EXPECT_FALSE(open_error_is_worth_a_warning(ENOENT));
  EXPECT_FALSE(open_error_is_worth_a_warning(EACCES));
  EXPECT_FALSE(open_error_is_worth_a_warning(EPERM));
  EXPECT_TRUE(open_error_is_worth_a_warning(ENOTDIR));
  EXPECT_TRUE(open_error_is_worth_a_warning(EIO));
  if (geteuid() == 0) return;  // root reads a mode-000 file
  const std::string f = testing::TempDir() + "nxz-unreadable.conf";
  { std::ofstream(f) << "backend = nx\n"; }
  ASSERT_EQ(chmod(f.c_str(), 0), 0);
  std::vector<std::string> w;
  load_with({f}, &w);
  EXPECT_TRUE(w.empty()) << w[0];
  std::remove(f.c_str());
}

// The real process's file list: /etc and XDG, never the working directory.
class ProcessSources : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : {"NXZ_CONFIG", "XDG_CONFIG_HOME", "HOME"}) {
      const char* now = std::getenv(v);
      saved_[v] = now ? std::optional<std::string>(now) : std::nullopt;
    }
  }
  void TearDown() override {
    for (auto& [k, v] : saved_) {
      if (v) {
        setenv(k.c_str(), v->c_str(), 1);
      } else {
        unsetenv(k.c_str());
      }
    }
  }
  std::map<std::string, std::optional<std::string>> saved_;
};

TEST_F(ProcessSources, SystemThenXdgUserFile) {
  unsetenv("NXZ_CONFIG");
  setenv("XDG_CONFIG_HOME", "/home/u/.cfg", 1);
  EXPECT_EQ(process_sources().files,
            (std::vector<std::string>{"/etc/nxz.conf", "/home/u/.cfg/nxz/nxz.conf"}));
  unsetenv("XDG_CONFIG_HOME");
  setenv("HOME", "/home/u", 1);
  EXPECT_EQ(process_sources().files,
            (std::vector<std::string>{"/etc/nxz.conf", "/home/u/.config/nxz/nxz.conf"}));
}

TEST_F(ProcessSources, NeverARelativePath) {
  unsetenv("NXZ_CONFIG");
  setenv("XDG_CONFIG_HOME", "cfg", 1);  // invalid per XDG: would be under the cwd
  setenv("HOME", ".", 1);
  EXPECT_EQ(process_sources().files, (std::vector<std::string>{"/etc/nxz.conf"}));
}

TEST_F(ProcessSources, NxzConfigNamesTheOneFileOrNone) {
  setenv("NXZ_CONFIG", "/opt/nxz.conf", 1);
  EXPECT_EQ(process_sources().files, (std::vector<std::string>{"/opt/nxz.conf"}));
  setenv("NXZ_CONFIG", "none", 1);
  EXPECT_TRUE(process_sources().files.empty());
}

// CTest runs this one with NXZ_CONFIG naming a file written by the test
// command (CMakeLists.txt), and NXZ_LOG_FILE set: the process's own
// settings come from it, and its one malformed line reached the log once.
TEST(ConfigInTheProcess, SettingsComeFromTheNamedFile) {
  const char* expect = std::getenv("NXZ_TEST_CONFIG_EXPECT");
  if (!expect) GTEST_SKIP() << "run by CTest as Config.FromTheNamedFile";
  const Settings& s = settings();
  EXPECT_EQ(s.backend, "emulated");
  EXPECT_EQ(s.timeout_ms, 1234u);
  log(LogLevel::kInfo, "not written: below the level");
  log(LogLevel::kWarn, "written");
  std::ifstream in(std::getenv("NXZ_LOG_FILE"));
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string pid = "nxz[" + std::to_string(getpid()) + "]: ";
  EXPECT_EQ(all, pid + "config: " + expect + ":3: unknown setting `turbo`; ignored\n" + pid +
                     "written\n");
}

}  // namespace
}  // namespace nxz::config
