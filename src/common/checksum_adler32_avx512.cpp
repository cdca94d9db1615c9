// Adler-32 with AVX-512 vector sums (AVX-512BW, and AVX512-VNNI's VPDPBUSD
// for the weighted sum), x86-64 only.
//
// A run of N bytes d[0..N) taken from state (a, b) gives
//     a' = a + sum d[j]          b' = b + N a + sum (N - j) d[j].
// The run is cut into pieces (128-byte "pairs" of two 64-byte registers,
// single 64-byte blocks, and a last partial block of r bytes). For byte j
// in a piece of length L starting at offset o,
//     N - j = (N - o - L)  +  (L - 1 - (j - o))  +  1.
// Summed over the bytes:
//  - the first part is, for every piece, L times the sum of all bytes
//    before it: the loop adds the running byte sum s1 into an accumulator
//    before each piece (p128 for pairs, p64 for blocks; the tail's is
//    multiplied by r directly), weighted by L at the end;
//  - the second part is a dot product of each piece with the weights
//    L-1..0: 127..64 and 63..0 for the two halves of a pair, 63..0 for a
//    block, r-1..0 for the tail (63..0 minus 64 - r: negative past the r
//    bytes, where the masked load put zeros). Weights up to 127 fit the
//    signed bytes of VPDPBUSD (unsigned data times signed weights, four
//    products summed into each 32-bit lane);
//  - the last part adds the run's byte sum once more.
// So b' = b + N a + 128 p128 + 64 p64 + r s1_before_tail + dots + s1.
//
// Without VNNI, VPMADDUBSW adds two products into a signed 16-bit lane,
// which saturates past 32767: 255 (127 + 126) would, so that variant uses
// 64-byte blocks only (weights 63..0: at most 255 (63 + 62) = 31875), and
// VPMADDWD by ones widens the pairs to 32-bit lanes.
//
// How long a run may be. Everything but the dot products is kept in
// 64-bit lanes (VPSADBW gives eight 64-bit sums of eight bytes each), and
// the run's totals are summed and reduced in 64-bit arithmetic, so the
// 5552-byte bound of the scalar code (32-bit a and b) does not apply. The
// dot-product accumulators are 32-bit lanes (wrapping, read as unsigned),
// each getting at most 255 (127 + 126 + 125 + 124) = 128010 per 64 bytes;
// the four accumulators are added lane-wise before widening, so a run of
// kRunBytes must keep 128010 (kRunBytes / 64 + 1) below 2^32 (the + 1 for
// the tail). The 64-bit totals are far from overflow (static_asserts
// below).
#if defined(__x86_64__)

#include "common/immintrin_avx512.h"

#include <algorithm>

#include "common/checksum_impl.h"

