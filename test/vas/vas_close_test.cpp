// Contract §8 step 6 (closing) and step 3's window check: close waits for
// every credit, warning periodically that the process is stuck; the handler
// leaves a closing window's CSB alone and drops entries naming no window;
// a window opened by one thread serves others.
#include <gtest/gtest.h>

#include <memory>

#include "vas/vas_test_util.h"

namespace nxz::test::vas {
namespace {

TEST(Contract8Step6, CloseWaitsForAPendingFaultAndWarnsStuck) {
  nxz_emu_config cfg = quiet_config();
  cfg.stuck_warn_ms = 30;
  cfg.credits = 4;
  Window ctl(cfg);  // same instance, to resume the handler while w closes
  nxz_window* w = nullptr;
  ASSERT_EQ(nxz_accel_open(NXZ_BACKEND_EMULATED, &cfg, &w), 0);
  const uint32_t id = nxz_emu_window_id(w);
  const Bytes src = text_like(500, 41);
  Mapping cold(page());
  Request r;
  setup_wrap(r, src.data(), src.size(), cold.data(), src.size());
  ASSERT_EQ(nxz_emu_pause(ctl, NXZ_EMU_HANDLER), 0);
  ASSERT_EQ(nxz_accel_paste(w, &r.crb()), NXZ_PASTE_ACCEPTED);
  ASSERT_TRUE(wait_until([&] { return stats(ctl).fifo_depth == 1; }));
  const uint64_t warnings = stats(ctl).warnings;

  testing::internal::CaptureStderr();
  std::atomic<bool> closed{false};
  std::thread closer([&] {
    nxz_accel_close(w);
    closed = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(closed.load());
  const uint64_t stuck = stats(ctl).warnings - warnings;
  EXPECT_GE(stuck, 2u);  // up to 6 intervals of 30 ms in 200 ms...
  EXPECT_LE(stuck, 7u);  // ...once per interval, not more
  // Pastes on a closing window are refused.
  EXPECT_EQ(nxz_accel_paste(w, &r.crb()), NXZ_PASTE_BUSY);
  ASSERT_EQ(nxz_emu_resume(ctl, NXZ_EMU_HANDLER), 0);
  closer.join();
  const std::string log = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(closed.load());
  EXPECT_NE(log.find("window " + std::to_string(id)), std::string::npos) << log;
  EXPECT_NE(log.find("process stuck: close waits for 1 of 4 credits"), std::string::npos) << log;
  // The handler did not write the CSB of a window being closed. Close
  // returns once the send window's credit is back; the handler finishes
  // its pass (counters, the fault window's credit) right after, on its own
  // thread: wait for that rather than race it.
  EXPECT_FALSE(csb_valid(r.csb()));
  EXPECT_TRUE(wait_until([&] {
    const nxz_emu_stats t = stats(ctl);
    return t.faults_handled == 1 && t.fifo_credits == t.fifo_entries;
  }));
  const nxz_emu_stats s = stats(ctl);
  EXPECT_EQ(s.csb_skipped, 1u);
  EXPECT_EQ(s.faults_handled, 1u);
  EXPECT_EQ(s.fifo_credits, s.fifo_entries);
  EXPECT_EQ(s.windows_open, 1u);
}

TEST(Contract8Step3, FaultForAClosedWindowIsDroppedAndLogged) {
  Window ctl;
  nxz_window* gone = nullptr;
  const nxz_emu_config cfg = quiet_config();
  ASSERT_EQ(nxz_accel_open(NXZ_BACKEND_EMULATED, &cfg, &gone), 0);
  const uint32_t gone_id = nxz_emu_window_id(gone);
  nxz_accel_close(gone);

  Request r;
  const Bytes src = text_like(100, 42);
  Bytes out(100);
  setup_wrap(r, src.data(), src.size(), out.data(), out.size());
  nx::Crb entry = r.crb();
  nx::store_be64(entry.raw + nx::kStampFaultAddr, reinterpret_cast<uintptr_t>(out.data()));
  entry.raw[nx::kStampFlags] = nx::kStampFlagWrite;
  nx::store_be32(entry.raw + nx::kStampPswid, gone_id);
  const nxz_emu_stats before = stats(ctl);

  testing::internal::CaptureStderr();
  ASSERT_EQ(nxz_emu_fifo_paste(ctl, entry.raw), 0);
  const bool dropped =
      wait_until([&] { return stats(ctl).dropped_unknown == before.dropped_unknown + 1; });
  const std::string log = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(dropped);
  EXPECT_NE(log.find("unknown window " + std::to_string(gone_id)), std::string::npos) << log;
  EXPECT_EQ(r.csb().flags(), 0);  // nobody's CSB written
  EXPECT_EQ(r.csb().cc(), 0);
  const nxz_emu_stats s = stats(ctl);
  EXPECT_EQ(s.faults_handled, before.faults_handled);
  EXPECT_EQ(s.warnings, before.warnings + 1);
  EXPECT_EQ(s.fifo_credits, s.fifo_entries);
  EXPECT_EQ(s.credits_available, s.credits_initial);

  // An entry carrying both invalid marks would block the FIFO: refused.
  nx::store_be32(entry.raw + nx::kStampPswid, nx::kFifoInvalidPswid);
  nx::store_be32(entry.raw, entry.ccw() | nx::kFifoInvalidCcwBit);
  EXPECT_EQ(nxz_emu_fifo_paste(ctl, entry.raw), -EINVAL);
}

TEST(Contract8Step6, WindowOpenedByOneThreadServesOthers) {
  nxz_window* w = nullptr;
  nxz_emu_config cfg = quiet_config();
  cfg.credits = 3;
  std::thread([&] { ASSERT_EQ(nxz_accel_open(NXZ_BACKEND_EMULATED, &cfg, &w), 0); }).join();
  ASSERT_NE(w, nullptr);
  // Two threads share the window, each with faulting jobs on its own pages.
  auto worker = [&](uint32_t seed) {
    const Bytes src = text_like(3 * page(), seed);
    for (int i = 0; i < 20; ++i) {
      Mapping cold(src.size());
      Request r;
      setup_wrap(r, src.data(), src.size(), cold.data(), src.size());
      ASSERT_EQ(run_with_faults(w, r, {{cold.data(), cold.size()}}), 3);
      expect_wrap_done(r, src.data(), cold.data(), src.size());
    }
  };
  std::thread t1(worker, 51), t2(worker, 52);
  t1.join();
  t2.join();
  const nxz_emu_stats s = stats(w);
  EXPECT_EQ(s.faults_residency, 2u * 20 * 3);
  EXPECT_EQ(s.jobs_completed, 2u * 20);
  EXPECT_EQ(s.credits_available, 3u);
  EXPECT_EQ(s.warnings, 0u);
  std::thread([&] { nxz_accel_close(w); }).join();  // and a third closes it
}

TEST(Contract8Step6, HungJobCreditsAreReturnedByClose) {
  nxz_emu_config cfg = quiet_config();
  cfg.credits = 2;
  cfg.faults = "hang@0";
  cfg.stuck_warn_ms = 5000;
  nxz_window* w = nullptr;
  ASSERT_EQ(nxz_accel_open(NXZ_BACKEND_EMULATED, &cfg, &w), 0);
  const Bytes src = text_like(100, 43);
  Bytes out1(100), out2(100);
  Request r1, r2;
  setup_wrap(r1, src.data(), 100, out1.data(), 100);
  setup_wrap(r2, src.data(), 100, out2.data(), 100);
  ASSERT_EQ(nxz_accel_paste(w, &r1.crb()), NXZ_PASTE_ACCEPTED);  // hangs
  ASSERT_EQ(nxz_accel_paste(w, &r2.crb()), NXZ_PASTE_ACCEPTED);  // runs after it
  ASSERT_TRUE(wait_until([&] { return csb_valid(r2.csb()); }));
  expect_wrap_done(r2, src.data(), out2.data(), 100);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(csb_valid(r1.csb()));  // the valid bit never comes
  ASSERT_TRUE(wait_until([&] { return stats(w).credits_available == 1; }));
  nxz_emu_stats s = stats(w);
  EXPECT_EQ(s.credits_hung, 1u);
  EXPECT_EQ(s.hangs, 1u);
  const uint64_t reclaimed = stats(nullptr).hung_reclaimed;
  const auto t0 = std::chrono::steady_clock::now();
  nxz_accel_close(w);  // returns at once: a hung credit is given back by close
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1000));
  EXPECT_EQ(stats(nullptr).hung_reclaimed, reclaimed + 1);
  EXPECT_FALSE(csb_valid(r1.csb()));
}

}  // namespace
}  // namespace nxz::test::vas
