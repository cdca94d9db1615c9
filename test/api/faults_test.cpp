// Streams through the zlib API while the emulated accelerator injects
// translation faults, busy pastes, late completions, hardware errors and
// hangs (NXZ_EMU_FAULTS; ctest runs this with it set, see CMakeLists.txt).
// Every byte is checked against the system zlib: a fault may cost time or
// move a stream to software, never change its output.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

#include "api/api_test_util.h"
#include "nx/nx.h"
#include "nxz/emulated.h"
#include "nxz/stats.h"

namespace nxz::test {
namespace {

TEST(ZlibUnderFaults, CampaignOfTenThousandRequests) {
  if (!std::getenv("NXZ_EMU_FAULTS")) GTEST_SKIP() << "run by ctest with NXZ_EMU_FAULTS set";
  nxz_stats before{}, after{};
  nxz_stats_get(&before);
  uint64_t mismatches = 0, streams = 0;
  const size_t chunks[][2] = {{0, 0}, {4096, 4096}, {65536, 1000}, {997, 65536}};
  for (int round = 0; round < 200; ++round) {
    nxz_stats_get(&after);
    if (after.jobs - before.jobs >= 10000) break;
    for (const Sample& smp : samples()) {
      const Bytes in(smp.data.begin(),
                     smp.data.begin() + std::min<size_t>(smp.data.size(), 100000 + 5000 * round));
      const int wbits = round % 3 == 0 ? 15 : (round % 3 == 1 ? 31 : -15);
      DeflateRun r;
      r.window_bits = wbits;
      r.in_chunk = chunks[round % 4][0];
      r.out_chunk = chunks[round % 4][1];
      const Bytes ours = nxz_deflate(in, r);
      Bytes back;
      if (ref_inflate(ours, wbits, &back) != Z_STREAM_END || back != in) ++mismatches;
      const Bytes theirs = ref_compress(in, 6, wbits);
      const InflateResult res =
          nxz_inflate(theirs, wbits, chunks[(round + 1) % 4][0], chunks[(round + 1) % 4][1]);
      if (res.rc != Z_STREAM_END || res.out != in) ++mismatches;
      streams += 2;
    }
  }
  nxz_stats_get(&after);
  const uint64_t jobs = after.jobs - before.jobs;
  std::printf(
      "fault campaign: %llu streams, %llu requests, %llu faults, %llu busy retries, "
      "%llu timeouts, %llu hardware errors, %llu mismatches\n",
      static_cast<unsigned long long>(streams), static_cast<unsigned long long>(jobs),
      static_cast<unsigned long long>(after.faults - before.faults),
      static_cast<unsigned long long>(after.busy_retries - before.busy_retries),
      static_cast<unsigned long long>(after.timeouts - before.timeouts),
      static_cast<unsigned long long>(after.hw_errors - before.hw_errors),
      static_cast<unsigned long long>(mismatches));
  EXPECT_EQ(mismatches, 0u);
  EXPECT_GE(jobs, 10000u);
  EXPECT_GT(after.faults, before.faults);
  EXPECT_GT(after.busy_retries, before.busy_retries);
}

}  // namespace
}  // namespace nxz::test

namespace nxz::test {
namespace {

// The counters are the process's own: a child starts from zero, so that
// the lines of a parent and its children (NXZ_STATS_FILE) add up to the
// work done, not the parent's counted twice.
TEST(ZlibStats, AForkedChildCountsOnlyItsOwnWork) {
  const Bytes in = text_bytes(300000, 47);
  const Bytes packed = nxz_deflate(in, DeflateRun{});
  nxz_stats before{};
  nxz_stats_get(&before);
  ASSERT_GT(before.jobs, 0u);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    nxz_stats st{};
    nxz_stats_get(&st);
    if (st.jobs != 0 || st.bytes_in != 0) _exit(1);
    const InflateResult r = nxz_inflate(packed, 15);
    nxz_stats_get(&st);
    _exit(r.out == in && st.jobs > 0 ? 0 : 2);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: inherited counters, 2: the child's work not counted";
  nxz_stats after{};
  nxz_stats_get(&after);
  EXPECT_EQ(after.jobs, before.jobs);  // the child's work is not the parent's
}

}  // namespace
}  // namespace nxz::test

