// One decompression job: where it starts (contract §5, resume state), block
// headers, stored blocks, and the exact state it reports when it stops.
#include "emulated/inflate_core.h"

#include <algorithm>
#include <cstring>

#include "emulated/decode_table_cache.h"
#include "emulated/dynamic_header.h"
#include "emulated/inflate_job.h"

namespace nxz::emu {
namespace {

using nx::kSfbtDynamic;  // 110x
using nx::kSfbtFixed;    // 101x
using nx::kSfbtHeader;   // 111x: at or inside a block header
using nx::kSfbtStored;   // 100x
constexpr size_t kDhtBytes = sizeof(InflateResult::dht);

// dst[0, dst_len) = bits [bit, bit + n) of src from dst's bit 0, zero after
// them. A byte at a time: a header suspended in is copied on every stop.
void copy_bits(const uint8_t* src, size_t bit, size_t n, uint8_t* dst, size_t dst_len) {
  std::memset(dst, 0, dst_len);
  const uint8_t* p = src + bit / 8;
  const unsigned shift = bit % 8;
  const size_t bytes = (n + 7) / 8;
  for (size_t i = 0; i < bytes; ++i) {
    // Reads p[i + 1] only where bits of it are wanted.
    unsigned v = p[i] >> shift;
    if (shift && 8 * i + 8 - shift < n) v |= unsigned{p[i + 1]} << (8 - shift);
    dst[i] = static_cast<uint8_t>(v);
  }
  if (n % 8) dst[bytes - 1] &= static_cast<uint8_t>((1u << (n % 8)) - 1);
}

// After the final block the engine reads ahead at most this many bytes past
// the byte holding the next bit; contract §5's "zlib trailer gives 32-39,
// gzip trailer 64-71" follows from it.
constexpr size_t kReadAhead = 8;

size_t bytes_holding(size_t bits) { return (bits + 7) / 8; }

}  // namespace

InflateJob::InflateJob(const InflateInput& in, InflateResult* result)
    : in_(in), r_(result), out_(in.out), cap_(in.out_capacity), limit_(in.tpbc_limit) {
  br_.init(in.src, in.src_len);
}

void InflateJob::run() {
  if (!start()) return;
  for (;;) {
    Step s = Step::kContinue;
    switch (where_) {
      case Where::kHeader:
        s = read_header();
        break;
      case Where::kStored:
        s = copy_stored();
        break;
      case Where::kHuffman:
        s = decode_huffman();
        break;
    }
    if (s == Step::kBlockEnd) s = end_block();
    if (s == Step::kStopped) return;
  }
}

// A resume job (0x14/0x16) starts in_subc bits before the end of src[0], in
// the state in_sfbt names; anything else starts at a header at bit 0.
bool InflateJob::start() {
  if (!in_.resume) return true;
  size_t pos = std::min<size_t>((8 - (in_.in_subc & 7)) & 7, in_.src_len * 8);
  const uint32_t sfbt = in_.in_sfbt & 0xF;
  bfinal_ = sfbt & 1;
  switch (sfbt & 0xE) {
    case kSfbtStored:
      // Stored data is byte aligned; a partial first byte (which a stop
      // inside a stored block never reports) is taken as padding.
      where_ = Where::kStored;
      stored_left_ = in_.in_rembytecnt & 0xFFFF;
      pos = std::min(bytes_holding(pos) * 8, in_.src_len * 8);
      break;
    case kSfbtFixed:
      where_ = Where::kHuffman;
      tables_ = &fixed_decode_tables();
      dynamic_ = false;
      break;
    case kSfbtDynamic: {
      // The table must parse in exactly in_dhtlen bits of in_dht (§4).
      const size_t dhtlen = in_.in_dhtlen;
      size_t used = 0;
      const bool ok = in_.in_dht != nullptr && dhtlen <= kDhtBytes * 8 &&
                      use_dynamic_header(in_.in_dht, 0, dhtlen, false, &used) == Step::kContinue;
      if (!ok || used != dhtlen) {
        if (!r_->termination) fail(nx::kCcDhtInvalid);
        return false;
      }
      break;
    }
    default:  // 0xxx (read as "header, BFINAL 0") and 111x
      where_ = Where::kHeader;
      bfinal_ = false;
      break;
  }
  br_.seek(pos);
  return true;
}

// Parses a dynamic header at bit `bit` of p and makes it the current code.
// A header in the stream cut short by `bit_end` suspends at the block's
// start; an in_dht cut short is invalid.
InflateJob::Step InflateJob::use_dynamic_header(const uint8_t* p, size_t bit, size_t bit_end,
                                                bool in_stream, size_t* bits_used) {
  // A resume in the block the last resume was in: its table is known.
  const bool resume_table = !in_stream && bit == 0;
  if (resume_table) {
    if (auto known = tables_of_in_dht(p, bit_end)) {
      *bits_used = bit_end;
      return use_tables(std::move(known), p, bit, bit_end);
    }
  }
  CodeLengths cl;
  switch (parse_dynamic_header(p, bit, bit_end, &cl, bits_used)) {
    case HeaderStatus::kOk:
      break;
    case HeaderStatus::kNeedMore:
      if (!in_stream) return fail(nx::kCcDhtInvalid);
      return suspend(bit - 3, in_.src_len, kSfbtHeader | bfinal_);
    case HeaderStatus::kInvalid:
    case HeaderStatus::kNoEndOfBlock:  // the block could never end (§5: bad code lengths)
      return fail(nx::kCcDhtInvalid);
  }
  auto tables = decode_tables_for(cl);
  if (!tables) return fail(nx::kCcDhtInvalid);
  if (resume_table && *bits_used == bit_end) remember_in_dht(p, bit_end, tables);
  return use_tables(std::move(tables), p, bit, *bits_used);
}

InflateJob::Step InflateJob::use_tables(std::shared_ptr<const DecodeTables> tables,
                                        const uint8_t* p, size_t bit, size_t bits) {
  dynamic_tables_ = std::move(tables);
  where_ = Where::kHuffman;
  tables_ = dynamic_tables_.get();
  dynamic_ = true;
  dht_src_ = p;
  dht_bit_ = bit;
  dhtlen_ = static_cast<uint32_t>(bits);
  return Step::kContinue;
}

// A block header is one item: read whole (3 bits, plus LEN/NLEN or the
// dynamic header) or not at all.
InflateJob::Step InflateJob::read_header() {
  const uint8_t* src = in_.src;
  const size_t total = in_.src_len * 8;
  const size_t pos = br_.position();
  if (total - pos < 3) {
    const uint32_t bfinal_read = total > pos ? bit_at(src, pos) : 0;
    return suspend(pos, in_.src_len, kSfbtHeader | bfinal_read);
  }
  bfinal_ = bit_at(src, pos);
  const unsigned btype = bit_at(src, pos + 1) | bit_at(src, pos + 2) << 1;
  switch (btype) {
    case 0: {
      const size_t len_at = bytes_holding(pos + 3);  // skip to a byte boundary
      if (len_at + 4 > in_.src_len) return suspend(pos, in_.src_len, kSfbtHeader | bfinal_);
      const uint32_t len = src[len_at] | uint32_t{src[len_at + 1]} << 8;
      const uint32_t nlen = src[len_at + 2] | uint32_t{src[len_at + 3]} << 8;
      if (len != (~nlen & 0xFFFF)) return fail(nx::kCcDataError);
      where_ = Where::kStored;
      stored_left_ = len;
      br_.seek((len_at + 4) * 8);
      return Step::kContinue;
    }
    case 1:
      where_ = Where::kHuffman;
      tables_ = &fixed_decode_tables();
      dynamic_ = false;
      br_.seek(pos + 3);
      return Step::kContinue;
    case 2: {
      size_t used = 0;
      const Step s = use_dynamic_header(src, pos + 3, total, true, &used);
      if (s == Step::kContinue) br_.seek(pos + 3 + used);
      return s;
    }
    default:
      return fail(nx::kCcDataError);  // BTYPE 11
  }
}

// Copies stored data in as large chunks as source, target and the byte-count
// limit allow; a stop inside the block is always on a byte boundary.
InflateJob::Step InflateJob::copy_stored() {
  size_t at = br_.position() / 8;
  while (stored_left_ > 0) {
    if (at == in_.src_len) return suspend(at * 8, in_.src_len, sfbt());
    if (out_pos_ == cap_) return fail(nx::kCcTargetSpace);
    size_t n = std::min<size_t>({stored_left_, in_.src_len - at, cap_ - out_pos_});
    if (limit_ != 0) n = std::min(n, limit_ > out_pos_ ? limit_ - out_pos_ : 0);
    std::memcpy(out_ + out_pos_, in_.src + at, n);
    out_pos_ += n;
    at += n;
    stored_left_ -= static_cast<uint32_t>(n);
    if (limit_reached() && stored_left_ > 0) return suspend(at * 8, at, sfbt());
  }
  br_.seek(at * 8);
  return Step::kBlockEnd;
}

// The block just ended; the next bit is the following header (or padding).
InflateJob::Step InflateJob::end_block() {
  where_ = Where::kHeader;
  const size_t pos = br_.position();
  if (bfinal_) return finish_stream();
  if (in_.single_block)
    return suspend(pos, std::min(in_.src_len, bytes_holding(pos) + kReadAhead), kSfbtHeader);
  if (limit_reached()) return suspend(pos, bytes_holding(pos), kSfbtHeader);
  return Step::kContinue;
}

uint32_t InflateJob::sfbt() const {
  switch (where_) {
    case Where::kStored:
      return kSfbtStored | bfinal_;
    case Where::kHuffman:
      return (dynamic_ ? kSfbtDynamic : kSfbtFixed) | bfinal_;
    case Where::kHeader:
      break;
  }
  return kSfbtHeader | bfinal_;
}

// cc 3, partial: `pos` is the first unprocessed bit; the engine has read
// `spbc` bytes, so subc = the bits read beyond pos.
InflateJob::Step InflateJob::suspend(size_t pos, size_t spbc, uint32_t sfbt) {
  InflateResult& r = *r_;
  r.cc = nx::kCcPartial;
  r.partial = true;
  r.tpbc = out_pos_;
  r.spbc = spbc;
  r.subc = static_cast<uint32_t>(spbc * 8 - pos);
  r.sfbt = sfbt;
  if ((sfbt & 0xE) == kSfbtStored) r.rembytecnt = stored_left_;
  if ((sfbt & 0xE) == kSfbtDynamic) {
    r.dhtlen = dhtlen_;
    copy_bits(dht_src_, dht_bit_, std::min<size_t>(dhtlen_, kDhtBytes * 8), r.dht,
              sizeof r.dht);
  }
  return Step::kStopped;
}

InflateJob::Step InflateJob::suspend_at_limit() {
  const size_t pos = br_.position();
  return suspend(pos, bytes_holding(pos), sfbt());
}

// The final block ended: cc 0 when only padding remains of what was read,
// otherwise the source continues past the stream (cc 3, sfbt 0000).
InflateJob::Step InflateJob::finish_stream() {
  InflateResult& r = *r_;
  const size_t pos = br_.position();
  r.spbc = std::min(in_.src_len, bytes_holding(pos) + kReadAhead);
  r.subc = static_cast<uint32_t>(r.spbc * 8 - pos);
  r.sfbt = 0;
  r.cc = r.subc <= 7 ? nx::kCcSuccess : nx::kCcPartial;
  r.partial = r.cc == nx::kCcPartial;
  r.tpbc = out_pos_;
  return Step::kStopped;
}

InflateJob::Step InflateJob::fail(uint8_t cc) {
  r_->cc = cc;
  r_->termination = true;
  r_->tpbc = out_pos_;  // not valid for the caller; kept for diagnosis
  return Step::kStopped;
}

InflateResult inflate_job(const InflateInput& in) {
  InflateResult r;
  InflateJob(in, &r).run();
  return r;
}

}  // namespace nxz::emu
