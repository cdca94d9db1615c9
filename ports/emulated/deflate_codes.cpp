#include "emulated/deflate_codes.h"

#include "nx/nx.h"

namespace nxz::emu {

void EncodeTables::build(const uint8_t* litlen_lengths, const uint8_t* dist_lengths) {
  // Codes are built over all 288 + 32 symbols: the fixed code gives lengths
  // to 286, 287, 30 and 31 too, and they shift the codes of longer lengths.
  uint16_t codes[288];
  nx::canonical_codes(litlen_lengths, 288, codes);
  for (int s = 0; s < kNumLitLenSymbols; ++s) {
    lit_code[s] = codes[s];
    lit_len[s] = litlen_lengths[s];
  }
  nx::canonical_codes(dist_lengths, 32, codes);
  for (int s = 0; s < kNumDistSymbols; ++s) {
    dist_code[s] = codes[s];
    dist_len[s] = dist_lengths[s];
    dist_nbits[s] = static_cast<uint8_t>(dist_lengths[s] + kDistExtra[s]);
  }
  match_bits[0] = match_bits[1] = match_bits[2] = 0;
  match_nbits[0] = match_nbits[1] = match_nbits[2] = 0;
  match_sym[0] = match_sym[1] = match_sym[2] = 0;
  int i = 0;
  for (int len = 3; len <= 258; ++len) {
    // 258 has its own symbol (285) although 227 + 31 would fit symbol 284.
    while (i < 28 && len >= kLengthBase[i + 1]) ++i;
    const int sym = 257 + i;
    const unsigned extra = static_cast<unsigned>(len - kLengthBase[i]);
    match_sym[len] = static_cast<uint16_t>(sym);
    match_bits[len] = lit_code[sym] | (extra << lit_len[sym]);
    match_nbits[len] = static_cast<uint8_t>(lit_len[sym] + kLengthExtra[i]);
  }
}

void fixed_code_lengths(uint8_t litlen[288], uint8_t dist[32]) {
  for (int s = 0; s < 288; ++s) litlen[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
  for (int s = 0; s < 32; ++s) dist[s] = 5;
}

const EncodeTables& fixed_tables() {
  static const EncodeTables tables = [] {
    uint8_t litlen[288], dist[32];
    fixed_code_lengths(litlen, dist);
    EncodeTables t;
    t.build(litlen, dist);
    return t;
  }();
  return tables;
}

}  // namespace nxz::emu
