// Parallel compression of one input into one deflate stream.
//
// The input is cut into blocks (--block, 1 MiB by default). Each block is
// compressed on its own by one of N threads as raw deflate primed with the
// 32 KiB of input before it (deflateSetDictionary), so matches reach across
// the cut as in one stream. A block ends with Z_SYNC_FLUSH, which leaves
// the bit stream on a byte boundary after a non-final block; the last one
// ends with Z_FINISH. Their concatenation in order is then one valid
// deflate stream, and the CRC of the whole is the blocks' CRCs joined with
// crc32_combine. At most 2N blocks are in flight (read, being compressed or
// waiting to be written in order), so memory stays bounded and a pipe is
// streamed.
#ifndef NXZIP_PARALLEL_DEFLATE_H
#define NXZIP_PARALLEL_DEFLATE_H

#include <string>

#include "deflate_serial.h"

namespace nxzip {

CompressTotals deflate_parallel(int in_fd, const std::string& in_name, const CompressParams& params,
                                Output* out, Progress* progress);

}  // namespace nxzip

#endif  // NXZIP_PARALLEL_DEFLATE_H
