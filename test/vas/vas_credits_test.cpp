// Contract §8 step 6 (credits) and asynchronous completion: a send window
// takes exactly its credits, completion gives one back, and results appear
// only with the valid bit, after paste has returned.
#include <gtest/gtest.h>

#include <memory>

#include "vas/vas_test_util.h"

namespace nxz::test::vas {
namespace {

TEST(Contract8Step6, ExactlyNCreditsWithTheEnginePaused) {
  nxz_emu_config cfg = quiet_config();
  cfg.credits = 5;
  Window w(cfg);
  ASSERT_EQ(nxz_emu_pause(w, NXZ_EMU_ENGINE), 0);
  const Bytes src = text_like(3000, 1);
  std::vector<std::unique_ptr<Request>> reqs;
  std::vector<Bytes> outs;
  for (int i = 0; i < 7; ++i) {
    reqs.push_back(std::make_unique<Request>());
    outs.emplace_back(src.size(), 0);
    setup_wrap(*reqs[i], src.data(), src.size(), outs[i].data(), outs[i].size());
  }
  for (int i = 0; i < 5; ++i) EXPECT_EQ(nxz_accel_paste(w, &reqs[i]->crb()), NXZ_PASTE_ACCEPTED);
  EXPECT_EQ(nxz_accel_paste(w, &reqs[5]->crb()), NXZ_PASTE_BUSY);  // the N+1st
  nxz_emu_stats s = stats(w);
  EXPECT_EQ(s.credits_initial, 5u);
  EXPECT_EQ(s.credits_available, 0u);
  EXPECT_EQ(s.busy_no_credit, 1u);
  EXPECT_EQ(s.jobs_completed, 0u);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(csb_valid(reqs[i]->csb()));

  // Completing one request lets exactly one more in.
  ASSERT_EQ(nxz_emu_step(w, 1), 0);
  ASSERT_TRUE(wait_until([&] { return stats(w).credits_available == 1; }));
  EXPECT_TRUE(csb_valid(reqs[0]->csb()));
  EXPECT_FALSE(csb_valid(reqs[1]->csb()));
  EXPECT_EQ(nxz_accel_paste(w, &reqs[5]->crb()), NXZ_PASTE_ACCEPTED);
  EXPECT_EQ(nxz_accel_paste(w, &reqs[6]->crb()), NXZ_PASTE_BUSY);

  ASSERT_EQ(nxz_emu_resume(w, NXZ_EMU_ENGINE), 0);
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(wait_until([&] { return csb_valid(reqs[i]->csb()); }));
    expect_wrap_done(*reqs[i], src.data(), outs[i].data(), src.size());
  }
  ASSERT_TRUE(wait_until([&] { return stats(w).credits_available == 5; }));
  s = stats(w);
  EXPECT_EQ(s.pastes_accepted, 6u);
  EXPECT_EQ(s.jobs_completed, 6u);
  EXPECT_EQ(s.busy_no_credit, 2u);
  EXPECT_EQ(s.fifo_credits, s.fifo_entries);
}

TEST(Contract8Step6, DefaultWindowHolds1024Credits) {
  Window w;
  ASSERT_EQ(nxz_emu_pause(w, NXZ_EMU_ENGINE), 0);
  Request r;
  Bytes out(64);
  const Bytes src = text_like(64, 2);
  setup_wrap(r, src.data(), src.size(), out.data(), out.size());
  int accepted = 0;
  while (accepted < 2000 && nxz_accel_paste(w, &r.crb()) == NXZ_PASTE_ACCEPTED) ++accepted;
  EXPECT_EQ(accepted, 1024);
  EXPECT_EQ(stats(w).credits_initial, 1024u);
  ASSERT_EQ(nxz_emu_resume(w, NXZ_EMU_ENGINE), 0);
  ASSERT_TRUE(wait_until([&] { return stats(w).credits_available == 1024; }));
  EXPECT_EQ(stats(w).jobs_completed, 1024u);
}

TEST(Contract8Step6, CreditAndFifoLimits) {
  nxz_window* w = nullptr;
  nxz_emu_config cfg = quiet_config();
  cfg.credits = 4096;  // the kernel allows at most 4095
  EXPECT_EQ(nxz_accel_open(NXZ_BACKEND_EMULATED, &cfg, &w), -EINVAL);
  cfg.credits = 4095;
  cfg.fifo_entries = 32769;
  EXPECT_EQ(nxz_accel_open(NXZ_BACKEND_EMULATED, &cfg, &w), -EINVAL);
  cfg.fifo_entries = 32768;
  ASSERT_EQ(nxz_accel_open(NXZ_BACKEND_EMULATED, &cfg, &w), 0);
  const nxz_emu_stats s = stats(w);
  EXPECT_EQ(s.credits_initial, 4095u);
  EXPECT_EQ(s.fifo_entries, 32768u);
  EXPECT_EQ(s.fifo_credits, 32768u);
  nxz_accel_close(w);
  cfg.faults = "fault=oops";
  EXPECT_EQ(nxz_accel_open(NXZ_BACKEND_EMULATED, &cfg, &w), -EINVAL);
}

TEST(Contract8Step6, WindowIdsAreDistinctAndValid) {
  Window a, b;
  const uint32_t ia = nxz_emu_window_id(a), ib = nxz_emu_window_id(b);
  EXPECT_NE(ia, ib);
  for (uint32_t id : {ia, ib}) {
    EXPECT_NE(id, 0u);
    EXPECT_NE(id, nx::kFifoInvalidPswid);
  }
  EXPECT_EQ(stats(a).pswid, ia);
}

// Issue 3: completion is asynchronous; nothing of the result is visible
// before the valid bit, and paste returns before the job runs.
TEST(AsynchronousCompletion, ResultsOnlyWithTheValidBit) {
  Window w;
  const Bytes src = text_like(20000, 3);
  Bytes out(src.size(), 0x5a);
  Request r;
  setup_wrap(r, src.data(), src.size(), out.data(), out.size());
  ASSERT_EQ(nxz_emu_pause(w, NXZ_EMU_ENGINE), 0);
  ASSERT_EQ(nxz_accel_paste(w, &r.crb()), NXZ_PASTE_ACCEPTED);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_FALSE(csb_valid(r.csb()));
  EXPECT_EQ(r.cpb().out_crc(), 0u);
  EXPECT_EQ(out, Bytes(src.size(), 0x5a));  // target untouched
  ASSERT_EQ(nxz_emu_step(w, 1), 0);
  ASSERT_TRUE(wait_until([&] { return csb_valid(r.csb()); }));
  expect_wrap_done(r, src.data(), out.data(), src.size());
  ASSERT_EQ(nxz_emu_resume(w, NXZ_EMU_ENGINE), 0);
}

TEST(AsynchronousCompletion, LateCompletionArrivesAfterTheDelay) {
  nxz_emu_config cfg = quiet_config();
  cfg.faults = "late@0:80ms";
  Window w(cfg);
  const Bytes src = text_like(1000, 4);
  Bytes out(src.size());
  Request r;
  setup_wrap(r, src.data(), src.size(), out.data(), out.size());
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(nxz_accel_paste(w, &r.crb()), NXZ_PASTE_ACCEPTED);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(csb_valid(r.csb()));
  ASSERT_TRUE(wait_until([&] { return csb_valid(r.csb()); }));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(80));
  expect_wrap_done(r, src.data(), out.data(), src.size());
  EXPECT_EQ(stats(w).late, 1u);
}

