// Contract §9.4 as the emulator applies it: a forked child never uses its
// parent's window (whose engine thread it does not have); it opens its own.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include "vas/vas_test_util.h"

namespace nxz::test::vas {
namespace {

TEST(Fork, ChildRefusesTheParentsWindowAndOpensItsOwn) {
  Window parent;
  const Bytes src = text_like(3 * page(), 81);
  Request r;
  Bytes out(src.size());
  setup_wrap(r, src.data(), src.size(), out.data(), out.size());
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // No gtest assertions in the child: the exit code says what failed.
    int code = 0;
    if (nxz_accel_paste(parent, &r.crb()) != NXZ_PASTE_BUSY) code |= 1;
    Mapping cold(src.size());
    setup_wrap(r, src.data(), src.size(), cold.data(), src.size());
    nxz_window* w = nullptr;
    const nxz_emu_config cfg = quiet_config();
    if (nxz_accel_open(NXZ_BACKEND_EMULATED, &cfg, &w) != 0) _exit(code | 2);
    if (run_with_faults(w, r, {{cold.data(), cold.size()}}) != 3) code |= 4;
    if (r.csb().cc() != 0 || std::memcmp(cold.data(), src.data(), src.size()) != 0) code |= 8;
    nxz_accel_close(w);
    _exit(code);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // The parent's window is untouched by all that.
  EXPECT_EQ(run_with_faults(parent, r, {{out.data(), out.size()}}), 0);
  expect_wrap_done(r, src.data(), out.data(), src.size());
}

}  // namespace
}  // namespace nxz::test::vas
