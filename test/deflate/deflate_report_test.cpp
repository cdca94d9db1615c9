// Not a check: prints the encoder's speed and ratio on the corpus next to
// the system zlib's. Run with --gtest_also_run_disabled_tests.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <functional>

#include "deflate/deflate_test_util.h"

namespace nxz::test {
namespace {

// Best of several runs of `f` over `bytes` input bytes, in MB/s.
double speed(size_t bytes, const std::function<void()>& f) {
  double best = 1e30;
  for (int i = 0; i < 5; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, s);
  }
  return static_cast<double>(bytes) / best / 1e6;
}

TEST(Contract4DeflateReport, DISABLED_SpeedAndRatioAgainstZlib) {
  std::vector<Bytes> files;
  size_t total = 0;
  for (const auto& name : corpus_files()) {
    files.push_back(corpus(name));
    total += files.back().size();
  }
  Bytes out(1 << 21);
  auto fixed_all = [&](size_t* size) {
    *size = 0;
    for (const Bytes& f : files) {
      emu::DeflateInput in;
      in.data = f.data();
      in.len = f.size();
      in.out = out.data();
      in.out_capacity = out.size();
      *size += emu::deflate_job(in).out_bytes;
    }
  };
  std::vector<Dht> dhts;
  for (const Bytes& f : files)
    dhts.push_back(dht_from_counts(run_job({.source = &f, .counts = true}).r.lzcount));
  auto dynamic_all = [&](size_t* size) {
    *size = 0;
    for (size_t i = 0; i < files.size(); ++i) {
      emu::DeflateInput in;
      in.data = files[i].data();
      in.len = files[i].size();
      in.dht = true;
      in.in_dht = dhts[i].bytes;
      in.in_dhtlen = dhts[i].bits;
      in.out = out.data();
      in.out_capacity = out.size();
      *size += emu::deflate_job(in).out_bytes;
    }
  };
  auto zlib_all = [&](int level, size_t* size) {
    *size = 0;
    for (const Bytes& f : files) *size += zlib_compress(f, level).size();
  };
  size_t n_fixed, n_dyn, n_z1, n_z6;
  const double s_fixed = speed(total, [&] { fixed_all(&n_fixed); });
  const double s_dyn = speed(total, [&] { dynamic_all(&n_dyn); });
  const double s_z1 = speed(total, [&] { zlib_all(1, &n_z1); });
  const double s_z6 = speed(total, [&] { zlib_all(6, &n_z6); });
  auto row = [&](const char* what, size_t n, double s) {
    std::printf("%-34s ratio %.3f  %7.1f MB/s\n", what, double(total) / double(n), s);
  };
  std::printf("corpus: %zu files, %zu bytes, one job per file\n", files.size(), total);
  row("nxz fixed Huffman", n_fixed, s_fixed);
  row("nxz dynamic (table from counts)", n_dyn, s_dyn);
  row("zlib level 1", n_z1, s_z1);
  row("zlib level 6", n_z6, s_z6);
}

}  // namespace
}  // namespace nxz::test
