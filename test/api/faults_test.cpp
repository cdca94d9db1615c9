// Streams through the zlib API while the emulated accelerator injects
// translation faults, busy pastes, late completions, hardware errors and
// hangs (NXZ_EMU_FAULTS; ctest runs this with it set, see CMakeLists.txt).
// Every byte is checked against the system zlib: a fault may cost time or
// move a stream to software, never change its output.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "api/api_test_util.h"
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
