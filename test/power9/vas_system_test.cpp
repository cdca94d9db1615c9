// Contract §9.1 and §9.4 on the real system calls: a missing or foreign
// device is -ENODEV without leaking a descriptor, and the fork epoch changes
// in a child process.
#include "power9/vas_system.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace {

using nxz::power9::LinuxVas;
using nxz::power9::VasHandle;

// The lowest free descriptor number: unchanged when nothing leaked.
int lowest_free_fd() {
  const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ::close(fd);
  return fd;
}

TEST(Contract9Open, MissingDeviceIsNoDevice) {
  LinuxVas sys("/nonexistent/crypto/nx-gzip");
  VasHandle h;
  const int before = lowest_free_fd();
  EXPECT_EQ(sys.open(&h), -ENODEV);
  EXPECT_FALSE(h.is_open());
  EXPECT_EQ(lowest_free_fd(), before);
}

TEST(Contract9Open, DeviceThatRefusesTheIoctlIsNoDeviceAndIsClosed) {
  // /dev/null opens read-write but knows no VAS ioctl.
  LinuxVas sys("/dev/null");
  VasHandle h;
  const int before = lowest_free_fd();
  EXPECT_EQ(sys.open(&h), -ENODEV);
  EXPECT_FALSE(h.is_open());
  EXPECT_EQ(h.fd, -1);
  EXPECT_EQ(lowest_free_fd(), before);
}

TEST(Contract9Open, DirectoryIsAnErrorOtherThanNoDevice) {
  // A node that exists but cannot be opened read-write is a real failure
  // (EISDIR here; EACCES for a device without permission), not "absent".
  LinuxVas sys("/");
  VasHandle h;
  EXPECT_EQ(sys.open(&h), -EISDIR);
}

TEST(Contract9Fork, EpochChangesInTheChildOnly) {
  const uint64_t parent = nxz::power9::fork_epoch();
  EXPECT_EQ(nxz::power9::fork_epoch(), parent);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const uint64_t child = nxz::power9::fork_epoch();
    int status = child == parent + 1 ? 0 : 1;
    // A grandchild moves on again, so no descendant shares an ancestor's epoch.
    const pid_t g = ::fork();
    if (g == 0) ::_exit(nxz::power9::fork_epoch() == parent + 2 ? 0 : 1);
    int gs = 0;
    if (g < 0 || ::waitpid(g, &gs, 0) != g || !WIFEXITED(gs) || WEXITSTATUS(gs) != 0) status |= 2;
    ::_exit(status);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: child epoch unchanged, 2: grandchild epoch wrong";
  EXPECT_EQ(nxz::power9::fork_epoch(), parent);
}

TEST(Contract9Clock, MonotonicNanoseconds) {
  LinuxVas sys("/dev/null");
  const uint64_t a = sys.now_ns();
  ::usleep(2000);
  const uint64_t b = sys.now_ns();
  EXPECT_GE(b - a, 2'000'000u);
  EXPECT_LT(b - a, 2'000'000'000u);
}

}  // namespace
