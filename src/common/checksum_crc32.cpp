// Portable CRC-32: the bitwise reference and a slice-by-16 table version.
#include <array>

#include "common/checksum_impl.h"

namespace nxz::checksum_detail {
namespace {

constexpr size_t kSlices = 16;

// The raw register after feeding one byte `b` into a zero register; slice k
// is the same byte followed by k zero bytes, so sixteen bytes can be folded
// in with sixteen independent lookups instead of sixteen dependent ones.
constexpr std::array<std::array<uint32_t, 256>, kSlices> make_slice_tables() {
  std::array<std::array<uint32_t, 256>, kSlices> t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t r = b;
    for (int k = 0; k < 8; ++k) r = (r >> 1) ^ (kCrc32Poly & (0u - (r & 1)));
    t[0][b] = r;
  }
  for (size_t k = 1; k < kSlices; ++k)
    for (size_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
  return t;
}
constexpr auto kSlice = make_slice_tables();

// Byte composition keeps the result independent of host byte order (ppc64
// big-endian too); compilers turn it into one load on little-endian hosts.
inline uint32_t le32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

inline uint32_t step16(uint32_t reg, const uint8_t* p) {
  const uint32_t w0 = reg ^ le32(p);
  const uint32_t w1 = le32(p + 4), w2 = le32(p + 8), w3 = le32(p + 12);
  return kSlice[15][w0 & 0xff] ^ kSlice[14][(w0 >> 8) & 0xff] ^ kSlice[13][(w0 >> 16) & 0xff] ^
         kSlice[12][w0 >> 24] ^ kSlice[11][w1 & 0xff] ^ kSlice[10][(w1 >> 8) & 0xff] ^
         kSlice[9][(w1 >> 16) & 0xff] ^ kSlice[8][w1 >> 24] ^ kSlice[7][w2 & 0xff] ^
         kSlice[6][(w2 >> 8) & 0xff] ^ kSlice[5][(w2 >> 16) & 0xff] ^ kSlice[4][w2 >> 24] ^
         kSlice[3][w3 & 0xff] ^ kSlice[2][(w3 >> 8) & 0xff] ^ kSlice[1][(w3 >> 16) & 0xff] ^
         kSlice[0][w3 >> 24];
}

// x^(8 n) mod P, reflected: the factor that moves a register n bytes on.
constexpr uint32_t shift_bytes(size_t n) {
  uint32_t v = 0x80000000u;  // x^0
  for (size_t i = 0; i < 8 * n; ++i) v = (v >> 1) ^ (kCrc32Poly & (0u - (v & 1)));
  return v;
}

// One register chain is bound by the latency of its lookups and XORs, so
// three stretches of the buffer are run as independent chains, the two
// later ones from a zero register, and joined by linearity:
// reg(A B) = reg(A) * x^(8 |B|) + reg_from_zero(B) (mod P).
constexpr size_t kStripe = 1024;
constexpr uint32_t kShift1 = shift_bytes(kStripe);
constexpr uint32_t kShift2 = shift_bytes(2 * kStripe);

}  // namespace

uint32_t crc32_raw_slice16(uint32_t reg, const uint8_t* p, size_t n) {
  for (; n >= 3 * kStripe; n -= 3 * kStripe, p += 3 * kStripe) {
    uint32_t r0 = reg, r1 = 0, r2 = 0;
    for (size_t i = 0; i < kStripe; i += 16) {
      r0 = step16(r0, p + i);
      r1 = step16(r1, p + kStripe + i);
      r2 = step16(r2, p + 2 * kStripe + i);
    }
    reg = crc32_multiply(r0, kShift2) ^ crc32_multiply(r1, kShift1) ^ r2;
  }
  for (; n >= 16; n -= 16, p += 16) reg = step16(reg, p);
  while (n--) reg = (reg >> 8) ^ kSlice[0][(reg ^ *p++) & 0xff];
  return reg;
}

uint32_t crc32_slice16(uint32_t crc, const uint8_t* p, size_t n) {
  return ~crc32_raw_slice16(~crc, p, n);
}

uint32_t crc32_bitwise(uint32_t crc, const uint8_t* p, size_t n) {
  crc = ~crc;
  while (n--) {
    crc ^= *p++;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (kCrc32Poly & (0u - (crc & 1)));
  }
  return ~crc;
}

}  // namespace nxz::checksum_detail
