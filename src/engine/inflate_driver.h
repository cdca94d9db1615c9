// Streaming decompression through the accelerator (contract §5): any split
// of input and output buffers. Keeps the last 32 KiB of output as history,
// rewinds the source to the partly consumed byte, carries sfbt, subc,
// rembytecnt and the dynamic table from one request to the next, and turns
// a full target (cc 13) into a smaller request.
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

  // Decodes a raw DEFLATE stream: takes input from *in (advancing it and
  // decreasing *in_len), writes output to *out likewise. Input that cannot
  // be used yet (an incomplete item) is taken and kept. Returns kOk (call
  // again with more input or more output space; done() says whether the
  // stream ended), kDataError (message() says why) or kError.
  Status run(const uint8_t** in, size_t* in_len, uint8_t** out, size_t* out_len);

  // The final block has ended and all output has been delivered. Bytes
  // after the stream are left in the caller's input.
  bool done() const { return ended_ && pend_pos_ == pend_.size(); }
  // Output decoded but not yet delivered.
  size_t pending() const { return pend_.size() - pend_pos_; }
  uint32_t crc() const { return crc_; }
  uint32_t adler() const { return adler_; }
  const char* message() const { return msg_; }
  void reset();

 private:
  Status step(const uint8_t** in, size_t* in_len, uint8_t** out, size_t* out_len);
  void remember(const uint8_t* p, size_t n);  // appends output to the history
  void deliver(uint8_t** out, size_t* out_len);

  std::unique_ptr<Job> job_;
  bool started_ = false, ended_ = false;
  uint32_t crc_ = 0, adler_ = 1;
  // History: kPad zero bytes, then the output's last bytes (at most 64 KiB,
  // trimmed to 32 KiB); the pad lets a short history round up to quadwords.
  std::vector<uint8_t> win_;
  size_t win_len_ = 0;
  std::vector<uint8_t> carry_;  // input taken but not yet consumed by the engine
  std::vector<uint8_t> pend_;   // decoded, not yet delivered
  size_t pend_pos_ = 0;
  std::vector<uint8_t> buf_;  // target when the caller's space is small
  size_t ratio_ = 4;          // output/input estimate that sizes requests
  size_t max_request_;        // source bytes per request, history included
  const char* msg_ = "";
};

}  // namespace nxz::engine
