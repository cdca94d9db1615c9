// Internal to the DEFLATE decoder: the state of one decompression job.
// inflate_core.cpp runs the job (block headers, stored blocks, where and how
// to stop); inflate_huffman.cpp decodes the body of Huffman-coded blocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "emulated/inflate_bits.h"
#include "emulated/inflate_core.h"
#include "emulated/inflate_tables.h"

namespace nxz::emu {

class InflateJob {
 public:
  InflateJob(const InflateInput& in, InflateResult* result);
  void run();

 private:
  // What a step of the job ended with. kStopped: the result is filled in.
  enum class Step { kContinue, kBlockEnd, kStopped };
  // Where the next unprocessed bit lies (contract §5's sfbt, less BFINAL).
  enum class Where { kHeader, kStored, kHuffman };

  // inflate_core.cpp
  bool start();
  Step read_header();
  Step copy_stored();
  Step end_block();
  Step use_dynamic_header(const uint8_t* p, size_t bit, size_t bit_end, bool in_stream,
                          size_t* bits_used);
  Step use_tables(std::shared_ptr<const DecodeTables> tables, const uint8_t* p, size_t bit,
                  size_t bits);
  bool limit_reached() const { return limit_ != 0 && out_pos_ >= limit_; }
  uint32_t sfbt() const;
  Step suspend(size_t pos, size_t spbc, uint32_t sfbt);
  Step suspend_for_input(size_t pos) { return suspend(pos, in_.src_len, sfbt()); }
  Step suspend_at_limit();
  Step finish_stream();
  Step fail(uint8_t cc);

  // inflate_huffman.cpp
  Step decode_huffman();
  Step fast_loop();
  Step careful_item();

  const InflateInput& in_;
  InflateResult* r_;
  BitReader br_;
  uint8_t* const out_;
  size_t out_pos_ = 0;
  const size_t cap_;
  const size_t limit_;

  Where where_ = Where::kHeader;
  bool bfinal_ = false;
  uint32_t stored_left_ = 0;  // kStored
  // kHuffman: the block's code, and for a dynamic block where its header's
  // bits live (the source, or in_dht after a resume) to report in out_dht.
  const DecodeTables* tables_ = nullptr;
  bool dynamic_ = false;
  const uint8_t* dht_src_ = nullptr;
  size_t dht_bit_ = 0;
  uint32_t dhtlen_ = 0;
  std::shared_ptr<const DecodeTables> dynamic_tables_;  // decode_table_cache.h
};

}  // namespace nxz::emu
