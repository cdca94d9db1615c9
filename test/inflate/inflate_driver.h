// Test-side model of the request driver for the DEFLATE decoder: runs
// inflate_job over a stream job after job, carrying the resume state exactly
// as contract §5 says software does, and checks every job's report.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "emulated/inflate_core.h"
#include "support/test_support.h"

namespace nxz::test {

// The resume state one job hands to the next (CPB outputs -> inputs).
struct ResumeState {
  bool resume = false;
  uint32_t subc = 0, sfbt = 0, rembytecnt = 0, dhtlen = 0;
  uint8_t dht[288] = {};
};

// One job over src[0..n) with `output` so far as history (its last 32 KiB).
// Appends the job's output to *output on cc 0 or 3.
emu::InflateResult run_inflate_job(const uint8_t* src, size_t n, Bytes* output, size_t out_capacity,
                                   const ResumeState& state, size_t tpbc_limit = 0,
                                   bool single_block = false);

struct DrivePlan {
  // End (exclusive, in stream bytes) of the next job's source, given the
  // previous job's source end; must exceed it. Default: the whole stream.
  std::function<size_t(size_t prev_end)> source_end;
  // tpbc_limit for the next job given the output so far; 0 = none.
  std::function<size_t(size_t produced)> limit;
  bool single_block = false;
  // 0: room for what the job's source can produce (at most 1032 bytes per
  // source byte: a 258-byte match from 2 bits), capped by what is expected.
  size_t out_capacity = 0;
};

struct DriveOutcome {
  Bytes output;
  std::vector<emu::InflateResult> jobs;
  std::vector<size_t> stop_bits;  // stream bit position where each job stopped
  std::string error;              // empty when every job's report checked out
};

// Runs jobs until the stream ends, checking each report against the
// contract's rules (see the .cpp). `expected_size` sizes the target.
DriveOutcome drive_inflate(const Bytes& stream, size_t expected_size, const DrivePlan& plan);

// Bit positions just past each block's end-of-block code (or stored data),
// as reported by system zlib's inflate with Z_BLOCK; with `out_offsets`, also
// how much output precedes each of those points.
std::vector<size_t> zlib_block_ends(const Bytes& raw, std::vector<size_t>* out_offsets = nullptr);

}  // namespace nxz::test
