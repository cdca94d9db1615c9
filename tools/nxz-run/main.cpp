// nxz-run: runs a program with libnxz.so preloaded and chosen settings.
//
//   nxz-run [OPTIONS] [--] COMMAND [ARGS...]
//
// Everything it does could be typed as environment variables; what it adds
// is finding the right library, checking before the run that preloading can
// apply to the program at all (static, setuid, wrong architecture), and with
// --stats, one line saying what went through nxz in every process the
// command started. See nxz-run.1.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "elf_info.h"
#include "program.h"
#include "stats_summary.h"

#ifndef NXZ_RUN_VERSION
#define NXZ_RUN_VERSION "unknown"
#endif
// Where `cmake --install` puts the library: the full path from the
// configured prefix, and the same directory relative to the binaries' one
// (so that an installed tree moved elsewhere still finds its own library).
#ifndef NXZ_RUN_LIBDIR
#define NXZ_RUN_LIBDIR "/usr/local/lib"
#endif
#ifndef NXZ_RUN_LIBDIR_FROM_BINDIR
#define NXZ_RUN_LIBDIR_FROM_BINDIR "../lib"
#endif

extern char** environ;

namespace nxz_run {
namespace {

// nxz-run's own failures (bad option, no library), as env(1) and
// timeout(1) report theirs, apart from the command's 126 and 127.
constexpr int kOwnFailure = 125;
constexpr int kNotExecutable = 126;
constexpr int kNotFound = 127;
constexpr const char* kLibName = "libnxz.so.0";

struct Options {
  std::string backend, log, log_file, lib;
  bool stats = false, verbose = false;
  std::vector<std::string> command;
};

void usage(FILE* out) {
  std::fputs(
      "Usage: nxz-run [OPTIONS] [--] COMMAND [ARGS...]\n"
      "Runs COMMAND with the nxz library (libnxz.so, a zlib drop-in on the NX-GZIP\n"
      "accelerator) preloaded, so that its zlib calls go through nxz.\n"
      "\n"
      "  --backend auto|nx|emulated  which engine serves requests (NXZ_BACKEND)\n"
      "  --stats                     at the end, print to stderr what went through nxz,\n"
      "                              summed over every process the command started\n"
      "  --log LEVEL                 library log level: none|error|warn|info|debug (NXZ_LOG)\n"
      "  --log-file PATH             where the library logs (NXZ_LOG_FILE)\n"
      "  --lib PATH                  the libnxz.so to preload (default: the one installed\n"
      "                              with nxz-run)\n"
      "  -v, --verbose               say what is set and what the program is\n"
      "  -h, --help                  this text\n"
      "      --version               version and the library that would be preloaded\n"
      "\n"
      "Exit status: COMMAND's; 128+N if it was killed by signal N; 126 if it cannot be\n"
      "executed, 127 if it is not found; 125 if nxz-run itself failed.\n",
      out);
}

[[noreturn]] void fail(const std::string& msg) {
  std::fprintf(stderr, "nxz-run: %s\n", msg.c_str());
  std::exit(kOwnFailure);
}

[[noreturn]] void usage_error(const std::string& msg) {
  std::fprintf(stderr, "nxz-run: %s\nTry 'nxz-run --help'.\n", msg.c_str());
  std::exit(kOwnFailure);
}

bool one_of(const std::string& v, std::initializer_list<const char*> allowed) {
  for (const char* a : allowed)
    if (v == a) return true;
  return false;
}

std::string self_dir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  return exe.parent_path().string();
}

// The default library: beside the binary (a build tree), in the libdir of
// the tree the binary is installed in, then where the install put it.
std::vector<std::string> library_candidates() {
  std::vector<std::string> c;
  auto add = [&c](const std::filesystem::path& p) {
    const std::string s = p.lexically_normal().string();
    for (const auto& have : c)
      if (have == s) return;
    c.push_back(s);
  };
  const std::string dir = self_dir();
  if (!dir.empty()) {
    const std::filesystem::path d(dir);
    add(d / kLibName);
    add(d / NXZ_RUN_LIBDIR_FROM_BINDIR / kLibName);
    add(d / ".." / "lib" / kLibName);
    add(d / ".." / "lib64" / kLibName);
  }
  add(std::filesystem::path(NXZ_RUN_LIBDIR) / kLibName);
  return c;
}

std::string find_default_library(std::string* tried) {
  for (const auto& p : library_candidates()) {
    if (access(p.c_str(), R_OK) == 0) return p;
    *tried += (tried->empty() ? "" : ", ") + p;
  }
  return "";
}

Options parse(int argc, char** argv) {
  Options o;
  int i = 1;
  // "--name value" and "--name=value" alike.
  auto value = [&](const std::string& arg, const std::string& name, std::string* out) {
    if (arg == name) {
      if (i + 1 >= argc) usage_error("option " + name + " needs a value");
      *out = argv[++i];
      return true;
    }
    if (arg.rfind(name + "=", 0) == 0) {
      *out = arg.substr(name.size() + 1);
      return true;
    }
    return false;
  };
  for (; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.empty() || a[0] != '-' || a == "-") break;
    if (a == "-h" || a == "--help") {
      usage(stdout);
      std::exit(0);
    } else if (a == "--version") {
      std::string tried;
      const std::string lib = find_default_library(&tried);
      std::printf("nxz-run (nxz) %s\nlibrary: %s\n", NXZ_RUN_VERSION,
                  lib.empty() ? ("not found (looked for " + tried + ")").c_str() : lib.c_str());
      std::exit(0);
    } else if (a == "-v" || a == "--verbose") {
      o.verbose = true;
    } else if (a == "--stats") {
      o.stats = true;
    } else if (value(a, "--backend", &o.backend)) {
      if (!one_of(o.backend, {"auto", "nx", "emulated"}))
        usage_error("--backend must be auto, nx or emulated, not '" + o.backend + "'");
    } else if (value(a, "--log", &o.log)) {
      if (!one_of(o.log, {"none", "error", "warn", "info", "debug"}))
        usage_error("--log must be none, error, warn, info or debug, not '" + o.log + "'");
    } else if (value(a, "--log-file", &o.log_file)) {
      if (o.log_file.empty()) usage_error("--log-file needs a path");
    } else if (value(a, "--lib", &o.lib)) {
      if (o.lib.empty()) usage_error("--lib needs a path");
    } else {
      usage_error("unknown option '" + a + "'");
    }
  }
  for (; i < argc; ++i) o.command.push_back(argv[i]);
  if (o.command.empty()) usage_error("no command given");
  return o;
}

