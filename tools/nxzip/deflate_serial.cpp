#include "deflate_serial.h"

#include <zlib.h>

#include "gzip_header.h"
#include "parallel_deflate.h"
#include "report.h"

namespace nxzip {

void compress_member(int in_fd, const std::string& in_name, const std::vector<uint8_t>& header,
                     const CompressParams& params, Output* out, Progress* progress) {
  out->write(header.data(), header.size());
  const CompressTotals t = params.threads > 1
                               ? deflate_parallel(in_fd, in_name, params, out, progress)
                               : deflate_serial(in_fd, in_name, params.level, out, progress);
  std::vector<uint8_t> trailer;
  append_trailer(&trailer, t.crc, static_cast<uint32_t>(t.in));
  out->write(trailer.data(), trailer.size());
}

CompressTotals deflate_serial(int in_fd, const std::string& in_name, int level, Output* out,
                              Progress* progress) {
  z_stream s{};
  // Raw deflate: the gzip framing is written here, not by the library.
  if (deflateInit2(&s, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw FileError(in_name + ": the compressor could not be set up");
  struct End {
    z_stream* s;
    ~End() { deflateEnd(s); }
  } end{&s};
  constexpr size_t kChunk = 256 * 1024;
  std::vector<uint8_t> in(kChunk), buf(kChunk);
  CompressTotals t;
  t.crc = static_cast<uint32_t>(crc32(0, nullptr, 0));
  int flush = Z_NO_FLUSH;
  while (flush != Z_FINISH) {
    const size_t n = read_full(in_fd, in_name, in.data(), in.size());
    if (n < in.size()) flush = Z_FINISH;
    t.crc = static_cast<uint32_t>(crc32(t.crc, in.data(), static_cast<uInt>(n)));
    t.in += n;
    s.next_in = in.data();
    s.avail_in = static_cast<uInt>(n);
    int rc;
    do {
      s.next_out = buf.data();
      s.avail_out = static_cast<uInt>(buf.size());
      rc = deflate(&s, flush);
      // (Z_BUF_ERROR with room to write means the library made no progress.)
      if (rc == Z_STREAM_ERROR || (rc == Z_BUF_ERROR && s.avail_out != 0 && flush == Z_FINISH))
        throw FileError(in_name + ": compression failed" +
                        (s.msg ? std::string(": ") + s.msg : ""));
      out->write(buf.data(), buf.size() - s.avail_out);
    } while (s.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    if (progress) progress->update(t.in, out->bytes_written());
  }
  return t;
}

}  // namespace nxzip
