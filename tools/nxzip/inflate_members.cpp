#include "inflate_members.h"

#include <zlib.h>

#include <vector>

#include "report.h"

namespace nxzip {
namespace {

constexpr size_t kOutChunk = 256 * 1024;

[[noreturn]] void truncated(const InputSource& src) {
  throw FileError(src.name() + ": unexpected end of file");
}

// One member's deflate data and trailer; returns its uncompressed length.
uint64_t inflate_one(z_stream* s, InputSource* src, Output* out, std::vector<uint8_t>* buf,
                     uint64_t before, Progress* progress, uint32_t* crc_out) {
  if (inflateReset(s) != Z_OK) throw FileError(src->name() + ": decompressor reset failed");
  uint32_t crc = static_cast<uint32_t>(crc32(0, nullptr, 0));
  uint64_t length = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (src->available() == 0 && !src->fill()) truncated(*src);
    s->next_in = const_cast<Bytef*>(src->data());
    s->avail_in = static_cast<uInt>(src->available());
    s->next_out = buf->data();
    s->avail_out = static_cast<uInt>(buf->size());
    rc = inflate(s, Z_NO_FLUSH);
    src->consume(src->available() - s->avail_in);
    const size_t produced = buf->size() - s->avail_out;
    if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT)
      throw FileError(src->name() + ": invalid compressed data--format violated");
    if (rc == Z_MEM_ERROR) throw FileError(src->name() + ": out of memory");
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
      throw FileError(src->name() + ": decompression failed");
    crc = static_cast<uint32_t>(crc32(crc, buf->data(), static_cast<uInt>(produced)));
    length += produced;
    if (out) out->write(buf->data(), produced);
    if (progress) progress->update(src->bytes_read(), before + length);
  }
  uint8_t trailer[8];
  for (uint8_t& b : trailer) {
    const int c = src->get();
    if (c < 0) truncated(*src);
    b = static_cast<uint8_t>(c);
  }
  if (get_le32(trailer) != crc)
    throw FileError(src->name() + ": invalid compressed data--crc error");
  if (get_le32(trailer + 4) != static_cast<uint32_t>(length))
    throw FileError(src->name() + ": invalid compressed data--length error");
  *crc_out = crc;
  return length;
}

}  // namespace

InflateResult inflate_members(InputSource* src, Output* out, Progress* progress) {
  z_stream s{};
  if (inflateInit2(&s, -15) != Z_OK) throw FileError(src->name() + ": decompressor set-up failed");
  struct End {
    z_stream* s;
    ~End() { inflateEnd(s); }
  } end{&s};
  std::vector<uint8_t> buf(kOutChunk);
  InflateResult r;
  while (true) {
    r.out += inflate_one(&s, src, out, &buf, r.out, progress, &r.last_crc);
    // What follows a member: nothing, another member, zeros, or garbage.
    if (src->available() == 0 && !src->fill()) return r;
    if (src->data()[0] == 0x1f) {
      GzipHeader h;
      const HeaderResult hr = read_header(src, &h);
      if (hr == HeaderResult::kOk) continue;
      if (hr == HeaderResult::kTruncated) truncated(*src);
      r.trailing_garbage = true;
      return r;
    }
    // Only zeros to the end is padding; anything else is garbage, and
    // nothing after it is read.
    while (src->available() > 0 || src->fill()) {
      const uint8_t* p = src->data();
      for (size_t i = 0; i < src->available(); ++i) {
        if (p[i] != 0) {
          r.trailing_garbage = true;
          return r;
        }
      }
      src->consume(src->available());
    }
    return r;
  }
}

}  // namespace nxzip