void set(const Options& o, const char* name, const std::string& v) {
  if (setenv(name, v.c_str(), 1) != 0) fail(std::string("cannot set ") + name);
  if (o.verbose) std::fprintf(stderr, "nxz-run: %s=%s\n", name, v.c_str());
}

std::vector<char*> c_argv(const std::vector<std::string>& args) {
  std::vector<char*> v;
  for (const auto& a : args) v.push_back(const_cast<char*>(a.c_str()));
  v.push_back(nullptr);
  return v;
}

// Executes the program as a shell does: a text file the kernel will not
// run (ENOEXEC: no "#!") is given to /bin/sh. Returns errno.
int exec_program(const std::string& path, const std::vector<std::string>& args) {
  std::vector<char*> v = c_argv(args);
  execv(path.c_str(), v.data());
  int err = errno;
  if (err == ENOEXEC && runs_as_shell_script(path)) {
    std::vector<std::string> sh = {"sh", path};
    sh.insert(sh.end(), args.begin() + 1, args.end());
    std::vector<char*> sv = c_argv(sh);
    execv("/bin/sh", sv.data());
    err = errno;
  }
  return err;
}

int exec_failure(const std::string& path, int err) {
  std::fprintf(stderr, "nxz-run: %s: %s\n", path.c_str(), std::strerror(err));
  return err == ENOENT ? kNotFound : kNotExecutable;
}

// ---- --stats: the command runs as our child; these signals go on to it.
constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
std::atomic<pid_t> g_child{0};
static_assert(std::atomic<pid_t>::is_always_lock_free);

