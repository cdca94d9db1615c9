// Helpers for the DEFLATE encoder tests: running one job on exactly sized
// buffers, and decoding its block with the system zlib down to the bit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "deflate/dht_builder_for_tests.h"
#include "emulated/deflate_core.h"
#include "support/test_support.h"

namespace nxz::test {

struct JobSpec {
  const Bytes* history = nullptr;  // may be null
  const Bytes* source = nullptr;
  const Dht* dht = nullptr;  // null: fixed Huffman
  bool counts = false;
  size_t capacity = 0;  // 0: ample
};

// The matching effort run_job gives its jobs (a setting of the emulated
// machine, not of the job): parametrised tests set it for all their jobs,
// on every thread.
void set_job_effort(emu::MatchEffort effort);
emu::MatchEffort job_effort();

struct JobRun {
  emu::DeflateResult r;
  Bytes out;             // out[0 .. r.out_bytes) on success
  bool guard_ok = true;  // nothing written past the capacity
};

// Copies history + source into one allocation of exactly that size (so that
// sanitizers see any read outside it) and runs deflate_job. The output
// buffer is followed by guard bytes that must stay untouched.
JobRun run_job(const JobSpec& spec);

// Decodes one raw DEFLATE block with zlib, stopping at its end-of-block code
// (Z_BLOCK), and reports exactly where that was.
struct Decoded {
  bool ok = false;
  std::string err;
  Bytes out;
  size_t bytes_used = 0;  // input bytes zlib took, counting a partial one
  int unused_bits = 0;    // unused high bits of the last byte taken
  bool final_block = false;
};
Decoded inflate_one_block(const Bytes& block, const Bytes& dictionary = {});

// Size of a job's block in bits, from out_bytes and tebc.
inline size_t block_bits(const emu::DeflateResult& r) {
  return r.out_bytes * 8 - (r.tebc ? 8 - r.tebc : 0);
}

// BFINAL and BTYPE of a block.
inline int bfinal(const Bytes& b) { return b.empty() ? -1 : b[0] & 1; }
inline int btype(const Bytes& b) { return b.empty() ? -1 : (b[0] >> 1) & 3; }

// Bit i (LSB-first) of a byte string.
inline int bit_at(const uint8_t* p, size_t i) { return (p[i >> 3] >> (i & 7)) & 1; }

}  // namespace nxz::test
