// Contract §9.4 as the emulator applies it: a forked child never uses its
// parent's window (whose engine thread it does not have); it opens its own.
// The emulated port does that for the child, as the POWER9 port does: the
// inherited window attaches a new send window, on a new VAS instance of the
// child, at the child's first use of it, and leaves the parent's alone.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>

#include "vas/vas_test_util.h"

namespace nxz::test::vas {
namespace {

// Runs `child` in a forked child and returns its exit status (the bits it
// set for what failed: no gtest assertions in the child), or -1.
template <typename F>
int in_child(F child) {
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) _exit(child());
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

// The wrap of `src` through `w` into cold memory, faults and all: 0 when
// exact, else the failure bits shifted by `shift`.
int wrap_into_cold(nxz_window* w, const Bytes& src, int shift) {
  Mapping cold(src.size());
  Request r;
  setup_wrap(r, src.data(), src.size(), cold.data(), src.size());
  int code = 0;
  if (run_with_faults(w, r, {{cold.data(), cold.size()}}) != 3) code |= 1;
  if (r.csb().cc() != 0 || std::memcmp(cold.data(), src.data(), src.size()) != 0) code |= 2;
  return code << shift;
}

// The parent's window holds a job it has not run (its engine is paused) when
// the process forks. The old rule refused the child's pastes on it (busy
// forever, so a driver spun until its timeout); now the child's first use
// gives it a window of its own, with its own id, full credits and counters
// from zero, that completes requests (faults included) and closes at once,
// while the parent's window, job and counters are exactly as they were.
TEST(Fork, ChildUsesItsOwnWindowBehindTheInheritedOne) {
  nxz_emu_config cfg = quiet_config();
  cfg.credits = 4;
  Window parent(cfg);
  const uint32_t parent_id = nxz_emu_window_id(parent);
  ASSERT_NE(parent_id, 0u);
  const Bytes src = text_like(3 * page(), 81);
  ASSERT_EQ(nxz_emu_pause(parent, NXZ_EMU_ENGINE), 0);
  Request held;
  Bytes held_out(src.size());
  setup_wrap(held, src.data(), src.size(), held_out.data(), held_out.size());
  ASSERT_EQ(nxz_accel_paste(parent, &held.crb()), NXZ_PASTE_ACCEPTED);

  const int code = in_child([&] {
    int c = 0;
    // Any use attaches the child's window, a query as well as a paste.
    const uint32_t id = nxz_emu_window_id(parent);
    if (id == 0 || id == parent_id) c |= 1;
    nxz_emu_stats s{};
    if (nxz_emu_get_stats(parent, &s) != 0 || s.pswid != id || s.pastes_accepted != 0 ||
        s.credits_initial != 4 || s.credits_available != 4 || s.windows_open != 1)
      c |= 2;
    c |= wrap_into_cold(parent, src, 2);  // bits 4, 8
    // The counters and the credits settle just after the CSB is written.
    if (!wait_until([&] {
          return nxz_emu_get_stats(parent, &s) == 0 && s.pastes_accepted == 4 && s.faults == 3 &&
                 s.jobs_completed == 1 && s.credits_available == 4;
        }))
      c |= 16;
    // A grandchild gets its own again.
    const int g = in_child([&] {
      const uint32_t gid = nxz_emu_window_id(parent);
      return (gid == 0 || gid == id || gid == parent_id ? 1 : 0) | wrap_into_cold(parent, src, 1);
    });
    if (g != 0) c |= 32;
    // A window the child opens itself works alongside.
    nxz_window* own = nullptr;
    const nxz_emu_config quiet = quiet_config();
    if (nxz_accel_open(NXZ_BACKEND_EMULATED, &quiet, &own) != 0) return c | 64;
    if (wrap_into_cold(own, src, 0) != 0) c |= 64;
    nxz_accel_close(own);
    // Closing waits only for the child's credits, never for the parent's
    // held job (whose engine thread the child does not have).
    const auto start = std::chrono::steady_clock::now();
    nxz_accel_close(parent);
    if (std::chrono::steady_clock::now() - start > std::chrono::seconds(1)) c |= 128;
    return c;
  });
  EXPECT_EQ(code, 0);

  // The parent's window is untouched by all that: same id, the held job
  // still queued and its credit out, then run once the engine resumes.
  const nxz_emu_stats before = stats(parent);
  EXPECT_EQ(before.pswid, parent_id);
  EXPECT_EQ(before.pastes_accepted, 1u);
  EXPECT_EQ(before.credits_available, 3u);
  EXPECT_EQ(before.jobs_completed, 0u);
  EXPECT_FALSE(csb_valid(held.csb()));
  ASSERT_EQ(nxz_emu_resume(parent, NXZ_EMU_ENGINE), 0);
  ASSERT_TRUE(wait_until([&] { return csb_valid(held.csb()); }));
  expect_wrap_done(held, src.data(), held_out.data(), src.size());
  Request r;
  Bytes out(src.size());
  setup_wrap(r, src.data(), src.size(), out.data(), out.size());
  EXPECT_EQ(run_with_faults(parent, r, {{out.data(), out.size()}}), 0);
  expect_wrap_done(r, src.data(), out.data(), src.size());
  EXPECT_EQ(stats(parent).pastes_accepted, 2u);
}

// A synchronous window (no threads anywhere) follows the same rule; a child
// that never uses the inherited window only frees it at close.
TEST(Fork, SynchronousChildWindowIsItsOwn) {
  nxz_emu_config cfg = quiet_config();
  cfg.synchronous = 1;
  Window parent(cfg);
  const uint32_t parent_id = nxz_emu_window_id(parent);
  const Bytes src = text_like(3 * page(), 82);
  EXPECT_EQ(wrap_into_cold(parent, src, 0), 0);
  const int code = in_child([&] {
    int c = wrap_into_cold(parent, src, 0);  // bits 1, 2
    const uint32_t id = nxz_emu_window_id(parent);
    nxz_emu_stats s{};
    if (id == 0 || id == parent_id || nxz_emu_get_stats(parent, &s) != 0 || s.pastes_accepted != 4)
      c |= 4;
    nxz_accel_close(parent);
    return c;
  });
  EXPECT_EQ(code, 0);
  EXPECT_EQ(in_child([&] {
              nxz_accel_close(parent);
              return 0;
            }),
            0);
  EXPECT_EQ(nxz_emu_window_id(parent), parent_id);
  EXPECT_EQ(stats(parent).pastes_accepted, 4u);
  EXPECT_EQ(wrap_into_cold(parent, src, 0), 0);
}

}  // namespace
}  // namespace nxz::test::vas
