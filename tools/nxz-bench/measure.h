// Verifies codecs on a set of chunks and times them: every row's passes
// interleaved with the other rows' (A, B, C, A, B, C, ...), so that a burst
// of load from the machine's other users lands on all rows alike instead of
// on whichever row ran at that moment; the median pass is reported.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "codecs.h"
#include "inputs.h"
#include "progress.h"

namespace nxz::bench {

struct TimingOptions {
  int repeat = 5;         // timed passes per row and direction
  double min_time = 0.5;  // seconds per row and direction, spread over the passes
};

// Throughput of one row in one direction, one sample per timed pass.
struct Samples {
  std::vector<double> mbps;

  bool empty() const { return mbps.empty(); }
  double median() const;
  double min() const;
  double max() const;
  // The whole range, max - min, as a percentage of the median: with a
  // handful of passes an interquartile range would hide the outliers.
  double spread_pct() const;
};

struct Measurement {
  std::string codec;  // "zlib", "nxz"
  std::string level;  // "6", "dht"
  std::string mode;   // "software", "engine", "driver", "api", "stream 4K", "decode"
  int threads = 1;
  uint64_t in_bytes = 0;
  uint64_t out_bytes = 0;
  Samples compress;  // empty when not timed (decode-only rows, errors)
  Samples decompress;
  std::string compress_error;  // engine errors: the row reports them
  std::string decompress_error;

  double ratio() const { return out_bytes ? double(in_bytes) / double(out_bytes) : 0; }
  double compress_mbps() const { return compress.median(); }
  double decompress_mbps() const { return decompress.median(); }
};

// One row: a codec, or the streams of `encoder` decoded by `decoder`, with
// one codec instance per thread (codecs keep per-stream state). With N
// threads the chunks are shared out by size and every thread works through
// its own share; throughput is the aggregate over the wall-clock time.
class Trial {
 public:
  // `encoders` and `decoders` hold one instance per thread (the same
  // objects when the row compresses and decompresses with one codec);
  // compression is timed only when `time_compress`. `m` names the row and
  // receives the results; it must outlive the trial.
  Trial(Measurement* m, std::vector<Codec*> encoders, std::vector<Codec*> decoders,
        bool time_compress, const std::vector<Chunk>& chunks);

  // Compresses every chunk (each thread its share), checks each stream with
  // the system zlib and with the row's decoder, then runs one untimed pass
  // each way to warm up and to size the timed passes. False and *fatal when
  // data does not round-trip; an engine error is kept in the Measurement
  // and leaves the row (or its direction) out of the timing.
  bool prepare(const TimingOptions& opt, std::string* fatal);
  bool timed(bool compress) const { return compress ? compress_loops_ > 0 : decompress_loops_ > 0; }
  // One timed pass; adds a sample. Same failures as prepare().
  bool pass(bool compress, std::string* fatal);

  // Testing the tool: flips one bit of the first stream after it is made,
  // so that verification must fail.
  void corrupt_for_test() { corrupt_ = true; }
  const Measurement& result() const { return *m_; }

 private:
  struct Share {
    std::vector<size_t> chunks;  // indices into chunks_
    size_t largest = 0;
  };
  // Runs fn(thread) on every thread and returns the wall-clock seconds.
  template <typename Fn>
  double on_threads(Fn fn);
  Status compress_share(size_t t);
  Status decompress_share(size_t t, int loops);
  bool handle(const Status& st, bool compress, const char* when, std::string* fatal);
  std::string label() const { return m_->codec + " " + m_->level + " (" + m_->mode + ")"; }

  Measurement* m_;
  std::vector<Codec*> enc_, dec_;
  bool time_compress_;
  const std::vector<Chunk>& chunks_;
  std::vector<Share> shares_;
  std::vector<size_t> slot_, comp_len_;
  std::vector<uint8_t> comp_;
  std::vector<std::vector<uint8_t>> plain_;  // one per thread
  std::vector<size_t> last_chunk_;           // per thread, what plain_ holds
  int compress_loops_ = 0, decompress_loops_ = 0;
  double pass_seconds_ = 0;
  bool corrupt_ = false;
};

// Prepares every trial, then runs opt.repeat rounds, each one timed pass
// per trial and direction, in order. False and *fatal on any verification
// failure.
bool run_interleaved(std::vector<Trial>& trials, const TimingOptions& opt, Progress* progress,
                     std::string* fatal);

}  // namespace nxz::bench
