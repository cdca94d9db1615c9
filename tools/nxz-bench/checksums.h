// Checksum throughput: CRC-32 and Adler-32 of nxz (the dispatched choice and
// every variant this CPU runs), the system zlib, libdeflate and ISA-L, on
// buffers of 4 KiB, 64 KiB and 1 MiB of the benchmark's own input.
#pragma once

#include <string>
#include <vector>

#include "inputs.h"
#include "measure.h"
#include "progress.h"

namespace nxz::bench {

struct ChecksumRow {
  std::string algorithm;  // "crc32", "adler32"
  std::string impl;       // "zlib", "nxz", "nxz/pclmul", "libdeflate", "isal"
  std::vector<size_t> sizes;
  std::vector<Samples> mbps;  // one per size
};

// Checks every implementation's value against the system zlib's at each
// size (false and *fatal when one differs), then times them, interleaved.
bool measure_checksums(const std::vector<Input>& inputs, const TimingOptions& opt,
                       Progress* progress, std::vector<ChecksumRow>* rows, std::string* fatal);

}  // namespace nxz::bench