void forward(int sig, siginfo_t* info, void*) {
  const pid_t child = g_child.load(std::memory_order_relaxed);
  if (child <= 0) return;
  // A signal the terminal generated (^C, ^\, hangup) went to the whole
  // foreground process group, the child included, unless the child has
  // left our group: sending it again would deliver it twice (a Python
  // program would see a second KeyboardInterrupt inside its handler).
  if (info != nullptr && info->si_code > 0 && getpgid(child) == getpgrp()) return;
  const int saved = errno;
  kill(child, sig);
  errno = saved;
}

int wait_status_to_exit(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return kOwnFailure;
}

std::string read_file(const std::string& path) {
  std::string s;
  FILE* f = std::fopen(path.c_str(), "re");
  if (f == nullptr) return s;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  std::fclose(f);
  return s;
}

int run_with_stats(const Options& o, const std::string& path, const std::string& stats_file,
                   const char* user_stats_file) {
  // Block the forwarded signals until the child's pid is known, so that
  // none arrives in between and is lost; the child restores everything.
  sigset_t block, saved_mask;
  sigemptyset(&block);
  for (int s : kForwarded) sigaddset(&block, s);
  sigprocmask(SIG_BLOCK, &block, &saved_mask);
  struct sigaction old_actions[std::size(kForwarded)];
  bool installed[std::size(kForwarded)] = {};
  for (size_t k = 0; k < std::size(kForwarded); ++k) {
    sigaction(kForwarded[k], nullptr, &old_actions[k]);
    // A signal ignored when we started (a background job's SIGINT) stays
    // ignored, for us and, through exec, for the command, as in a shell.
    if (old_actions[k].sa_handler == SIG_IGN) continue;
    struct sigaction sa = {};
    sa.sa_sigaction = forward;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(kForwarded[k], &sa, nullptr);
    installed[k] = true;
  }

  // The child reports a failed exec through a close-on-exec pipe: EOF
  // means the exec happened.
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) fail(std::string("pipe: ") + std::strerror(errno));
  const pid_t pid = fork();
  if (pid < 0) fail(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    close(fds[0]);
    for (size_t k = 0; k < std::size(kForwarded); ++k)
      if (installed[k]) sigaction(kForwarded[k], &old_actions[k], nullptr);
    sigprocmask(SIG_SETMASK, &saved_mask, nullptr);
    const int err = exec_program(path, o.command);
    [[maybe_unused]] ssize_t w = write(fds[1], &err, sizeof err);
    _exit(err == ENOENT ? kNotFound : kNotExecutable);
  }
  g_child.store(pid);
  sigprocmask(SIG_SETMASK, &saved_mask, nullptr);
  close(fds[1]);
  int exec_err = 0;
  ssize_t r;
  do r = read(fds[0], &exec_err, sizeof exec_err);
  while (r < 0 && errno == EINTR);
  close(fds[0]);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) fail(std::string("waitpid: ") + std::strerror(errno));
  }
  g_child.store(0);
  if (r == static_cast<ssize_t>(sizeof exec_err)) {
    unlink(stats_file.c_str());
    return exec_failure(path, exec_err);
  }

  // Every process that used the library and exited normally has appended
  // its line by now, except ones still running in the background.
  const std::string text = read_file(stats_file);
  unlink(stats_file.c_str());
  StatsSummary sum;
  add_stats_text(text, &sum);
  std::fprintf(stderr, "nxz-run: %s\n", format_summary(sum).c_str());
  // The lines also go where the user's own NXZ_STATS_FILE asked for them.
  if (user_stats_file != nullptr && *user_stats_file != '\0' && !text.empty()) {
    const int fd = open(user_stats_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
      [[maybe_unused]] ssize_t w = write(fd, text.data(), text.size());
      close(fd);
    }
  }
  return wait_status_to_exit(status);
}

