#include "config/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>

namespace nxz::config {
namespace {

// The log file, opened once for appending; stderr when none is set or it
// cannot be opened.
int log_fd() {
  static const int fd = [] {
    const std::string& path = settings().log_file;
    if (path.empty()) return 2;
    const int f = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    return f >= 0 ? f : 2;
  }();
  return fd;
}

}  // namespace

bool log_enabled(LogLevel level) {
  return level != LogLevel::kNone && static_cast<int>(level) <= static_cast<int>(settings().log);
}

void log(LogLevel level, const char* fmt, ...) {
  if (!log_enabled(level)) return;
  char line[1024];
  int n = std::snprintf(line, sizeof line, "nxz[%ld]: ", static_cast<long>(getpid()));
  va_list ap;
  va_start(ap, fmt);
  const int m = std::vsnprintf(line + n, sizeof line - static_cast<size_t>(n) - 1, fmt, ap);
  va_end(ap);
  n = m < 0 ? n : std::min<int>(n + m, static_cast<int>(sizeof line) - 2);
  line[n++] = '\n';
  // One write per line: lines from threads and processes do not interleave.
  [[maybe_unused]] const ssize_t w = write(log_fd(), line, static_cast<size_t>(n));
}

}  // namespace nxz::config
