// What an NX window needs from the operating system, behind an interface so
// that the window's rules (fork, lost credits) are tested with a fake on any
// machine. LinuxVas is the real one.
#pragma once

#include <cstdint>

#include "common/fork_epoch.h"

namespace nxz::power9 {

// One open send window: the descriptor and its mapped paste page.
struct VasHandle {
  int fd = -1;
  void* map = nullptr;
  void* paste_address = nullptr;  // map + kPasteOffset
  bool is_open() const { return paste_address != nullptr; }
};

class VasSystem {
 public:
  virtual ~VasSystem() = default;
  // Opens a send window. Returns 0, or a negative errno: -ENODEV when there
  // is no NX-GZIP device here.
  virtual int open(VasHandle* out) = 0;
  // Unmaps and closes a window this process opened. Waits, in the kernel,
  // until every request accepted on it has completed.
  virtual void close(const VasHandle& h) = 0;
  // Pastes one 128-byte CRB; true when the accelerator took it.
  virtual bool paste(const VasHandle& h, const void* crb) = 0;
  // A number that changes in the child at every fork(): a window opened
  // under another number belongs to an ancestor process.
  virtual uint64_t process_epoch() = 0;
  // Monotonic time in nanoseconds.
  virtual uint64_t now_ns() = 0;
};

// The real system calls on `device` (normally kNxGzipDevice). On
// architectures other than ppc64, paste() refuses every CRB: no such device
// can be opened there.
class LinuxVas final : public VasSystem {
 public:
  explicit LinuxVas(const char* device) : device_(device) {}
  int open(VasHandle* out) override;
  void close(const VasHandle& h) override;
  bool paste(const VasHandle& h, const void* crb) override;
  uint64_t process_epoch() override;
  uint64_t now_ns() override;

 private:
  const char* device_;
};

// The process's fork generation (common/fork_epoch.h).
using ::nxz::fork_epoch;

}  // namespace nxz::power9
