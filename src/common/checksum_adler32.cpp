// Portable Adler-32.
#include <algorithm>

#include "common/checksum_impl.h"

namespace nxz::checksum_detail {

uint32_t adler32_portable(uint32_t adler, const uint8_t* p, size_t n) {
  // Reducing first keeps the kAdlerNmax overflow bound valid for any input.
  uint32_t a = (adler & 0xffff) % kAdlerBase;
  uint32_t b = (adler >> 16) % kAdlerBase;
  while (n > 0) {
    size_t chunk = std::min(n, kAdlerNmax);
    n -= chunk;
    // Eight bytes at a time: b gains 8a plus the bytes weighted 8..1, and a
    // gains their plain sum. Both sums are computed independently of a, so
    // the serial chain is one add per eight bytes instead of one per byte;
    // the values at each 8-byte boundary equal the byte-wise ones, so the
    // same modulo bound holds.
    for (; chunk >= 8; chunk -= 8, p += 8) {
      const uint32_t sum = uint32_t{p[0]} + p[1] + p[2] + p[3] + p[4] + p[5] + p[6] + p[7];
      const uint32_t weighted =
          8u * p[0] + 7u * p[1] + 6u * p[2] + 5u * p[3] + 4u * p[4] + 3u * p[5] + 2u * p[6] + p[7];
      b += 8 * a + weighted;
      a += sum;
    }
    for (; chunk > 0; --chunk) {
      a += *p++;
      b += a;
    }
    a %= kAdlerBase;
    b %= kAdlerBase;
  }
  return b << 16 | a;
}

}  // namespace nxz::checksum_detail
