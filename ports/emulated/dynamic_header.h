// Parsing of a DEFLATE dynamic block header (HLIT, HDIST, HCLEN, code-length
// code, run-length coded code lengths), as found after the 3 BFINAL/BTYPE
// bits in a stream and as held in the CPB's in_dht (contract §4).
#pragma once

#include <cstddef>
#include <cstdint>

namespace nxz::emu {

inline constexpr int kMaxLitLen = 288;
inline constexpr int kMaxDist = 32;

struct CodeLengths {
  uint8_t litlen[kMaxLitLen];  // lengths for symbols 0..nlit-1, rest 0
  uint8_t dist[kMaxDist];      // lengths for symbols 0..ndist-1, rest 0
  int nlit;                    // 257..286
  int ndist;                   // 1..30
};

enum class HeaderStatus {
  kOk,        // parsed; *bits_used says how many bits the header took
  kNeedMore,  // the bits ran out before the header was complete
  kInvalid,   // not a decodable header (contract: cc 68)
  // Decodable, and *out and *bits_used are filled in as for kOk, but symbol
  // 256 (end of block) has no code, so no block can be coded with it: for
  // in_dht a code the data needs is missing (§4: cc 66); in a stream the
  // block could never end (§5's "bad code lengths": cc 68, as zlib says).
  kNoEndOfBlock,
};

// Parses a dynamic header that starts `bit_offset` bits into `p` (bit 0 =
// least significant bit of p[0], DEFLATE order), reading no bit at or past
// `bit_end`. On kOk, `*out` holds the code lengths and `*bits_used` the
// header's length in bits. The lengths are checked the way zlib's inflate
// checks them: no over-subscribed code, the code-length code complete, the
// literal/length and distance codes complete unless they hold a single code
// of length 1 (or, for distances, none at all), and symbol 256 (end of
// block) present (else kNoEndOfBlock).
//
// Reading of contract §4 taken here: "under-subscribed" means incomplete in
// a way RFC 1951 does not sanction. A single code of length 1 and an empty
// distance code are decodable tables (RFC 1951 §3.2.7 describes both; zlib
// accepts them), so they are not cc 68; a symbol the data needs and such a
// table lacks is cc 66, like any other missing code.
HeaderStatus parse_dynamic_header(const uint8_t* p, size_t bit_offset, size_t bit_end,
                                  CodeLengths* out, size_t* bits_used);

// Whether `lengths[0..n)` form a usable prefix code under the rule above
// (`allow_single` permits one code of length 1; an empty code is allowed
// when `allow_empty`).
bool code_lengths_valid(const uint8_t* lengths, int n, bool allow_single, bool allow_empty);

}  // namespace nxz::emu
