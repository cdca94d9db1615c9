#include "input_source.h"

#include <unistd.h>

#include <cerrno>

#include "report.h"

namespace nxzip {

InputSource::InputSource(int fd, std::string name, size_t buffer_size)
    : fd_(fd), name_(std::move(name)), buf_(buffer_size) {}

bool InputSource::fill() {
  if (pos_ < len_) return true;
  pos_ = len_ = 0;
  const size_t n = read_full(fd_, name_, buf_.data(), buf_.size());
  len_ = n;
  total_ += n;
  return n > 0;
}

size_t read_full(int fd, const std::string& name, uint8_t* dst, size_t n) {
  size_t have = 0;
  while (have < n) {
    const ssize_t r = read(fd, dst + have, n - have);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw system_error(name, errno);
    }
    if (r == 0) break;
    have += static_cast<size_t>(r);
  }
  return have;
}

}  // namespace nxzip
