// The one-shot calls, over the stream API exactly as zlib builds them (so
// that their output is the streams' output, byte for byte).
#include <algorithm>
#include <climits>

#include "api/soft_zlib.h"
#include "api/zlib_api.h"
#include "config/config.h"

namespace {

// Below the configured sizes a one-shot call costs less in software than
// the accelerator's set-up (a window, a request, its buffers).
const nxz::api::SoftZlib* software_below(uLong size, uint64_t threshold) {
  if (size >= threshold) return nullptr;
  return nxz::api::soft_zlib();
}

}  // namespace

extern "C" {

int compress2(Bytef* dest, uLongf* destLen, const Bytef* source, uLong sourceLen, int level) {
  if (auto* soft = software_below(sourceLen, nxz::config::settings().deflate_soft_below)) {
    return soft->compress2(dest, destLen, source, sourceLen, level);
  }
  z_stream s{};
  int err = deflateInit(&s, level);
  if (err != Z_OK) return err;
  const uLong max = UINT_MAX;
  uLong left = *destLen;
  *destLen = 0;
  s.next_out = dest;
  s.avail_out = 0;
  s.next_in = const_cast<Bytef*>(source);
  s.avail_in = 0;
  do {
    if (s.avail_out == 0) {
      s.avail_out = static_cast<uInt>(std::min(left, max));
      left -= s.avail_out;
    }
    if (s.avail_in == 0) {
      s.avail_in = static_cast<uInt>(std::min(sourceLen, max));
      sourceLen -= s.avail_in;
    }
    err = deflate(&s, sourceLen ? Z_NO_FLUSH : Z_FINISH);
  } while (err == Z_OK);
  *destLen = s.total_out;
  deflateEnd(&s);
  return err == Z_STREAM_END ? Z_OK : err;
}

int compress(Bytef* dest, uLongf* destLen, const Bytef* source, uLong sourceLen) {
  return compress2(dest, destLen, source, sourceLen, Z_DEFAULT_COMPRESSION);
}

uLong compressBound(uLong sourceLen) {
  // zlib's bound for a default stream; the accelerator's output is within
  // it (deflateBound: at most 15 bytes per 128 KiB block, plus 7).
  return sourceLen + (sourceLen >> 12) + (sourceLen >> 14) + (sourceLen >> 25) + 13;
}

int uncompress2(Bytef* dest, uLongf* destLen, const Bytef* source, uLong* sourceLen) {
  if (auto* soft = software_below(*sourceLen, nxz::config::settings().inflate_soft_below)) {
    return soft->uncompress2(dest, destLen, source, sourceLen);
  }
  z_stream s{};
  const int init = inflateInit(&s);
  if (init != Z_OK) return init;
  // A zero-sized destination still tells a complete stream from one that
  // has output: decode into one scratch byte.
  Bytef scratch;
  const bool probe = *destLen == 0;
  uLong out_left = probe ? 1 : *destLen, in_left = *sourceLen;
  s.next_in = const_cast<Bytef*>(source);
  s.next_out = probe ? &scratch : dest;
  auto refill = [](uInt* avail, uLong* left) {
    if (*avail) return;
    *avail = static_cast<uInt>(std::min<uLong>(*left, UINT_MAX));
    *left -= *avail;
  };
  int err;
  do {
    refill(&s.avail_out, &out_left);
    refill(&s.avail_in, &in_left);
    err = inflate(&s, Z_NO_FLUSH);
  } while (err == Z_OK);
  *sourceLen -= in_left + s.avail_in;
  if (!probe) *destLen = s.total_out;
  // Out of output space (rather than input) is a short destination.
  const bool out_exhausted = probe ? s.total_out == 0 : out_left + s.avail_out == 0;
  inflateEnd(&s);
  if (err == Z_STREAM_END) return Z_OK;
  if (err == Z_NEED_DICT) return Z_DATA_ERROR;
  if (err == Z_BUF_ERROR && !out_exhausted) return Z_DATA_ERROR;
  return err;
}

int uncompress(Bytef* dest, uLongf* destLen, const Bytef* source, uLong sourceLen) {
  return uncompress2(dest, destLen, source, &sourceLen);
}

}  // extern "C"
