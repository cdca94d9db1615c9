#include "emulated/inflate_tables.h"

#include <algorithm>

#include "emulated/deflate_codes.h"  // the length and distance tables
#include "nx/nx.h"

namespace nxz::emu {
namespace {

using namespace inflate_entry;

constexpr unsigned kMaxCodeLen = 15;

// What a symbol decodes to, with its extra bits in the bit count field; the
// codeword's length is added per table level.
uint32_t litlen_meaning(int sym) {
  if (sym < 256) return kLiteral | uint32_t(sym) << 16;
  if (sym == 256) return inflate_entry::kEndOfBlock;
  if (sym < 286) {
    const int i = sym - 257;
    return uint32_t{kLengthBase[i]} << 16 | kLengthExtra[i];
  }
  return kUndefined;
}

uint32_t dist_meaning(int sym) {
  if (sym < 30) return uint32_t{kDistBase[sym]} << 16 | kDistExtra[sym];
  return kUndefined;
}

// The entry for a symbol whose codeword has `len` bits at this table level.
uint32_t with_codeword(uint32_t meaning, unsigned len) { return meaning + len + (len << 8); }

// Fills one table (root + subtables) for a canonical code. Codewords are
// assigned in order of (length, symbol); a table index holds the stream bits
// in arrival order, i.e. the codeword bit-reversed.
bool build_table(const uint8_t* lengths, int n, uint32_t (*meaning)(int), unsigned root,
                 uint32_t* table, size_t capacity) {
  unsigned count[kMaxCodeLen + 1] = {};
  unsigned max_len = 0;
  for (int s = 0; s < n; ++s) {
    if (lengths[s] > kMaxCodeLen) return false;
    count[lengths[s]]++;
    max_len = std::max<unsigned>(max_len, lengths[s]);
  }
  count[0] = 0;
  // Code space used, in units of 2^-15 of the whole.
  uint32_t used = 0;
  for (unsigned len = 1; len <= kMaxCodeLen; ++len) used += count[len] << (kMaxCodeLen - len);
  if (used > (1u << kMaxCodeLen)) return false;  // over-subscribed

  const size_t root_size = size_t{1} << root;
  if (root_size > capacity) return false;

  // An incomplete code leaves root entries that no codeword reaches. In a
  // canonical code the k-bit prefixes in use are exactly the numbers below
  // ceil(used * 2^k), so a bit string is undefined from its first k bits on
  // once those bits (read as a number, first bit most significant) reach
  // that bound. Recording that k lets the decoder tell "undefined" (cc 66)
  // from "not enough input yet" (suspend) exactly.
  if (used < (1u << kMaxCodeLen)) {
    for (size_t i = 0; i < root_size; ++i) {
      unsigned dead = root;
      uint32_t prefix = 0;
      for (unsigned k = 1; k <= root; ++k) {
        prefix = (prefix << 1) | ((i >> (k - 1)) & 1);
        const uint32_t in_use = (used + (1u << (kMaxCodeLen - k)) - 1) >> (kMaxCodeLen - k);
        if (prefix >= in_use) {
          dead = k;
          break;
        }
      }
      table[i] = kUndefined | dead;
    }
  }

  uint16_t offset[kMaxCodeLen + 2] = {};
  for (unsigned len = 1; len <= kMaxCodeLen; ++len) offset[len + 1] = offset[len] + count[len];
  uint16_t sorted[288];
  if (n > 288) return false;
  for (int s = 0; s < n; ++s)
    if (lengths[s]) sorted[offset[lengths[s]]++] = static_cast<uint16_t>(s);
  // Each symbol's codeword, already bit-reversed: the stream order.
  uint16_t codes[288];
  nx::canonical_codes(lengths, n, codes);

  unsigned remaining[kMaxCodeLen + 1];
  std::copy(count, count + kMaxCodeLen + 1, remaining);
  const uint32_t root_mask = uint32_t(root_size - 1);
  size_t next_free = root_size;
  uint32_t sub_prefix = ~0u;
  size_t sub_start = 0;
  unsigned sub_bits = 0;
  int index = 0;
  for (unsigned len = 1; len <= max_len; ++len) {
    for (unsigned k = 0; k < count[len]; ++k, remaining[len]--) {
      const int sym = sorted[index++];
      const uint32_t rev = codes[sym];
      if (len <= root) {
        const uint32_t e = with_codeword(meaning(sym), len);
        for (size_t i = rev; i < root_size; i += size_t{1} << len) table[i] = e;
        continue;
      }
      const uint32_t prefix = rev & root_mask;
      if (prefix != sub_prefix) {
        // A new subtable: wide enough for every remaining codeword that
        // shares this root prefix (they come consecutively in canonical
        // order and, for a complete code, fill the subtable exactly).
        sub_bits = len - root;
        int left = 1 << sub_bits;
        while (sub_bits + root < max_len) {
          left -= static_cast<int>(remaining[sub_bits + root]);
          if (left <= 0) break;
          sub_bits++;
          left <<= 1;
        }
        if (next_free + (size_t{1} << sub_bits) > capacity) return false;
        sub_start = next_free;
        next_free += size_t{1} << sub_bits;
        // Unreachable for the complete codes that need subtables; kept so a
        // table never holds garbage.
        std::fill(table + sub_start, table + next_free, kUndefined | sub_bits);
        table[prefix] = kSubtable | uint32_t(sub_start) << 16 | sub_bits << 8 | root;
        sub_prefix = prefix;
      }
      const uint32_t e = with_codeword(meaning(sym), len - root);
      for (size_t i = rev >> root; i < (size_t{1} << sub_bits); i += size_t{1} << (len - root))
        table[sub_start + i] = e;
    }
  }
  return true;
}

}  // namespace

bool build_decode_tables(const uint8_t* litlen_lengths, int nlit, const uint8_t* dist_lengths,
                         int ndist, DecodeTables* t) {
  return build_table(litlen_lengths, nlit, litlen_meaning, kLitLenRootBits, t->litlen,
                     kLitLenTableSize) &&
         build_table(dist_lengths, ndist, dist_meaning, kDistRootBits, t->dist, kDistTableSize);
}

const DecodeTables& fixed_decode_tables() {
  static const DecodeTables tables = [] {
    uint8_t litlen[288], dist[32];
    std::fill(litlen, litlen + 144, 8);
    std::fill(litlen + 144, litlen + 256, 9);
    std::fill(litlen + 256, litlen + 280, 7);
    std::fill(litlen + 280, litlen + 288, 8);
    std::fill(dist, dist + 32, 5);
    DecodeTables t{};
    build_decode_tables(litlen, 288, dist, 32, &t);
    return t;
  }();
  return tables;
}

}  // namespace nxz::emu
