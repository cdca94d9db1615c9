// Seeded injection through the emulated VAS (issue 3's fault model): busy
// pastes, faults on source/target/CSB pages, hardware errors, the cap that
// lets an injected-fault request through, reproducibility, NXZ_EMU_FAULTS.
#include <gtest/gtest.h>

#include <cstdlib>

#include "vas/vas_test_util.h"

namespace nxz::test::vas {
namespace {

nxz_emu_config with_faults(const char* spec) {
  nxz_emu_config c = quiet_config();
  c.faults = spec;
  return c;
}

struct WrapJob {
  Bytes src;
  Bytes out;
  Request r;
  explicit WrapJob(size_t n = 3 * 4096 + 7, uint32_t seed = 61)
      : src(text_like(n, seed)), out(n, 0x77) {
    setup_wrap(r, src.data(), n, out.data(), n);
  }
  int run(nxz_window* w) { return run_with_faults(w, r, {{out.data(), out.size()}}); }
  void expect_done() { expect_wrap_done(r, src.data(), out.data(), src.size()); }
};

TEST(Injection, BusyAtIndexRefusesThatPasteOnly) {
  Window w(with_faults("busy@0,busy@2"));
  WrapJob j;
  EXPECT_EQ(nxz_accel_paste(w, &j.r.crb()), NXZ_PASTE_BUSY);
  EXPECT_EQ(nxz_accel_paste(w, &j.r.crb()), NXZ_PASTE_ACCEPTED);
  ASSERT_TRUE(wait_until([&] { return csb_valid(j.r.csb()); }));
  j.expect_done();
  // The credit comes back just after the CSB is written: wait for it.
  ASSERT_TRUE(wait_until([&] { return stats(w).credits_available == stats(w).credits_initial; }));
  const nxz_emu_stats s = stats(w);
  EXPECT_EQ(s.busy_injected, 1u);
  EXPECT_EQ(s.busy_no_credit, 0u);
  EXPECT_EQ(s.credits_available, s.credits_initial);  // a refused paste takes no credit
}

TEST(Injection, FaultOnEachKindOfPage) {
  struct Case {
    const char* spec;
    bool write;
  };
  for (const Case& c :
       {Case{"fault_src@1", false}, Case{"fault_dst@1", true}, Case{"fault_csb@1", true}}) {
    SCOPED_TRACE(c.spec);
    Window w(with_faults(c.spec));
    WrapJob j;
    ASSERT_EQ(j.run(w), 0);  // job 0: no injection
    j.expect_done();
    ASSERT_EQ(nxz_emu_pause(w, NXZ_EMU_HANDLER), 0);
    std::memset(j.r.csb().raw, 0, 16);
    ASSERT_EQ(nxz_accel_paste(w, &j.r.crb()), NXZ_PASTE_ACCEPTED);  // job 1
    ASSERT_TRUE(wait_until([&] { return stats(w).fifo_depth == 1; }));
    nx::Crb e;
    ASSERT_EQ(nxz_emu_fifo_peek(w, 0, e.raw), 0);
    EXPECT_EQ(e.raw[nx::kStampFlags], c.write ? nx::kStampFlagWrite : 0);
    ASSERT_EQ(nxz_emu_resume(w, NXZ_EMU_HANDLER), 0);
    ASSERT_TRUE(wait_until([&] { return csb_valid(j.r.csb()); }));
    ASSERT_EQ(j.r.csb().cc(), nx::kCcTranslation);
    const uint64_t a = j.r.csb().address();
    const auto in = [&](const Bytes& b) {
      return a >= reinterpret_cast<uintptr_t>(b.data()) &&
             a < reinterpret_cast<uintptr_t>(b.data()) + b.size();
    };
    const std::string spec = c.spec;
    if (spec.find("src") != std::string::npos) {
      EXPECT_TRUE(in(j.src));
    } else if (spec.find("dst") != std::string::npos) {
      EXPECT_TRUE(in(j.out));
    } else {
      EXPECT_EQ(a, reinterpret_cast<uintptr_t>(&j.r.csb()));
    }
    ASSERT_EQ(j.run(w), 0);  // job 2: through
    j.expect_done();
    ASSERT_TRUE(wait_until([&] { return stats(w).credits_available == stats(w).credits_initial; }));
    const nxz_emu_stats s = stats(w);
    EXPECT_EQ(s.faults_injected, 1u);
    EXPECT_EQ(s.faults_residency, 0u);
    EXPECT_EQ(s.credits_available, s.credits_initial);
  }
}

TEST(Injection, FaultsAtFullRateStopAfterMaxInject) {
  Window w(with_faults("fault=100%,maxinject=3"));
  WrapJob j;
  EXPECT_EQ(j.run(w), 3);
  j.expect_done();
  Window w4(with_faults("fault=1"));
  WrapJob k;
  EXPECT_EQ(k.run(w4), 4);  // the default cap
  k.expect_done();
}

TEST(Injection, HardwareErrorsAreWrittenAsTheCsb) {
  Window w(with_faults("hwerr@0:224,hwerr@1:253,hwerr@2"));
  WrapJob j;
  for (int i = 0; i < 3; ++i) {
    std::memset(j.r.csb().raw, 0, 16);
    ASSERT_TRUE(paste(w, &j.r.crb()));
    ASSERT_TRUE(wait_until([&] { return csb_valid(j.r.csb()); }));
    const uint8_t cc = j.r.csb().cc();
    const bool expected = i == 0   ? cc == nx::kCcWatchdog
                          : i == 1 ? cc == nx::kCcUncorrectable
                                   : cc == 224 || cc == 10 || cc == 253;
    EXPECT_TRUE(expected) << i << ": cc " << int(cc);
    EXPECT_TRUE(j.r.csb().ce() & nx::kCeTermination);
    EXPECT_EQ(j.r.csb().tpbc(), 0u);
    EXPECT_EQ(j.out, Bytes(j.out.size(), 0x77));  // nothing was run
  }
  ASSERT_EQ(j.run(w), 0);
  j.expect_done();
  EXPECT_EQ(stats(w).hwerrs, 3u);
}

TEST(Injection, Contract7MemoryErrorCarriesTheFailingAddress) {
  // §7: "uncorrectable memory error on read (address in the CSB for 7)".
  Window w(with_faults("hwerr@0:7,hwerr@1:7,hwerr@2:224"));
  WrapJob j;
  const auto lo = reinterpret_cast<uintptr_t>(j.src.data());
  for (int i = 0; i < 3; ++i) {
    std::memset(j.r.csb().raw, 0, 16);
    ASSERT_TRUE(paste(w, &j.r.crb()));
    ASSERT_TRUE(wait_until([&] { return csb_valid(j.r.csb()); }));
    EXPECT_TRUE(j.r.csb().ce() & nx::kCeTermination);
    if (i < 2) {
      ASSERT_EQ(j.r.csb().cc(), nx::kCcMemoryError);
      // A byte the request reads: inside its source.
      EXPECT_GE(j.r.csb().address(), lo) << i;
      EXPECT_LT(j.r.csb().address(), lo + j.src.size()) << i;
    } else {
      ASSERT_EQ(j.r.csb().cc(), nx::kCcWatchdog);
      EXPECT_EQ(j.r.csb().address(), 0u);  // the other codes define none
    }
  }
  ASSERT_EQ(j.run(w), 0);
  j.expect_done();
}

// The sequence of outcomes (fault or not) of 64 single attempts.
std::vector<bool> outcome_sequence(const char* spec, uint64_t seed_override = 0) {
  nxz_emu_config cfg = with_faults(spec);
  cfg.fault_seed = seed_override;
  Window w(cfg);
  WrapJob j(1000);
  std::vector<bool> faulted;
  for (int i = 0; i < 64; ++i) {
    std::memset(j.r.csb().raw, 0, 16);
    EXPECT_TRUE(paste(w, &j.r.crb()));
    EXPECT_TRUE(wait_until([&] { return csb_valid(j.r.csb()); }));
    faulted.push_back(j.r.csb().cc() == nx::kCcTranslation);
  }
  return faulted;
}

TEST(Injection, ReproducibleFromTheSeed) {
  const auto a = outcome_sequence("seed=7,fault=0.5,maxinject=1000");
  const auto b = outcome_sequence("seed=7,fault=0.5,maxinject=1000");
  const auto c = outcome_sequence("seed=8,fault=0.5,maxinject=1000");
  const auto d = outcome_sequence("fault=0.5,maxinject=1000", 7);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, d);
  EXPECT_NE(a, c);
  const auto n = std::count(a.begin(), a.end(), true);
  EXPECT_GT(n, 16);
  EXPECT_LT(n, 48);
}

TEST(Injection, EnvironmentVariableAppliesWhenConfigSaysNothing) {
  setenv("NXZ_EMU_FAULTS", "busy@0", 1);
  nxz_emu_config cfg{};  // faults == NULL: take the environment
  {
    Window w(cfg);
    WrapJob j;
    EXPECT_EQ(nxz_accel_paste(w, &j.r.crb()), NXZ_PASTE_BUSY);
    EXPECT_EQ(nxz_accel_paste(w, &j.r.crb()), NXZ_PASTE_ACCEPTED);
    ASSERT_TRUE(wait_until([&] { return csb_valid(j.r.csb()); }));
  }
  {
    Window w(quiet_config());  // faults == "": none, whatever the environment says
    WrapJob j;
    EXPECT_EQ(nxz_accel_paste(w, &j.r.crb()), NXZ_PASTE_ACCEPTED);
    ASSERT_TRUE(wait_until([&] { return csb_valid(j.r.csb()); }));
  }
  // A malformed variable is reported (once per value) and ignored: programs
  // keep working.
  static int run = 0;
  const std::string bad = "busy=lots" + std::to_string(run++);
  setenv("NXZ_EMU_FAULTS", bad.c_str(), 1);
  testing::internal::CaptureStderr();
  {
    Window w(cfg);
    WrapJob j;
    EXPECT_EQ(nxz_accel_paste(w, &j.r.crb()), NXZ_PASTE_ACCEPTED);
    ASSERT_TRUE(wait_until([&] { return csb_valid(j.r.csb()); }));
  }
  const std::string log = testing::internal::GetCapturedStderr();
  unsetenv("NXZ_EMU_FAULTS");
  EXPECT_NE(log.find("NXZ_EMU_FAULTS ignored: '" + bad + "'"), std::string::npos) << log;
}

TEST(Injection, ResidencyCanBeTurnedOff) {
  Window w(with_faults("residency=off"));
  const Bytes src = text_like(2 * page(), 62);
  Mapping cold(src.size());
  Request r;
  setup_wrap(r, src.data(), src.size(), cold.data(), src.size());
  EXPECT_EQ(run_with_faults(w, r, {}), 0);
  expect_wrap_done(r, src.data(), cold.data(), src.size());
}

}  // namespace
}  // namespace nxz::test::vas
