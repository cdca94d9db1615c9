// The state behind an inflate z_stream: the wrapper (zlib or gzip header
// and trailer, parsed here byte by byte with zlib's messages), and one of
// two decoders for the DEFLATE data: the accelerator's (through the request
// driver) or the private software zlib's, started from exactly where the
// accelerator stopped (engine::Inflater::handoff). Every error and every
// fine-grained stop (Z_TREES, inflatePrime, inflateSync, a window below
// 32 KiB) is the software decoder's, so it is zlib's own; Z_BLOCK's stops
// at block ends are the accelerator's single-block requests.
#pragma once

#include <memory>
#include <vector>

#include "api/zlib_api.h"
#include "engine/inflate_driver.h"

namespace nxz::api {

inline constexpr uint32_t kInflateMagic = 0x6e78afu;

struct InflateState {
  uint32_t magic = kInflateMagic;
  z_streamp strm = nullptr;
  int wrap = 0;   // zlib's bits: 1 zlib, 2 gzip, 4 check the trailer
  int wbits = 0;  // 0: the zlib header's

  enum class Mode { kHead, kGzip, kDictId, kDict, kBody, kTrailer, kDone, kBad, kMem };
  Mode mode = Mode::kHead;

  // Header parsing.
  gz_headerp head = nullptr;
  bool gzip = false;    // this member has a gzip header (zlib's state->flags != 0)
  int gz_flags = 0;     // FLG
  int gz_field = 0;     // which gzip header field is being read
  uint32_t acc = 0;     // bytes of the current field, little-endian
  int acc_n = 0;        // how many of them
  uint32_t length = 0;  // extra/name/comment bytes done
  uint32_t hcrc = 0;    // CRC-32 of the gzip header so far
  uint32_t check = 0;   // Adler-32 or CRC-32 of the output
  uint32_t dict_id = 0;
  bool have_dict = false;
  std::vector<uint8_t> dict;  // a preset dictionary, until the body starts
  uint64_t member_out = 0;    // output of this member (gzip ISIZE)

  // Body.
  bool body_started = false;
  std::unique_ptr<engine::Inflater> eng;
  bool soft = false;
  z_stream inner{};
  bool inner_live = false;
  std::vector<uint8_t> pre;  // input the software decoder takes before the caller's
  size_t pre_pos = 0;
  bool header_done = false;
  bool sync_raw = false;  // after inflateSync before a header: no trailer
  int stop_type = -1;     // this call's data_type when the accelerator stopped after a block
};

}  // namespace nxz::api
