// The state behind a deflate z_stream: the wrapper (zlib, gzip or raw),
// the output not yet handed over, and one of two codecs for the DEFLATE
// data itself: the accelerator (through the request driver) or the
// private software zlib. A stream starts on the accelerator when its
// parameters allow and can move to software at any block boundary.
#pragma once

#include <memory>

#include "api/pending.h"
#include "api/zlib_api.h"
#include "engine/deflate_driver.h"

namespace nxz::api {

inline constexpr uint32_t kDeflateMagic = 0x6e78deu;

// Input the accelerator path compresses per request: every block holds
// exactly this much input unless a flush ends it early, so the output
// depends only on the input and the flush points (never on how the input
// was split across calls, nor on avail_out).
inline constexpr size_t kDeflateBlock = 128 * 1024;
inline constexpr size_t kHistory = 32 * 1024;

struct DeflateState {
  uint32_t magic = kDeflateMagic;
  z_streamp strm = nullptr;
  // Parameters, as zlib normalises them.
  int level = 6, wbits = 15, mem_level = 8, strategy = Z_DEFAULT_STRATEGY;
  int wrap = 1;  // 0 raw, 1 zlib, 2 gzip
  gz_headerp gzhead = nullptr;

  enum class Phase { kInit, kBusy, kFinishing, kEnded } phase = Phase::kInit;
  int last_flush = -2;    // zlib's: -2 no deflate() since reset, -1 output ran out
  int flushed_rank = -1;  // rank of the flush already applied to the input so far
  uint32_t check = 1;     // Adler-32 (zlib) or CRC-32 (gzip) of the input
  bool have_dict = false;
  uint32_t dict_id = 0;
  bool data_type_known = false;

  Pending pend;  // header, compressed blocks and trailer not yet delivered

  // Accelerator path: win = [history | block being filled].
  std::unique_ptr<engine::Deflater> eng;
  uint8_t* win = nullptr;
  size_t hist = 0, blk = 0;

  // Software path: a raw deflate stream of the private zlib.
  bool soft = false;
  z_stream inner{};
  bool inner_live = false;
};

DeflateState* deflate_state(z_streamp strm);  // nullptr when not a live deflate stream

}  // namespace nxz::api
