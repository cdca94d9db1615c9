// Software DEFLATE codecs for the comparison: system zlib, libdeflate, ISA-L.
#include "codecs.h"

#include <zlib.h>

#include <climits>
#include <cstdlib>
#include <cstring>

#ifdef NXZ_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif
#ifdef NXZ_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

namespace nxz::bench {
namespace {

class Named : public Codec {
 public:
  Named(std::string name, std::string level) : name_(std::move(name)), level_(std::move(level)) {}
  const std::string& name() const override { return name_; }
  const std::string& level() const override { return level_; }

 private:
  std::string name_;
  std::string level_;
};

Status too_big() { return Status::failure("input too large for a 32-bit length"); }

// One deflate and one inflate state, reset per call: the per-stream cost a
// program pays, without the allocation zlib does at init.
class ZlibCodec : public Named {
 public:
  explicit ZlibCodec(int level) : Named("zlib", std::to_string(level)) {
    init_ok_ = deflateInit2(&def_, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK &&
               inflateInit2(&inf_, -15) == Z_OK;
  }
  ~ZlibCodec() override {
    deflateEnd(&def_);
    inflateEnd(&inf_);
  }
  size_t bound(size_t n) const override {
    return deflateBound(const_cast<z_stream*>(&def_), static_cast<uLong>(n)) + 16;
  }
  Status compress(const uint8_t* in, size_t n, uint8_t* out, size_t cap, size_t* out_len) override {
    if (!init_ok_) return Status::failure("deflateInit2 failed");
    if (n > UINT_MAX || cap > UINT_MAX) return too_big();
    deflateReset(&def_);
    def_.next_in = const_cast<Bytef*>(in);
    def_.avail_in = static_cast<uInt>(n);
    def_.next_out = out;
    def_.avail_out = static_cast<uInt>(cap);
    const int rc = deflate(&def_, Z_FINISH);
    if (rc != Z_STREAM_END) return Status::failure("deflate returned " + std::to_string(rc));
    *out_len = def_.total_out;
    return {};
  }
  Status decompress(const uint8_t* in, size_t n, uint8_t* out, size_t out_len) override {
    if (!init_ok_) return Status::failure("inflateInit2 failed");
    if (n > UINT_MAX || out_len > UINT_MAX) return too_big();
    inflateReset(&inf_);
    inf_.next_in = const_cast<Bytef*>(in);
    inf_.avail_in = static_cast<uInt>(n);
    inf_.next_out = out;
    inf_.avail_out = static_cast<uInt>(out_len);
    const int rc = inflate(&inf_, Z_FINISH);
    if (rc != Z_STREAM_END)
      return Status::failure("inflate returned " + std::to_string(rc) +
                             (inf_.msg ? std::string(": ") + inf_.msg : ""));
    if (inf_.total_out != out_len)
      return Status::failure("inflate produced " + std::to_string(inf_.total_out) +
                             " bytes, expected " + std::to_string(out_len));
    return {};
  }

 private:
  z_stream def_{};
  z_stream inf_{};
  bool init_ok_ = false;
};

#ifdef NXZ_HAVE_LIBDEFLATE
class LibdeflateCodec : public Named {
 public:
  explicit LibdeflateCodec(int level)
      : Named("libdeflate", std::to_string(level)),
        c_(libdeflate_alloc_compressor(level)),
        d_(libdeflate_alloc_decompressor()) {}
  ~LibdeflateCodec() override {
    if (c_) libdeflate_free_compressor(c_);
    if (d_) libdeflate_free_decompressor(d_);
  }
  bool usable() const { return c_ && d_; }
  size_t bound(size_t n) const override { return libdeflate_deflate_compress_bound(c_, n); }
  Status compress(const uint8_t* in, size_t n, uint8_t* out, size_t cap, size_t* out_len) override {
    *out_len = libdeflate_deflate_compress(c_, in, n, out, cap);
    if (*out_len == 0) return Status::failure("libdeflate: output does not fit");
    return {};
  }
  Status decompress(const uint8_t* in, size_t n, uint8_t* out, size_t out_len) override {
    size_t got = 0;
    const auto rc = libdeflate_deflate_decompress(d_, in, n, out, out_len, &got);
    if (rc != LIBDEFLATE_SUCCESS)
      return Status::failure("libdeflate decompress returned " + std::to_string(rc));
    if (got != out_len)
      return Status::failure("libdeflate produced " + std::to_string(got) + " bytes");
    return {};
  }

