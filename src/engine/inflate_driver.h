// Streaming decompression through the accelerator (contract §5): any split
// of input and output buffers. Keeps the last 32 KiB of output as history,
// rewinds the source to the partly consumed byte, carries sfbt, subc,
// rembytecnt and the dynamic table from one request to the next, and turns
// a full target (cc 13) into a smaller request.
//
// Between any two calls the decoder's whole position is known (history,
// input taken but not used, and the bit state of the next request), so a
// software decoder can continue from there exactly: see handoff().
//
// Which of the caller's bytes a call may change: any byte of *out up to
// *out_len (a request may write its whole target, contract §4/§5); only
// what the call reports as produced is meaningful.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/deflate_driver.h"
#include "engine/job.h"

namespace nxz::engine {

class Inflater {
 public:
  explicit Inflater(nxz_window* w, const DriverConfig& cfg = default_config());
  ~Inflater();

  // Decodes a raw DEFLATE stream: takes input from *in (advancing it and
  // decreasing *in_len), writes output to *out likewise. Input that cannot
  // be used yet (an incomplete item) is taken and kept. Returns kOk (call
  // again with more input or more output space; done() says whether the
  // stream ended), kDataError (message() says why; handoff() is the
  // position before the request that failed) or kError (the accelerator
  // failed; handoff() is valid too).
  Status run(const uint8_t** in, size_t* in_len, uint8_t** out, size_t* out_len);

  // The final block has ended and all output has been delivered. Bytes
  // after the stream are left in the caller's input, except those already
  // taken in an earlier call: leftover() has them.
  bool done() const { return ended_ && pend_pos_ == pend_len_; }
  bool ended() const { return ended_; }  // the final block has ended (output may be pending)
  size_t pending() const { return pend_len_ - pend_pos_; }
  const uint8_t* leftover() const { return carry_.data(); }
  size_t leftover_len() const { return ended_ ? carry_.size() : 0; }
  uint32_t crc() const { return crc_; }
  uint32_t adler() const { return adler_; }
  const char* message() const { return msg_; }
  // A request timed out. Its target may still be written: the internal
  // buffer was given up (never freed); the caller's `out` of the failing
  // call, when it was decoded into directly, is the caller's to abandon.
  bool abandoned_target() const { return job_->abandoned_target(); }
  const AbandonedRef& abandoned() const { return job_->abandoned(); }
  void reset();
  // Bytes the calling thread keeps for its next stream's target buffer and
  // history (what finished streams gave back).
  static size_t spare_bytes_for_testing();

  // Starts the stream with `n` bytes of history (a preset dictionary): the
  // first request resumes at a block header with that history.
  void set_history(const uint8_t* p, size_t n);

  // With exact errors (the zlib layer's mode) a request that may have met
  // a distance into history the engine could not be given (below, "short
  // history") fails with kDataError for a software decoder to judge; by
  // default it is retried with the history padded at the front, which
  // decodes every valid stream but cannot reject a distance up to 15 bytes
  // before the start of the stream.
  void set_exact_errors(bool exact) { exact_ = exact; }

  // Single-block mode (function codes 0x12/0x16, §3): each request stops
  // after one block, and run() returns at every block boundary, so that a
  // stream layer can stop there (zlib's Z_BLOCK).
  void set_single_block(bool on) { single_ = on; }
  // The next bits are a block header, or the stream has ended: the decoder
  // stands between two blocks.
  bool at_block_boundary() const;
  // In single-block mode: this run() ended where a block ended (not the
  // final one: done() says that), all its output delivered. The byte that
  // holds the block's last bits has been taken from the input, as zlib
  // counts it; stop_bits() of it belong to what follows.
  bool stopped_after_block() const { return stopped_; }
  // A block has ended whose output is not all delivered yet.
  bool block_end_pending() const { return block_end_; }
  // Bits of the last byte taken that are not decoded yet (zlib's data_type
  // & 7 at a block stop): at a block boundary or after the final block.
  int stop_bits() const;
  // The block being decoded is the final one (zlib's data_type bit 64).
  bool in_final_block() const;

