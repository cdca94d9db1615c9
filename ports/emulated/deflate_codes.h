// DEFLATE alphabets (RFC 1951 §3.2.5) and the encoder's Huffman tables.
#pragma once

#include <bit>
#include <cstdint>

namespace nxz::emu {

inline constexpr int kNumLitLenSymbols = 286;  // 0..255 literals, 256 end, 257..285 lengths
inline constexpr int kNumDistSymbols = 30;
inline constexpr int kEndOfBlock = 256;
inline constexpr int kMaxCodeLength = 15;

// RFC 1951 §3.2.5: first length and extra-bit count of symbols 257..285.
inline constexpr uint16_t kLengthBase[29] = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                             15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                             67, 83, 99, 115, 131, 163, 195, 227, 258};
inline constexpr uint8_t kLengthExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                             2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
// First distance and extra-bit count of distance symbols 0..29.
inline constexpr uint16_t kDistBase[30] = {
    1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
inline constexpr uint8_t kDistExtra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                           6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

// Distance symbol of a distance 1..32768. Past 4 the symbols come in pairs
// per power of two, the pair member chosen by the bit below the top one.
inline unsigned dist_symbol(uint32_t dist) {
  const uint32_t x = dist - 1;
  if (x < 4) return x;
  const unsigned top = 31 - static_cast<unsigned>(std::countl_zero(x));
  return 2 * top + ((x >> (top - 1)) & 1);
}

// Everything the encoder needs to write symbols of one code pair. A symbol
// the code lacks has length 0 (its entries write nothing useful); the caller
// detects its use from the symbol counts.
struct EncodeTables {
  uint16_t lit_code[kNumLitLenSymbols];
  uint8_t lit_len[kNumLitLenSymbols];
  // Indexed by match length 3..258: the length symbol's code with the extra
  // bits above it, as one field of `match_nbits` bits.
  uint32_t match_bits[259];
  uint8_t match_nbits[259];
  uint16_t match_sym[259];
  uint16_t dist_code[kNumDistSymbols];
  uint8_t dist_len[kNumDistSymbols];
  uint8_t dist_nbits[kNumDistSymbols];  // code plus extra bits

  // litlen_lengths[288], dist_lengths[32].
  void build(const uint8_t* litlen_lengths, const uint8_t* dist_lengths);
};

// The fixed code of BTYPE 01 (RFC 1951 §3.2.6), built once.
const EncodeTables& fixed_tables();
// Its code lengths: literal/length 0..287 and distance 0..31.
void fixed_code_lengths(uint8_t litlen[288], uint8_t dist[32]);

}  // namespace nxz::emu
