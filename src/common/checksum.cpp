// Public checksum entry points: run-time choice of variant, and combination.
#include "common/checksum.h"

#include <array>
#include <atomic>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "common/checksum_impl.h"

namespace nxz {
namespace checksum_detail {

#if defined(__x86_64__)
bool cpu_has_pclmul() {
  __builtin_cpu_init();  // needed if we run before libgcc's constructor
  return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
}
bool cpu_has_ssse3() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("ssse3");
}
bool cpu_has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}

namespace {

// Whether the OS saves and restores the AVX-512 state: XCR0 must have the
// SSE (bit 1), AVX (2), opmask (5), ZMM_Hi256 (6) and Hi16_ZMM (7) bits.
// libgcc's __builtin_cpu_supports("avx512f") makes the same check, but it is
// not documented to, so it is repeated here. XGETBV exists when CPUID.1
// reports OSXSAVE (ECX bit 27).
bool os_saves_zmm() {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27))) return false;
  unsigned lo, hi;
  __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  constexpr unsigned kZmmState = 1u << 1 | 1u << 2 | 1u << 5 | 1u << 6 | 1u << 7;
  return (lo & kZmmState) == kZmmState;
}

bool cpu_has_avx512f() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && os_saves_zmm();
}

}  // namespace

bool cpu_has_vpclmul512() {
  return cpu_has_avx512f() && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vbmi") &&
         __builtin_cpu_supports("vpclmulqdq") && cpu_has_pclmul();
}
bool cpu_has_avx512bw() { return cpu_has_avx512f() && __builtin_cpu_supports("avx512bw"); }
bool cpu_has_avx512vnni() { return cpu_has_avx512bw() && __builtin_cpu_supports("avx512vnni"); }
#else
bool cpu_has_pclmul() { return false; }
bool cpu_has_ssse3() { return false; }
bool cpu_has_avx2() { return false; }
bool cpu_has_vpclmul512() { return false; }
bool cpu_has_avx512bw() { return false; }
bool cpu_has_avx512vnni() { return false; }
#endif

const Crc32Variant* crc32_variants(size_t* count) {
  static const Crc32Variant variants[] = {
    {"bitwise", crc32_bitwise, true},
    {"slice16", crc32_slice16, true},
#if defined(__x86_64__)
    {"pclmul", crc32_pclmul, cpu_has_pclmul()},
    {"vpclmul512", crc32_vpclmul512, cpu_has_vpclmul512()},
#endif
  };
  *count = std::size(variants);
  return variants;
}

const Adler32Variant* adler32_variants(size_t* count) {
  static const Adler32Variant variants[] = {
    {"portable", adler32_portable, true},
#if defined(__x86_64__)
    {"ssse3", adler32_ssse3, cpu_has_ssse3()},
    {"avx2", adler32_avx2, cpu_has_avx2()},
    {"avx512bw", adler32_avx512bw, cpu_has_avx512bw()},
    {"avx512vnni", adler32_avx512vnni, cpu_has_avx512vnni()},
#endif
  };
  *count = std::size(variants);
  return variants;
}

namespace {

template <typename Variant>
const Variant& best(const Variant* v, size_t n) {
  size_t pick = 0;
  for (size_t i = 0; i < n; ++i)
    if (v[i].supported) pick = i;
  return v[pick];
}

const Crc32Variant& best_crc32() {
  size_t n;
  const Crc32Variant* v = crc32_variants(&n);
  return best(v, n);
}

const Adler32Variant& best_adler32() {
  size_t n;
  const Adler32Variant* v = adler32_variants(&n);
  return best(v, n);
}

// The first call goes through a resolver that installs the chosen variant,
// so later calls cost one indirect jump and no guard. Racing first calls
// all store the same pointer, hence relaxed ordering suffices.
uint32_t crc32_resolve(uint32_t crc, const uint8_t* p, size_t n);
uint32_t adler32_resolve(uint32_t adler, const uint8_t* p, size_t n);
std::atomic<Crc32Fn> g_crc32{crc32_resolve};
std::atomic<Adler32Fn> g_adler32{adler32_resolve};

uint32_t crc32_resolve(uint32_t crc, const uint8_t* p, size_t n) {
  const Crc32Fn fn = best_crc32().fn;
  g_crc32.store(fn, std::memory_order_relaxed);
  return fn(crc, p, n);
}

uint32_t adler32_resolve(uint32_t adler, const uint8_t* p, size_t n) {
  const Adler32Fn fn = best_adler32().fn;
  g_adler32.store(fn, std::memory_order_relaxed);
  return fn(adler, p, n);
}

}  // namespace

const char* crc32_selected_name() { return best_crc32().name; }
const char* adler32_selected_name() { return best_adler32().name; }

}  // namespace checksum_detail

using namespace checksum_detail;

// As in zlib, a null buffer asks for the initial value whatever the length.
uint32_t crc32(uint32_t crc, const uint8_t* p, size_t n) {
  if (!p) return 0;
  return g_crc32.load(std::memory_order_relaxed)(crc, p, n);
}

uint32_t adler32(uint32_t adler, const uint8_t* p, size_t n) {
  if (!p) return 1;
  return g_adler32.load(std::memory_order_relaxed)(adler, p, n);
}

namespace {

// x^(2^k) mod P for k = 0..66, enough for 8 * len with any 64-bit len.
constexpr size_t kPowers = 67;
constexpr std::array<uint32_t, kPowers> make_x_powers() {
  std::array<uint32_t, kPowers> t{};
  t[0] = 0x40000000u;  // x^1
  for (size_t k = 1; k < kPowers; ++k) t[k] = crc32_multiply(t[k - 1], t[k - 1]);
  return t;
}
constexpr auto kXPowers = make_x_powers();

}  // namespace

// The pre- and post-inversions cancel out (they are the same for A||B and
// for B alone), leaving crc(A||B) = crc(A) * x^(8 len_b) + crc(B) mod P.
uint32_t crc32_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b) {
  uint32_t shifted = crc_a;
  for (size_t k = 0; len_b; ++k, len_b >>= 1)
    if (len_b & 1) shifted = crc32_multiply(shifted, kXPowers[k + 3]);
  return shifted ^ crc_b;
}

uint32_t crc32_combine_gen(uint64_t len_b) {
  uint32_t op = 0x80000000u;  // x^0
  for (size_t k = 0; len_b; ++k, len_b >>= 1)
    if (len_b & 1) op = crc32_multiply(op, kXPowers[k + 3]);
  return op;
}

uint32_t crc32_combine_op(uint32_t crc_a, uint32_t crc_b, uint32_t op) {
  return crc32_multiply(op, crc_a) ^ crc_b;
}

// From A's sums (a1, b1) and B's (a2, b2, both started from a = 1, b = 0):
// a = a1 + a2 - 1 and b = b1 + b2 + len_b * (a1 - 1), all modulo 65521.
uint32_t adler32_combine(uint32_t adler_a, uint32_t adler_b, uint64_t len_b) {
  const uint64_t m = kAdlerBase;
  const uint64_t rem = len_b % m;
  const uint64_t a1 = (adler_a & 0xffff) % m, b1 = (adler_a >> 16) % m;
  const uint64_t a2 = (adler_b & 0xffff) % m, b2 = (adler_b >> 16) % m;
  const uint64_t a = (a1 + a2 + m - 1) % m;
  const uint64_t b = (b1 + b2 + rem * ((a1 + m - 1) % m)) % m;
  return static_cast<uint32_t>(b << 16 | a);
}

}  // namespace nxz