int run(int argc, char** argv) {
  const Options o = parse(argc, argv);

  // The library first: without it there is nothing to run the program with.
  std::string lib = o.lib;
  if (lib.empty()) {
    std::string tried;
    lib = find_default_library(&tried);
    if (lib.empty())
      fail("cannot find " + std::string(kLibName) + " (looked for " + tried +
           "); name one with --lib PATH");
  } else {
    if (access(lib.c_str(), R_OK) != 0) fail("--lib " + lib + ": " + std::strerror(errno));
    // Absolute, so that the loader finds it whatever directory the command
    // changes to before it runs a child of its own.
    std::error_code ec;
    const auto abs = std::filesystem::absolute(lib, ec);
    if (!ec) lib = abs.lexically_normal().string();
  }
  if (lib.find_first_of(": \t") != std::string::npos)
    fail(lib +
         ": a path with a space or a colon cannot go into LD_PRELOAD (the loader splits "
         "it there); use a symbolic link without them");
  const ElfInfo lib_elf = read_elf_info(lib);
  if (lib_elf.kind != ElfInfo::Kind::kElf) fail(lib + " is not an ELF shared library");
  if (o.verbose)
    std::fprintf(stderr, "nxz-run: library %s (%s)\n", lib.c_str(), lib_elf.describe().c_str());

  const Resolved prog = resolve_command(o.command[0], std::getenv("PATH"));
  switch (prog.status) {
    case Resolved::Status::kFound:
      break;
    case Resolved::Status::kNotFound:
      if (o.command[0].find('/') != std::string::npos)
        std::fprintf(stderr, "nxz-run: %s: No such file or directory\n", o.command[0].c_str());
      else
        std::fprintf(stderr, "nxz-run: %s: command not found\n", o.command[0].c_str());
      return kNotFound;
    case Resolved::Status::kNotExecutable:
      std::fprintf(stderr, "nxz-run: %s: Permission denied (not executable)\n", prog.path.c_str());
      return kNotExecutable;
    case Resolved::Status::kIsDirectory:
      std::fprintf(stderr, "nxz-run: %s: Is a directory\n", prog.path.c_str());
      return kNotExecutable;
  }
  const Diagnosis diag = diagnose(prog.path, lib, lib_elf);
  for (const auto& n : diag.notes) std::fprintf(stderr, "%s\n", n.c_str());
  if (o.verbose)
    for (const auto& d : diag.details) std::fprintf(stderr, "%s\n", d.c_str());

  // Asked for the accelerator where there is none: every stream will run in
  // software, and a process that never opened a window reports nothing.
  if (o.backend == "nx" && access("/dev/crypto/nx-gzip", F_OK) != 0)
    std::fprintf(stderr,
                 "nxz-run: --backend nx, but this machine has no /dev/crypto/nx-gzip: zlib "
                 "work runs in software\n");

  const char* old_preload = std::getenv("LD_PRELOAD");
  set(o, "LD_PRELOAD", old_preload && *old_preload ? lib + ":" + old_preload : lib);
  if (!o.backend.empty()) set(o, "NXZ_BACKEND", o.backend);
  if (!o.log.empty()) set(o, "NXZ_LOG", o.log);
  if (!o.log_file.empty()) set(o, "NXZ_LOG_FILE", o.log_file);

  if (!o.stats) {
    // Nothing to do afterwards: become the command, so that its pid, its
    // signals and its exit status are its own.
    std::fflush(stderr);
    return exec_failure(prog.path, exec_program(prog.path, o.command));
  }

  const char* user_stats = std::getenv("NXZ_STATS_FILE");
  const std::string user_stats_copy = user_stats ? user_stats : "";
  const char* tmpdir = std::getenv("TMPDIR");
  std::string stats_file =
      std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/nxz-run-stats.XXXXXX";
  const int fd = mkostemp(stats_file.data(), O_CLOEXEC);
  if (fd < 0) fail("cannot create a statistics file (" + stats_file + "): " + std::strerror(errno));
  close(fd);
  set(o, "NXZ_STATS_FILE", stats_file);
  std::fflush(stderr);
  return run_with_stats(o, prog.path, stats_file, user_stats ? user_stats_copy.c_str() : nullptr);
}

}  // namespace
}  // namespace nxz_run

int main(int argc, char** argv) { return nxz_run::run(argc, argv); }
