// Adler-32 with SSSE3 and AVX2 vector sums, x86-64 only.
//
// For a block of W bytes d[0..W) taken from state (a, b):
//     a' = a + sum d[i]          b' = b + W a + sum (W - i) d[i]
// Over a run of blocks, the W a terms add up to W times a taken before each
// block, i.e. W * (a at the start) per block plus W times the running byte
// sum before each block. The loop keeps, per lane: s1 the byte sums (psadbw),
// prev the running s1 before each block, s2 the weighted sums (pmaddubsw
// with weights W..1, then pmaddwd to 32 bits). After at most kAdlerNmax
// bytes, the lanes are added up in 64 bits and reduced; the lane bounds
// (s1 < 2^20, prev < 2^28, s2 < 2^23 for 5552 bytes) never overflow.
#if defined(__x86_64__)

#include <immintrin.h>

#include <algorithm>

#include "common/checksum_impl.h"

namespace nxz::checksum_detail {
namespace {

struct Sums {
  uint32_t a;
  uint32_t b;
};

// Folds one run of `blocks` blocks of `width` bytes into (a, b).
inline Sums finish_run(Sums s, size_t blocks, size_t width, uint64_t s1, uint64_t prev,
                       uint64_t s2) {
  const uint64_t b = s.b + uint64_t{blocks} * width * s.a + width * prev + s2;
  const uint64_t a = s.a + s1;
  return {static_cast<uint32_t>(a % kAdlerBase), static_cast<uint32_t>(b % kAdlerBase)};
}

__attribute__((target("ssse3"))) uint64_t hsum32(__m128i v) {
  alignas(16) uint32_t lanes[4];
  _mm_store_si128(reinterpret_cast<__m128i*>(lanes), v);
  return uint64_t{lanes[0]} + lanes[1] + lanes[2] + lanes[3];
}

__attribute__((target("avx2"))) uint64_t hsum32(__m256i v) {
  alignas(32) uint32_t lanes[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), v);
  uint64_t s = 0;
  for (uint32_t x : lanes) s += x;
  return s;
}

}  // namespace

__attribute__((target("ssse3"))) uint32_t adler32_ssse3(uint32_t adler, const uint8_t* p,
                                                        size_t n) {
  constexpr size_t kWidth = 16;
  Sums s{(adler & 0xffff) % kAdlerBase, (adler >> 16) % kAdlerBase};
  const __m128i zero = _mm_setzero_si128();
  const __m128i ones = _mm_set1_epi16(1);
  const __m128i weights = _mm_setr_epi8(16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
  while (n >= kWidth) {
    const size_t blocks = std::min(n, kAdlerNmax) / kWidth;
    n -= blocks * kWidth;
    __m128i s1 = zero, prev = zero, s2 = zero;
    for (size_t i = 0; i < blocks; ++i, p += kWidth) {
      const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      prev = _mm_add_epi32(prev, s1);
      s1 = _mm_add_epi32(s1, _mm_sad_epu8(d, zero));
      s2 = _mm_add_epi32(s2, _mm_madd_epi16(_mm_maddubs_epi16(d, weights), ones));
    }
    s = finish_run(s, blocks, kWidth, hsum32(s1), hsum32(prev), hsum32(s2));
  }
  return adler32_portable(s.b << 16 | s.a, p, n);
}

namespace {

// 32 bytes a step: the tail of adler32_avx2.
__attribute__((target("avx2"))) Sums adler32_avx2_32(Sums s, const uint8_t*& p, size_t& n) {
  constexpr size_t kWidth = 32;
  const __m256i zero = _mm256_setzero_si256();
  const __m256i ones = _mm256_set1_epi16(1);
  const __m256i weights =
      _mm256_setr_epi8(32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14,
                       13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
  while (n >= kWidth) {
    const size_t blocks = std::min(n, kAdlerNmax) / kWidth;
    n -= blocks * kWidth;
    __m256i s1 = zero, prev = zero, s2 = zero;
    for (size_t i = 0; i < blocks; ++i, p += kWidth) {
      const __m256i d = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
      prev = _mm256_add_epi32(prev, s1);
      s1 = _mm256_add_epi32(s1, _mm256_sad_epu8(d, zero));
      s2 = _mm256_add_epi32(s2, _mm256_madd_epi16(_mm256_maddubs_epi16(d, weights), ones));
    }
    s = finish_run(s, blocks, kWidth, hsum32(s1), hsum32(prev), hsum32(s2));
  }
  return s;
}

}  // namespace

// 64 bytes a step, and no multiply in the loop: the bytes of each of the 64
// positions are summed in 16-bit lanes (at most 86 steps of 255 < 2^15, so
// that pmaddwd may read them as signed), and weighted once per run.
// unpacklo/hi interleave within 128-bit halves: lane group a holds
// positions 0-7 and 16-23, b 8-15 and 24-31, c and d the same 32 later.
__attribute__((target("avx2"))) uint32_t adler32_avx2(uint32_t adler, const uint8_t* p, size_t n) {
  constexpr size_t kWidth = 64;
  constexpr size_t kMaxBlocks = kAdlerNmax / kWidth;  // 86
  Sums s{(adler & 0xffff) % kAdlerBase, (adler >> 16) % kAdlerBase};
  const __m256i zero = _mm256_setzero_si256();
  const __m256i wa =
      _mm256_setr_epi16(64, 63, 62, 61, 60, 59, 58, 57, 48, 47, 46, 45, 44, 43, 42, 41);
  const __m256i wb =
      _mm256_setr_epi16(56, 55, 54, 53, 52, 51, 50, 49, 40, 39, 38, 37, 36, 35, 34, 33);
  const __m256i wc =
      _mm256_setr_epi16(32, 31, 30, 29, 28, 27, 26, 25, 16, 15, 14, 13, 12, 11, 10, 9);
  const __m256i wd = _mm256_setr_epi16(24, 23, 22, 21, 20, 19, 18, 17, 8, 7, 6, 5, 4, 3, 2, 1);
  while (n >= kWidth) {
    const size_t blocks = std::min(n / kWidth, kMaxBlocks);
    n -= blocks * kWidth;
    __m256i s1 = zero, prev = zero, sa = zero, sb = zero, sc = zero, sd = zero;
    for (size_t i = 0; i < blocks; ++i, p += kWidth) {
      const __m256i d0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
      const __m256i d1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
      prev = _mm256_add_epi32(prev, s1);
      s1 = _mm256_add_epi32(s1,
                            _mm256_add_epi32(_mm256_sad_epu8(d0, zero), _mm256_sad_epu8(d1, zero)));
      sa = _mm256_add_epi16(sa, _mm256_unpacklo_epi8(d0, zero));
      sb = _mm256_add_epi16(sb, _mm256_unpackhi_epi8(d0, zero));
      sc = _mm256_add_epi16(sc, _mm256_unpacklo_epi8(d1, zero));
      sd = _mm256_add_epi16(sd, _mm256_unpackhi_epi8(d1, zero));
    }
    const __m256i s2 =
        _mm256_add_epi32(_mm256_add_epi32(_mm256_madd_epi16(sa, wa), _mm256_madd_epi16(sb, wb)),
                         _mm256_add_epi32(_mm256_madd_epi16(sc, wc), _mm256_madd_epi16(sd, wd)));
    s = finish_run(s, blocks, kWidth, hsum32(s1), hsum32(prev), hsum32(s2));
  }
  s = adler32_avx2_32(s, p, n);
  return adler32_portable(s.b << 16 | s.a, p, n);
}

}  // namespace nxz::checksum_detail

#endif  // __x86_64__
