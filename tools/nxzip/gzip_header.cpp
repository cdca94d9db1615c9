#include "gzip_header.h"

#include <zlib.h>

#include <cstdio>

#include "report.h"

namespace nxzip {
namespace {

constexpr uint8_t kMagic0 = 0x1f, kMagic1 = 0x8b, kDeflate = 8;
constexpr uint8_t kFHcrc = 2, kFExtra = 4, kFName = 8, kFComment = 16;
constexpr uint8_t kReservedFlags = 0xe0;
constexpr uint8_t kOsUnix = 3;

void put_le32(std::vector<uint8_t>* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// Reads header bytes while keeping them for the FHCRC check.
class HeaderBytes {
 public:
  explicit HeaderBytes(InputSource* src) : src_(src) {}
  // -1 at end of file.
  int next() {
    const int c = src_->get();
    if (c >= 0) seen_.push_back(static_cast<uint8_t>(c));
    return c;
  }
  const std::vector<uint8_t>& seen() const { return seen_; }

 private:
  InputSource* src_;
  std::vector<uint8_t> seen_;
};

}  // namespace

uint32_t get_le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

std::vector<uint8_t> make_header(const std::string* name, uint32_t mtime, int level) {
  std::vector<uint8_t> h = {kMagic0, kMagic1, kDeflate, static_cast<uint8_t>(name ? kFName : 0)};
  put_le32(&h, mtime);
  // XFL: 2 for the slowest level, 4 for the fastest, as RFC 1952 suggests.
  h.push_back(level == 9 ? 2 : level == 1 ? 4 : 0);
  h.push_back(kOsUnix);
  if (name) {
    h.insert(h.end(), name->begin(), name->end());
    h.push_back(0);
  }
  return h;
}

void append_trailer(std::vector<uint8_t>* out, uint32_t crc, uint32_t isize) {
  put_le32(out, crc);
  put_le32(out, isize);
}

HeaderResult read_header(InputSource* src, GzipHeader* out) {
  HeaderBytes in(src);
  const int m0 = in.next();
  if (m0 < 0) return HeaderResult::kEnd;
  const int m1 = in.next();
  if (m1 < 0) return m0 == kMagic0 ? HeaderResult::kTruncated : HeaderResult::kNotGzip;
  if (m0 != kMagic0 || m1 != kMagic1) return HeaderResult::kNotGzip;
  uint8_t fixed[8];
  for (uint8_t& b : fixed) {
    const int c = in.next();
    if (c < 0) return HeaderResult::kTruncated;
    b = static_cast<uint8_t>(c);
  }
  if (fixed[0] != kDeflate) {
    throw FileError(src->name() + ": unknown method " + std::to_string(fixed[0]) +
                    " -- not supported");
  }
  *out = GzipHeader{};
  out->flags = fixed[1];
  if (out->flags & kReservedFlags) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%x", out->flags);
    throw FileError(src->name() + ": has flags " + hex + " -- not supported");
  }
  out->mtime = get_le32(fixed + 2);
  out->xfl = fixed[6];
  out->os = fixed[7];
  if (out->flags & kFExtra) {
    const int lo = in.next(), hi = in.next();
    if (hi < 0) return HeaderResult::kTruncated;
    for (int n = lo | hi << 8; n > 0; --n)
      if (in.next() < 0) return HeaderResult::kTruncated;
  }
  // Zero-terminated strings: the name is kept, the comment skipped.
  for (const uint8_t field : {kFName, kFComment}) {
    if (!(out->flags & field)) continue;
    for (int c; (c = in.next()) != 0;) {
      if (c < 0) return HeaderResult::kTruncated;
      if (field == kFName) out->name.push_back(static_cast<char>(c));
    }
    if (field == kFName) out->has_name = true;
  }
  if (out->flags & kFHcrc) {
    const uint32_t want = static_cast<uint32_t>(
        crc32(0, in.seen().data(), static_cast<uInt>(in.seen().size())) & 0xffff);
    const int lo = in.next(), hi = in.next();
    if (hi < 0) return HeaderResult::kTruncated;
    if (static_cast<uint32_t>(lo | hi << 8) != want)
      throw FileError(src->name() + ": invalid compressed data--header crc error");
  }
  return HeaderResult::kOk;
}

}  // namespace nxzip
