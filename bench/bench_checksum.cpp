// Google Benchmark: CRC-32 and Adler-32 throughput of every variant this CPU
// runs, next to the system zlib's and, where the bench links them,
// libdeflate's and ISA-L's, on 4 KiB, 64 KiB and 1 MiB buffers.
#include <benchmark/benchmark.h>
#include <zlib.h>

#include <random>
#include <string>
#include <vector>

#if defined(NXZ_HAVE_LIBDEFLATE)
#include <libdeflate.h>
#endif
#if defined(NXZ_HAVE_ISAL)
#include <isa-l/crc.h>
#endif

#include "common/checksum.h"
#include "common/checksum_impl.h"

namespace {

std::vector<uint8_t> random_buffer(size_t n) {
  std::vector<uint8_t> b(n);
  std::mt19937 rng(42);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

template <typename Fn>
void run_checksum(benchmark::State& state, Fn fn, uint32_t initial) {
  const auto buf = random_buffer(static_cast<size_t>(state.range(0)));
  uint32_t v = initial;
  for (auto _ : state) {
    v = fn(v, buf.data(), buf.size());
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * buf.size()));
}

void zlib_crc32(benchmark::State& state) {
  run_checksum(
      state,
      [](uint32_t c, const uint8_t* p, size_t n) {
        return static_cast<uint32_t>(::crc32(c, p, static_cast<uInt>(n)));
      },
      0);
}
void zlib_adler32(benchmark::State& state) {
  run_checksum(
      state,
      [](uint32_t a, const uint8_t* p, size_t n) {
        return static_cast<uint32_t>(::adler32(a, p, static_cast<uInt>(n)));
      },
      1);
}
void nxz_crc32(benchmark::State& state) { run_checksum(state, nxz::crc32, 0); }
void nxz_adler32(benchmark::State& state) { run_checksum(state, nxz::adler32, 1); }

BENCHMARK(zlib_crc32)->Arg(4096)->Arg(65536)->Arg(1 << 20);
BENCHMARK(nxz_crc32)->Arg(4096)->Arg(65536)->Arg(1 << 20);
BENCHMARK(zlib_adler32)->Arg(4096)->Arg(65536)->Arg(1 << 20);
BENCHMARK(nxz_adler32)->Arg(4096)->Arg(65536)->Arg(1 << 20);

#if defined(NXZ_HAVE_LIBDEFLATE)
void libdeflate_crc32(benchmark::State& state) {
  run_checksum(
      state, [](uint32_t c, const uint8_t* p, size_t n) { return ::libdeflate_crc32(c, p, n); }, 0);
}
void libdeflate_adler32(benchmark::State& state) {
  run_checksum(
      state, [](uint32_t a, const uint8_t* p, size_t n) { return ::libdeflate_adler32(a, p, n); },
      1);
}
BENCHMARK(libdeflate_crc32)->Arg(4096)->Arg(65536)->Arg(1 << 20);
BENCHMARK(libdeflate_adler32)->Arg(4096)->Arg(65536)->Arg(1 << 20);
#endif

#if defined(NXZ_HAVE_ISAL)
// ISA-L's gzip CRC has zlib's convention (start from 0, finished value in
// and out); its length is a 64-bit count.
void isal_crc32_gzip_refl(benchmark::State& state) {
  run_checksum(
      state, [](uint32_t c, const uint8_t* p, size_t n) { return ::crc32_gzip_refl(c, p, n); }, 0);
}
BENCHMARK(isal_crc32_gzip_refl)->Arg(4096)->Arg(65536)->Arg(1 << 20);
#endif

// Each variant on its own, at the same sizes, so the dispatch choice can be
// checked against the others.
int register_variants() {
  using namespace nxz::checksum_detail;
  size_t n;
  const Crc32Variant* crc = crc32_variants(&n);
  for (size_t i = 0; i < n; ++i)
    if (crc[i].supported)
      benchmark::RegisterBenchmark(
          (std::string("crc32_") + crc[i].name).c_str(),
          [fn = crc[i].fn](benchmark::State& s) { run_checksum(s, fn, 0); })
          ->Arg(4096)
          ->Arg(65536)
          ->Arg(1 << 20);
  const Adler32Variant* adler = adler32_variants(&n);
  for (size_t i = 0; i < n; ++i)
    if (adler[i].supported)
      benchmark::RegisterBenchmark(
          (std::string("adler32_") + adler[i].name).c_str(),
          [fn = adler[i].fn](benchmark::State& s) { run_checksum(s, fn, 1); })
          ->Arg(4096)
          ->Arg(65536)
          ->Arg(1 << 20);
  return 0;
}
const int registered = register_variants();

}  // namespace
