// The emulated engine's DEFLATE decoder: one decompression job (function
// codes 0x10-0x16) over contiguous memory, stopping and reporting exactly as
// contract §5 says so that a resume job continues bit-exactly.
//
// The engine (engine.cpp) gathers the source DDEs, copies the history in
// front of the output buffer, calls inflate_job, then scatters the output to
// the target DDEs and writes the CPB/CSB. This file knows nothing of CRBs.
#pragma once

#include <cstddef>
#include <cstdint>

#include "nx/nx.h"

namespace nxz::emu {

struct InflateInput {
  // Compressed data of this job (the source after the history).
  const uint8_t* src = nullptr;
  size_t src_len = 0;

  // out[-hist_len .. 0) holds the history (resume codes; 0 otherwise).
  // Distances may reach into it; it is never part of the output.
  size_t hist_len = 0;

  // Output: out[0 .. out_capacity). Producing more than out_capacity bytes
  // ends the job with cc 13 (termination).
  uint8_t* out = nullptr;
  size_t out_capacity = 0;

  // Byte-count limit compared with tpbc (§6); 0 = none. The job suspends (cc
  // 3, partial) at the first item boundary where tpbc >= limit; inside a
  // stored block it stops exactly at the limit.
  size_t tpbc_limit = 0;

  bool single_block = false;  // 0x12/0x16: suspend after one block ends

  // Resume state (0x14/0x16), from the CPB inputs. For non-resume jobs leave
  // resume = false: decoding starts at a block header at bit 0 of src.
  bool resume = false;
  uint32_t in_subc = 0;             // bits of src[0] still to process; 0 = all 8
  uint32_t in_sfbt = 0;             // 0xxx/111x: header; 100x stored; 101x fixed; 110x dynamic
  uint32_t in_rembytecnt = 0;       // 100x: bytes of the stored block left
  uint32_t in_dhtlen = 0;           // 110x: bits of in_dht
  const uint8_t* in_dht = nullptr;  // 110x: 288 bytes
};

struct InflateResult {
  uint8_t cc =
      nx::kCcSuccess;  // or kCcPartial, kCcTargetSpace, kCcDataError, kCcDistance, kCcDhtInvalid
  bool termination = false;  // ce 0x40 (13, 66, 67, 68)
  bool partial = false;      // ce 0x80 (cc 3)
  size_t tpbc = 0;           // bytes written to out (valid unless termination)
  size_t spbc = 0;           // source bytes read, excluding history
  uint32_t subc = 0;         // of the bits read, how many were not processed
  uint32_t sfbt = 0;
  uint32_t rembytecnt = 0;             // sfbt 100x
  uint32_t dhtlen = 0;                 // sfbt 110x
  uint8_t dht[nx::kCpbDhtBytes] = {};  // sfbt 110x: the current block's header, in_dht form
};

// Runs one decompression job. Never reads outside src[0..src_len) and
// out[-hist_len..out_capacity), never writes outside out[0..out_capacity).
InflateResult inflate_job(const InflateInput& in);

}  // namespace nxz::emu
