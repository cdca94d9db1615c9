// NXZ_EMU_FAULTS syntax (ports/emulated/fault_config.h) and the seeded
// decisions it drives.
#include "emulated/fault_config.h"

#include <gtest/gtest.h>

#include "emulated/fault_injector.h"

namespace nxz::emu {
namespace {

TEST(FaultConfig, ParsesEveryItem) {
  FaultSpec s;
  std::string err;
  ASSERT_TRUE(parse_fault_spec(
      "seed=7, fault=0.3,busy=10%,late=0.05:200us,hang=0.001,hwerr=0.01:224,"
      "fault_src@3,fault_dst@0x10,fault_csb=0.5,late@2:3ms,hwerr@9,maxinject=2,residency=off",
      &s, &err))
      << err;
  EXPECT_EQ(s.seed, 7u);
  EXPECT_DOUBLE_EQ(s.rule(FaultKind::kFault).rate, 0.3);
  EXPECT_DOUBLE_EQ(s.rule(FaultKind::kBusy).rate, 0.1);
  EXPECT_DOUBLE_EQ(s.rule(FaultKind::kLate).rate, 0.05);
  EXPECT_EQ(s.rule(FaultKind::kLate).rate_arg, 200u);
  ASSERT_EQ(s.rule(FaultKind::kLate).at.size(), 1u);
  EXPECT_EQ(s.rule(FaultKind::kLate).at[0], (std::pair<uint64_t, uint64_t>{2, 3000}));
  EXPECT_DOUBLE_EQ(s.rule(FaultKind::kHang).rate, 0.001);
  EXPECT_EQ(s.rule(FaultKind::kHwerr).rate_arg, 224u);
  EXPECT_EQ(s.rule(FaultKind::kHwerr).at[0], (std::pair<uint64_t, uint64_t>{9, 0}));
  EXPECT_EQ(s.rule(FaultKind::kFaultSrc).at[0].first, 3u);
  EXPECT_EQ(s.rule(FaultKind::kFaultDst).at[0].first, 16u);
  EXPECT_DOUBLE_EQ(s.rule(FaultKind::kFaultCsb).rate, 0.5);
  EXPECT_EQ(s.max_inject, 2u);
  EXPECT_FALSE(s.residency);
  EXPECT_TRUE(s.injects());
}

TEST(FaultConfig, EmptyAndDefaults) {
  FaultSpec s;
  EXPECT_TRUE(parse_fault_spec("", &s, nullptr));
  EXPECT_TRUE(parse_fault_spec(" , ,", &s, nullptr));
  EXPECT_FALSE(s.injects());
  EXPECT_TRUE(s.residency);
  EXPECT_EQ(s.max_inject, 4u);
  ASSERT_TRUE(parse_fault_spec("late=1", &s, nullptr));
  EXPECT_EQ(s.rule(FaultKind::kLate).rate_arg, 100u);  // default 100us
  ASSERT_TRUE(parse_fault_spec("late=1:2s,seed=0x10", &s, nullptr));
  EXPECT_EQ(s.rule(FaultKind::kLate).rate_arg, 2000000u);
  EXPECT_EQ(s.seed, 16u);
}

TEST(FaultConfig, RejectsBadItems) {
  for (const char* bad :
       {"fault", "fault=2", "fault=-0.1", "fault=101%", "bogus=1", "busy=0.1:5", "hwerr=0.1:0",
        "hwerr=0.1:256", "late=0.1:5parsecs", "fault@x", "seed=abc", "residency=maybe", "seed@3"}) {
    FaultSpec s;
    std::string err;
    EXPECT_FALSE(parse_fault_spec(bad, &s, &err)) << bad;
    EXPECT_NE(err.find('\''), std::string::npos) << "error names the item: " << err;
  }
}

TEST(FaultConfig, RateDecisionsAreSeededAndNearTheRate) {
  FaultRule r;
  r.rate = 0.3;
  int hits = 0, same = 0;
  uint64_t arg;
  for (uint64_t i = 0; i < 10000; ++i) {
    const bool a = rule_fires(r, 7, FaultKind::kFault, i, &arg);
    hits += a;
    same += a == rule_fires(r, 7, FaultKind::kFault, i, &arg);
  }
  EXPECT_EQ(same, 10000);  // a pure function of (seed, kind, index)
  EXPECT_NEAR(hits, 3000, 200);
  int differ = 0;
  for (uint64_t i = 0; i < 1000; ++i)
    differ += rule_fires(r, 7, FaultKind::kFault, i, &arg) !=
              rule_fires(r, 8, FaultKind::kFault, i, &arg);
  EXPECT_GT(differ, 200);  // another seed, another sequence
}

TEST(FaultConfig, IndexRulesFireExactlyThere) {
  FaultSpec s;
  ASSERT_TRUE(parse_fault_spec("fault_dst@2,fault_dst@5,hwerr@7:253,hang@9,busy@1", &s, nullptr));
  FaultInjector inj;
  inj.configure(s, 0);
  for (uint64_t i = 0; i < 12; ++i) {
    const JobPlan p = inj.plan(i, 0x1000 + i * 16);
    EXPECT_EQ(p.fault == FaultSite::kTarget, i == 2 || i == 5) << i;
    EXPECT_EQ(p.hwerr_cc, i == 7 ? 253 : 0) << i;
    EXPECT_EQ(p.hang, i == 9) << i;
    EXPECT_EQ(inj.busy(i), i == 1) << i;
  }
}

TEST(FaultConfig, InjectedFaultsOnOneRequestAreCapped) {
  FaultSpec s;
  ASSERT_TRUE(parse_fault_spec("fault=1,maxinject=3", &s, nullptr));
  FaultInjector inj;
  inj.configure(s, 0);
  const uint64_t csb = 0x7000;
  uint64_t index = 0;
  for (int i = 0; i < 3; ++i) {
    ASSERT_NE(inj.plan(index++, csb).fault, FaultSite::kNone);
    inj.settle(csb, true, true);
  }
  EXPECT_EQ(inj.plan(index++, csb).fault, FaultSite::kNone);     // let through
  EXPECT_NE(inj.plan(index++, 0x8000).fault, FaultSite::kNone);  // other requests still fault
  inj.settle(csb, false, false);                                 // csb's job completed
  EXPECT_NE(inj.plan(index++, csb).fault, FaultSite::kNone);
}

TEST(FaultConfig, SeedOverrideReplacesSpecSeed) {
  FaultSpec a, b;
  ASSERT_TRUE(parse_fault_spec("seed=11,fault=0.5", &a, nullptr));
  ASSERT_TRUE(parse_fault_spec("fault=0.5", &b, nullptr));
  FaultInjector x, y;
  x.configure(a, 0);
  y.configure(b, 11);
  for (uint64_t i = 0; i < 200; ++i) EXPECT_EQ(x.plan(i, 0).fault, y.plan(i, 0).fault) << i;
}

}  // namespace
}  // namespace nxz::emu