  // Where a software decoder continues: start a raw inflater, give it
  // `history` as its dictionary, prime it with `prime_bits` bits of
  // `prime_value`, feed it `prefix` and then `input` (bytes taken from the
  // caller but not yet decoded), then the caller's input after
  // `skip_caller` bytes. `prefix` re-creates the current block's header
  // when the next request would have resumed inside a block. Output that
  // was decoded but not delivered (pending()) comes before the software's.
  struct Handoff {
    const uint8_t* history;
    size_t history_len;
    uint32_t prime_value;
    int prime_bits;
    std::vector<uint8_t> prefix;
    const uint8_t* input;
    size_t input_len;
    size_t skip_caller;
  };
  Handoff handoff(const uint8_t* caller_in, size_t caller_len) const;
  // Delivers pending output only (for a caller moving to software).
  void deliver_pending(uint8_t** out, size_t* out_len) { deliver(out, out_len); }

  // An independent copy of the decoder's position (inflateCopy).
  std::unique_ptr<Inflater> clone() const;

 private:
  struct Plan {
    size_t source;   // bytes of (carry, input) offered
    size_t cap;      // target bytes the request may fill
    bool direct;     // target is the caller's buffer
    bool pad_front;  // short history padded instead of trimmed
    bool check_pad;  // exact errors: prove that no output came from the pad
  };
  enum class Verdict { kCommit, kRetry, kNeedInput, kFail };

  Status step(const uint8_t** in, size_t* in_len, uint8_t** out, size_t* out_len);
  Plan plan(size_t in_len, size_t out_len) const;
  JobStatus submit(const Plan& p, const uint8_t* in, uint8_t* out, size_t out_len, size_t* hb);
  Verdict classify(JobStatus js, Plan* p, size_t avail, size_t hb, Status* fail);
  void commit(const Plan& p, size_t hb, const uint8_t** in, size_t* in_len, uint8_t** out,
              size_t* out_len);
  bool pad_unused(const Plan& p, const uint8_t* in, uint8_t* out, size_t out_len);
  void remember(const uint8_t* p, size_t n);  // appends output to the history
  void deliver(uint8_t** out, size_t* out_len);
  size_t history_len() const;          // bytes the next request has as history
  uint8_t* window_target(size_t cap);  // room for cap bytes right after the history
  void keep_only_history();            // a finished stream: the window shrinks to it
  void abandon_window();               // after a timeout into it: held, the history copied
  void take_all_input(const uint8_t** in, size_t* in_len);    // into carry_
  void stop_after_block(const uint8_t** in, size_t* in_len);  // once its output is out
  void release_buffers();                                     // the window, to the thread's spares

  nxz_window* w_;
  const DriverConfig& cfg_;
  std::unique_ptr<Job> job_;
  bool started_ = false, ended_ = false, exact_ = false, single_ = false;
  bool starved_ = false;  // this call's input is used up: wait for more
  // Single-block mode: a request ended at a block boundary and its output
  // is still being delivered (block_end_), or this run() delivered the last
  // of it and stops there (stopped_).
  bool block_end_ = false, stopped_ = false;
  uint32_t crc_ = 0, adler_ = 1;
  // The window, as zlib's: kPad bytes of zeros, then the output's last
  // win_len_ bytes (the history, trimmed back to 32 KiB from time to time),
  // then, when the caller's space is small, a request's target: the engine
  // decodes there with the history in front of it, in place. The output
  // not yet delivered is win_[pend_at_ + pend_pos_ .. pend_at_ + pend_len_)
  // (already counted in win_len_). Grown only as output arrives.
  std::vector<uint8_t> win_;
  size_t win_len_ = 0;
  size_t pend_at_ = 0, pend_len_ = 0, pend_pos_ = 0;
  std::vector<uint8_t> carry_;  // input taken but not yet consumed by the engine
  size_t ratio_ = 4;            // output/input estimate that sizes requests
  size_t max_request_;          // source bytes per request, history included
  const char* msg_ = "";
};

}  // namespace nxz::engine
