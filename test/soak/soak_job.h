// One random stream job of the soak: a stream compressed by libnxz.so and
// decoded by the system zlib and by libnxz.so, and one compressed by the
// system zlib and decoded by libnxz.so, every parameter, split and flush
// drawn from the job's seed, so that a failure is replayed from one number.
#pragma once

#include <atomic>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace nxz::soak {

using Bytes = std::vector<uint8_t>;

// What the jobs draw their inputs from: corpus files or generated text and
// noise, a few MiB in all, shared read-only by every thread.
struct DataPool {
  std::vector<Bytes> sources;
  static DataPool make();
  // A slice of n bytes (n may be 0) at a drawn place of a drawn source.
  Bytes slice(std::mt19937_64& rng, size_t n) const;
};

struct Counters {
  std::atomic<uint64_t> jobs{0};
  std::atomic<uint64_t> bytes{0};       // uncompressed bytes through both directions
  std::atomic<uint64_t> mismatches{0};  // wrong bytes or an unexpected return code
};

// The parameters of one stream, drawn from a seed.
struct StreamPlan {
  int window_bits;  // as given to deflateInit2: raw, zlib or gzip
  int level, strategy, mem_level;
  bool dictionary;  // raw and zlib only
  size_t size;
  size_t in_chunk, out_chunk;  // the buffer splits of the streaming calls
  int flush_every;             // a flush after every n-th input chunk (0: none)
  int flush;                   // which flush
  bool params_change;          // deflateParams halfway
  static StreamPlan draw(std::mt19937_64& rng);
  std::string describe() const;
};

// Deflate `in` with libnxz.so as the plan says (streaming, splits, flushes,
// a deflateParams change); false with a reason on an unexpected return code.
bool ours_deflate(const StreamPlan& p, const Bytes& in, const Bytes& dict, Bytes* out,
                  std::string* why);
// Inflate with libnxz.so, in the plan's splits; false with a reason unless the
// stream ends.
bool ours_inflate(const StreamPlan& p, const Bytes& in, const Bytes& dict, Bytes* out,
                  std::string* why);

// One whole job; false (and `why` says what, with the seed) on a mismatch.
// With `corrupt`, one byte of our compressed stream is changed before it is
// checked: the checks must then find a mismatch (nxz-soak --self-check).
bool run_stream_job(uint64_t seed, const DataPool& pool, Counters& c, std::string* why,
                    bool corrupt = false);

}  // namespace nxz::soak
