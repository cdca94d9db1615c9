// CRC-32 by carry-less multiplication on 512-bit registers (VPCLMULQDQ with
// AVX-512), x86-64 only.
//
// The same folding as checksum_crc32_x86.cpp (see there for why it works),
// four 128-bit lanes at a time. In brief: a 16-byte block X loaded
// little-endian holds H (low quadword) and L (high quadword), each a
// bit-reversed 64-bit polynomial, with X = H x^64 + L; bit k of the 128-bit
// value is the coefficient of x^(127-k). Moving X forward by D bits is
// X x^D = H x^(D+64) + L x^D (mod P), and because a carry-less product of two
// bit-reversed 64-bit operands reads, in that 128-bit convention, as x a b,
// the multipliers are stored as x^(D+63) and x^(D-1) mod P, bit-reversed
// into 64 bits: fold_pair(D) below, low quadword for H and high quadword
// for L. A 512-bit register holds four such lanes and VPCLMULQDQ multiplies
// each lane by its own lane of the constant register, so all four fold at
// once. Every product is below degree 96 and needs no reduction.
//
// For n >= 64 bytes:
//  1. From 256 bytes on, four registers x0..x3 take the first 256 bytes
//     (x0 = bytes 0..63, with the CRC register XOR-ed into its first four
//     bytes), and each loop step moves every lane 256 bytes = 2048 bits
//     forward onto the next 256 bytes: four independent chains keep the
//     multiplier busy. x0, x1, x2 are then folded onto x3 across 1536, 1024
//     and 512 bits (x0's lanes are 192 bytes before x3's, and so on).
//     Below 256 bytes one register takes the first 64.
//  2. Whole 64-byte blocks are folded in one at a time (512 bits).
//  3. A last partial block of r (1..63) bytes: the message ends in the 64
//     folded bytes X followed by the r tail bytes T, which is the same as
//     A = X[0..r) followed by the 64 bytes B = X[r..64) T. B is a two-source
//     byte permutation of X and T, A (zero-padded in front, which adds
//     nothing) a masked one of X, and A is folded onto B across 512 bits.
//  4. The CRC register is the remaining 512-bit value V times x^32 mod P
//     (the table-driven CRC of V's bytes from a zero register). Lane i
//     (i = 0..3) is followed by 3 - i more lanes, so V x^32 is the sum over
//     the lanes of H_i x^(96 + 128 (3-i)) + L_i x^(32 + 128 (3-i)): one more
//     fold, with multipliers x^(95 + 128 (3-i)) and x^(31 + 128 (3-i)),
//     leaves a value W below degree 96 congruent to V x^32.
//  5. Barrett reduction of W = W1 x^32 + W0 (W1 below degree 64, W0 below
//     32). Let x^96 = mu P + rho (mu of degree 64, rho below 32) and
//     W1 mu = A x^64 + B (B below 64). Then W1 x^96 = W1 mu P + W1 rho gives
//     W1 x^32 = A P + (B P + W1 rho) / x^64, where the last term must be a
//     polynomial, of degree below 96 - 64 = 32: so A = (W1 mu) div x^64 is
//     exactly the quotient W div P (W0 cannot change it), and W mod P =
//     W0 + (A P mod x^32). Two more products; no tables.
// 32..63 bytes are one register, zero-padded in front (leading zero bytes
// do not change a CRC from a zero register), through steps 4 and 5. That
// path's latency is some 45 cycles whatever the length; below 32 bytes the
// table code is as fast.
#if defined(__x86_64__)

#include "common/immintrin_avx512.h"

#include <array>

#include "common/checksum_impl.h"

