#include "common/checksum.h"

namespace nxz {

// Bitwise reference versions; the fast ones replace them.
uint32_t crc32(uint32_t crc, const uint8_t* p, size_t n) {
  crc = ~crc;
  while (n--) {
    crc ^= *p++;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

uint32_t adler32(uint32_t adler, const uint8_t* p, size_t n) {
  uint32_t a = adler & 0xffff, b = adler >> 16;
  while (n--) {
    a = (a + *p++) % 65521;
    b = (b + a) % 65521;
  }
  return b << 16 | a;
}

uint32_t crc32_combine(uint32_t, uint32_t, uint64_t) { return 0; }
uint32_t adler32_combine(uint32_t, uint32_t, uint64_t) { return 0; }

}  // namespace nxz
