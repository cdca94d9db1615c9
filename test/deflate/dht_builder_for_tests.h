// Test helper: builds a dynamic Huffman table (an in_dht, contract §4) from
// symbol frequencies, as software would before a DHT compression job.
// Kept separate from the tests so that it can be promoted into the library.
#pragma once

#include <cstdint>
#include <vector>

namespace nxz::test {

// Code lengths of at most `max_len` bits for the symbols with nonzero
// frequency (others get 0), from a Huffman tree; when the tree is too deep
// the frequencies are flattened and the tree rebuilt. A single used symbol
// gets length 1.
std::vector<uint8_t> huffman_lengths(const std::vector<uint32_t>& freq, int max_len);

// An in_dht: a dynamic block header without its 3 BFINAL/BTYPE bits, packed
// LSB-first, `bits` long.
struct Dht {
  uint8_t bytes[288] = {};
  uint32_t bits = 0;
};

// Encodes code lengths of literal/length symbols 0..285 and distance symbols
// 0..29 in RFC 1951 §3.2.7 form (HLIT, HDIST, HCLEN, code-length code,
// run-length coded lengths). The lengths must form valid codes.
Dht encode_dht(const std::vector<uint8_t>& litlen, const std::vector<uint8_t>& dist);

// A table for data whose symbol counts are `lzcount` (316 entries, as the
// engine reports them): every counted symbol gets a code, end-of-block is
// always coded, and both codes are kept complete (a dummy symbol is added
// where only one would be used). Symbols listed in `drop` get no code.
Dht dht_from_counts(const uint32_t* lzcount, const std::vector<int>& drop = {});

// The litlen (288) and distance (32) code lengths held by a table, read back
// with the library's header parser; false when it does not parse.
bool dht_lengths(const Dht& d, std::vector<uint8_t>* litlen, std::vector<uint8_t>* dist);

}  // namespace nxz::test
