#include "program.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

namespace nxz_run {
namespace {

bool is_dir(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool exists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

// The default search path when PATH is unset, as the C library's execvp and
// the shells use it.
std::string default_path() {
  const size_t n = confstr(_CS_PATH, nullptr, 0);
  if (n == 0) return "/bin:/usr/bin";
  std::string s(n, '\0');
  confstr(_CS_PATH, s.data(), n);
  s.resize(n - 1);
  return s;
}

// The kernel reads at most this much of a "#!" line (BINPRM_BUF_SIZE).
constexpr size_t kShebangMax = 256;

struct Shebang {
  std::string interp;
  std::string arg;  // the one optional argument, as the kernel passes it
};

bool read_shebang(const std::string& path, Shebang* out) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[kShebangMax];
  ssize_t n;
  do n = read(fd, buf, sizeof buf);
  while (n < 0 && errno == EINTR);
  close(fd);
  if (n < 2 || buf[0] != '#' || buf[1] != '!') return false;
  std::string line(buf + 2, static_cast<size_t>(n - 2));
  line = line.substr(0, line.find('\n'));
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  size_t i = 0;
  while (i < line.size() && blank(line[i])) ++i;
  size_t j = i;
  while (j < line.size() && !blank(line[j])) ++j;
  out->interp = line.substr(i, j - i);
  while (j < line.size() && blank(line[j])) ++j;
  size_t k = line.size();
  while (k > j && (blank(line[k - 1]) || line[k - 1] == '\r')) --k;
  out->arg = line.substr(j, k - j);
  return !out->interp.empty();
}

// "#!/usr/bin/env python3" (or "env -S python3 -u"): the program that
// actually runs is env's first operand, looked up in PATH.
std::string env_operand(const std::string& arg) {
  std::istringstream words(arg);
  std::string w;
  while (words >> w) {
    if (w.rfind("-S", 0) == 0) {  // "-S" splits the rest; "-Sprog" glues it on
      if (w.size() > 2) return w.substr(2);
      continue;
    }
    if (w[0] == '-' || w.find('=') != std::string::npos) continue;
    return w;
  }
  return "";
}

std::string basename_of(const std::string& p) {
  const size_t s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

// Secure-execution mode (AT_SECURE): the loader then ignores LD_PRELOAD
// (except for setuid libraries in its standard directories). The kernel
// sets it when exec changes the effective ids, i.e. a set-id bit whose id
// differs from ours on a filesystem that honours set-id bits, or when a
// non-root user gains file capabilities.
std::string secure_exec_reason(const std::string& path, const struct stat& st) {
  struct statvfs vfs;
  if (statvfs(path.c_str(), &vfs) == 0 && (vfs.f_flag & ST_NOSUID)) return "";
  if ((st.st_mode & S_ISUID) && st.st_uid != getuid())
    return "setuid (owner uid " + std::to_string(st.st_uid) + ")";
  // Set-group-ID takes effect only with group execute permission.
  if ((st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP) && st.st_gid != getgid())
    return "setgid (group gid " + std::to_string(st.st_gid) + ")";
  if (getuid() != 0 && getxattr(path.c_str(), "security.capability", nullptr, 0) >= 0)
    return "given file capabilities";
  return "";
}

bool links_zlib(const ElfInfo& e) {
  return std::any_of(e.needed.begin(), e.needed.end(),
                     [](const std::string& n) { return n.rfind("libz.so", 0) == 0; });
}

void diagnose_at(const std::string& path, const std::string& lib_path, const ElfInfo& lib,
                 int depth, Diagnosis* d) {
  const std::string me = "nxz-run: ";
  const ElfInfo e = read_elf_info(path);
  switch (e.kind) {
    case ElfInfo::Kind::kUnreadable:
      d->details.push_back(me + "cannot read " + path + " (" + e.error +
                           "): not inspected; it runs with the library preloaded");
      return;
    case ElfInfo::Kind::kCorrupt:
      d->notes.push_back(me + path + ": unreadable ELF headers (" + e.error +
                         "): cannot tell whether LD_PRELOAD applies to it");
      return;
    case ElfInfo::Kind::kNotElf: {
      // The kernel runs "#!" files itself, interpreter first; anything else
      // fails with ENOEXEC and is handed to /bin/sh, as a shell would.
      Shebang sb;
      std::string next;
      if (read_shebang(path, &sb)) {
        next = sb.interp;
        std::string how = "its #! line";
        if (basename_of(sb.interp) == "env") {
          const std::string op = env_operand(sb.arg);
          const Resolved r = resolve_command(op, getenv("PATH"));
          if (!op.empty() && r.status == Resolved::Status::kFound) {
            next = r.path;
            how = "#!" + sb.interp + " " + sb.arg;
          }
        }
        d->details.push_back(me + path + " is a script run by " + next + " (" + how + ")");
      } else if (runs_as_shell_script(path)) {
        next = "/bin/sh";
        d->details.push_back(me + path +
                             " is neither ELF nor a #! script: /bin/sh will run it, as a shell "
                             "does");
      } else {
        d->details.push_back(me + path + " is neither ELF, nor a script, nor text");
        return;
      }
      // The kernel allows a few levels of interpreters; so do we.
      if (depth >= 4) {
        d->notes.push_back(me + path + ": too many levels of #! interpreters");
        return;
      }
      if (!exists(next)) {
        d->notes.push_back(me + path + ": its interpreter " + next + " does not exist");
        return;
      }
      diagnose_at(next, lib_path, lib, depth + 1, d);
      return;
    }
    case ElfInfo::Kind::kElf:
      break;
  }

  if (!e.dynamically_linked()) {
    d->notes.push_back(me + path +
                       " is statically linked: LD_PRELOAD cannot accelerate it; it runs as it "
                       "is");
    return;
  }
  struct stat st;
  if (stat(path.c_str(), &st) == 0) {
    const std::string why = secure_exec_reason(path, st);
    if (!why.empty()) {
      d->notes.push_back(me + path + " is " + why +
                         ": the loader ignores LD_PRELOAD for it; it runs as it is");
      return;
    }
  }
  if (lib.kind == ElfInfo::Kind::kElf &&
      (lib.bits != e.bits || lib.machine != e.machine || lib.big_endian != e.big_endian)) {
    d->notes.push_back(me + path + " is " + e.describe() + " but " + lib_path + " is " +
                       lib.describe() +
                       ": the loader will skip the library; the program runs as it is");
    return;
  }
  std::string zlib = links_zlib(e) ? "links libz.so.1"
                                   : "does not link libz.so.1 itself (a library it loads, or "
                                     "dlopen, may bring zlib)";
  d->details.push_back(me + path + ": dynamically linked " + e.describe() + ", loader " + e.interp +
                       "; " + zlib);
}

}  // namespace

bool runs_as_shell_script(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[kShebangMax];
  ssize_t n;
  do n = read(fd, buf, sizeof buf);
  while (n < 0 && errno == EINTR);
  close(fd);
  if (n < 0) return false;
  if (n >= 4 && std::memcmp(buf, "\177ELF", 4) == 0) return false;
  return std::memchr(buf, 0, static_cast<size_t>(n)) == nullptr;
}

Resolved resolve_command(const std::string& name, const char* path_env) {
  Resolved r;
  if (name.empty()) return r;
  if (name.find('/') != std::string::npos) {
    r.path = name;
    if (!exists(name))
      r.status = Resolved::Status::kNotFound;
    else if (is_dir(name))
      r.status = Resolved::Status::kIsDirectory;
    else if (access(name.c_str(), X_OK) != 0)
      r.status = Resolved::Status::kNotExecutable;
    else
      r.status = Resolved::Status::kFound;
    return r;
  }
  const std::string search = path_env ? path_env : default_path();
  std::string refused;  // the first match without execute permission
  size_t start = 0;
  while (start <= search.size()) {
    size_t end = search.find(':', start);
    if (end == std::string::npos) end = search.size();
    std::string dir = search.substr(start, end - start);
    start = end + 1;
    const std::string cand = (dir.empty() ? std::string(".") : dir) + "/" + name;
    struct stat st;
    if (stat(cand.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) continue;
    if (access(cand.c_str(), X_OK) == 0) {
      r.status = Resolved::Status::kFound;
      r.path = cand;
      return r;
    }
    if (refused.empty()) refused = cand;
  }
  if (!refused.empty()) {
    r.status = Resolved::Status::kNotExecutable;
    r.path = refused;
  }
  return r;
}

Diagnosis diagnose(const std::string& path, const std::string& lib_path, const ElfInfo& lib) {
  Diagnosis d;
  diagnose_at(path, lib_path, lib, 0, &d);
  return d;
}

}  // namespace nxz_run
