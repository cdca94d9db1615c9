#include "power9/vas_system.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <ctime>

#include "power9/copy_paste.h"
#include "power9/vas_abi.h"

namespace nxz::power9 {

namespace {

// Errors that mean "no usable NX-GZIP device here" rather than a failure of
// one: the node is missing, or answers to no VAS ioctl (ENOTTY from a real
// kernel, ENOSYS from qemu-user, which does not forward unknown ioctls).
int as_no_device(int err) {
  switch (err) {
    case ENOENT:
    case ENODEV:
    case ENXIO:
    case ENOTTY:
    case ENOSYS:
      return -ENODEV;
    default:
      return -err;
  }
}

}  // namespace

int LinuxVas::open(VasHandle* out) {
  const int fd = ::open(device_, O_RDWR | O_CLOEXEC);
  if (fd < 0) return as_no_device(errno);
  VasTxWinOpenAttr attr;
  if (::ioctl(fd, kVasTxWinOpen, &attr) < 0) {
    const int err = errno;
    ::close(fd);
    return as_no_device(err);
  }
  void* map = ::mmap(nullptr, kWindowMapBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) {
    const int err = errno;
    ::close(fd);
    return -err;
  }
  out->fd = fd;
  out->map = map;
  out->paste_address = static_cast<char*>(map) + kPasteOffset;
  return 0;
}

void LinuxVas::close(const VasHandle& h) {
  ::munmap(h.map, kWindowMapBytes);
  ::close(h.fd);
}

bool LinuxVas::paste(const VasHandle& h, const void* crb) {
#if defined(__powerpc64__)
  return paste_accepted(copy_paste(h.paste_address, crb));
#else
  (void)h;
  (void)crb;
  return false;
#endif
}

uint64_t LinuxVas::process_epoch() { return fork_epoch(); }

uint64_t LinuxVas::now_ns() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

}  // namespace nxz::power9
