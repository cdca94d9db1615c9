// Contract §8 steps 2-3 under pressure: more simultaneous faults than the
// fault window holds. The engine waits for fault-window credits instead of
// losing entries; every fault is handled, in paste order per window.
#include <gtest/gtest.h>

#include <memory>

#include "vas/vas_test_util.h"

namespace nxz::test::vas {
namespace {

TEST(Contract8Step3, FaultsBeyondFifoCapacityAreAllHandledInOrder) {
  constexpr int kPerWindow = 20;
  constexpr uint32_t kFifo = 4;
  nxz_emu_config cfg = quiet_config();
  cfg.fifo_entries = kFifo;
  cfg.credits = 64;
  Window a(cfg), b(cfg);  // same settings: one VAS instance, one fault window
  nxz_window* wins[2] = {a, b};
  ASSERT_EQ(stats(a).fifo_entries, kFifo);

  const Bytes src = text_like(page(), 21);
  Mapping cold(2 * kPerWindow * page());
  std::vector<std::unique_ptr<Request>> reqs;  // index 2*i + window
  for (int i = 0; i < 2 * kPerWindow; ++i) {
    reqs.push_back(std::make_unique<Request>());
    setup_wrap(*reqs.back(), src.data(), src.size(), cold.data() + i * page(), page());
  }
  ASSERT_EQ(nxz_emu_pause(a, NXZ_EMU_ENGINE | NXZ_EMU_HANDLER), 0);
  for (int i = 0; i < 2 * kPerWindow; ++i)
    ASSERT_EQ(nxz_accel_paste(wins[i % 2], &reqs[i]->crb()), NXZ_PASTE_ACCEPTED);

  // With the handler stopped, the engine fills the FIFO and then waits.
  ASSERT_EQ(nxz_emu_resume(a, NXZ_EMU_ENGINE), 0);
  ASSERT_TRUE(wait_until([&] { return stats(a).fifo_depth == kFifo; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(stats(a).fifo_depth, kFifo);
  EXPECT_EQ(stats(a).fifo_credits, 0u);
  for (auto& r : reqs) EXPECT_FALSE(csb_valid(r->csb()));

  // A watcher records the scan in which each CSB was first seen valid,
  // scanning each window's CSBs from last to first: if the handler writes
  // them in order, a later one can never be seen in an earlier scan.
  std::vector<int> seen(reqs.size(), -1);
  std::atomic<bool> stop{false};
  std::thread watcher([&] {
    for (int scan = 0; !stop.load(); ++scan) {
      for (int i = static_cast<int>(reqs.size()) - 1; i >= 0; --i)
        if (seen[i] < 0 && csb_valid(reqs[i]->csb())) seen[i] = scan;
    }
  });
  ASSERT_EQ(nxz_emu_resume(a, NXZ_EMU_HANDLER), 0);
  const bool all = wait_until([&] {
    for (auto& r : reqs)
      if (!csb_valid(r->csb())) return false;
    return true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  stop = true;
  watcher.join();
  ASSERT_TRUE(all);

  for (int i = 0; i < 2 * kPerWindow; ++i) {
    const nx::Csb& c = reqs[i]->csb();
    EXPECT_EQ(c.cc(), nx::kCcTranslation) << i;
    EXPECT_EQ(c.ce(), nx::kCeTermination) << i;
    EXPECT_EQ(c.address(), reinterpret_cast<uintptr_t>(cold.data() + i * page())) << i;
    ASSERT_GE(seen[i], 0);
    if (i >= 2) {
      EXPECT_LE(seen[i - 2], seen[i]) << "window " << i % 2 << " out of order at " << i;
    }
  }
  const nxz_emu_stats s = stats(a);
  EXPECT_EQ(s.faults_handled, 2u * kPerWindow);
  EXPECT_EQ(s.fifo_max_depth, kFifo);
  EXPECT_GE(s.fifo_credit_waits, 1u);
  EXPECT_LE(s.handler_passes, s.interrupts);
  EXPECT_EQ(s.dropped_unknown, 0u);
  ASSERT_TRUE(wait_until([&] { return stats(a).fifo_credits == kFifo; }));

  // Every job then completes once the driver has touched its page.
  for (int i = 0; i < 2 * kPerWindow; ++i) {
    uint8_t* dst = cold.data() + i * page();
    touch(reqs[i]->csb().address(), {{dst, page()}});
    ASSERT_EQ(run_with_faults(wins[i % 2], *reqs[i], {{dst, page()}}), 0) << i;
    expect_wrap_done(*reqs[i], src.data(), dst, src.size());
  }
  for (nxz_window* w : wins) {
    ASSERT_TRUE(wait_until([&] { return stats(w).credits_available == 64; }));
  }
  EXPECT_EQ(stats(a).warnings, 0u);
}

}  // namespace
}  // namespace nxz::test::vas
