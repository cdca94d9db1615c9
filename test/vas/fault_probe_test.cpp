// Real residency (issue 3, the emulated engine's fault model): a page the
// engine would access that is not resident, not mapped or not accessible
// that way is a translation fault at that page.
#include "emulated/fault_probe.h"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include "vas/vas_test_util.h"

namespace nxz::emu {
namespace {

using nxz::test::vas::Mapping;
using nxz::test::vas::page;
using nxz::test::vas::resident;

uint64_t addr(const void* p) { return reinterpret_cast<uintptr_t>(p); }

// Both ways of learning protection: per mapping (PROCMAP_QUERY) and page by
// page (process_vm_readv/writev, where the kernel lacks the query).
class ResidencyProbe : public testing::TestWithParam<bool> {
 protected:
  bool ok(const void* p, size_t n, bool write, uint64_t* fa) {
    return range_accessible(addr(p), n, write, fa, GetParam());
  }
};
INSTANTIATE_TEST_SUITE_P(Protection, ResidencyProbe, testing::Values(true, false),
                         [](const auto& i) { return i.param ? "ByMapping" : "ByPage"; });

TEST_P(ResidencyProbe, FirstNonResidentPageFaults) {
  Mapping m(4 * page());
  uint8_t* p = m.data();
  p[0] = 1;
  p[2 * page()] = 1;
  uint64_t fa = 0;
  EXPECT_TRUE(ok(p, page(), false, &fa));
  EXPECT_FALSE(ok(p + 10, 3 * page(), false, &fa));
  EXPECT_EQ(fa, addr(p + page()));  // page 1, its first byte
  // A range starting inside a cold page faults at its own first byte.
  EXPECT_FALSE(ok(p + page() + 100, 10, true, &fa));
  EXPECT_EQ(fa, addr(p + page() + 100));
  // Probing never makes a cold page resident.
  EXPECT_FALSE(resident(p + page()));
  EXPECT_FALSE(resident(p + 3 * page()));
}

TEST_P(ResidencyProbe, UnmappedAndProtectedPagesFault) {
  Mapping m(4 * page());
  uint8_t* p = m.data();
  for (size_t i = 0; i < 4; ++i) p[i * page()] = 1;
  uint64_t fa = 0;
  ASSERT_EQ(mprotect(p + page(), page(), PROT_READ), 0);
  EXPECT_TRUE(ok(p, 2 * page(), false, &fa));
  EXPECT_FALSE(ok(p, 2 * page(), true, &fa));
  EXPECT_EQ(fa, addr(p + page()));
  ASSERT_EQ(mprotect(p + 2 * page(), page(), PROT_NONE), 0);
  EXPECT_FALSE(ok(p + page(), 2 * page(), false, &fa));
  EXPECT_EQ(fa, addr(p + 2 * page()));
  ASSERT_EQ(munmap(p + 3 * page(), page()), 0);  // mincore: ENOMEM
  EXPECT_FALSE(ok(p + 3 * page() + 8, 8, false, &fa));
  EXPECT_EQ(fa, addr(p + 3 * page() + 8));
  ASSERT_EQ(mprotect(p + page(), 2 * page(), PROT_READ | PROT_WRITE), 0);
  // The write check put back what it read.
  EXPECT_EQ(p[0], 1);
  EXPECT_EQ(p[page()], 1);
}

TEST_P(ResidencyProbe, LongRangesAcrossChunks) {
  const size_t pages = 2500;  // more than one mincore/process_vm chunk
  Mapping m(pages * page());
  std::memset(m.data(), 7, m.size());
  uint64_t fa = 0;
  EXPECT_TRUE(ok(m.data(), m.size(), true, &fa));
  m.drop(2100);
  EXPECT_FALSE(ok(m.data(), m.size(), true, &fa));
  EXPECT_EQ(fa, addr(m.data() + 2100 * page()));
}

TEST(FaultProbeInjection, InjectedFaultHitsOnlyItsSiteOnce) {
  std::vector<uint8_t> buf(8 * page(), 1);
  const uint64_t csb = addr(buf.data()) + page();
  JobPlan plan;
  plan.fault = FaultSite::kTarget;
  plan.pick = 5;
  FaultProbe probe(true, plan, csb);
  uint64_t fa = 0;
  EXPECT_TRUE(probe.accessible(addr(buf.data()), 100, false, &fa));  // source: not the site
  EXPECT_TRUE(probe.accessible(csb + 16 + 384, 8, true, &fa));       // CPB: never injected
  const uint64_t tgt = addr(buf.data()) + 2 * page() + 3;
  EXPECT_FALSE(probe.accessible(tgt, 3 * page(), true, &fa));
  EXPECT_TRUE(probe.injected());
  // pick 5 over the 4 pages the range spans: page 1 of the range.
  EXPECT_EQ(fa, (tgt & ~uint64_t(page() - 1)) + page());
  EXPECT_TRUE(probe.accessible(tgt, 3 * page(), true, &fa));  // once per job

  plan.fault = FaultSite::kCsb;
  FaultProbe csb_probe(true, plan, csb);
  EXPECT_TRUE(csb_probe.accessible(tgt, 10, true, &fa));
  EXPECT_FALSE(csb_probe.accessible(csb, 16, true, &fa));
  EXPECT_EQ(fa, csb);
}

}  // namespace
}  // namespace nxz::emu
