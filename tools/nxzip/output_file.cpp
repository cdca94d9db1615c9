#include "output_file.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "report.h"

namespace nxzip {
namespace {

// The temporary being written, for the signal handler: files are done one
// at a time, so one slot is enough. The path is written before the flag is
// raised, and the flag dropped only after the rename, so the handler never
// sees half a path and at worst unlinks a name that is already gone.
char g_temp_path[PATH_MAX];
std::atomic<bool> g_temp_live{false};

void on_signal(int sig) {
  if (g_temp_live.load()) unlink(g_temp_path);
  // The default action then ends the process with the signal's status.
  signal(sig, SIG_DFL);
  raise(sig);
}

std::string dir_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

void install_cleanup_handlers() {
  for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction sa {};
    sigaction(sig, nullptr, &sa);
    // A signal ignored by whoever started us (nohup) stays ignored.
    if (sa.sa_handler == SIG_IGN) continue;
    sa = {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, nullptr);
  }
}

Output::Output() : fd_(1), is_file_(false), open_(true), name_("stdout") {}

Output::Output(const std::string& path) : is_file_(true), name_(path) {
  std::string temp = dir_of(path) + "/.nxzip-XXXXXX";
  if (temp.size() >= sizeof g_temp_path) throw system_error(path, ENAMETOOLONG);
  // Signals are held while the name is created and registered, so that no
  // temporary exists unregistered.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  const int fd = mkstemp(temp.data());
  const int err = errno;
  if (fd >= 0) {
    std::memcpy(g_temp_path, temp.c_str(), temp.size() + 1);
    g_temp_live.store(true);
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (fd < 0) throw system_error(path, err);
  fd_ = fd;
  open_ = true;
  temp_ = temp;
}

Output::~Output() { discard(); }

void Output::write(const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw system_error(name_, errno);
    }
    p += w;
    n -= static_cast<size_t>(w);
    written_ += static_cast<uint64_t>(w);
  }
}

void Output::commit(const struct stat* like, bool replace) {
  // Stdout: every write was checked as it was made.
  if (!is_file_) return;
  if (like) {
    // Owner first: chown may clear set-id bits that chmod then sets. A file
    // that cannot be given to the input's owner gets no set-id bits, and
    // the input's group when we belong to it.
    mode_t mode = like->st_mode & 07777;
    if (fchown(fd_, like->st_uid, like->st_gid) != 0) {
      mode &= 0777;
      if (fchown(fd_, static_cast<uid_t>(-1), like->st_gid) != 0) {
        // Our own group stays.
      }
    }
    if (fchmod(fd_, mode) != 0) throw system_error(name_, errno);
    const struct timespec times[2] = {like->st_atim, like->st_mtim};
    if (futimens(fd_, times) != 0) throw system_error(name_, errno);
  }
  open_ = false;
  if (close(fd_) != 0) throw system_error(name_, errno);
  int r;
  if (replace) {
    r = rename(temp_.c_str(), name_.c_str());
  } else {
    // Atomic "create only": a file that appeared meanwhile is not clobbered.
    r = renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, name_.c_str(), RENAME_NOREPLACE);
    if (r != 0 && (errno == EINVAL || errno == ENOSYS)) {
      if (access(name_.c_str(), F_OK) == 0) {
        errno = EEXIST;
      } else {
        r = rename(temp_.c_str(), name_.c_str());
      }
    }
  }
  if (r != 0) {
    const int err = errno;
    if (err == EEXIST) throw FileError(name_ + " already exists; not overwritten");
    throw system_error(name_, err);
  }
  g_temp_live.store(false);
  temp_.clear();
}

void Output::discard() {
  if (!is_file_) return;
  if (open_) {
    close(fd_);
    open_ = false;
  }
  if (!temp_.empty()) {
    unlink(temp_.c_str());
    g_temp_live.store(false);
    temp_.clear();
  }
}

}  // namespace nxzip
