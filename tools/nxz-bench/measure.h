// Verifies one codec on a set of chunks and times it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "codecs.h"
#include "inputs.h"

namespace nxz::bench {

struct TimingOptions {
  int repeat = 3;         // at least this many timed passes...
  double min_time = 0.5;  // ...and at least this many seconds of them
  bool progress = true;   // a line on stderr per measurement
};

struct Measurement {
  std::string codec;
  std::string level;
  uint64_t in_bytes = 0;
  uint64_t out_bytes = 0;
  double compress_seconds = 0;  // fastest pass over all chunks
  double decompress_seconds = 0;
  std::string compress_error;  // engine errors: the row reports them
  std::string decompress_error;

  double ratio() const { return out_bytes ? double(in_bytes) / double(out_bytes) : 0; }
  double compress_mbps() const {
    return compress_seconds > 0 ? in_bytes / compress_seconds / 1e6 : 0;
  }
  double decompress_mbps() const {
    return decompress_seconds > 0 ? in_bytes / decompress_seconds / 1e6 : 0;
  }
};

// Compresses every chunk, checks each stream with the system zlib and with
// the codec's own decompressor, then times both directions. Data that does
// not round-trip exactly makes it return false with *fatal set; an error
// the engine reports is kept in the Measurement instead.
bool measure(Codec& codec, const std::vector<Chunk>& chunks, const TimingOptions& opt,
             Measurement* m, std::string* fatal);

// The same with the streams of `encoder` decompressed by `decoder` (e.g. the
// engine inflating zlib's dynamic-Huffman streams); compression is timed
// only when `time_compress`. The row is named after the decoder, its level
// after the encoder ("zlib-6").
bool measure_pair(Codec& encoder, Codec& decoder, bool time_compress,
                  const std::vector<Chunk>& chunks, const TimingOptions& opt, Measurement* m,
                  std::string* fatal);

}  // namespace nxz::bench