namespace nxz::checksum_detail {
namespace {

constexpr size_t kRunBytes = size_t{1} << 20;
constexpr uint64_t kMaxDotPer64 = 255u * (127 + 126 + 125 + 124);
static_assert(kMaxDotPer64 * (kRunBytes / 64 + 1) <= 0xffffffffu,
              "32-bit dot-product lanes overflow within a run");
static_assert(kRunBytes % 256 == 0, "runs end on whole loop steps");
// The 64-bit totals: the weighted lanes add up to exactly sum (N - j) d[j]
// <= 255 N (N + 1) / 2, to which b + N a adds less than 2^16 (N + 1).
static_assert(uint64_t{255} * kRunBytes * (kRunBytes + 1) / 2 + (uint64_t{1} << 16) * (kRunBytes + 1) <
              (uint64_t{1} << 63));
// s1 lanes (eight bytes each per 64 bytes) stay below 2^32, as the 32-bit
// multiplication by r of the tail needs.
static_assert(uint64_t{255} * 8 * (kRunBytes / 64) < (uint64_t{1} << 32));


struct Sums {
  uint64_t a;
  uint64_t b;
};

#define NXZ_AVX512BW_TARGET __attribute__((target("avx512f,avx512bw")))
#define NXZ_AVX512VNNI_TARGET __attribute__((target("avx512f,avx512bw,avx512vnni")))

// The accumulators of one run.
struct Run {
  __m512i s1, p128, p64, ptail, dots;
  size_t bytes;
};

NXZ_AVX512BW_TARGET inline Run start_run() {
  const __m512i zero = _mm512_setzero_si512();
  return {zero, zero, zero, zero, zero, 0};
}

// Sums of eight bytes in each 64-bit lane.
NXZ_AVX512BW_TARGET inline __m512i byte_sums(__m512i d) {
  return _mm512_sad_epu8(d, _mm512_setzero_si512());
}

NXZ_AVX512BW_TARGET inline __m512i load(const uint8_t* p) { return _mm512_loadu_si512(p); }

// Weights 63..0 over the 64 bytes, and 127..64.
NXZ_AVX512BW_TARGET inline __m512i weights_low() {
  return _mm512_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                         21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39,
                         40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58,
                         59, 60, 61, 62, 63);
}
NXZ_AVX512BW_TARGET inline __m512i weights_high() {
  return _mm512_add_epi8(weights_low(), _mm512_set1_epi8(64));
}

// The last r (1..63) bytes, zero-extended, and their weights r-1..0.
NXZ_AVX512BW_TARGET inline __m512i load_tail(const uint8_t* p, size_t r) {
  return _mm512_maskz_loadu_epi8((__mmask64{1} << r) - 1, p);
}
NXZ_AVX512BW_TARGET inline __m512i weights_tail(size_t r) {
  return _mm512_sub_epi8(weights_low(), _mm512_set1_epi8(static_cast<char>(64 - r)));
}

// The tail's share of the run: r times the bytes before it, then its sums.
NXZ_AVX512BW_TARGET inline void tail_prefix(Run& run, __m512i d, size_t r) {
  run.ptail = _mm512_mul_epu32(run.s1, _mm512_set1_epi64(static_cast<long long>(r)));
  run.s1 = _mm512_add_epi64(run.s1, byte_sums(d));
  run.bytes += r;
}

// 32-bit lanes added up in 64-bit ones.
NXZ_AVX512BW_TARGET inline __m512i widen_pairs(__m512i v) {
  return _mm512_add_epi64(_mm512_and_si512(v, _mm512_set1_epi64(0xffffffff)),
                          _mm512_srli_epi64(v, 32));
}

NXZ_AVX512BW_TARGET inline Sums finish_run(Sums s, const Run& run) {
  const __m512i weighted = _mm512_add_epi64(
      _mm512_add_epi64(_mm512_slli_epi64(run.p128, 7), _mm512_slli_epi64(run.p64, 6)),
      _mm512_add_epi64(_mm512_add_epi64(run.ptail, run.s1), widen_pairs(run.dots)));
  // Both horizontal sums in one tree: s1's partial sums in the even 64-bit
  // lanes, the weighted ones in the odd lanes.
  const __m512i pairs = _mm512_add_epi64(_mm512_unpacklo_epi64(run.s1, weighted),
                                         _mm512_unpackhi_epi64(run.s1, weighted));
  const __m256i quads =
      _mm256_add_epi64(_mm512_castsi512_si256(pairs), _mm512_extracti64x4_epi64(pairs, 1));
  const __m128i both =
      _mm_add_epi64(_mm256_castsi256_si128(quads), _mm256_extracti128_si256(quads, 1));
  const uint64_t s1 = static_cast<uint64_t>(_mm_cvtsi128_si64(both));
  const uint64_t rest = static_cast<uint64_t>(_mm_extract_epi64(both, 1));
  return {(s.a + s1) % kAdlerBase, (s.b + run.bytes * s.a + rest) % kAdlerBase};
}

// No reduction needed first: the run's totals are taken modulo kAdlerBase
// in 64 bits, and the bounds above allow any 16-bit starting sums.
inline Sums sums_of(uint32_t adler) { return {adler & 0xffff, adler >> 16}; }
inline uint32_t value_of(Sums s) { return static_cast<uint32_t>(s.b << 16 | s.a); }

}  // namespace

// ------------------------------------------------------------ AVX512-VNNI

namespace {

NXZ_AVX512VNNI_TARGET inline __m512i dot(__m512i acc, __m512i d, __m512i w) {
  return _mm512_dpbusd_epi32(acc, d, w);
}

}  // namespace

