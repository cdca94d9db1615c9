// The emulated engine's DEFLATE encoder: one compression job (function codes
// 0x00-0x0e) over contiguous memory, producing exactly one block as contract
// §4 says: byte-aligned start, BFINAL = 1, type 01 (fixed) or 10 (the DHT
// given by software, copied verbatim), always closed by end-of-block.
//
// The engine (engine.cpp) gathers the source DDEs (history first), calls
// deflate_job, scatters the output to the target DDEs and writes CPB/CSB.
#pragma once

#include <cstddef>
#include <cstdint>

#include "nx/nx.h"

namespace nxz::emu {

inline constexpr int kLzCountSymbols = nx::kLzCountSymbols;  // 286 literal/length + 30 distance

// The emulated machine's matching effort, a setting of the machine (like
// its byte-count limit registers), not of the request: the hardware has one
// effort, and a CRB cannot ask for another. Both parse the same way at the
// contract's level: any effort's output is one valid block of the requested
// type, with its counts, checksums and byte counts.
enum class MatchEffort : uint8_t {
  kLazy,  // hash chains, 4 candidates, one-step lazy matching (the default)
  kFast,  // greedy, one candidate, few insertions inside matches
};

struct DeflateInput {
  // data[0 .. hist_len) is history: matched against, never emitted.
  // data[hist_len .. hist_len + len) is compressed.
  const uint8_t* data = nullptr;
  size_t hist_len = 0;
  size_t len = 0;

  bool dht = false;                 // use in_dht instead of the fixed code
  const uint8_t* in_dht = nullptr;  // 288 bytes, in_dhtlen bits used
  uint32_t in_dhtlen = 0;

  bool counts = false;  // fill lzcount
  MatchEffort effort = MatchEffort::kLazy;

  uint8_t* out = nullptr;  // out[0 .. out_capacity)
  size_t out_capacity = 0;
};

struct DeflateResult {
  uint8_t cc = nx::kCcSuccess;  // or kCcTargetSpace, kCcDataError (DHT lacks a code), kCcDhtInvalid
  size_t out_bytes = 0;         // tpbc: bytes written, counting a partial last byte
  uint8_t tebc = 0;             // valid bits in the last byte, 0 = whole byte
  uint32_t lzcount[kLzCountSymbols] = {};  // when counts; EOB counts 1
};

// Runs one compression job. Never reads outside data[0..hist_len+len) and
// never writes outside out[0..out_capacity). Deterministic: the same input
// gives the same output.
DeflateResult deflate_job(const DeflateInput& in);

}  // namespace nxz::emu
