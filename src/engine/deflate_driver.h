// Compression through the accelerator: turns input into a byte-aligned run
// of DEFLATE blocks, one request per block (contract §4), and copes with
// everything a request can answer: a full target (cc 13: less source), an
// expansion (cc 64: stored blocks instead), a suspension (cc 3: take what was
// done), faults (Job), and a table that lacks a code (cc 66: fixed codes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "engine/dht_builder.h"
#include "engine/job.h"

namespace nxz::engine {

// kDataError: the input is not valid compressed data (decompression only).
// kError: the accelerator failed; message() says how.
enum class Status { kOk, kDataError, kError };

// Bytes `deflate_call` may need for n input bytes at most: stored blocks'
// worth plus an alignment block.
inline size_t deflate_bound(size_t n) { return n + 5 * (n / 65535 + 1) + 6; }

class Deflater {
 public:
  Deflater(nxz_window* w, bool dynamic_tables, const DriverConfig& cfg = default_config());

  // Compresses in[0..n) into out[0..out_cap) as whole DEFLATE blocks that
  // end on a byte boundary; with `final`, the last one is marked final once
  // all of the input is taken. `hist` is up to 32 KiB of the uncompressed
  // bytes just before `in` (matches may refer to them). Takes less input
  // when out_cap < deflate_bound(n). Returns kError (message()) when the
  // accelerator fails: nothing was written then.
  Status compress(const uint8_t* hist, size_t hist_len, const uint8_t* in, size_t n, bool final,
                  uint8_t* out, size_t out_cap, size_t* consumed, size_t* produced);

  // Checksums of all input taken so far (CRC-32 from 0, Adler-32 from 1).
  uint32_t crc() const { return crc_; }
  uint32_t adler() const { return adler_; }
  void reset_checksums() { crc_ = 0, adler_ = 1; }
  const char* message() const { return msg_; }
  // A request timed out: the `out` buffer of the call that failed may
  // still be written by the accelerator (Job::abandoned_target).
  bool abandoned_target() const { return job_->abandoned_target(); }
  const AbandonedRef& abandoned() const { return job_->abandoned(); }

 private:
  // How one request ended, inside the Deflater only.
  enum class Block {
    kDone,        // *consumed and *produced are set
    kFaultLimit,  // faults kept coming (§8.7): try less source
    kFailed,      // the accelerator failed: msg_ says how
  };
  // One request over at most `n` bytes.
  Block one_block(const uint8_t* hist, size_t hist_len, const uint8_t* in, size_t n, bool final,
                  uint8_t* out, size_t out_cap, size_t* consumed, size_t* produced);
  size_t stored(const uint8_t* in, size_t n, bool final, uint8_t* out);
  void store_without_engine(const uint8_t* in, size_t n, bool final, uint8_t* out, size_t* consumed,
                            size_t* produced);
  void sample_table(const uint8_t* in, size_t n);
  void try_fixed_codes(const uint8_t* hist, size_t hist_len, const uint8_t* in, size_t n,
                       bool final, uint8_t* out, uint32_t crc_before, uint32_t adler_before,
                       size_t* made);

  std::unique_ptr<Job> job_;
  bool dynamic_;
  bool have_table_ = false;
  Dht table_{};
  uint32_t crc_ = 0, adler_ = 1;
  size_t max_request_;  // source bytes per request, leaving room for the history
  const char* msg_ = "";
};

}  // namespace nxz::engine