namespace nxz::test {
namespace {

double rss_kib() {
  std::ifstream f("/proc/self/statm");
  long total = 0, resident = 0;
  f >> total >> resident;
  return double(resident) * double(sysconf(_SC_PAGESIZE)) / 1024;
}

// Every request hangs (ctest runs this with NXZ_EMU_FAULTS=hang=1): each
// stream times out, is finished by software, and leaves its requests
// behind. What those may still write is kept, but not its pages: a
// request's block, its window and the allocator's edge pages, 7 to 9 KiB
// (measured), where the output buffers it named stayed resident before
// (79 and 15 KiB per timeout here; a 30-minute soak grew by 900 MiB).
TEST(ZlibUnderHangs, HungRequestsPinNoBuffersPages) {
  if (!std::getenv("NXZ_EMU_FAULTS")) GTEST_SKIP() << "run by ctest with NXZ_EMU_FAULTS=hang=1";
  const Bytes in = text_bytes(300000, 53);
  const Bytes theirs = ref_compress(in, 6, 15);
  DeflateRun r;
  r.out_chunk = 16384;  // output through the stream's pending buffer
  // A first round grows the heap to its working size.
  for (int i = 0; i < 20; ++i) nxz_deflate(in, r), nxz_inflate(theirs, 15, 0, 100000);
  nxz_stats before{}, mid{}, after{};
  nxz_stats_get(&before);
  uint64_t hung0 = 0, held0 = 0, hung1 = 0, held1 = 0, reclaimed = 0;
  nxz_stats_abandoned(&hung0, &held0, nullptr);
  const double rss0 = rss_kib();
  for (int i = 0; i < 200; ++i) {
    Bytes back;
    ASSERT_EQ(ref_inflate(nxz_deflate(in, r), 15, &back), Z_STREAM_END);
    ASSERT_EQ(back, in);
  }
  nxz_stats_get(&mid);
  const double rss1 = rss_kib();
  for (int i = 0; i < 200; ++i) ASSERT_EQ(nxz_inflate(theirs, 15, 0, 100000).out, in);
  nxz_stats_get(&after);
  const double rss2 = rss_kib();
  const double deflate_timeouts = double(mid.timeouts - before.timeouts);
  const double inflate_timeouts = double(after.timeouts - mid.timeouts);
  ASSERT_GE(deflate_timeouts, 200);
  ASSERT_GE(inflate_timeouts, 200);
  const double per_deflate = (rss1 - rss0) / deflate_timeouts;
  const double per_inflate = (rss2 - rss1) / inflate_timeouts;
  std::printf("resident growth per timeout: deflate %.1f KiB (%.0f), inflate %.1f KiB (%.0f)\n",
              per_deflate, deflate_timeouts, per_inflate, inflate_timeouts);
#ifndef __SANITIZE_ADDRESS__  // its allocator keeps freed memory resident (quarantine)
  EXPECT_LT(per_deflate, 16.0);
  EXPECT_LT(per_inflate, 10.0);
#endif
  // Every timed-out request hangs for good: each is counted, its request
  // block and lists kept resident (its buffers only as address space), and
  // none was freed.
  nxz_stats_abandoned(&hung1, &held1, &reclaimed);
  const uint64_t hung = hung1 - hung0;
  EXPECT_EQ(hung, after.timeouts - before.timeouts);
  EXPECT_GE(held1 - held0, hung * sizeof(nx::RequestBlock));
  EXPECT_LE(held1 - held0, hung * (sizeof(nx::RequestBlock) + 2 * 255 * sizeof(nx::Dde)));
  std::printf("kept resident per hung request: %.1f KiB\n", double(held1 - held0) / hung / 1024);
  EXPECT_EQ(reclaimed, 0u);
}

}  // namespace
}  // namespace nxz::test

