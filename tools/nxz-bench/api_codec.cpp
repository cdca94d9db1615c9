// The library as programs use it: its zlib API (libnxz.so), one-shot or
// streaming with a chosen buffer size. The tool itself links the system
// zlib for the "zlib" rows, so libnxz.so is opened privately (RTLD_LOCAL;
// the library binds its own internal calls, -Bsymbolic-functions) and its
// functions are called through pointers.
#include <dlfcn.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <string>

#include "codecs.h"

namespace nxz::bench {
namespace {

struct Api {
  decltype(&::deflateInit2_) deflateInit2_;
  decltype(&::deflate) deflate;
  decltype(&::deflateEnd) deflateEnd;
  decltype(&::deflateReset) deflateReset;
  decltype(&::deflateBound) deflateBound;
  decltype(&::inflateInit2_) inflateInit2_;
  decltype(&::inflate) inflate;
  decltype(&::inflateEnd) inflateEnd;
  decltype(&::inflateReset) inflateReset;
  decltype(&::zlibVersion) zlibVersion;
};

// libnxz.so.0 beside the executable (the build tree), else the one the
// build made, else the loader's search path.
const Api* load_api(std::string* error) {
  static Api api;
  static const bool ok = [] {
    std::string self(4096, '\0');
    const ssize_t n = readlink("/proc/self/exe", self.data(), self.size() - 1);
    self.resize(n > 0 ? static_cast<size_t>(n) : 0);
    const std::string dir = self.substr(0, self.rfind('/') + 1);
    void* h = nullptr;
    for (const std::string& p :
         {dir + "libnxz.so.0", std::string(NXZ_LIBRARY_PATH), std::string("libnxz.so.0")}) {
      if ((h = dlopen(p.c_str(), RTLD_NOW | RTLD_LOCAL))) break;
    }
    if (!h) return false;
    bool all = true;
    auto get = [&](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(h, name));
      all = all && fn;
    };
    get(api.deflateInit2_, "deflateInit2_");
    get(api.deflate, "deflate");
    get(api.deflateEnd, "deflateEnd");
    get(api.deflateReset, "deflateReset");
    get(api.deflateBound, "deflateBound");
    get(api.inflateInit2_, "inflateInit2_");
    get(api.inflate, "inflate");
    get(api.inflateEnd, "inflateEnd");
    get(api.inflateReset, "inflateReset");
    get(api.zlibVersion, "zlibVersion");
    return all;
  }();
  if (!ok) *error = "cannot load libnxz.so.0";
  return ok ? &api : nullptr;
}

class ApiCodec final : public Codec {
 public:
  ApiCodec(const Api* api, int level, size_t buffer)
      : api_(api),
        level_(std::to_string(level) + (buffer ? " s" + std::to_string(buffer / 1024) + "K" : "")),
        buffer_(buffer) {
    init_ok_ = api->deflateInit2_(&def_, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY,
                                  api->zlibVersion(), sizeof(z_stream)) == Z_OK &&
               api->inflateInit2_(&inf_, -15, api->zlibVersion(), sizeof(z_stream)) == Z_OK;
  }
  ~ApiCodec() override {
    api_->deflateEnd(&def_);
    api_->inflateEnd(&inf_);
  }
  const std::string& name() const override { return name_; }
  const std::string& level() const override { return level_; }
  size_t bound(size_t n) const override {
    return api_->deflateBound(const_cast<z_stream*>(&def_), static_cast<uLong>(n)) + 16;
  }

  Status compress(const uint8_t* in, size_t n, uint8_t* out, size_t cap, size_t* out_len) override {
    if (!init_ok_) return Status::failure("deflateInit2 failed");
    if (n > UINT_MAX || cap > UINT_MAX) return Status::failure("input too large");
    api_->deflateReset(&def_);
    const size_t step = buffer_ ? buffer_ : n;
    size_t pos = 0;
    int rc = Z_OK;
    def_.next_out = out;
    // Input in `step` pieces, output space in `step` pieces, as a program
    // with buffers of that size would.
    while (rc != Z_STREAM_END) {
      if (def_.avail_in == 0 && pos < n) {
        def_.next_in = const_cast<Bytef*>(in + pos);
        def_.avail_in = static_cast<uInt>(std::min(step, n - pos));
        pos += def_.avail_in;
      }
      const size_t room = cap - def_.total_out;
      def_.avail_out = static_cast<uInt>(buffer_ ? std::min(buffer_, room) : room);
      if (def_.avail_out == 0) return Status::failure("output does not fit its bound");
      rc = api_->deflate(&def_, pos == n ? Z_FINISH : Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
        return Status::failure("deflate returned " + std::to_string(rc));
    }
    *out_len = def_.total_out;
    return {};
  }

  Status decompress(const uint8_t* in, size_t n, uint8_t* out, size_t out_len) override {
    if (!init_ok_) return Status::failure("inflateInit2 failed");
    api_->inflateReset(&inf_);
    const size_t step = buffer_ ? buffer_ : std::max(n, out_len);
    size_t pos = 0;
    int rc = Z_OK;
    uint8_t spare;
    while (rc != Z_STREAM_END) {
      if (inf_.avail_in == 0 && pos < n) {
        inf_.next_in = const_cast<Bytef*>(in + pos);
        inf_.avail_in = static_cast<uInt>(std::min(step, n - pos));
        pos += inf_.avail_in;
      }
      // Once `out` is full, a byte of our own: inflate still needs room to
      // go on to the end of the stream, and a byte written there is data
      // the stream should not have had (`out` has no byte to spare).
      const size_t left = out_len - inf_.total_out;
      inf_.next_out = left ? out + inf_.total_out : &spare;
      inf_.avail_out = static_cast<uInt>(left ? std::min(step, left) : 1);
      rc = api_->inflate(&inf_, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END)
        return Status::failure("inflate returned " + std::to_string(rc) +
                               (inf_.msg ? std::string(": ") + inf_.msg : ""));
      if (!left && inf_.avail_out == 0)
        return Status::failure("inflate produced more than " + std::to_string(out_len) + " bytes");
    }
    if (inf_.total_out != out_len) return Status::failure("inflate produced the wrong size");
    return {};
  }

 private:
  const Api* api_;
  std::string name_ = "nxz-api";
  std::string level_;
  size_t buffer_;
  z_stream def_{}, inf_{};
  bool init_ok_ = false;
};

}  // namespace

std::unique_ptr<Codec> make_api(int level, size_t buffer, std::string* error) {
  const Api* api = load_api(error);
  if (!api) return nullptr;
  return std::make_unique<ApiCodec>(api, level, buffer);
}

}  // namespace nxz::bench
