#include "checksums.h"

#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "common/checksum.h"
#include "common/checksum_impl.h"

#ifdef NXZ_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif
#ifdef NXZ_HAVE_ISAL
#include <isa-l/crc.h>
#endif

namespace nxz::bench {
namespace {

using Fn = uint32_t (*)(uint32_t, const uint8_t*, size_t);
constexpr size_t kSizes[] = {4096, 65536, 1 << 20};

struct Impl {
  std::string algorithm, name;
  Fn fn;
};

uint32_t zlib_crc(uint32_t c, const uint8_t* p, size_t n) {
  return static_cast<uint32_t>(::crc32(c, p, static_cast<uInt>(n)));
}
uint32_t zlib_adler(uint32_t a, const uint8_t* p, size_t n) {
  return static_cast<uint32_t>(::adler32(a, p, static_cast<uInt>(n)));
}
#ifdef NXZ_HAVE_LIBDEFLATE
uint32_t libdeflate_crc(uint32_t c, const uint8_t* p, size_t n) {
  return ::libdeflate_crc32(c, p, n);
}
uint32_t libdeflate_adler(uint32_t a, const uint8_t* p, size_t n) {
  return ::libdeflate_adler32(a, p, n);
}
#endif
#ifdef NXZ_HAVE_ISAL
// ISA-L's gzip CRC has zlib's convention (from 0, finished value in and out).
uint32_t isal_crc(uint32_t c, const uint8_t* p, size_t n) { return ::crc32_gzip_refl(c, p, n); }
#endif

std::vector<Impl> implementations() {
  using namespace checksum_detail;
  std::vector<Impl> list{{"crc32", "zlib", zlib_crc}, {"crc32", "nxz", nxz::crc32}};
  size_t n = 0;
  const Crc32Variant* crc = crc32_variants(&n);
  for (size_t i = 0; i < n; ++i)
    if (crc[i].supported) list.push_back({"crc32", std::string("nxz/") + crc[i].name, crc[i].fn});
#ifdef NXZ_HAVE_LIBDEFLATE
  list.push_back({"crc32", "libdeflate", libdeflate_crc});
#endif
#ifdef NXZ_HAVE_ISAL
  list.push_back({"crc32", "isal", isal_crc});
#endif
  list.push_back({"adler32", "zlib", zlib_adler});
  list.push_back({"adler32", "nxz", nxz::adler32});
  const Adler32Variant* adler = adler32_variants(&n);
  for (size_t i = 0; i < n; ++i)
    if (adler[i].supported)
      list.push_back({"adler32", std::string("nxz/") + adler[i].name, adler[i].fn});
#ifdef NXZ_HAVE_LIBDEFLATE
  list.push_back({"adler32", "libdeflate", libdeflate_adler});
#endif
  return list;
}

// 1 MiB of the inputs, repeated when they are smaller: real data rather
// than a pattern, though checksums do not care.
std::vector<uint8_t> buffer_from(const std::vector<Input>& inputs) {
  std::vector<uint8_t> buf;
  const size_t want = kSizes[std::size(kSizes) - 1];
  while (buf.size() < want) {
    const size_t before = buf.size();
    for (const auto& in : inputs) {
      const size_t take = std::min(want - buf.size(), in.data.size());
      buf.insert(buf.end(), in.data.begin(), in.data.begin() + static_cast<std::ptrdiff_t>(take));
    }
    if (buf.size() == before) buf.resize(want, 0x5a);
  }
  return buf;
}

// `loops` calls over the same `n` bytes, each continuing from the last
// value so that none can be skipped; returns the seconds taken.
double time_calls(Fn fn, uint32_t init, const uint8_t* p, size_t n, long loops, uint32_t* sink) {
  const auto t0 = std::chrono::steady_clock::now();
  uint32_t v = init;
  for (long i = 0; i < loops; ++i) v = fn(v, p, n);
  *sink ^= v;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

bool measure_checksums(const std::vector<Input>& inputs, const TimingOptions& opt,
                       Progress* progress, std::vector<ChecksumRow>* rows, std::string* fatal) {
  const std::vector<uint8_t> buf = buffer_from(inputs);
  const std::vector<Impl> impls = implementations();
  rows->clear();
  for (const auto& impl : impls)
    rows->push_back({impl.algorithm, impl.name, {std::begin(kSizes), std::end(kSizes)}, {}});

  // Known answers first: every implementation against the system zlib's.
  for (const auto& impl : impls) {
    const bool crc = impl.algorithm == "crc32";
    for (size_t n : kSizes) {
      const uint32_t want = crc ? zlib_crc(0, buf.data(), n) : zlib_adler(1, buf.data(), n);
      const uint32_t got = impl.fn(crc ? 0 : 1, buf.data(), n);
      if (got != want) {
        char msg[160];
        std::snprintf(msg, sizeof msg, "%s of %s: %08x over %zu bytes, zlib says %08x",
                      impl.algorithm.c_str(), impl.name.c_str(), got, n, want);
        *fatal = msg;
        return false;
      }
    }
  }

  // A checksum pass is far cheaper than a codec's, and there are many: a
  // quarter of a codec pass's time each.
  const double per_pass = std::max(opt.min_time / std::max(opt.repeat, 1) / 4, 0.002);
  std::vector<std::vector<long>> loops(impls.size(), std::vector<long>(std::size(kSizes)));
  uint32_t sink = 0;
  for (size_t i = 0; i < impls.size(); ++i)
    for (size_t s = 0; s < std::size(kSizes); ++s) {
      const uint32_t init = impls[i].algorithm == "crc32" ? 0 : 1;
      // Calibrate on a growing count until one run is long enough to time.
      long n = 1;
      double t = 0;
      while ((t = time_calls(impls[i].fn, init, buf.data(), kSizes[s], n, &sink)) < per_pass / 8)
        n *= 4;
      loops[i][s] = std::max(1L, static_cast<long>(std::ceil(n * per_pass / t)));
      (*rows)[i].mbps.emplace_back();
    }

  progress->begin("checksums", opt.repeat * static_cast<int>(impls.size()));
  for (int round = 1; round <= opt.repeat; ++round)
    for (size_t i = 0; i < impls.size(); ++i) {
      progress->step("round " + std::to_string(round) + ", " + impls[i].algorithm + " " +
                     impls[i].name);
      const uint32_t init = impls[i].algorithm == "crc32" ? 0 : 1;
      for (size_t s = 0; s < std::size(kSizes); ++s) {
        const double t = time_calls(impls[i].fn, init, buf.data(), kSizes[s], loops[i][s], &sink);
        (*rows)[i].mbps[s].mbps.push_back(t > 0 ? double(kSizes[s]) * loops[i][s] / t / 1e6 : 0);
      }
    }
  progress->clear();
  // Keeps the values alive without printing them.
  if (sink == 0x12345678u) std::fputc('\0', stderr);
  return true;
}

}  // namespace nxz::bench
