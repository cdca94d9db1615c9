#include "power9/platform_limits.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <charconv>

namespace nxz::power9 {

namespace {

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// Reads at most `cap` bytes; sysfs attributes are one short line.
std::string read_small_file(const std::string& path, size_t cap) {
  std::string text;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return text;
  char buf[64];
  while (text.size() < cap) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return text;
}

}  // namespace

bool is_powervm(const std::string& root) {
  return exists(root + kPartitionName) || exists(root + kLparcfg);
}

uint64_t sysfs_max_request(const std::string& root) {
  const std::string text = read_small_file(root + kReqMaxProcessedLen, 64);
  const char* first = text.data();
  const char* last = first + text.size();
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end == first) return 0;
  // The kernel prints the number and a newline; anything else is not a
  // value we understand, so the default is safer than a misread one.
  for (const char* p = end; p != last; ++p) {
    if (!std::isspace(static_cast<unsigned char>(*p))) return 0;
  }
  return value;
}

uint64_t max_request_bytes(const std::string& root) {
  if (const uint64_t v = sysfs_max_request(root)) return v;
  return is_powervm(root) ? kPowerVmMaxRequest : kBareMetalMaxRequest;
}

}  // namespace nxz::power9
