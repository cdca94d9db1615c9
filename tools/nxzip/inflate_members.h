// Decompression of gzip data: every member in turn (concatenated members
// are one file to gzip), each trailer's CRC-32 and length checked. After
// the last member, zeros to the end (tape padding) are accepted silently
// and anything else is ignored with a warning, as gzip does.
#ifndef NXZIP_INFLATE_MEMBERS_H
#define NXZIP_INFLATE_MEMBERS_H

#include <cstdint>

#include "gzip_header.h"
#include "input_source.h"
#include "output_file.h"
#include "progress.h"

namespace nxzip {

struct InflateResult {
  uint64_t out = 0;       // uncompressed bytes
  uint32_t last_crc = 0;  // the last member's CRC-32 (for -lv)
  bool trailing_garbage = false;
};

// Decompresses from `src`, whose first header has just been read, to `out`
// (nullptr: only checked, for -t). Throws FileError naming src ("unexpected
// end of file", "invalid compressed data--crc error", ...).
InflateResult inflate_members(InputSource* src, Output* out, Progress* progress);

}  // namespace nxzip

#endif  // NXZIP_INFLATE_MEMBERS_H