 private:
  libdeflate_compressor* c_;
  libdeflate_decompressor* d_;
};
#endif

#ifdef NXZ_HAVE_ISAL
// Stateless (one-shot) calls: ISA-L's fastest interface for whole buffers.
class IsalCodec : public Named {
 public:
  explicit IsalCodec(int level) : Named("isal", std::to_string(level)), level_(level) {
    level_buf_.resize(level_buf_size(level));
  }
  static bool valid_level(int level) { return level >= 0 && level <= 3; }
  size_t bound(size_t n) const override {
    // Stored blocks (5 bytes per 64 KiB) plus slack for the level-0 header.
    return n + n / 16384 * 5 + 1024;
  }
  Status compress(const uint8_t* in, size_t n, uint8_t* out, size_t cap, size_t* out_len) override {
    if (n > UINT32_MAX || cap > UINT32_MAX) return too_big();
    isal_zstream s;
    isal_deflate_stateless_init(&s);
    s.level = static_cast<uint32_t>(level_);
    s.level_buf = level_buf_.empty() ? nullptr : level_buf_.data();
    s.level_buf_size = static_cast<uint32_t>(level_buf_.size());
    s.gzip_flag = IGZIP_DEFLATE;
    s.flush = NO_FLUSH;
    s.end_of_stream = 1;
    s.next_in = const_cast<uint8_t*>(in);
    s.avail_in = static_cast<uint32_t>(n);
    s.next_out = out;
    s.avail_out = static_cast<uint32_t>(cap);
    const int rc = isal_deflate_stateless(&s);
    if (rc != COMP_OK)
      return Status::failure("isal_deflate_stateless returned " + std::to_string(rc));
    *out_len = s.total_out;
    return {};
  }
  Status decompress(const uint8_t* in, size_t n, uint8_t* out, size_t out_len) override {
    if (n > UINT32_MAX || out_len > UINT32_MAX) return too_big();
    inflate_state s;
    isal_inflate_init(&s);
    s.crc_flag = ISAL_DEFLATE;
    s.next_in = const_cast<uint8_t*>(in);
    s.avail_in = static_cast<uint32_t>(n);
    s.next_out = out;
    s.avail_out = static_cast<uint32_t>(out_len);
    const int rc = isal_inflate_stateless(&s);
    if (rc != ISAL_DECOMP_OK)
      return Status::failure("isal_inflate_stateless returned " + std::to_string(rc));
    if (s.total_out != out_len)
      return Status::failure("isal produced " + std::to_string(s.total_out) + " bytes");
    return {};
  }

 private:
  static size_t level_buf_size(int level) {
    switch (level) {
      case 1:
        return ISAL_DEF_LVL1_DEFAULT;
      case 2:
        return ISAL_DEF_LVL2_DEFAULT;
      case 3:
        return ISAL_DEF_LVL3_DEFAULT;
      default:
        return 0;
    }
  }
  int level_;
  std::vector<uint8_t> level_buf_;
};
#endif

}  // namespace

std::unique_ptr<Codec> make_zlib(int level) { return std::make_unique<ZlibCodec>(level); }

std::unique_ptr<Codec> make_libdeflate([[maybe_unused]] int level) {
#ifdef NXZ_HAVE_LIBDEFLATE
  auto c = std::make_unique<LibdeflateCodec>(level);
  if (c->usable()) return c;
#endif
  return nullptr;
}

std::unique_ptr<Codec> make_isal([[maybe_unused]] int level) {
#ifdef NXZ_HAVE_ISAL
  if (IsalCodec::valid_level(level)) return std::make_unique<IsalCodec>(level);
#endif
  return nullptr;
}

bool have_libdeflate() {
#ifdef NXZ_HAVE_LIBDEFLATE
  return true;
#else
  return false;
#endif
}

bool have_isal() {
#ifdef NXZ_HAVE_ISAL
  return true;
#else
  return false;
#endif
}

Status zlib_verify(const uint8_t* in, size_t n, const uint8_t* expected, size_t expected_len) {
  if (n > UINT_MAX) return too_big();
  z_stream s{};
  if (inflateInit2(&s, -15) != Z_OK) return Status::failure("inflateInit2 failed");
  s.next_in = const_cast<Bytef*>(in);
  s.avail_in = static_cast<uInt>(n);
  uint8_t buf[65536];
  size_t pos = 0;
  Status st;
  int rc;
  do {
    s.next_out = buf;
    s.avail_out = sizeof buf;
    rc = inflate(&s, Z_NO_FLUSH);
    const size_t got = sizeof buf - s.avail_out;
    if (pos + got > expected_len || std::memcmp(buf, expected + pos, got) != 0) {
      st = Status::failure("zlib inflate output differs from the input near byte " +
                           std::to_string(pos));
      break;
    }
    pos += got;
  } while (rc == Z_OK);
  if (st.ok && rc != Z_STREAM_END)
    st = Status::failure("zlib inflate returned " + std::to_string(rc) +
                         (s.msg ? std::string(": ") + s.msg : ""));
  else if (st.ok && pos != expected_len)
    st = Status::failure("zlib inflate produced " + std::to_string(pos) + " of " +
                         std::to_string(expected_len) + " bytes");
  else if (st.ok && s.avail_in != 0)
    st = Status::failure(std::to_string(s.avail_in) + " bytes follow the end of the stream");
  inflateEnd(&s);
  return st;
}

}  // namespace nxz::bench
