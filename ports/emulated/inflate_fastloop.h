// The DEFLATE decoder's fast loop, in a header so that inflate_huffman.cpp
// can compile it once per instruction set (BMI2's shifts that take any
// register spare x86 a register move per variable shift) and pick one at run
// time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "emulated/inflate_bits.h"
#include "emulated/inflate_tables.h"

namespace nxz::emu {

// Input the fast loop may need per iteration: it refills at most twice, and
// each refill reads 8 bytes at `next` and advances it by at most 7.
inline constexpr size_t kFastInputMargin = 16;
// Output per iteration: at most one literal and then one match of up to 258
// bytes, and a match copy may store up to 23 bytes past its end (whole
// words); one more byte of slack costs nothing.
inline constexpr size_t kFastOutputMargin = 2 + 258 + 23;

inline constexpr uint64_t kLitLenMask = (uint64_t{1} << kLitLenRootBits) - 1;
inline constexpr uint64_t kDistMask = (uint64_t{1} << kDistRootBits) - 1;

inline void copy8(uint8_t* dst, const uint8_t* src) { std::memcpy(dst, src, 8); }

// Copies a match of `len` (3..258) bytes from `dist` bytes back, possibly
// storing up to 23 bytes past dst + len (the caller guarantees the room).
// Reads stay within [dst - dist, dst + len) and only see finished output.
inline __attribute__((always_inline)) void copy_match_fast(uint8_t* dst, size_t dist, size_t len) {
  uint8_t* const end = dst + len;
  if (dist >= 8) {
    // Each 8-byte load reads at least 8 bytes behind the store position, so
    // it sees only finished output even when source and match overlap. Most
    // matches are short: three words cover them without a loop branch.
    const uint8_t* src = dst - dist;
    copy8(dst, src);
    copy8(dst + 8, src + 8);
    copy8(dst + 16, src + 16);
    for (dst += 24, src += 24; dst < end; dst += 8, src += 8) copy8(dst, src);
    return;
  }
  // Short distances repeat a pattern of `dist` bytes. Write the first
  // `period` bytes (the smallest multiple of dist >= 8) one at a time; from
  // then on the output equals itself `period` bytes back, far enough for
  // whole-word copies.
  size_t period = dist;
  while (period < 8) period += dist;
  const uint8_t* src = dst - dist;
  for (size_t i = 0; i < period; ++i) dst[i] = src[i];
  for (uint8_t* d = dst + period; d < end; d += 8) copy8(d, d - period);
}

enum class FastLoopEnd { kNoRoom, kEndOfBlock, kUndefinedCode, kDistanceTooFar };

// Decodes items while src and out have room for a whole iteration (see the
// margins above). `br` and `op` are updated to the first unprocessed bit and
// output byte; `out` - hist_len is the oldest byte a distance may reach.
inline __attribute__((always_inline)) FastLoopEnd fast_loop_body(
    const uint32_t* litlen, const uint32_t* dist, const uint8_t* in_limit, uint8_t* out,
    const uint8_t* out_limit, size_t hist_len, BitReader& br, uint8_t*& op) {
  using namespace inflate_entry;
  // The loop condition is the only bounds check: kFastInputMargin and
  // kFastOutputMargin cover everything one iteration can read or write.
  // Bits: a refill leaves >= 56 in the buffer; a literal takes <= 15, a
  // length <= 20 (11 root + 4 subtable + 5 extra) and a distance <= 28. With
  // a refill at the top and one after the length, every lookup (including
  // the next literal/length entry, fetched early to overlap with a copy) is
  // on real bits: after one literal 41 remain for a length, or for a long
  // literal and the next lookup. Refills only add bits above those held, so
  // a fetched entry stays valid across one.
  if (br.next > in_limit) return FastLoopEnd::kNoRoom;
  // The oldest byte a distance may reach, so that the check is one compare.
  const uint8_t* const window_start = out - hist_len;
  br.refill_fast();
  uint32_t e = litlen[br.buf & kLitLenMask];
  while (br.next <= in_limit && op < out_limit) {
    br.refill_fast();
    if (e & kLiteral) {
      // Literals come in runs: take up to three per refill (3 x 15 bits
      // leave 11 for the next lookup).
      br.consume(bits(e));
      *op++ = static_cast<uint8_t>(value(e));
      e = litlen[br.buf & kLitLenMask];
      if (e & kLiteral) {
        br.consume(bits(e));
        *op++ = static_cast<uint8_t>(value(e));
        e = litlen[br.buf & kLitLenMask];
        if (e & kLiteral) {
          br.consume(bits(e));
          *op++ = static_cast<uint8_t>(value(e));
          e = litlen[br.buf & kLitLenMask];
        }
        continue;
      }
    }
    // One test for the rare entries: a subtable link, end of block, or an
    // undefined code.
    if (e & (kSubtable | kSpecial)) [[unlikely]] {
      if (e & kSubtable) {
        br.consume(bits(e));
        e = litlen[value(e) + br.peek(subtable_bits(e))];
        if (e & kLiteral) {
          br.consume(bits(e));
          *op++ = static_cast<uint8_t>(value(e));
          e = litlen[br.buf & kLitLenMask];
          continue;
        }
      }
      if (e & kSpecial) {
        if (e & kEndOfBlock) {
          br.consume(bits(e));
          return FastLoopEnd::kEndOfBlock;
        }
        return FastLoopEnd::kUndefinedCode;
      }
    }
    const size_t length = value_with_extra(e, br.buf);
    br.consume(bits(e));
    br.refill_fast();

    e = dist[br.buf & kDistMask];
    if (e & (kSubtable | kUndefined)) [[unlikely]] {
      if (e & kSubtable) {
        br.consume(bits(e));
        e = dist[value(e) + br.peek(subtable_bits(e))];
      }
      if (e & kUndefined) return FastLoopEnd::kUndefinedCode;
    }
    const size_t distance = value_with_extra(e, br.buf);
    br.consume(bits(e));
    if (distance > size_t(op - window_start)) return FastLoopEnd::kDistanceTooFar;
    e = litlen[br.buf & kLitLenMask];  // overlaps the lookup with the copy
    copy_match_fast(op, distance, length);
    op += length;
  }
  return FastLoopEnd::kNoRoom;
}

// The state is copied into locals whose address is never taken: byte stores
// to the output could otherwise alias it and force a reload after each one.
inline __attribute__((always_inline)) FastLoopEnd run_fast_loop(
    const uint32_t* litlen, const uint32_t* dist, const uint8_t* in_limit, uint8_t* out,
    const uint8_t* out_limit, size_t hist_len, BitReader& reader, uint8_t*& out_next) {
  BitReader br = reader;
  uint8_t* op = out_next;
  const FastLoopEnd end = fast_loop_body(litlen, dist, in_limit, out, out_limit, hist_len, br, op);
  reader = br;
  out_next = op;
  return end;
}

}  // namespace nxz::emu
