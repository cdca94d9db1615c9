// Contract §8 steps 1-4 and 7: a translation fault does not complete the
// request; the stamped CRB goes through the fault FIFO; the handler writes
// the CSB (cc 250, ce 0x40, the address big-endian, nothing stale), returns
// the credits, and a touch-and-resubmit then completes exactly.
#include <gtest/gtest.h>

#include "vas/vas_test_util.h"

namespace nxz::test::vas {
namespace {

uint64_t addr(const void* p) { return reinterpret_cast<uintptr_t>(p); }

nx::Crb peek(nxz_window* w, uint32_t back = 0) {
  nx::Crb e;
  EXPECT_EQ(nxz_emu_fifo_peek(w, back, e.raw), 0);
  return e;
}

bool slot_invalid(const nx::Crb& e) {
  return nx::load_be32(e.raw + nx::kStampPswid) == nx::kFifoInvalidPswid &&
         (e.ccw() & nx::kFifoInvalidCcwBit);
}

TEST(Contract8Step3, FifoSlotsStartInvalid) {
  nxz_emu_config cfg = quiet_config();
  cfg.fifo_entries = 8;
  Window w(cfg);
  for (uint32_t i = 0; i < 8; ++i) EXPECT_TRUE(slot_invalid(peek(w, i))) << i;
  nx::Crb e;
  EXPECT_EQ(nxz_emu_fifo_peek(w, 8, e.raw), -EINVAL);
}

TEST(Contract8Step4, NeverTouchedTargetYieldsTheExactFaultCsb) {
  Window w;
  const Bytes src = text_like(2 * page() + 300, 11);
  Mapping cold(src.size());  // never touched
  ASSERT_FALSE(resident(cold.data()));
  Request r;
  setup_wrap(r, src.data(), src.size(), cold.data(), src.size());
  // Every CSB byte but the valid byte holds junk: the handler must write all 16.
  std::memset(r.csb().raw + 1, 0xee, 15);
  const nx::Crb pasted = r.crb();
  const uint32_t pswid = nxz_emu_window_id(w);
  const nxz_emu_stats before = stats(w);

  ASSERT_EQ(nxz_emu_pause(w, NXZ_EMU_HANDLER), 0);
  ASSERT_EQ(nxz_accel_paste(w, &pasted), NXZ_PASTE_ACCEPTED);
  ASSERT_TRUE(wait_until([&] { return stats(w).fifo_depth == 1; }));

  // Step 1: no CSB, no credit back while the fault waits in the FIFO.
  EXPECT_FALSE(csb_valid(r.csb()));
  EXPECT_EQ(stats(w).credits_available, before.credits_initial - 1);
  EXPECT_EQ(stats(w).fifo_credits, stats(w).fifo_entries - 1);

  // Step 2: the FIFO entry is the CRB as pasted, stamped at bytes 64-79.
  const nx::Crb e = peek(w);
  EXPECT_EQ(std::memcmp(e.raw, pasted.raw, 64), 0);
  EXPECT_EQ(nx::load_be64(e.raw + nx::kStampFaultAddr), addr(cold.data()));
  EXPECT_EQ(nx::load_be16(e.raw + nx::kStampReserved), 0);
  EXPECT_EQ(e.raw[nx::kStampFlags], nx::kStampFlagWrite);
  EXPECT_EQ(nx::load_be32(e.raw + nx::kStampPswid), pswid);
  EXPECT_EQ(e.ccw() & nx::kFifoInvalidCcwBit, 0u);  // valid: the CCW mark is clear
  EXPECT_EQ(std::memcmp(e.raw + 80, pasted.raw + 80, 48), 0);

  ASSERT_EQ(nxz_emu_resume(w, NXZ_EMU_HANDLER), 0);
  ASSERT_TRUE(wait_until([&] { return csb_valid(r.csb()); }));
  // Step 4: exactly flags V, cs 0, cc 250, ce 0x40, tpbc 0, address BE.
  uint8_t want[16] = {0x80, 0, 250, 0x40, 0, 0, 0, 0};
  nx::store_be64(want + 8, addr(cold.data()));
  EXPECT_EQ(std::memcmp(r.csb().raw, want, 16), 0);
  // Step 3: the handler invalidated the entry after reading it.
  const nx::Crb after = peek(w);
  EXPECT_TRUE(slot_invalid(after));
  EXPECT_EQ(nx::load_be64(after.raw + nx::kStampFaultAddr), addr(cold.data()));
  // Step 6: both credits came back.
  ASSERT_TRUE(wait_until([&] { return stats(w).credits_available == before.credits_initial; }));
  EXPECT_EQ(stats(w).fifo_credits, stats(w).fifo_entries);
  EXPECT_EQ(stats(w).faults_residency - before.faults_residency, 1u);
  EXPECT_EQ(stats(w).faults_handled - before.faults_handled, 1u);

  // Step 7: touch and resubmit; each cold page faults once, then it completes.
  touch(r.csb().address(), {{cold.data(), cold.size()}});
  EXPECT_TRUE(resident(cold.data()));
  EXPECT_EQ(run_with_faults(w, r, {{cold.data(), cold.size()}}), 2);
  expect_wrap_done(r, src.data(), cold.data(), src.size());
  EXPECT_EQ(stats(w).faults_handled - before.faults_handled, 3u);
  EXPECT_EQ(stats(w).warnings, before.warnings);
}

TEST(Contract8Step2, ColdSourceIsAReadFault) {
  Window w;
  Mapping cold_src(2 * page());  // reads as zeros once touched
  Bytes out(cold_src.size(), 1);
  Request r;
  setup_wrap(r, cold_src.data() + 100, page(), out.data(), out.size());
  ASSERT_EQ(nxz_emu_pause(w, NXZ_EMU_HANDLER), 0);
  ASSERT_EQ(nxz_accel_paste(w, &r.crb()), NXZ_PASTE_ACCEPTED);
  ASSERT_TRUE(wait_until([&] { return stats(w).fifo_depth == 1; }));
  const nx::Crb e = peek(w);
  EXPECT_EQ(e.raw[nx::kStampFlags], 0);  // a read
  EXPECT_EQ(nx::load_be64(e.raw + nx::kStampFaultAddr), addr(cold_src.data() + 100));
  ASSERT_EQ(nxz_emu_resume(w, NXZ_EMU_HANDLER), 0);
  ASSERT_TRUE(wait_until([&] { return csb_valid(r.csb()); }));
  EXPECT_EQ(r.csb().address(), addr(cold_src.data() + 100));
  touch(r.csb().address(), {{out.data(), out.size()}});
  EXPECT_EQ(run_with_faults(w, r, {{out.data(), out.size()}}), 1);  // the second page
  expect_wrap_done(r, cold_src.data() + 100, out.data(), page());
}

TEST(Contract8Step2, ScatteredTargetFaultsPageByPage) {
  Window w;
  const Bytes src = text_like(5 * page(), 12);
  Mapping cold(8 * page());
  Request r;
  r.reset(nx::kFcWrap);
  // Source in 3 pieces, target in 4 pieces of 2 cold pages each.
  const uint32_t a = static_cast<uint32_t>(page()), b = static_cast<uint32_t>(2 * page());
  r.src_list[0].set_direct(src.data(), a);
  r.src_list[1].set_direct(src.data() + a, b);
  r.src_list[2].set_direct(src.data() + a + b, b);
  r.crb().source().set_indirect(r.src_list, 3, static_cast<uint32_t>(src.size()));
  for (int i = 0; i < 4; ++i)
    r.dst_list[i].set_direct(cold.data() + 2 * i * page(), static_cast<uint32_t>(2 * page()));
  r.crb().target().set_indirect(r.dst_list, 4, static_cast<uint32_t>(8 * page()));
  const int faults = run_with_faults(w, r, {{cold.data(), cold.size()}});
  EXPECT_GE(faults, 5);  // every page that receives data, once
  EXPECT_LE(faults, 8);
  ASSERT_EQ(r.csb().cc(), nx::kCcSuccess);
  EXPECT_EQ(r.csb().tpbc(), src.size());
  Bytes got;
  for (int i = 0; i < 4; ++i)
    got.insert(got.end(), cold.data() + 2 * i * page(), cold.data() + 2 * (i + 1) * page());
  got.resize(src.size());
  EXPECT_EQ(got, src);
}

// §8 step 3 with NXZ_TRACE=vas: one line per fault CRB and per FIFO read.
TEST(Contract8Step3, TraceLogsFaultsAndFifoIndices) {
  setenv("NXZ_TRACE", "engine,vas", 1);
  nxz_emu_config cfg = quiet_config();
  cfg.fifo_entries = 5;  // an instance of its own, created with the trace on
  Window w(cfg);
  unsetenv("NXZ_TRACE");
  const Bytes src = text_like(2 * page(), 13);
  Mapping cold(src.size());
  Request r;
  setup_wrap(r, src.data(), src.size(), cold.data(), src.size());
  testing::internal::CaptureStderr();
  const int faults = run_with_faults(w, r, {{cold.data(), cold.size()}});
  const std::string log = testing::internal::GetCapturedStderr();
  ASSERT_EQ(faults, 2);
  const std::string id = "pswid=" + std::to_string(nxz_emu_window_id(w));
  size_t writes = 0, reads = 0;
  for (size_t at = 0; (at = log.find("nxz vas: fault CRB " + id, at)) != std::string::npos; ++at)
    ++writes;
  for (size_t at = 0; (at = log.find("nxz vas: fifo read=", at)) != std::string::npos; ++at)
    ++reads;
  EXPECT_EQ(writes, 2u) << log;
  EXPECT_EQ(reads, 2u) << log;
  EXPECT_NE(log.find("fifo write=0 next=1"), std::string::npos) << log;
  EXPECT_NE(log.find("fifo read=1 next=2 " + id), std::string::npos) << log;
}

}  // namespace
}  // namespace nxz::test::vas
