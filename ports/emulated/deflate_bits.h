// Byte-order helpers and the LSB-first bit writer of the DEFLATE encoder.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "common/bit_writer.h"

namespace nxz::emu {

inline uint64_t load_native64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline uint32_t load_native32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Little-endian so that hashes, and therefore the output, are the same on
// big-endian POWER as on x86 and ppc64le.
inline uint32_t load_le32_fast(const uint8_t* p) {
  uint32_t v = load_native32(p);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  return v;
}

inline void store_le64_fast(uint8_t* p, uint64_t v) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
}

// Index of the first differing byte in memory order, given the XOR of two
// native-order loads (x != 0).
inline unsigned first_diff_byte(uint64_t x) {
  if constexpr (std::endian::native == std::endian::little)
    return static_cast<unsigned>(std::countr_zero(x)) >> 3;
  else
    return static_cast<unsigned>(std::countl_zero(x)) >> 3;
}

// The encoder's bit writer is the library's one (src/common/bit_writer.h).
using nxz::BitWriter;

}  // namespace nxz::emu
