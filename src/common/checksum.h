// CRC-32 (gzip) and Adler-32 (zlib), with zlib's calling conventions: pass
// the previous result to continue (crc32 starts from 0, adler32 from 1).
// Used by the emulated engine and, later, exported through the zlib API.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nxz {

uint32_t crc32(uint32_t crc, const uint8_t* p, size_t n);
uint32_t adler32(uint32_t adler, const uint8_t* p, size_t n);

// The checksum of A||B from those of A and B and B's length (zlib's
// crc32_combine / adler32_combine).
uint32_t crc32_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);
uint32_t adler32_combine(uint32_t adler_a, uint32_t adler_b, uint64_t len_b);

// zlib's crc32_combine_gen / crc32_combine_op: the operator that shifts a
// CRC over len_b zero bytes, computed once and applied to many pairs.
uint32_t crc32_combine_gen(uint64_t len_b);
uint32_t crc32_combine_op(uint32_t crc_a, uint32_t crc_b, uint32_t op);

}  // namespace nxz