namespace nxz::test {
namespace {

// One seed of the zlib streams over the simulated VAS (ctest sets
// NXZ_EMU_FAULTS with sim=): in a fresh thread, so that its window, its
// scheduler and its faults start from nothing, a stream of our deflate
// with sizes, wrapper, level, buffers and flushes from the seed, decoded by
// zlib, and zlib's stream decoded by our inflate. The seed decides every
// interleaving of the engine, the fault handler and the poller, and every
// fault: a failure is replayed by that seed alone. Returns what went wrong.
std::string simulated_streams(uint64_t seed) {
  std::string why;
  std::thread([&] {
    nxz_emu_sim_thread_seed(seed);
    const size_t n = 200 + (seed * 104729) % 40000;
    const Bytes in = seed % 3 ? text_bytes(n, uint32_t(seed)) : random_bytes(n, uint32_t(seed));
    const int wbits_choice[] = {15, 31, -15, 9 + int(seed % 7)};
    const int wbits = wbits_choice[seed % 4];
    DeflateRun r;
    r.level = int(seed % 10);
    r.window_bits = wbits;
    r.in_chunk = seed % 5 == 0 ? 1 + seed % 3000 : 0;
    r.out_chunk = seed % 7 == 0 ? 7 + seed % 500 : 0;
    r.flush_every = seed % 11 == 0 ? 1 + seed % 5000 : 0;
    r.flush = seed % 2 ? Z_SYNC_FLUSH : Z_FULL_FLUSH;
    Bytes back;
    const Bytes ours = nxz_deflate(in, r);
    if (ref_inflate(ours, wbits, &back) != Z_STREAM_END || back != in) {
      why = "our deflate does not decode to the input";
      return;
    }
    const Bytes theirs = ref_compress(in, 1 + int(seed % 9), wbits);
    const InflateResult res =
        nxz_inflate(theirs, wbits, seed % 4 == 1 ? 1 + seed % 2000 : 0, seed % 6 == 1 ? 999 : 0);
    if (res.rc != Z_STREAM_END || res.out != in) why = "zlib's stream inflated wrong";
  }).join();
  return why;
}

// Failing seeds of the campaign below, one line each.
const uint64_t kSimulatedRegressions[] = {
    1,  // placeholder: the first seed, always run
};

// Whether this build has the simulated VAS (Boost.Context): without it the
// streams run in software, and there is nothing to explore.
bool simulation_built() {
  nxz_emu_config cfg{};
  cfg.faults = "";
  cfg.sim_seed = 1;
  nxz_window* w = nullptr;
  if (nxz_accel_open(NXZ_BACKEND_EMULATED, &cfg, &w) != 0) return false;
  nxz_accel_close(w);
  return true;
}

TEST(ZlibSimulated, RegressionSeeds) {
  const char* spec = std::getenv("NXZ_EMU_FAULTS");
  if (!spec || !std::strstr(spec, "sim=")) GTEST_SKIP() << "run by ctest with sim= in the spec";
  if (!simulation_built()) GTEST_SKIP() << "built without Boost.Context: no simulated VAS";
  for (uint64_t seed : kSimulatedRegressions) EXPECT_EQ(simulated_streams(seed), "") << seed;
  // A seed is one run: twice the same requests, faults, retries, timeouts.
  for (uint64_t seed : {4ull, 8ull, 12ull}) {  // windowBits 15, 31, -15: the accelerator's
    nxz_stats a0{}, a1{}, b0{}, b1{};
    nxz_stats_get(&a0);
    EXPECT_EQ(simulated_streams(seed), "");
    nxz_stats_get(&a1);
    nxz_stats_get(&b0);
    EXPECT_EQ(simulated_streams(seed), "");
    nxz_stats_get(&b1);
    EXPECT_EQ(a1.jobs - a0.jobs, b1.jobs - b0.jobs) << seed;
    EXPECT_EQ(a1.faults - a0.faults, b1.faults - b0.faults) << seed;
    EXPECT_EQ(a1.busy_retries - a0.busy_retries, b1.busy_retries - b0.busy_retries) << seed;
    EXPECT_EQ(a1.timeouts - a0.timeouts, b1.timeouts - b0.timeouts) << seed;
    EXPECT_EQ(a1.bytes_out - a0.bytes_out, b1.bytes_out - b0.bytes_out) << seed;
    EXPECT_GT(a1.jobs - a0.jobs, 0u) << seed;
  }
}

TEST(ZlibSimulated, CampaignOfSeeds) {
  const char* spec = std::getenv("NXZ_EMU_FAULTS");
  if (!spec || !std::strstr(spec, "sim=")) GTEST_SKIP() << "run by ctest with sim= in the spec";
  if (!simulation_built()) GTEST_SKIP() << "built without Boost.Context: no simulated VAS";
  const char* env = std::getenv("NXZ_SIM_SEEDS");
  const uint64_t count = env ? std::strtoull(env, nullptr, 0) : 10000;
  const char* first_env = std::getenv("NXZ_SIM_FIRST");
  const uint64_t first = first_env ? std::strtoull(first_env, nullptr, 0) : 1;
  nxz_stats before{}, after{};
  nxz_stats_get(&before);
  uint64_t failures = 0;
  for (uint64_t seed = first; seed < first + count; ++seed) {
    const std::string why = simulated_streams(seed);
    if (!why.empty() && ++failures <= 10) ADD_FAILURE() << "seed " << seed << ": " << why;
  }
  nxz_stats_get(&after);
  std::printf(
      "simulated zlib streams: %llu seeds from %llu, %llu requests, %llu faults, %llu busy "
      "retries, %llu timeouts, %llu hardware errors, %llu failing\n",
      (unsigned long long)count, (unsigned long long)first,
      (unsigned long long)(after.jobs - before.jobs),
      (unsigned long long)(after.faults - before.faults),
      (unsigned long long)(after.busy_retries - before.busy_retries),
      (unsigned long long)(after.timeouts - before.timeouts),
      (unsigned long long)(after.hw_errors - before.hw_errors), (unsigned long long)failures);
  EXPECT_EQ(failures, 0u);
  EXPECT_GT(after.faults, before.faults);
}

}  // namespace
}  // namespace nxz::test