NXZ_AVX512VNNI_TARGET uint32_t adler32_avx512vnni(uint32_t adler, const uint8_t* p, size_t n) {
  // Any length goes through the vectors (a masked load takes the partial
  // block): measured faster than the scalar code from a few bytes up. An
  // empty buffer still returns the reduced value, as zlib does.
  if (n == 0) return adler32_portable(adler, p, n);
  Sums s = sums_of(adler);
  const __m512i w_low = weights_low(), w_high = weights_high();
  while (n > 0) {
    size_t len = std::min(n, kRunBytes);
    n -= len;
    Run run = start_run();
    // Four dot-product chains: VPDPBUSD's latency is several cycles.
    __m512i dot0 = run.dots, dot1 = run.dots, dot2 = run.dots, dot3 = run.dots;
    run.bytes = len & ~size_t{255};
    for (; len >= 256; len -= 256, p += 256) {
      const __m512i d0 = load(p), d1 = load(p + 64), d2 = load(p + 128), d3 = load(p + 192);
      run.p128 = _mm512_add_epi64(run.p128, run.s1);
      run.s1 = _mm512_add_epi64(run.s1, _mm512_add_epi64(byte_sums(d0), byte_sums(d1)));
      run.p128 = _mm512_add_epi64(run.p128, run.s1);
      run.s1 = _mm512_add_epi64(run.s1, _mm512_add_epi64(byte_sums(d2), byte_sums(d3)));
      dot0 = dot(dot0, d0, w_high);
      dot1 = dot(dot1, d1, w_low);
      dot2 = dot(dot2, d2, w_high);
      dot3 = dot(dot3, d3, w_low);
    }
    for (; len >= 64; len -= 64, p += 64) {
      const __m512i d = load(p);
      run.p64 = _mm512_add_epi64(run.p64, run.s1);
      run.s1 = _mm512_add_epi64(run.s1, byte_sums(d));
      dot0 = dot(dot0, d, w_low);
      run.bytes += 64;
    }
    if (len > 0) {  // only in the last run: kRunBytes is a multiple of 64
      const __m512i d = load_tail(p, len);
      dot1 = dot(dot1, d, weights_tail(len));
      tail_prefix(run, d, len);
      p += len;
    }
    run.dots = _mm512_add_epi32(_mm512_add_epi32(dot0, dot1), _mm512_add_epi32(dot2, dot3));
    s = finish_run(s, run);
  }
  return value_of(s);
}

// ------------------------------------------------------------- AVX-512BW

namespace {

NXZ_AVX512BW_TARGET inline __m512i dot_bw(__m512i acc, __m512i d, __m512i w) {
  const __m512i pairs = _mm512_maddubs_epi16(d, w);
  return _mm512_add_epi32(acc, _mm512_madd_epi16(pairs, _mm512_set1_epi16(1)));
}

}  // namespace

NXZ_AVX512BW_TARGET uint32_t adler32_avx512bw(uint32_t adler, const uint8_t* p, size_t n) {
  if (n == 0) return adler32_portable(adler, p, n);
  Sums s = sums_of(adler);
  const __m512i w_low = weights_low();
  while (n > 0) {
    size_t len = std::min(n, kRunBytes);
    n -= len;
    Run run = start_run();
    __m512i dot0 = run.dots, dot1 = run.dots, dot2 = run.dots, dot3 = run.dots;
    run.bytes = len & ~size_t{63};
    for (; len >= 256; len -= 256, p += 256) {
      const __m512i d0 = load(p), d1 = load(p + 64), d2 = load(p + 128), d3 = load(p + 192);
      run.p64 = _mm512_add_epi64(run.p64, run.s1);
      run.s1 = _mm512_add_epi64(run.s1, byte_sums(d0));
      run.p64 = _mm512_add_epi64(run.p64, run.s1);
      run.s1 = _mm512_add_epi64(run.s1, byte_sums(d1));
      run.p64 = _mm512_add_epi64(run.p64, run.s1);
      run.s1 = _mm512_add_epi64(run.s1, byte_sums(d2));
      run.p64 = _mm512_add_epi64(run.p64, run.s1);
      run.s1 = _mm512_add_epi64(run.s1, byte_sums(d3));
      dot0 = dot_bw(dot0, d0, w_low);
      dot1 = dot_bw(dot1, d1, w_low);
      dot2 = dot_bw(dot2, d2, w_low);
      dot3 = dot_bw(dot3, d3, w_low);
    }
    for (; len >= 64; len -= 64, p += 64) {
      const __m512i d = load(p);
      run.p64 = _mm512_add_epi64(run.p64, run.s1);
      run.s1 = _mm512_add_epi64(run.s1, byte_sums(d));
      dot0 = dot_bw(dot0, d, w_low);
    }
    if (len > 0) {
      const __m512i d = load_tail(p, len);
      dot1 = dot_bw(dot1, d, weights_tail(len));
      tail_prefix(run, d, len);
      p += len;
    }
    run.dots = _mm512_add_epi32(_mm512_add_epi32(dot0, dot1), _mm512_add_epi32(dot2, dot3));
    s = finish_run(s, run);
  }
  return value_of(s);
}

}  // namespace nxz::checksum_detail

#endif  // __x86_64__
