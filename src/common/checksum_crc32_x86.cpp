// CRC-32 by carry-less multiplication (PCLMULQDQ), x86-64 only.
//
// Why it works. In the reflected CRC-32 the first bit of the message is the
// highest power of x, so 16 bytes loaded little-endian into an xmm register
// hold a 128-bit polynomial X with bit k the coefficient of x^(127-k): the
// low quadword holds H (x^127..x^64), the high one L (x^63..x^0), each
// bit-reversed. The CRC only depends on the message modulo P, so X followed
// by D more bits may be replaced by X * x^D mod P added to the data D bits
// later ("folding"):
//     X * x^D = H * x^(D+64) + L * x^D  ==  H * K_hi + L * K_lo  (mod P),
//     K_hi = x^(D+64) mod P, K_lo = x^D mod P (each below degree 32).
// A carry-less product of two bit-reversed 64-bit operands a', b' reads, in
// the same reversed 128-bit convention, as x * a * b (the product has only
// 127 bits and lands one place up), so the constants are stored divided by
// x: x^(D+63) and x^(D-1) mod P, bit-reversed into 64 bits. Every product
// stays below degree 97 and needs no reduction while folding.
// After the last fold, X is congruent to everything consumed so far; the
// CRC register is X * x^32 mod P, which is exactly the table-driven CRC of
// X's 16 bytes from a zero register. The remaining tail bytes go through
// the same table code, so no Barrett reduction constants are needed.
#if defined(__x86_64__)

#include <immintrin.h>

#include "common/checksum_impl.h"

namespace nxz::checksum_detail {
namespace {

// x^e mod P in the normal (unreflected) representation, bit i = x^i.
constexpr uint32_t x_pow_mod_p(unsigned e) {
  uint32_t v = 1;
  while (e--) v = (v << 1) ^ ((v >> 31) ? 0x04c11db7u : 0u);
  return v;
}

// The folding constant for an exponent: x^e mod P, bit-reversed into 64 bits
// (coefficient of x^i at bit 63 - i), the form the multiplier sees.
constexpr uint64_t fold_constant(unsigned e) {
  const uint32_t v = x_pow_mod_p(e);
  uint64_t r = 0;
  for (unsigned i = 0; i < 32; ++i)
    if (v >> i & 1) r |= uint64_t{1} << (63 - i);
  return r;
}

// Folding distance D in bits: 512 across the four accumulators of the main
// loop, 128 from one 16-byte block to the next.
constexpr uint64_t kFold512Hi = fold_constant(512 + 63);
constexpr uint64_t kFold512Lo = fold_constant(512 - 1);
constexpr uint64_t kFold128Hi = fold_constant(128 + 63);
constexpr uint64_t kFold128Lo = fold_constant(128 - 1);
// Spot check of the derivation against an independent fact: x^32 mod P is
// P's low 32 bits, reflected 0xedb88320 (the polynomial itself).
static_assert(x_pow_mod_p(32) == 0x04c11db7u);
static_assert(fold_constant(32) >> 32 == kCrc32Poly);

#define NXZ_PCLMUL_TARGET __attribute__((target("pclmul,sse4.1")))

// H (low quadword) times K_hi plus L (high quadword) times K_lo, plus the
// block D bits further on.
NXZ_PCLMUL_TARGET inline __m128i fold(__m128i x, __m128i k, __m128i next) {
  const __m128i h = _mm_clmulepi64_si128(x, k, 0x00);
  const __m128i l = _mm_clmulepi64_si128(x, k, 0x11);
  return _mm_xor_si128(_mm_xor_si128(h, l), next);
}

NXZ_PCLMUL_TARGET inline __m128i load(const uint8_t* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

}  // namespace

NXZ_PCLMUL_TARGET uint32_t crc32_pclmul(uint32_t crc, const uint8_t* p, size_t n) {
  uint32_t reg = ~crc;
  // Below four blocks the setup and final table pass cost more than they
  // save.
  if (n < 64) return ~crc32_raw_slice16(reg, p, n);

  // The register's contents are the same as XOR-ing it into the first four
  // message bytes and starting from zero.
  __m128i x0 = _mm_xor_si128(load(p), _mm_cvtsi32_si128(static_cast<int>(reg)));
  __m128i x1 = load(p + 16);
  __m128i x2 = load(p + 32);
  __m128i x3 = load(p + 48);
  p += 64;
  n -= 64;

  // Four independent chains hide the multiplier's latency.
  const __m128i k512 =
      _mm_set_epi64x(static_cast<long long>(kFold512Lo), static_cast<long long>(kFold512Hi));
  for (; n >= 64; n -= 64, p += 64) {
    x0 = fold(x0, k512, load(p));
    x1 = fold(x1, k512, load(p + 16));
    x2 = fold(x2, k512, load(p + 32));
    x3 = fold(x3, k512, load(p + 48));
  }

  const __m128i k128 =
      _mm_set_epi64x(static_cast<long long>(kFold128Lo), static_cast<long long>(kFold128Hi));
  x1 = fold(x0, k128, x1);
  x2 = fold(x1, k128, x2);
  x3 = fold(x2, k128, x3);
  for (; n >= 16; n -= 16, p += 16) x3 = fold(x3, k128, load(p));

  alignas(16) uint8_t folded[16];
  _mm_store_si128(reinterpret_cast<__m128i*>(folded), x3);
  reg = crc32_raw_slice16(0, folded, sizeof folded);
  return ~crc32_raw_slice16(reg, p, n);
}

}  // namespace nxz::checksum_detail

#endif  // __x86_64__
