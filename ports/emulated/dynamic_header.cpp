#include "emulated/dynamic_header.h"

#include <cstring>

#include "nx/nx.h"

namespace nxz::emu {
namespace {

// A bounded LSB-first bit reader; running out is reported, never read past.
struct Bits {
  const uint8_t* p;
  size_t pos;
  size_t end;
  bool short_read = false;

  uint32_t take(int n) {
    if (end - pos < static_cast<size_t>(n)) {
      short_read = true;
      pos = end;
      return 0;
    }
    uint32_t v = 0;
    for (int i = 0; i < n; ++i, ++pos) v |= uint32_t((p[pos >> 3] >> (pos & 7)) & 1) << i;
    return v;
  }
};

// Canonical decoding one bit at a time: headers are short, so clarity wins.
struct SmallCode {
  uint16_t count[16] = {};
  uint16_t symbol[19] = {};

  void build(const uint8_t* lengths, int n) {
    uint16_t offs[16] = {};
    for (int s = 0; s < n; ++s) count[lengths[s]]++;
    count[0] = 0;
    for (int len = 1; len < 15; ++len) offs[len + 1] = offs[len] + count[len];
    for (int s = 0; s < n; ++s)
      if (lengths[s]) symbol[offs[lengths[s]]++] = static_cast<uint16_t>(s);
  }
  // Returns the symbol, or -1 when the bits ran out.
  int decode(Bits& b) const {
    int code = 0, first = 0, index = 0;
    for (int len = 1; len <= 7; ++len) {
      code |= static_cast<int>(b.take(1));
      if (b.short_read) return -1;
      int c = count[len];
      if (code - first < c) return symbol[index + (code - first)];
      index += c;
      first = (first + c) << 1;
      code <<= 1;
    }
    return -2;  // unreachable for a complete code
  }
};

}  // namespace

bool code_lengths_valid(const uint8_t* lengths, int n, bool allow_single, bool allow_empty) {
  int count[16] = {};
  int max = 0;
  for (int s = 0; s < n; ++s) {
    count[lengths[s]]++;
    if (lengths[s] > max) max = lengths[s];
  }
  if (max == 0) return allow_empty;
  int left = 1;
  for (int len = 1; len <= 15; ++len) {
    left = (left << 1) - count[len];
    if (left < 0) return false;  // over-subscribed
  }
  if (left > 0) return allow_single && max == 1 && count[1] == 1;
  return true;
}

HeaderStatus parse_dynamic_header(const uint8_t* p, size_t bit_offset, size_t bit_end,
                                  CodeLengths* out, size_t* bits_used) {
  Bits b{p, bit_offset, bit_end < bit_offset ? bit_offset : bit_end};
  const int nlit = static_cast<int>(b.take(5)) + 257;
  const int ndist = static_cast<int>(b.take(5)) + 1;
  const int nclen = static_cast<int>(b.take(4)) + 4;
  if (b.short_read) return HeaderStatus::kNeedMore;
  if (nlit > 286 || ndist > 30) return HeaderStatus::kInvalid;

  uint8_t cl[19] = {};
  for (int i = 0; i < nclen; ++i) cl[nx::kCodeLengthOrder[i]] = static_cast<uint8_t>(b.take(3));
  if (b.short_read) return HeaderStatus::kNeedMore;
  if (!code_lengths_valid(cl, 19, false, false)) return HeaderStatus::kInvalid;
  SmallCode clcode;
  clcode.build(cl, 19);

  uint8_t lens[kMaxLitLen + kMaxDist] = {};
  const int total = nlit + ndist;
  for (int i = 0; i < total;) {
    const int sym = clcode.decode(b);
    if (sym < 0) return sym == -1 ? HeaderStatus::kNeedMore : HeaderStatus::kInvalid;
    if (sym < 16) {
      lens[i++] = static_cast<uint8_t>(sym);
      continue;
    }
    uint8_t value = 0;
    int repeat;
    if (sym == 16) {
      if (i == 0) return HeaderStatus::kInvalid;  // nothing to repeat
      value = lens[i - 1];
      repeat = 3 + static_cast<int>(b.take(2));
    } else if (sym == 17) {
      repeat = 3 + static_cast<int>(b.take(3));
    } else {
      repeat = 11 + static_cast<int>(b.take(7));
    }
    if (b.short_read) return HeaderStatus::kNeedMore;
    if (i + repeat > total) return HeaderStatus::kInvalid;  // past the last symbol
    std::memset(lens + i, value, static_cast<size_t>(repeat));
    i += repeat;
  }

  // An empty literal/length code is not decodable: it would code nothing,
  // not even end-of-block (an all-zero distance code means "no matches").
  if (!code_lengths_valid(lens, nlit, true, false)) return HeaderStatus::kInvalid;
  if (!code_lengths_valid(lens + nlit, ndist, true, true)) return HeaderStatus::kInvalid;

  std::memset(out, 0, sizeof *out);
  std::memcpy(out->litlen, lens, static_cast<size_t>(nlit));
  std::memcpy(out->dist, lens + nlit, static_cast<size_t>(ndist));
  out->nlit = nlit;
  out->ndist = ndist;
  *bits_used = b.pos - bit_offset;
  // Checked last: a table that is also undecodable is kInvalid (cc 68).
  return lens[256] == 0 ? HeaderStatus::kNoEndOfBlock : HeaderStatus::kOk;
}

}  // namespace nxz::emu
