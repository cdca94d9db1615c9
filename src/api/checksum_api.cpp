// zlib's checksum functions on the library's own CRC-32 and Adler-32
// (table-free SIMD variants chosen at first use; see src/common).
#include "api/zlib_api.h"
#include "common/checksum.h"

namespace {

// zlib's answer for a NULL buffer: the initial value, whatever came in.
constexpr uLong kAdlerInit = 1, kCrcInit = 0;

const z_crc_t* crc_table() {
  static z_crc_t table[256];
  static const bool built = [] {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
      table[i] = c;
    }
    return true;
  }();
  (void)built;
  return table;
}

}  // namespace

extern "C" {

uLong adler32_z(uLong adler, const Bytef* buf, z_size_t len) {
  if (!buf) return kAdlerInit;
  return nxz::adler32(static_cast<uint32_t>(adler), buf, len);
}
uLong adler32(uLong adler, const Bytef* buf, uInt len) { return adler32_z(adler, buf, len); }

uLong crc32_z(uLong crc, const Bytef* buf, z_size_t len) {
  if (!buf) return kCrcInit;
  return nxz::crc32(static_cast<uint32_t>(crc), buf, len);
}
uLong crc32(uLong crc, const Bytef* buf, uInt len) { return crc32_z(crc, buf, len); }

uLong adler32_combine64(uLong a, uLong b, z_off64_t len) {
  if (len < 0) return 0xffffffffUL;  // zlib's answer to a negative length
  return nxz::adler32_combine(static_cast<uint32_t>(a), static_cast<uint32_t>(b),
                              static_cast<uint64_t>(len));
}
uLong adler32_combine(uLong a, uLong b, z_off_t len) { return adler32_combine64(a, b, len); }

uLong crc32_combine64(uLong a, uLong b, z_off64_t len) {
  return nxz::crc32_combine(static_cast<uint32_t>(a), static_cast<uint32_t>(b),
                            static_cast<uint64_t>(len));
}
uLong crc32_combine(uLong a, uLong b, z_off_t len) { return crc32_combine64(a, b, len); }

uLong crc32_combine_gen64(z_off64_t len) {
  return nxz::crc32_combine_gen(static_cast<uint64_t>(len));
}
uLong crc32_combine_gen(z_off_t len) { return crc32_combine_gen64(len); }

uLong crc32_combine_op(uLong a, uLong b, uLong op) {
  return nxz::crc32_combine_op(static_cast<uint32_t>(a), static_cast<uint32_t>(b),
                               static_cast<uint32_t>(op));
}

const z_crc_t* get_crc_table(void) { return crc_table(); }

}  // extern "C"
