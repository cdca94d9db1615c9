// Hand-built DEFLATE streams for exact-expectation tests: a bit writer and
// the fixed code of RFC 1951 §3.2.6.
#pragma once

#include <cstdint>
#include <vector>

#include "nx/nx.h"
#include "support/test_support.h"

namespace nxz::test {

struct BitWriter {
  Bytes bytes;
  size_t nbits = 0;

  // Writes the low n bits of v, least significant first (header fields).
  void put(uint32_t v, unsigned n) {
    for (unsigned i = 0; i < n; ++i, ++nbits) {
      if (nbits % 8 == 0) bytes.push_back(0);
      bytes.back() |= static_cast<uint8_t>(((v >> i) & 1) << (nbits % 8));
    }
  }
  // Writes a Huffman codeword, most significant bit first.
  void put_code(uint32_t code, unsigned len) {
    for (unsigned i = len; i-- > 0;) put(code >> i, 1);
  }
  void align() { nbits = bytes.size() * 8; }
  void put_bytes(const Bytes& b) {
    align();
    bytes.insert(bytes.end(), b.begin(), b.end());
    nbits = bytes.size() * 8;
  }

  void header(bool bfinal, unsigned btype) {
    put(bfinal ? 1 : 0, 1);
    put(btype, 2);
  }
  void fixed_litlen(unsigned sym) {
    if (sym < 144)
      put_code(0x30 + sym, 8);
    else if (sym < 256)
      put_code(0x190 + sym - 144, 9);
    else if (sym < 280)
      put_code(sym - 256, 7);
    else
      put_code(0xC0 + sym - 280, 8);
  }
  void fixed_dist(unsigned sym) { put_code(sym, 5); }
  // A stored block header: 3 bits, padding, LEN, NLEN.
  void stored_header(bool bfinal, uint16_t len, uint16_t nlen) {
    header(bfinal, 0);
    align();
    put(len, 16);
    put(nlen, 16);
  }
  // A dynamic block header whose code-length code gives every length 0..15 a
  // 4-bit codeword (symbol s -> codeword s) and 16-18 none.
  void dynamic_header(bool bfinal, const std::vector<uint8_t>& litlen,
                      const std::vector<uint8_t>& dist) {
    header(bfinal, 2);
    put(static_cast<uint32_t>(litlen.size() - 257), 5);
    put(static_cast<uint32_t>(dist.size() - 1), 5);
    put(15, 4);  // all 19 code-length code lengths follow
    for (int sym : nx::kCodeLengthOrder) put(sym >= 16 ? 0 : 4, 3);
    for (uint8_t l : litlen) put_code(l, 4);
    for (uint8_t l : dist) put_code(l, 4);
  }
};

}  // namespace nxz::test
