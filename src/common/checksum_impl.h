// Internal: the individual CRC-32 and Adler-32 implementations behind
// checksum.h, exposed so that tests and benchmarks can call each one directly.
// Everyone else uses checksum.h, which picks the fastest supported variant
// once, at the first call.
//
// Every variant has the public calling convention (zlib's): crc32 takes and
// returns the finished (inverted) CRC, starting from 0; adler32 starts from 1.
// `p` must be valid for `n` bytes (no NULL handling here: that is the public
// entry points' job).
#pragma once

#include <cstddef>
#include <cstdint>

namespace nxz::checksum_detail {

inline constexpr uint32_t kCrc32Poly = 0xedb88320u;  // reflected 0x04c11db7
inline constexpr uint32_t kAdlerBase = 65521;        // largest prime < 2^16
// The most bytes whose Adler-32 sums fit in 32 bits before the modulo,
// starting from sums below kAdlerBase: the largest n with
// 255 n (n + 1) / 2 + (n + 1) (kAdlerBase - 1) <= 2^32 - 1.
inline constexpr size_t kAdlerNmax = 5552;

// a * b mod P for CRC-32 register values (reflected: bit 31 - i holds x^i).
constexpr uint32_t crc32_multiply(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (int i = 0; i < 32; ++i) {
    if (a & (0x80000000u >> i)) product ^= b;      // a's x^i term
    b = (b >> 1) ^ (kCrc32Poly & (0u - (b & 1)));  // b *= x
  }
  return product;
}

using Crc32Fn = uint32_t (*)(uint32_t, const uint8_t*, size_t);
using Adler32Fn = uint32_t (*)(uint32_t, const uint8_t*, size_t);

// Works on the raw CRC register (no pre/post inversion): the accelerated
// variants use it for their head and tail bytes.
uint32_t crc32_raw_slice16(uint32_t reg, const uint8_t* p, size_t n);

// One bit at a time: the reference the others are checked against.
uint32_t crc32_bitwise(uint32_t crc, const uint8_t* p, size_t n);
// Slice-by-16 tables: any CPU, any byte order.
uint32_t crc32_slice16(uint32_t crc, const uint8_t* p, size_t n);
// Chunked, deferred-modulo scalar version: any CPU.
uint32_t adler32_portable(uint32_t adler, const uint8_t* p, size_t n);

#if defined(__x86_64__)
// PCLMULQDQ folding (needs pclmul and sse4.1).
uint32_t crc32_pclmul(uint32_t crc, const uint8_t* p, size_t n);
// SSSE3 and AVX2 vector sums.
uint32_t adler32_ssse3(uint32_t adler, const uint8_t* p, size_t n);
uint32_t adler32_avx2(uint32_t adler, const uint8_t* p, size_t n);
// VPCLMULQDQ folding on 512-bit registers (needs avx512f, avx512bw,
// avx512vl, avx512vbmi, vpclmulqdq, pclmul and sse4.1).
uint32_t crc32_vpclmul512(uint32_t crc, const uint8_t* p, size_t n);
// AVX-512BW vector sums, and the same with AVX512-VNNI dot products.
uint32_t adler32_avx512bw(uint32_t adler, const uint8_t* p, size_t n);
uint32_t adler32_avx512vnni(uint32_t adler, const uint8_t* p, size_t n);
#endif

// What this CPU can run. The AVX-512 ones also need the OS to save the
// opmask and zmm registers (XCR0).
bool cpu_has_pclmul();
bool cpu_has_ssse3();
bool cpu_has_avx2();
bool cpu_has_vpclmul512();
bool cpu_has_avx512bw();
bool cpu_has_avx512vnni();

// A variant, its name (for reports) and whether this CPU can run it.
struct Crc32Variant {
  const char* name;
  Crc32Fn fn;
  bool supported;
};
struct Adler32Variant {
  const char* name;
  Adler32Fn fn;
  bool supported;
};
// Every compiled-in variant, slowest first; the last supported one is the
// one checksum.h uses.
const Crc32Variant* crc32_variants(size_t* count);
const Adler32Variant* adler32_variants(size_t* count);
// Names of the variants checksum.h dispatches to on this CPU.
const char* crc32_selected_name();
const char* adler32_selected_name();

}  // namespace nxz::checksum_detail
