// The accelerator as a codec: one CRB per call through nxz_accel, the way the
// driver submits a job (contract §2-§5).
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "codecs.h"
#include "nx/nx.h"

namespace nxz::bench {
namespace {

constexpr auto kJobTimeout = std::chrono::seconds(60);
constexpr size_t kStoredMax = 65535;

std::string cc_error(const nx::Csb& csb) { return "engine error cc " + std::to_string(csb.cc()); }

// Stored blocks for `n` bytes, the last one final. Used when a compressed
// block came out larger than its input (cc 64), as a driver would.
size_t stored_size(size_t n) { return n + 5 * (n / kStoredMax + 1); }

size_t write_stored(const uint8_t* in, size_t n, uint8_t* out) {
  uint8_t* o = out;
  do {
    const size_t len = n < kStoredMax ? n : kStoredMax;
    n -= len;
    *o++ = n == 0 ? 0x01 : 0x00;  // BFINAL, BTYPE 00, then byte alignment
    // LEN and its complement NLEN, little-endian.
    o[0] = static_cast<uint8_t>(len);
    o[1] = static_cast<uint8_t>(len >> 8);
    o[2] = static_cast<uint8_t>(~len);
    o[3] = static_cast<uint8_t>(~len >> 8);
    o += 4;
    std::memcpy(o, in, len);
    o += len;
    in += len;
  } while (n > 0);
  return static_cast<size_t>(o - out);
}

class EngineCodec : public Codec {
 public:
  EngineCodec(nxz_window* w, nx::RequestBlock* rb) : w_(w), rb_(rb), name_("nxz"), level_("fht") {}
  ~EngineCodec() override {
    nxz_accel_close(w_);
    std::free(rb_);
  }

  const std::string& name() const override { return name_; }
  const std::string& level() const override { return level_; }

  // Fixed-Huffman codes cost at most 9 bits per literal and at most 31 bits
  // for a 3-byte match: below 11 bits per byte, plus the block's ends.
  size_t bound(size_t n) const override {
    const size_t fht = n + (3 * n + 7) / 8 + 16;
    return fht > stored_size(n) ? fht : stored_size(n);
  }

  Status compress(const uint8_t* in, size_t n, uint8_t* out, size_t cap, size_t* out_len) override {
    if (n == 0) {  // a zero-length source DDE is cc 14: nothing to submit
      if (cap < 5) return Status::failure("no room for an empty stream");
      *out_len = write_stored(in, 0, out);
      return {};
    }
    if (n > UINT32_MAX || cap > UINT32_MAX) return Status::failure("job larger than 4 GiB");
    Status st = run(nx::kFcCompressFht, in, n, out, cap);
    if (!st.ok) return st;
    const nx::Csb& csb = rb_->csb;
    if (csb.cc() != nx::kCcSuccess && csb.cc() != nx::kCcExpansion)
      return Status::engine_failure(cc_error(csb));
    const uint32_t spbc = rb_->cpb.out_spbc_compress();
    if (spbc != n)
      return Status::engine_failure("engine compressed " + std::to_string(spbc) + " of " +
                                    std::to_string(n) + " bytes");
    if (csb.cc() == nx::kCcExpansion) {
      if (cap < stored_size(n)) return Status::failure("no room for stored blocks");
      *out_len = write_stored(in, n, out);
      return {};
    }
    *out_len = csb.tpbc();
    return {};
  }

  Status decompress(const uint8_t* in, size_t n, uint8_t* out, size_t out_len) override {
    if (n > UINT32_MAX || out_len > UINT32_MAX) return Status::failure("job larger than 4 GiB");
    // An empty output still needs a target DDE of nonzero length (cc 13).
    uint8_t spare;
    Status st = run(nx::kFcDecompress, in, n, out_len ? out : &spare, out_len ? out_len : 1);
    if (!st.ok) return st;
    const nx::Csb& csb = rb_->csb;
    if (csb.cc() != nx::kCcSuccess) {
      std::string why = cc_error(csb);
      if (csb.cc() == nx::kCcPartial)
        why += " (sfbt " + std::to_string(rb_->cpb.out_sfbt()) + ", subc " +
               std::to_string(rb_->cpb.out_subc()) + ")";
      return Status::engine_failure(why);
    }
    if (csb.tpbc() != out_len)
      return Status::failure("engine decompressed to " + std::to_string(csb.tpbc()) +
                             " bytes, expected " + std::to_string(out_len));
    return {};
  }

