// The library's own path as a codec: the request driver (src/engine) over
// an accelerator window, with dynamic Huffman tables built from the previous
// block's symbol counts (and a sample for the first), stored blocks where
// data does not compress, and streaming decompression with resume.
#include <cstdlib>
#include <string>

#include "codecs.h"
#include "engine/deflate_driver.h"
#include "engine/inflate_driver.h"

namespace nxz::bench {
namespace {

class DriverCodec final : public Codec {
 public:
  DriverCodec(nxz_window* w, bool dynamic)
      : w_(w), level_(dynamic ? "dht" : "fht+drv"), dynamic_(dynamic) {}
  ~DriverCodec() override { nxz_accel_close(w_); }

  const std::string& name() const override { return name_; }
  const std::string& level() const override { return level_; }
  size_t bound(size_t n) const override { return engine::deflate_bound(n); }

  Status compress(const uint8_t* in, size_t n, uint8_t* out, size_t cap, size_t* out_len) override {
    // Each call is an independent stream: a fresh driver state.
    engine::Deflater d(w_, dynamic_);
    size_t pos = 0, len = 0;
    do {
      size_t took = 0, made = 0;
      if (d.compress(in, pos, in + pos, n - pos, true, out + len, cap - len, &took, &made) !=
          engine::Status::kOk)
        return Status::engine_failure(d.message());
      if (took == 0 && made == 0 && pos < n) return Status::failure("no progress");
      pos += took;
      len += made;
    } while (pos < n);
    *out_len = len;
    return {};
  }

  Status decompress(const uint8_t* in, size_t n, uint8_t* out, size_t out_len) override {
    engine::Inflater inf(w_);
    size_t left = out_len;
    if (inf.run(&in, &n, &out, &left) != engine::Status::kOk)
      return Status::engine_failure(inf.message());
    if (!inf.done() || left != 0) return Status::failure("stream did not end where expected");
    return {};
  }

 private:
  nxz_window* w_;
  std::string name_ = "nxz";
  std::string level_;
  bool dynamic_;
};

}  // namespace

nxz_emu_config bench_emu_config() {
  // The software path as the library runs it without NX: the caller's
  // thread, and no residency model (there is no hardware to fault).
  nxz_emu_config cfg{};
  cfg.synchronous = 1;
  cfg.faults = std::getenv("NXZ_EMU_FAULTS") ? nullptr : "residency=off";
  return cfg;
}

std::unique_ptr<Codec> make_driver(nxz_backend backend, bool dynamic, std::string* error) {
  nxz_window* w = nullptr;
  const nxz_emu_config cfg = bench_emu_config();
  if (const int rc = nxz_accel_open(backend, &cfg, &w); rc != 0) {
    *error = "cannot open an accelerator window (" + std::to_string(rc) + ")";
    return nullptr;
  }
  return std::make_unique<DriverCodec>(w, dynamic);
}

}  // namespace nxz::bench
