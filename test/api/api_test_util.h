// Stream drivers for the library under test (its zlib API, linked as this
// binary's zlib), with the buffer and flush patterns the tests vary.
#pragma once

#include <zlib.h>

#include <cstddef>
#include <string>

#include "api/ref_zlib.h"

namespace nxz::test {

struct DeflateRun {
  int level = 6;
  int window_bits = 15;
  int mem_level = 8;
  int strategy = Z_DEFAULT_STRATEGY;
  size_t in_chunk = 0;     // 0: all input in one call
  size_t out_chunk = 0;    // 0: deflateBound() of space
  size_t flush_every = 0;  // bytes of input between flushes (0: none)
  int flush = Z_SYNC_FLUSH;
};

// Compresses with nxz; every call's code is checked for sanity (no error,
// Z_BUF_ERROR only when no progress was possible). Fails the test on error.
Bytes nxz_deflate(const Bytes& in, const DeflateRun& r);

struct InflateResult {
  int rc = Z_OK;  // the last code: Z_STREAM_END for a good stream
  Bytes out;
  size_t total_in = 0;
  size_t avail_in = 0;  // input left after the last call
  std::string msg;
};

// Decodes with nxz (in_chunk/out_chunk 0: everything at once) until an end,
// an error, or no progress; `dict` answers Z_NEED_DICT.
InflateResult nxz_inflate(const Bytes& in, int window_bits, size_t in_chunk = 0,
                          size_t out_chunk = 0, const Bytes* dict = nullptr,
                          int flush = Z_NO_FLUSH);
// The same with the reference zlib.
InflateResult ref_inflate_run(const Bytes& in, int window_bits, size_t in_chunk = 0,
                              size_t out_chunk = 0, const Bytes* dict = nullptr,
                              int flush = Z_NO_FLUSH);

}  // namespace nxz::test
