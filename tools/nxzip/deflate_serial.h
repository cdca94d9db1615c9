// Compression of one input as one gzip member. Two ways to make the
// deflate data: one stream (-p 1), or blocks compressed on several threads
// and concatenated (parallel_deflate.h). Both write the same framing.
#ifndef NXZIP_DEFLATE_SERIAL_H
#define NXZIP_DEFLATE_SERIAL_H

#include <cstddef>
#include <cstdint>
#include <vector>

#include "input_source.h"
#include "output_file.h"
#include "progress.h"

namespace nxzip {

struct CompressParams {
  int level = 6;
  unsigned threads = 1;
  size_t block = size_t{1} << 20;
};

struct CompressTotals {
  uint64_t in = 0;   // uncompressed bytes
  uint32_t crc = 0;  // CRC-32 of them
};

// Reads `in_fd` to its end and writes `header`, the deflate data and the
// trailer to `out`. Throws FileError (a read or write error, or the
// library refusing a stream).
void compress_member(int in_fd, const std::string& in_name, const std::vector<uint8_t>& header,
                     const CompressParams& params, Output* out, Progress* progress);

// The deflate data of the whole input as one raw deflate stream.
CompressTotals deflate_serial(int in_fd, const std::string& in_name, int level, Output* out,
                              Progress* progress);

}  // namespace nxzip

#endif  // NXZIP_DEFLATE_SERIAL_H
