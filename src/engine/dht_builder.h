// Dynamic Huffman tables for the DHT compression codes (contract §4): code
// lengths from symbol counts, limited to DEFLATE's 15 bits, encoded as the
// block-header bits that go into the CPB's in_dht.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nxz::engine {

inline constexpr int kLitLenSymbols = 286;
inline constexpr int kDistSymbols = 30;

// Code lengths for `n` symbols with counts `freq`, each at most `limit`
// bits; symbols with count 0 get length 0. When fewer than two symbols are
// used, lengths are still given to two (a complete code: every decoder
// accepts it).
void huffman_lengths(const uint32_t* freq, int n, int limit, uint8_t* lengths);

struct Dht {
  uint8_t bits[288];  // in_dht: HLIT, HDIST, HCLEN, ... LSB-first
  uint32_t nbits;     // in_dhtlen, 42..2283
};

// Builds a table from literal/length counts (286) and distance counts (30),
// e.g. the out_lzcount of a count job. With `cover_all`, every literal,
// length and distance symbol gets a code even if its count is 0, so that
// the table can code any data (it never fails with cc 66).
Dht build_dht(const uint32_t* litlen_freq, const uint32_t* dist_freq, bool cover_all);

// Encodes given code lengths (litlen[286], dist[30]) as in_dht bits.
Dht encode_dht(const uint8_t* litlen_lengths, const uint8_t* dist_lengths);

}  // namespace nxz::engine