 private:
  // Submits one direct-DDE job and waits for the CSB's valid bit. On a
  // translation fault (cc 250; 5 taken as the same, defensively) it touches
  // every source and target page and resubmits, as the kernel contract asks
  // of software (§8 step 7).
  Status run(uint8_t fc, const uint8_t* src, size_t n, uint8_t* dst, size_t cap) {
    constexpr int kFaultRetries = 8;
    for (int attempt = 0;; ++attempt) {
      Status st = submit_and_wait(fc, src, n, dst, cap);
      if (!st.ok) return st;
      const uint8_t cc = rb_->csb.cc();
      if ((cc != nx::kCcTranslation && cc != nx::kCcFaultInternal) || attempt == kFaultRetries)
        return st;
      touch_pages(src, n, dst, cap);
    }
  }

  static void touch_pages(const uint8_t* src, size_t n, uint8_t* dst, size_t cap) {
    constexpr size_t kPage = 4096;
    volatile uint8_t sink = 0;
    for (size_t i = 0; i < n; i += kPage) sink = sink + src[i];
    // The target is output: its old contents do not matter.
    for (size_t i = 0; i < cap; i += kPage) dst[i] = 0;
    if (cap) dst[cap - 1] = 0;
    if (n) sink = sink + src[n - 1];
  }

  Status submit_and_wait(uint8_t fc, const uint8_t* src, size_t n, uint8_t* dst, size_t cap) {
    nx::RequestBlock& rb = *rb_;
    std::memset(rb.crb.raw, 0, sizeof rb.crb.raw);
    std::memset(rb.csb.raw, 0, sizeof rb.csb.raw);
    // §2: out_spbc "may or may not be written" on errors, so software zeroes it.
    nx::store_be32(rb.cpb.raw + nx::Cpb::spbc_offset(fc), 0);
    rb.crb.set_function(fc);
    rb.crb.set_csb(&rb.csb);
    rb.crb.source().set_direct(src, static_cast<uint32_t>(n));
    rb.crb.target().set_direct(dst, static_cast<uint32_t>(cap));

    // Timeouts are the engine's failures too (a hung job, a window that
    // never takes work): the row reports them and the run goes on.
    const auto deadline = std::chrono::steady_clock::now() + kJobTimeout;
    while (nxz_accel_paste(w_, &rb.crb) != NXZ_PASTE_ACCEPTED) {
      if (std::chrono::steady_clock::now() > deadline)
        return Status::engine_failure("engine refused pastes for 60 s");
      std::this_thread::yield();
    }
    // Spin briefly (a synchronous or fast engine is done at once), then
    // yield so that an engine thread sharing the core can run.
    std::atomic_ref<uint8_t> valid(rb.csb.raw[0]);
    for (unsigned spins = 0; !(valid.load(std::memory_order_acquire) & nx::kCsbValid); ++spins) {
      if (spins < 1000) continue;
      if (std::chrono::steady_clock::now() > deadline)
        return Status::engine_failure("engine gave no completion within 60 s");
      std::this_thread::yield();
    }
    return {};
  }

  nxz_window* w_;
  nx::RequestBlock* rb_;
  std::string name_;
  std::string level_;
};

}  // namespace

std::unique_ptr<Codec> make_engine(nxz_backend backend, std::string* error) {
  nxz_window* w = nullptr;
  const nxz_emu_config cfg = bench_emu_config();
  const int rc = nxz_accel_open(backend, &cfg, &w);
  if (rc != 0) {
    *error = "nxz_accel_open failed: " + std::string(std::strerror(-rc));
    return nullptr;
  }
  void* mem = std::aligned_alloc(alignof(nx::RequestBlock), sizeof(nx::RequestBlock));
  if (!mem) {
    nxz_accel_close(w);
    *error = "out of memory";
    return nullptr;
  }
  std::memset(mem, 0, sizeof(nx::RequestBlock));
  return std::make_unique<EngineCodec>(w, static_cast<nx::RequestBlock*>(mem));
}

}  // namespace nxz::bench
