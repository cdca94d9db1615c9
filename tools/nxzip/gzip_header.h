// The gzip member header and trailer (RFC 1952): written for compression,
// parsed with every optional field (FEXTRA, FNAME, FCOMMENT, FHCRC) for
// decompression, so that what gzip, pigz and bgzip write is read.
#ifndef NXZIP_GZIP_HEADER_H
#define NXZIP_GZIP_HEADER_H

#include <cstdint>
#include <string>
#include <vector>

#include "input_source.h"

namespace nxzip {

struct GzipHeader {
  uint8_t flags = 0;
  uint32_t mtime = 0;
  uint8_t xfl = 0, os = 0;
  bool has_name = false;
  std::string name;  // FNAME as stored (Latin-1 bytes)
};

// A header for one member: FNAME when `name` is non-null, the level's
// XFL hint, OS Unix.
std::vector<uint8_t> make_header(const std::string* name, uint32_t mtime, int level);

// The 8-byte trailer: CRC-32 and ISIZE (input size mod 2^32), little-endian.
void append_trailer(std::vector<uint8_t>* out, uint32_t crc, uint32_t isize);

enum class HeaderResult {
  kOk,
  kEnd,       // end of file before the first byte
  kNotGzip,   // the first two bytes are not the magic
  kTruncated  // the file ends inside the header
};

// Reads one header at the source's position. Throws FileError for a header
// gzip refuses too (another method, reserved flags, a bad FHCRC); `src`'s
// name starts the message.
HeaderResult read_header(InputSource* src, GzipHeader* out);

uint32_t get_le32(const uint8_t* p);

}  // namespace nxzip

#endif  // NXZIP_GZIP_HEADER_H
