// The driver over the simulated VAS (ports/emulated/vas_sim.h): the engine
// and the fault handler run as fibers of the test's thread, interleaved with
// the driver's polling by a seed, with faults, busy pastes, late and hung
// requests and hardware errors drawn from the same seed. One seed is one
// interleaving, replayed exactly; a campaign runs 10,000 of them.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <thread>

#include "emulated/vas_sim.h"
#include "engine/deflate_driver.h"
#include "engine/inflate_driver.h"
#include "nxz/emulated.h"
#include "nxz/stats.h"
#include "support/test_support.h"

namespace {

using nxz::engine::Deflater;
using nxz::engine::DriverConfig;
using nxz::engine::Inflater;
using nxz::engine::Status;
using nxz::test::Bytes;

constexpr const char* kFaults =
    "fault=0.15,busy=0.1,late=0.1:30us,hang=0.003,hwerr=0.01,residency=off";

// What one seed did, to compare two runs of it.
struct Trace {
  bool available = true;
  std::string verdict;  // "ok", or what failed (a mismatch is a bug)
  uint64_t steps = 0, virtual_ns = 0;
  nxz_emu_stats emu{};
  bool operator==(const Trace& o) const {
    return verdict == o.verdict && steps == o.steps && virtual_ns == o.virtual_ns &&
           emu.pastes_accepted == o.emu.pastes_accepted && emu.faults == o.emu.faults &&
           emu.busy_injected == o.emu.busy_injected && emu.late == o.emu.late &&
           emu.hangs == o.emu.hangs && emu.jobs_completed == o.emu.jobs_completed &&
           emu.handler_passes == o.emu.handler_passes;
  }
};

// One seed's scenario on a fresh simulated window: a stream compressed by
// the driver and decoded by zlib, and zlib's stream decoded by the driver,
// sizes and buffer splits drawn from the seed. A request that fails
// (timeout, hardware error) must end in a clean error, never wrong bytes.
Trace run_seed(uint64_t seed) {
  Trace t;
  nxz_emu_config cfg{};
  cfg.faults = kFaults;
  cfg.sim_seed = seed;
  cfg.credits = 1 + seed % 4;  // few credits: busy windows for real
  cfg.fifo_entries = 1 + seed % 3;
  nxz_window* w = nullptr;
  if (const int rc = nxz_accel_open(NXZ_BACKEND_EMULATED, &cfg, &w); rc != 0) {
    t.available = false;
    t.verdict = "open " + std::to_string(rc);
    return t;
  }
  DriverConfig dc;
  dc.timeout_ns = 2 * 1000 * 1000;  // virtual: a hang costs no real time
  const size_t n = 500 + (seed * 7919) % 20000;
  const Bytes in = seed % 2 ? nxz::test::text_like(n, uint32_t(seed))
                            : nxz::test::random_bytes(n, uint32_t(seed));
  t.verdict = "ok";
  {
    Deflater d(w, seed % 3 != 0, dc);
    const size_t step = seed % 5 == 0 ? 1000 : n;
    // Each call ends its own blocks: room for every call's worst case.
    Bytes out((n / step + 1) * nxz::engine::deflate_bound(step) + 64);
    size_t pos = 0, len = 0;
    bool failed = false;
    while (pos < n) {
      const size_t take = std::min(step, n - pos);
      size_t took = 0, made = 0;
      const bool final = pos + take == n;
      if (d.compress(in.data(), pos, in.data() + pos, take, final, out.data() + len,
                     out.size() - len, &took, &made) != Status::kOk) {
        failed = true;
        break;
      }
      if (took == 0 && made == 0) {
        t.verdict = "deflate: no progress at " + std::to_string(pos) + " of " + std::to_string(n);
        failed = true;
        break;
      }
      pos += took;
      len += made;
    }
    if (!failed) {
      Bytes back;
      if (!nxz::test::zlib_inflate_raw(out.data(), len, &back) || back != in)
        t.verdict = "deflate: zlib does not get the input back";
    }
  }
  const Bytes z = nxz::test::zlib_compress(in, 1 + int(seed % 9), -15);
  if (t.verdict == "ok") {
    Inflater inf(w, dc);
    Bytes out(n + 16);
    const uint8_t* p = z.data();
    size_t left = z.size();
    uint8_t* o = out.data();
    // Small output space at times: suspend and resume with history.
    size_t room = seed % 4 == 0 ? 700 : out.size();
    for (int calls = 0; calls < 10000 && !inf.done(); ++calls) {
      size_t o_len = std::min(room, out.size() - size_t(o - out.data()));
      const Status st = inf.run(&p, &left, &o, &o_len);
      if (st == Status::kDataError) {
        t.verdict = "inflate: valid stream called corrupt";
        break;
      }
      if (st != Status::kOk) break;  // a failed request: software's to go on
    }
    const size_t got = size_t(o - out.data());
    if (!std::equal(out.begin(), out.begin() + long(got), in.begin()) || got > n)
      t.verdict = "inflate: wrong bytes";
    else if (inf.done() && got != n)
      t.verdict = "inflate: done early";
  }
  nxz_emu_get_stats(w, &t.emu);
  if (auto* s = nxz::emu::SimScheduler::current()) {
    t.steps = s->steps();
    t.virtual_ns = s->now_ns();
  }
  nxz_accel_close(w);
  return t;
}

// Each seed in a fresh thread: a fresh scheduler, nothing carried over.
Trace run_seed_in_thread(uint64_t seed) {
  Trace t;
  std::thread([&] { t = run_seed(seed); }).join();
  return t;
}

TEST(SimulatedVas, ASeedIsOneInterleavingReplayedExactly) {
  const Trace a = run_seed_in_thread(12345);
  if (!a.available) GTEST_SKIP() << "built without Boost.Context: " << a.verdict;
  EXPECT_EQ(a.verdict, "ok");
  EXPECT_GT(a.steps, 0u);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(run_seed_in_thread(12345) == a) << "run " << i;
  // Other seeds interleave otherwise.
  int differ = 0;
  for (uint64_t s = 1; s <= 8; ++s) differ += run_seed_in_thread(s).steps != a.steps;
  EXPECT_GE(differ, 7);
}

// The poller, the engine and the handler take turns only at the poller's
// hooks and the fibers' own steps: nothing runs while the poller does not
// poll, and a late request completes only as virtual time passes.
TEST(SimulatedVas, NothingRunsUntilThePollerPolls) {
  nxz_emu_config cfg{};
  cfg.faults = "late@0:50us,residency=off";
  cfg.sim_seed = 7;
  nxz_window* w = nullptr;
  const int rc = nxz_accel_open(NXZ_BACKEND_EMULATED, &cfg, &w);
  if (rc == -EOPNOTSUPP) GTEST_SKIP() << "built without Boost.Context";
  ASSERT_EQ(rc, 0);
  DriverConfig dc;
  dc.timeout_ns = 10 * 1000 * 1000;
  nxz::engine::Job job(w, dc);
  uint8_t src[100] = {1, 2, 3}, dst[200];
  const nxz::engine::Piece s{src, sizeof src}, d{dst, sizeof dst};
  job.set_source(&s, 1);
  job.set_target(&d, 1);
  auto* sched = nxz::emu::SimScheduler::current();
  ASSERT_NE(sched, nullptr);
  const uint64_t t0 = sched->now_ns();
  EXPECT_EQ(job.run(nx::kFcWrap), nxz::engine::JobStatus::kComplete);
  EXPECT_EQ(job.cc(), 0);
  // 50 us late on the virtual clock, whatever the real one did.
  EXPECT_GE(sched->now_ns() - t0, 50'000u);
  EXPECT_LT(sched->now_ns() - t0, 10'000'000u);
  nxz_emu_stats st{};
  nxz_emu_get_stats(w, &st);
  EXPECT_EQ(st.late, 1u);
  nxz_accel_close(w);
}

// Failing seeds found by the campaign, one line each.
const uint64_t kRegressionSeeds[] = {
    1,  // placeholder: the first seed, always run
};

TEST(SimulatedVas, RegressionSeeds) {
  for (uint64_t seed : kRegressionSeeds) {
    const Trace t = run_seed_in_thread(seed);
    if (!t.available) GTEST_SKIP() << t.verdict;
    EXPECT_EQ(t.verdict, "ok") << "seed " << seed;
  }
}

TEST(SimulatedVas, CampaignOfTenThousandSeeds) {
  const char* env = std::getenv("NXZ_SIM_SEEDS");
  const uint64_t count = env ? std::strtoull(env, nullptr, 0) : 10000;
  const char* first_env = std::getenv("NXZ_SIM_FIRST");
  const uint64_t first = first_env ? std::strtoull(first_env, nullptr, 0) : 1;
  uint64_t failures = 0, pastes = 0, faults = 0, late = 0, hangs = 0, busy = 0, steps = 0;
  for (uint64_t seed = first; seed < first + count; ++seed) {
    const Trace t = run_seed_in_thread(seed);
    if (!t.available) GTEST_SKIP() << t.verdict;
    if (t.verdict != "ok") {
      if (++failures <= 10) ADD_FAILURE() << "seed " << seed << ": " << t.verdict;
    }
    pastes += t.emu.pastes_accepted;
    faults += t.emu.faults;
    late += t.emu.late;
    hangs += t.emu.hangs;
    busy += t.emu.busy_injected + t.emu.busy_no_credit;
    steps += t.steps;
  }
  std::printf(
      "simulated campaign: %llu seeds from %llu, %llu requests, %llu faults, %llu late, %llu "
      "hung, %llu busy pastes, %llu scheduler steps, %llu failing\n",
      (unsigned long long)count, (unsigned long long)first, (unsigned long long)pastes,
      (unsigned long long)faults, (unsigned long long)late, (unsigned long long)hangs,
      (unsigned long long)busy, (unsigned long long)steps, (unsigned long long)failures);
  EXPECT_EQ(failures, 0u);
  EXPECT_GT(faults, 0u);
  EXPECT_GT(hangs, 0u);
}

}  // namespace