TEST(SynchronousMode, CompletesAndHandlesFaultsInsidePaste) {
  nxz_emu_config cfg = quiet_config();
  cfg.synchronous = 1;
  Window w(cfg);
  EXPECT_EQ(nxz_emu_pause(w, NXZ_EMU_ENGINE), -EINVAL);
  const Bytes src = text_like(3 * page(), 5);
  Mapping cold(src.size());
  Request r;
  setup_wrap(r, src.data(), src.size(), cold.data(), src.size());
  ASSERT_EQ(nxz_accel_paste(w, &r.crb()), NXZ_PASTE_ACCEPTED);
  ASSERT_TRUE(csb_valid(r.csb()));  // no waiting: the fault was handled inside paste
  EXPECT_EQ(r.csb().cc(), nx::kCcTranslation);
  EXPECT_EQ(r.csb().address(), reinterpret_cast<uintptr_t>(cold.data()));
  touch(r.csb().address(), {{cold.data(), cold.size()}});
  EXPECT_EQ(run_with_faults(w, r, {{cold.data(), cold.size()}}), 2);  // two more cold pages
  expect_wrap_done(r, src.data(), cold.data(), src.size());
  const nxz_emu_stats s = stats(w);
  EXPECT_EQ(s.faults_handled, 3u);
  EXPECT_EQ(s.credits_available, s.credits_initial);
  EXPECT_EQ(s.fifo_credits, s.fifo_entries);
}

}  // namespace
}  // namespace nxz::test::vas
