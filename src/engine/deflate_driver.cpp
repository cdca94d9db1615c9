#include "engine/deflate_driver.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "common/checksum.h"
#include "engine/stats.h"

namespace nxz::engine {
namespace {

// Below this a full-target answer is not worth another halving: store it.
constexpr size_t kMinShrink = 512;
constexpr size_t kSampleBytes = 16384;
constexpr size_t kSampleHistory = 8192;
// Blocks up to this size are also tried with fixed codes (try_fixed_codes).
constexpr size_t kSmallBlock = 4096;

// Keeps only the low `tebc` bits of the last byte of out[0..len): the bits
// above them are undefined (§4: the engine may leave anything there).
void mask_above_tebc(uint8_t* out, size_t len, uint32_t tebc) {
  if (tebc != 0 && len != 0) out[len - 1] &= static_cast<uint8_t>((1u << tebc) - 1);
}

// Appends an empty stored block at bit offset `tebc` of the last byte of
// out[0..len), so that the stream ends on a byte boundary again. Returns the
// new length. The bits above tebc must have been cleared (mask_above_tebc).
size_t align_with_empty_stored(uint8_t* out, size_t len, uint32_t tebc) {
  if (tebc == 0) return len;
  // BFINAL 0 and BTYPE 00 are zero bits; when they do not fit in the last
  // byte they spill into one more zero byte, then LEN 0000 and NLEN ffff.
  if (tebc > 5) out[len++] = 0;
  out[len++] = 0x00;
  out[len++] = 0x00;
  out[len++] = 0xff;
  out[len++] = 0xff;
  return len;
}

// Bytes that n input bytes take as stored blocks.
size_t stored_size(size_t n) { return n + 5 * std::max<size_t>(1, (n + 65534) / 65535); }

}  // namespace

Deflater::Deflater(nxz_window* w, bool dynamic_tables, const DriverConfig& cfg)
    : job_(std::make_unique<Job>(w, cfg)),
      dynamic_(dynamic_tables),
      max_request_(max_request_bytes(w) - nx::kHistoryWindow) {}

size_t Deflater::stored(const uint8_t* in, size_t n, bool final, uint8_t* out) {
  size_t len = 0;
  do {
    const size_t k = std::min<size_t>(n, 65535);
    n -= k;
    out[len++] = (final && n == 0) ? 1 : 0;
    out[len++] = static_cast<uint8_t>(k);
    out[len++] = static_cast<uint8_t>(k >> 8);
    out[len++] = static_cast<uint8_t>(~k);
    out[len++] = static_cast<uint8_t>(~k >> 8);
    if (k) std::memcpy(out + len, in, k);  // `in` may be null for an empty block
    len += k;
    in += k;
  } while (n);
  return len;
}

void Deflater::store_without_engine(const uint8_t* in, size_t n, bool final, uint8_t* out,
                                    size_t* consumed, size_t* produced) {
  // No job ran over these bytes, so their checksums are computed here.
  count(counters().fallbacks);
  crc_ = crc32(crc_, in, n);
  adler_ = adler32(adler_, in, n);
  *consumed = n;
  *produced = stored(in, n, final, out);
}

// The first distance code of distances above `d` (RFC 1951 3.2.5).
int dist_code_above(size_t d) {
  int code = 0;
  while (code < kDistSymbols &&
         static_cast<size_t>(code < 4 ? code + 1 : ((2 + (code & 1)) << (code / 2 - 1)) + 1) <= d)
    ++code;
  return code;
}

void Deflater::sample_table(const uint8_t* in, size_t n) {
  // A count request over a sample gives the symbol statistics the first
  // table is built from; later tables use the previous block's counts. The
  // sample is taken from the middle of the first request, after some of it
  // as history, so that matches are as many and reach as far back as inside
  // a block: at the start of a stream they are fewer and shorter, and a
  // 16 KiB sample from there gave 2.7% larger output on the corpus than this
  // one, which is as good as the 32 KiB prefix used before at 4% less work.
  // Smaller requests sample a larger share: up to 32 KiB all of it (the
  // table is then the block's own, as small one-shot calls need), up to
  // 64 KiB (a parallel compressor's blocks) half.
  size_t at = 0, hist = 0, len = n;
  const size_t want = n <= 2 * kSampleBytes ? n : n <= 4 * kSampleBytes ? n / 2 : kSampleBytes;
  if (n > want) {
    at = (n - want) / 2;
    hist = std::min(at, kSampleHistory) & ~size_t{15};
    len = want;
  }
  std::vector<uint8_t> scratch(deflate_bound(len) + 1024);
  const Piece src{in + at - hist, hist + len};
  const Piece dst{scratch.data(), scratch.size()};
  job_->set_source(&src, 1);
  job_->set_target(&dst, 1);
  job_->cpb().set_in_histlen_subc(static_cast<uint32_t>(hist / 16), 0);
  uint32_t lit[kLitLenSymbols] = {}, dist[kDistSymbols] = {};
  const JobStatus js = job_->run(hist ? nx::kFcCompressFhtCountResume : nx::kFcCompressFhtCount);
  if (js == JobStatus::kComplete && !job_->terminated()) {
    for (int i = 0; i < kLitLenSymbols; ++i) lit[i] = job_->cpb().out_lzcount(i);
    for (int i = 0; i < kDistSymbols; ++i) dist[i] = job_->cpb().out_lzcount(kLitLenSymbols + i);
  }
  // A request that timed out may still write its target: held until it is over.
  if (js == JobStatus::kTimeout) hold(job_->abandoned(), std::move(scratch));
  // Distances beyond the sample's length are rare in it though not in the
  // rest of the block: their codes get the count of the farthest code it
  // covers (+0.7% ratio on the corpus).
  // (A sample of the whole block is its own counts: nothing to add.)
  const int reach = len < n ? dist_code_above(len) : 0;
  if (reach > 0) {
    for (int d = reach; d < kDistSymbols; ++d) dist[d] = std::max(dist[d], dist[reach - 1]);
  }
  table_ = build_dht(lit, dist, true);
  have_table_ = true;
}

Deflater::Block Deflater::one_block(const uint8_t* hist, size_t hist_len, const uint8_t* in,
                                    size_t n, bool final, uint8_t* out, size_t out_cap,
                                    size_t* consumed, size_t* produced) {
  // `hist` holds exactly hist_len bytes, a multiple of 16 (see compress()).
  const Piece pieces[2] = {{hist, hist_len}, {in, n}};
  job_->set_source(pieces, 2);
  // Keep room for an alignment block after the compressed one.
  const Piece dst{out, out_cap - 6};
  job_->set_target(&dst, 1);

  nx::Cpb& cpb = job_->cpb();
  cpb.set_in_crc(crc_);
  cpb.set_in_adler(adler_);
  cpb.set_in_histlen_subc(static_cast<uint32_t>(hist_len / 16), 0);
  uint8_t fc = nx::kFcCompressFhtResume;
  if (dynamic_) {
    fc = nx::kFcCompressDhtCountResume;
    std::memcpy(cpb.in_dht_mut(), table_.bits, sizeof table_.bits);
    cpb.set_in_sfbt_rembytecnt(0, 0);
    cpb.set_in_dhtlen(table_.nbits);
  }
  const JobStatus js = job_->run(fc);
  if (js == JobStatus::kFaultLimit) return Block::kFaultLimit;  // caller shrinks
  if (js != JobStatus::kComplete) {
    msg_ = js == JobStatus::kTimeout ? "accelerator request timed out"
                                     : "accelerator window refused the request";
    return Block::kFailed;
  }
  const uint8_t cc = job_->cc();
  if (cc == nx::kCcTargetSpace) {
    // The target holds the stored form of the source, so a block that does
    // not fit is larger than storing: store (§4 leaves that to software).
    store_without_engine(in, n, final, out, consumed, produced);
    return Block::kDone;
  }
  if (cc == nx::kCcDataError && dynamic_) {
    // A table that lacks a code: never expected with covering tables, but
    // recoverable: this block goes out with fixed codes.
    dynamic_ = false;
    const Block b = one_block(hist, hist_len, in, n, final, out, out_cap, consumed, produced);
    dynamic_ = true;
    return b;
  }
  if (job_->terminated() || (cc != 0 && cc != nx::kCcExpansion && cc != nx::kCcPartial)) {
    msg_ = "accelerator error";
    return Block::kFailed;
  }
  const size_t taken = cpb.out_spbc(fc) - hist_len;
  const size_t tpbc = job_->tpbc();
  crc_ = cpb.out_crc();
  adler_ = cpb.out_adler();
  if (dynamic_) {
    uint32_t lit[kLitLenSymbols], dist[kDistSymbols];
    for (int i = 0; i < kLitLenSymbols; ++i) lit[i] = cpb.out_lzcount(i);
    for (int i = 0; i < kDistSymbols; ++i) dist[i] = cpb.out_lzcount(kLitLenSymbols + i);
    table_ = build_dht(lit, dist, true);
  }
  const bool last = final && taken == n;
  // An expanding block is replaced by stored ones (cc 64 reports that the
  // output is larger than everything read, history included).
  if (cc == nx::kCcExpansion || tpbc + 5 > stored_size(taken)) {
    count(counters().fallbacks);
    *produced = stored(in, taken, last, out);
  } else {
    // Junk above tebc would be read as the next block's header bits, or, at
    // the end of the stream, make the same input give different output.
    mask_above_tebc(out, tpbc, cpb.out_tebc());
    if (last) {
      *produced = tpbc;  // the stream ends here; its last byte's high bits are zero padding
    } else {
      out[0] &= 0xfe;  // §4: software clears BFINAL of a non-final block
      *produced = align_with_empty_stored(out, tpbc, cpb.out_tebc());
    }
  }
  *consumed = taken;
  return Block::kDone;
}

// A small block: a dynamic table's header (40-90 bytes) can cost more than
// its codes save, so the block is also compressed with fixed codes, and
// the smaller wins, as zlib weighs its trees per block. The table for the
// next block still comes from the dynamic job's counts.
void Deflater::try_fixed_codes(const uint8_t* hist, size_t hist_len, const uint8_t* in, size_t n,
                               bool final, uint8_t* out, uint32_t crc_before, uint32_t adler_before,
                               size_t* made) {
  if (*made <= 8) return;
  std::vector<uint8_t> alt(deflate_bound(n) + 16);
  const uint32_t crc_after = crc_, adler_after = adler_;
  const Dht table_after = table_;
  crc_ = crc_before;
  adler_ = adler_before;
  dynamic_ = false;
  size_t took = 0, alt_made = 0;
  const Abandoned* timed_out_before = job_->abandoned().get();
  const Block b = one_block(hist, hist_len, in, n, final, alt.data(), alt.size(), &took, &alt_made);
  dynamic_ = true;
  table_ = table_after;
  crc_ = crc_after;
  adler_ = adler_after;
  if (b == Block::kDone && took == n && alt_made < *made) {
    std::memcpy(out, alt.data(), alt_made);
    *made = alt_made;
  }
  // A request that timed out may still write its target: held until it is over.
  if (job_->abandoned().get() != timed_out_before) hold(job_->abandoned(), std::move(alt));
}

Status Deflater::compress(const uint8_t* hist, size_t hist_len, const uint8_t* in, size_t n,
                          bool final, uint8_t* out, size_t out_cap, size_t* consumed,
                          size_t* produced) {
  *consumed = *produced = 0;
  // What fits the space if it all had to be stored.
  size_t fit = 0;
  if (out_cap >= 12) {
    fit = std::min(n, (out_cap - 11) - 5 * ((out_cap - 11) / 65535));
    while (fit && deflate_bound(fit) > out_cap) --fit;
  }
  if (n && !fit) return Status::kOk;  // no room for progress: the caller gives more space
  size_t want = std::min({n, fit, max_request_});
  if (n == 0) {
    if (final) {
      // An empty stream is one empty final block.
      *produced = stored(in, 0, true, out);
    }
    return Status::kOk;
  }
  if (dynamic_ && !have_table_) sample_table(in, want);
  const uint32_t crc_before = crc_, adler_before = adler_;
  while (true) {
    size_t took = 0, made = 0;
    // The history is the bytes just before `in`: point at its last part.
    const size_t h = std::min<size_t>(hist_len, nx::kHistoryWindow) & ~size_t{15};
    const Block b = one_block(hist ? hist + (hist_len - h) : nullptr, h, in, want,
                              final && want == n, out, out_cap, &took, &made);
    if (b == Block::kDone) {
      if (dynamic_ && took == want && want <= kSmallBlock)
        try_fixed_codes(hist ? hist + (hist_len - h) : nullptr, h, in, want, final && want == n,
                        out, crc_before, adler_before, &made);
      *consumed = took;
      *produced = made;
      return Status::kOk;
    }
    if (b == Block::kFailed) return Status::kError;
    // Faults kept coming: a smaller request touches fewer pages (§8.7).
    count(counters().resubmits);
    if (want <= kMinShrink) {
      store_without_engine(in, want, final && want == n, out, consumed, produced);
      return Status::kOk;
    }
    want /= 2;
  }
}

}  // namespace nxz::engine
