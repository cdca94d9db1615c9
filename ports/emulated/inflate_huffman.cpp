// The body of a Huffman-coded block: a fast loop for the bulk of the data and
// a careful one-item-at-a-time path near the ends of the source, the target
// and the byte-count limit, where exact item boundaries matter (contract §5).
#include <algorithm>
#include <cstring>

#include "emulated/inflate_fastloop.h"
#include "emulated/inflate_job.h"

namespace nxz::emu {
namespace {

using namespace inflate_entry;

using FastLoopFn = FastLoopEnd (*)(const uint32_t*, const uint32_t*, const uint8_t*, uint8_t*,
                                   const uint8_t*, size_t, BitReader&, uint8_t*&);

FastLoopEnd fast_loop_generic(const uint32_t* litlen, const uint32_t* dist, const uint8_t* in_limit,
                              uint8_t* out, const uint8_t* out_limit, size_t hist_len,
                              BitReader& br, uint8_t*& op) {
  return run_fast_loop(litlen, dist, in_limit, out, out_limit, hist_len, br, op);
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("bmi2"))) FastLoopEnd fast_loop_bmi2(
    const uint32_t* litlen, const uint32_t* dist, const uint8_t* in_limit, uint8_t* out,
    const uint8_t* out_limit, size_t hist_len, BitReader& br, uint8_t*& op) {
  return run_fast_loop(litlen, dist, in_limit, out, out_limit, hist_len, br, op);
}
#endif

FastLoopFn pick_fast_loop() {
#if defined(__x86_64__) && defined(__GNUC__)
  if (__builtin_cpu_supports("bmi2")) return fast_loop_bmi2;
#endif
  return fast_loop_generic;
}

// Looks up the next entry of `table` (root index width `root_bits`) in
// `bits`, of which `avail` are real input. Returns false when the entry's
// bits (codeword and extra bits, or the proof that the code is undefined)
// are not all there; otherwise the entry, the bit buffer as the entry's
// level sees it, and the total bits to consume.
inline bool peek_entry(const uint32_t* table, unsigned root_bits, uint64_t bits, unsigned avail,
                       uint32_t* entry, uint64_t* level_bits, unsigned* nbits) {
  uint32_t e = table[bits & ((uint64_t{1} << root_bits) - 1)];
  unsigned used = 0;
  if (e & kSubtable) {
    if (root_bits > avail) return false;
    used = root_bits;
    bits >>= root_bits;
    e = table[value(e) + (bits & ((uint64_t{1} << subtable_bits(e)) - 1))];
  }
  if (used + inflate_entry::bits(e) > avail) return false;
  *entry = e;
  *level_bits = bits;
  *nbits = used + inflate_entry::bits(e);
  return true;
}

}  // namespace

InflateJob::Step InflateJob::decode_huffman() {
  for (;;) {
    Step s = fast_loop();
    if (s == Step::kContinue) s = careful_item();
    if (s != Step::kContinue) return s;
  }
}

// Decodes items while the source and target have room for a whole iteration
// without any per-byte bounds checks. Returns kContinue when it ran out of
// room (the careful path takes over), kBlockEnd after end-of-block, or
// kStopped on a data error.
InflateJob::Step InflateJob::fast_loop() {
  if (in_.src_len < kFastInputMargin || cap_ < kFastOutputMargin) return Step::kContinue;
  const uint8_t* const in_limit = in_.src + (in_.src_len - kFastInputMargin);
  size_t out_room_end = cap_ - kFastOutputMargin;
  // The limit is checked after every item: running the loop only while two
  // short of it lets an iteration's first item (a literal) pass unchecked,
  // and the careful path decodes the last items before the limit one by one.
  if (limit_ != 0) out_room_end = std::min(out_room_end, limit_ > 2 ? limit_ - 2 : 0);
  if (out_pos_ >= out_room_end) return Step::kContinue;

  // The reader and output pointer live in locals so they stay in registers.
  BitReader br = br_;
  uint8_t* op = out_ + out_pos_;
  static const FastLoopFn run = pick_fast_loop();
  const FastLoopEnd end = run(tables_->litlen, tables_->dist, in_limit, out_, out_ + out_room_end,
                              in_.hist_len, br, op);
  br_ = br;
  out_pos_ = size_t(op - out_);
  switch (end) {
    case FastLoopEnd::kNoRoom:
      return Step::kContinue;
    case FastLoopEnd::kEndOfBlock:
      return Step::kBlockEnd;
    case FastLoopEnd::kUndefinedCode:
      return fail(nx::kCcDataError);
    case FastLoopEnd::kDistanceTooFar:
      break;
  }
  return fail(nx::kCcDistance);
}

// Decodes exactly one item, or stops: the whole literal/length + extra +
// distance + extra group must be in the source, otherwise the job suspends
// at the group's first bit (contract §5: the engine rewinds to the start of
// an incomplete item).
InflateJob::Step InflateJob::careful_item() {
  br_.refill_careful();  // afterwards fewer than 56 bits means end of source
  uint32_t e;
  uint64_t at;
  unsigned n;

  if (limit_reached()) {
    // Stop here, unless the block ends right here: then report it ended.
    if (peek_entry(tables_->litlen, kLitLenRootBits, br_.buf, br_.count, &e, &at, &n) &&
        (e & kEndOfBlock)) {
      br_.consume(n);
      return Step::kBlockEnd;
    }
    return suspend_at_limit();
  }

  const size_t item_start = br_.position();
  if (!peek_entry(tables_->litlen, kLitLenRootBits, br_.buf, br_.count, &e, &at, &n))
    return suspend_for_input(item_start);
  if (e & kUndefined) return fail(nx::kCcDataError);
  if (e & kLiteral) {
    if (out_pos_ == cap_) return fail(nx::kCcTargetSpace);
    br_.consume(n);
    out_[out_pos_++] = static_cast<uint8_t>(value(e));
    return Step::kContinue;
  }
  if (e & kEndOfBlock) {
    br_.consume(n);
    return Step::kBlockEnd;
  }
  const size_t length = value_with_extra(e, at);
  const unsigned used = n;

  if (!peek_entry(tables_->dist, kDistRootBits, br_.buf >> used, br_.count - used, &e, &at, &n))
    return suspend_for_input(item_start);
  if (e & kUndefined) return fail(nx::kCcDataError);
  const size_t distance = value_with_extra(e, at);
  if (distance > out_pos_ + in_.hist_len) return fail(nx::kCcDistance);
  if (length > cap_ - out_pos_) return fail(nx::kCcTargetSpace);
  br_.consume(used + n);
  uint8_t* dst = out_ + out_pos_;
  const uint8_t* src = dst - distance;
  for (size_t i = 0; i < length; ++i) dst[i] = src[i];
  out_pos_ += length;
  return Step::kContinue;
}

}  // namespace nxz::emu
