// The DEFLATE implementations that nxz-bench and nxz_bench_engine compare,
// behind one small interface. Every call handles one whole, independent raw
// DEFLATE stream (no zlib or gzip wrapper), the way the accelerator handles
// one job: the whole input in, the whole output out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nxz/accel.h"

namespace nxz::bench {

// The result of one call. `engine` marks an error the accelerator reported
// through its CSB (a completion code): the row is reported and the run goes
// on, since the engine may legitimately refuse work. Anything else is a
// broken codec or corrupt data.
struct Status {
  bool ok = true;
  bool engine = false;
  std::string error;

  static Status failure(std::string why) { return {false, false, std::move(why)}; }
  static Status engine_failure(std::string why) { return {false, true, std::move(why)}; }
};

class Codec {
 public:
  virtual ~Codec() = default;
  virtual const std::string& name() const = 0;   // "zlib"
  virtual const std::string& level() const = 0;  // "6", "fht"
  // Space that compress() may need for `n` input bytes.
  virtual size_t bound(size_t n) const = 0;
  // Compresses in[0, n) into out[0, cap) and sets *out_len.
  virtual Status compress(const uint8_t* in, size_t n, uint8_t* out, size_t cap,
                          size_t* out_len) = 0;
  // Decompresses a whole stream that must expand to exactly `out_len` bytes.
  virtual Status decompress(const uint8_t* in, size_t n, uint8_t* out, size_t out_len) = 0;
};

// System zlib, raw deflate (windowBits -15, memLevel 8, default strategy).
std::unique_ptr<Codec> make_zlib(int level);
// libdeflate and ISA-L igzip; nullptr when not compiled in (or, for ISA-L,
// a level it does not have).
std::unique_ptr<Codec> make_libdeflate(int level);
std::unique_ptr<Codec> make_isal(int level);
bool have_libdeflate();
bool have_isal();

// The accelerator through the public accelerator interface: one fixed-Huffman
// compression job (function code 0x00) or one decompression job (0x10) per
// call, polled to completion. A block that came out larger than its input
// (cc 64) is replaced by stored blocks, as a driver would. Returns nullptr
// and sets *error when no window opens.
std::unique_ptr<Codec> make_engine(nxz_backend backend, std::string* error);

// The library's request driver (src/engine) over a window: dynamic Huffman
// tables ("dht") or fixed codes ("fht+drv"), stored blocks where data does
// not compress, streaming decompression. On the emulated engine it runs as
// the software path would: synchronously, without the residency model.
std::unique_ptr<Codec> make_driver(nxz_backend backend, bool dynamic, std::string* error);

// The library through its zlib API (libnxz.so, opened privately): raw
// deflate/inflate streams at `level`, whole buffers (buffer 0) or input
// and output handed over `buffer` bytes at a time. nullptr and *error when
// the library cannot be loaded.
std::unique_ptr<Codec> make_api(int level, size_t buffer, std::string* error);

// The emulated engine's settings for timing it: jobs on the caller's thread
// and no page-residency model, unless NXZ_EMU_FAULTS asks for injection.
nxz_emu_config bench_emu_config();

// Independent check with the system zlib: raw-inflates in[0, n) and
// compares the result with expected[0, expected_len).
Status zlib_verify(const uint8_t* in, size_t n, const uint8_t* expected, size_t expected_len);

}  // namespace nxz::bench
