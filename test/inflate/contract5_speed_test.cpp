// Decompression speed of the emulated engine's decoder against system zlib
// on the corpus (level 6 raw DEFLATE). Prints MB/s of output; asserts only
// that both decoders produce the data, never a timing.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "emulated/inflate_core.h"
#include "inflate/inflate_driver.h"

namespace nxz::test {
namespace {

using Clock = std::chrono::steady_clock;

// Runs `fn` until ~0.15 s have passed (at least twice); returns MB/s of
// `bytes` per run, from the fastest run.
template <typename Fn>
double best_mbps(size_t bytes, Fn fn) {
  double best = 1e30;
  const auto until = Clock::now() + std::chrono::milliseconds(150);
  for (int i = 0; i < 2 || Clock::now() < until; ++i) {
    const auto t0 = Clock::now();
    fn();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
  }
  return bytes / best / 1e6;
}

TEST(Contract5InflateSpeed, ReportsThroughputAgainstZlib) {
  size_t total = 0;
  double ours_time = 0, zlib_time = 0;
  std::printf("%-16s %10s %10s %10s\n", "file", "bytes", "nxz MB/s", "zlib MB/s");
  for (const auto& name : corpus_files()) {
    const Bytes data = corpus(name);
    const Bytes z = zlib_compress(data, 6);
    Bytes out(data.size());
    emu::InflateInput in;
    in.src = z.data();
    in.src_len = z.size();
    in.out = out.data();
    in.out_capacity = out.size();
    emu::InflateResult r;
    const double ours = best_mbps(data.size(), [&] { r = emu::inflate_job(in); });
    ASSERT_EQ(r.cc, 0) << name;
    ASSERT_TRUE(out == data) << name;

    Bytes ref(data.size());
    int rc = Z_OK;
    const double theirs = best_mbps(data.size(), [&] {
      z_stream s{};
      inflateInit2(&s, -15);
      s.next_in = const_cast<Bytef*>(z.data());
      s.avail_in = static_cast<uInt>(z.size());
      s.next_out = ref.data();
      s.avail_out = static_cast<uInt>(ref.size());
      rc = inflate(&s, Z_FINISH);
      inflateEnd(&s);
    });
    ASSERT_EQ(rc, Z_STREAM_END) << name;
    ASSERT_TRUE(ref == data) << name;
    std::printf("%-16s %10zu %10.0f %10.0f\n", name.c_str(), data.size(), ours, theirs);
    total += data.size();
    ours_time += data.size() / ours;
    zlib_time += data.size() / theirs;
  }
  if (total)
    std::printf("%-16s %10zu %10.0f %10.0f\n", "all", total, total / ours_time, total / zlib_time);
}

}  // namespace
}  // namespace nxz::test