namespace nxz::checksum_detail {
namespace {

// x^e mod P as a reflected register value (bit 31 - i holds x^i), by
// square-and-multiply on crc32_multiply.
constexpr uint32_t x_pow(uint64_t e) {
  uint32_t result = 0x80000000u;  // x^0
  uint32_t square = 0x40000000u;  // x^1, x^2, x^4, ...
  for (; e; e >>= 1) {
    if (e & 1) result = crc32_multiply(result, square);
    square = crc32_multiply(square, square);
  }
  return result;
}

// x^e mod P bit-reversed into 64 bits (x^i at bit 63 - i): the reflected
// register value in the upper half.
constexpr uint64_t reversed64(uint64_t e) { return uint64_t{x_pow(e)} << 32; }

// The multipliers of one 16-byte lane.
struct FoldPair {
  uint64_t for_h;  // multiplies the low quadword H
  uint64_t for_l;  // multiplies the high quadword L
};
// Steps 1-3: a lane moved D bits forward, x^(D+63) and x^(D-1) mod P.
constexpr FoldPair fold_pair(unsigned d) { return {reversed64(d + 63), reversed64(d - 1)}; }
// Step 4: a lane followed by `after` more lanes, times x^32:
// x^(95 + 128 after) and x^(31 + 128 after) mod P.
constexpr FoldPair final_pair(unsigned after) {
  return {reversed64(95 + 128 * after), reversed64(31 + 128 * after)};
}

// P = x^32 + ... in the normal representation (bit i holds x^i), 33 bits.
constexpr uint64_t kPolyNormal = 0x104c11db7u;

// Step 5's mu = x^96 div P by long division, in the form the multiplier
// needs: bit k holds mu's coefficient of x^(64-k), k = 0..63. W1 (below
// degree 64, bit k holding x^(63-k)) times it then has (W1 mu) div x^64 in
// its low quadword, in W1's own form. mu's x^0 coefficient is left out: times
// W1 it only adds terms below x^64, which the division drops.
constexpr uint64_t barrett_mu() {
  // The remainder's coefficients of x^(d+32) .. x^d, at bits 32 .. 0, as
  // the quotient's degree d goes down from 64; the remainder has no terms
  // below x^d other than those, since x^96 has none.
  uint64_t window = uint64_t{1} << 32;  // x^96 with d = 64
  uint64_t mu = 0;
  for (int d = 64; d >= 1; --d) {
    const uint64_t bit = window >> 32 & 1;  // mu's coefficient of x^d
    mu |= bit << (64 - d);
    if (bit) window ^= kPolyNormal;  // remainder -= x^d P
    window <<= 1;
  }
  return mu;
}
constexpr uint64_t kBarrettMu = barrett_mu();
// P in the form step 5 multiplies q by: bit k holds x^(32-k), k = 0..32.
// Then q P mod x^32 lands in bits 64..95 of the product, bit 64 + j holding
// x^(31-j): a reflected register value.
constexpr uint64_t kBarrettPoly = uint64_t{kCrc32Poly} << 1 | 1;

// Checks against facts derived independently of crc32_multiply: x^0..x^31
// are single bits, x^32 mod P is P's low terms (the reflected polynomial),
// and x^33 is that times x once more; the normal and reflected forms of P
// agree; mu has degree 64 (its x^64 coefficient is bit 0).
constexpr uint32_t bit_reverse32(uint32_t v) {
  uint32_t r = 0;
  for (int i = 0; i < 32; ++i) r |= (v >> i & 1) << (31 - i);
  return r;
}
static_assert(x_pow(0) == 0x80000000u && x_pow(31) == 1u);
static_assert(x_pow(32) == kCrc32Poly);
static_assert(x_pow(33) == ((kCrc32Poly >> 1) ^ ((kCrc32Poly & 1) ? kCrc32Poly : 0u)));
static_assert(bit_reverse32(static_cast<uint32_t>(kPolyNormal)) == kCrc32Poly);
static_assert((kBarrettMu & 1) == 1);
// Moving 2048 bits forward twice is moving 4096 bits forward once.
static_assert(crc32_multiply(x_pow(2048), x_pow(2048)) == x_pow(4096));

constexpr size_t kMinVector = 32;

constexpr std::array<uint8_t, 64> make_iota() {
  std::array<uint8_t, 64> a{};
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<uint8_t>(i);
  return a;
}
alignas(64) constexpr std::array<uint8_t, 64> kIota = make_iota();

#define NXZ_VPCLMUL512_TARGET \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi,vpclmulqdq,pclmul,sse4.1")))

NXZ_VPCLMUL512_TARGET inline __m512i pair512(FoldPair k) {
  return _mm512_broadcast_i32x4(
      _mm_set_epi64x(static_cast<long long>(k.for_l), static_cast<long long>(k.for_h)));
}

NXZ_VPCLMUL512_TARGET inline __m512i load512(const uint8_t* p) { return _mm512_loadu_si512(p); }

// The first r (1..63) bytes at p, zero-extended.
NXZ_VPCLMUL512_TARGET inline __m512i load_first(const uint8_t* p, size_t r) {
  return _mm512_maskz_loadu_epi8((__mmask64{1} << r) - 1, p);
}

// Every lane of x moved forward by the distance of k, plus `next`.
NXZ_VPCLMUL512_TARGET inline __m512i fold(__m512i x, __m512i k, __m512i next) {
  const __m512i h = _mm512_clmulepi64_epi128(x, k, 0x00);
  const __m512i l = _mm512_clmulepi64_epi128(x, k, 0x11);
  return _mm512_ternarylogic_epi64(h, l, next, 0x96);  // h ^ l ^ next
}

// idx[i] = i + r. As a one-source index (its low six bits) it maps byte
// 64 - r + j to byte j, which with the mask of the top r bytes moves the
// first r bytes to the top and zeroes the rest. As a two-source index,
// byte i is a's byte i + r while that is below 64, else b's byte i + r - 64.
NXZ_VPCLMUL512_TARGET inline __m512i shift_index(size_t r) {
  return _mm512_add_epi8(_mm512_load_si512(kIota.data()), _mm512_set1_epi8(static_cast<char>(r)));
}
NXZ_VPCLMUL512_TARGET inline __mmask64 top_bytes(size_t r) {
  return ~((__mmask64{1} << (64 - r)) - 1);
}

// Step 3: x followed by the r (1..63) bytes at `tail`.
NXZ_VPCLMUL512_TARGET inline __m512i fold_partial(__m512i x, const uint8_t* tail, size_t r,
                                                 __m512i k512) {
  const __m512i idx = shift_index(r);
  const __m512i b = _mm512_permutex2var_epi8(x, idx, load_first(tail, r));
  const __m512i a = _mm512_maskz_permutexvar_epi8(top_bytes(r), idx, x);
  return fold(a, k512, b);
}

// Steps 4 and 5: the CRC register of the 64 bytes v (from a zero register).
NXZ_VPCLMUL512_TARGET inline uint32_t reduce(__m512i v) {
  constexpr FoldPair k0 = final_pair(3), k1 = final_pair(2), k2 = final_pair(1),
                     k3 = final_pair(0);
  const __m512i k = _mm512_set_epi64(
      static_cast<long long>(k3.for_l), static_cast<long long>(k3.for_h),
      static_cast<long long>(k2.for_l), static_cast<long long>(k2.for_h),
      static_cast<long long>(k1.for_l), static_cast<long long>(k1.for_h),
      static_cast<long long>(k0.for_l), static_cast<long long>(k0.for_h));
  const __m512i products =
      _mm512_xor_si512(_mm512_clmulepi64_epi128(v, k, 0x00), _mm512_clmulepi64_epi128(v, k, 0x11));
  const __m256i halves = _mm256_xor_si256(_mm512_castsi512_si256(products),
                                          _mm512_extracti64x4_epi64(products, 1));
  // W, below degree 96: bits 32..127 of w (bit k holding x^(127-k)).
  const __m128i w =
      _mm_xor_si128(_mm256_castsi256_si128(halves), _mm256_extracti128_si256(halves, 1));
  // W1 = W div x^32 is w's bits 32..95, moved to the low quadword; W0 =
  // W mod x^32 is w's top 32 bits, bit 96 + j holding x^(31-j).
  const __m128i w1 = _mm_srli_si128(w, 4);
  const __m128i q = _mm_clmulepi64_si128(w1, _mm_cvtsi64_si128(static_cast<long long>(kBarrettMu)), 0x00);
  const __m128i qp = _mm_clmulepi64_si128(q, _mm_cvtsi64_si128(static_cast<long long>(kBarrettPoly)), 0x00);
  return static_cast<uint32_t>(_mm_extract_epi32(w, 3) ^ _mm_extract_epi32(qp, 2));
}

}  // namespace

NXZ_VPCLMUL512_TARGET uint32_t crc32_vpclmul512(uint32_t crc, const uint8_t* p, size_t n) {
  if (n < kMinVector) return crc32_slice16(crc, p, n);
  const uint8_t* const end = p + n;
  // The register's contents are the same as XOR-ing it into the first four
  // message bytes and starting from zero.
  const __m512i reg = _mm512_zextsi128_si512(_mm_cvtsi32_si128(static_cast<int>(~crc)));

  if (n < 64) {
    // The n bytes, zero-padded in front to 64 (n >= 4 keeps the register
    // inside the message bytes).
    const __m512i v = _mm512_xor_si512(load_first(p, n), reg);
    return ~reduce(_mm512_maskz_permutexvar_epi8(top_bytes(n), shift_index(n), v));
  }

  const __m512i k512 = pair512(fold_pair(512));
  __m512i x;
  if (n >= 256) {
    // 1. Four chains of 64 bytes, 256 bytes a step.
    __m512i x0 = _mm512_xor_si512(load512(p), reg);
    __m512i x1 = load512(p + 64);
    __m512i x2 = load512(p + 128);
    __m512i x3 = load512(p + 192);
    p += 256;
    const __m512i k2048 = pair512(fold_pair(2048));
    for (; end - p >= 256; p += 256) {
      x0 = fold(x0, k2048, load512(p));
      x1 = fold(x1, k2048, load512(p + 64));
      x2 = fold(x2, k2048, load512(p + 128));
      x3 = fold(x3, k2048, load512(p + 192));
    }
    x = fold(x2, k512, x3);
    x = fold(x1, pair512(fold_pair(1024)), x);
    x = fold(x0, pair512(fold_pair(1536)), x);
  } else {
    x = _mm512_xor_si512(load512(p), reg);
    p += 64;
  }
  // 2. Whole 64-byte blocks.
  for (; end - p >= 64; p += 64) x = fold(x, k512, load512(p));
  // 3. The last partial block.
  if (end > p) x = fold_partial(x, p, static_cast<size_t>(end - p), k512);
  // 4, 5.
  return ~reduce(x);
}

}  // namespace nxz::checksum_detail

#endif  // __x86_64__
