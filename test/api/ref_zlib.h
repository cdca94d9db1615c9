// The reference: the system zlib, loaded into its own link namespace so
// that it can never be confused with the library under test, which this
// binary links as its zlib (every plain zlib call here is nxz's).
#pragma once

#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nxz::test {

#define NXZ_REF_FUNCTIONS(X)                                                                       \
  X(zlibVersion)                                                                                   \
  X(zlibCompileFlags)                                                                              \
  X(zError) X(deflateInit2_) X(deflate) X(deflateEnd) X(deflateParams) X(deflateSetDictionary)     \
      X(deflateBound) X(deflateSetHeader) X(deflatePrime) X(inflateInit2_) X(inflate)              \
          X(inflateEnd) X(inflateSetDictionary) X(inflateGetHeader) X(inflateReset) X(inflateSync) \
              X(inflateSyncPoint) X(inflatePrime) X(inflateMark) X(compress2) X(uncompress2)       \
                  X(compressBound) X(crc32_z) X(adler32_z) X(crc32_combine64) X(adler32_combine64) \
                      X(crc32_combine_gen64) X(crc32_combine_op) X(get_crc_table)

struct RefZlib {
#define NXZ_REF_MEMBER(f) decltype(&::f) f;
  NXZ_REF_FUNCTIONS(NXZ_REF_MEMBER)
#undef NXZ_REF_MEMBER
};

// Loaded once; the test aborts when the system zlib cannot be loaded.
const RefZlib& ref();

using Bytes = std::vector<uint8_t>;

// Corpus files (NXZ_CORPUS_DIR), or generated stand-ins when it is absent.
struct Sample {
  std::string name;
  Bytes data;
};
const std::vector<Sample>& samples();
Bytes text_bytes(size_t n, uint32_t seed);    // compressible, word-like
Bytes random_bytes(size_t n, uint32_t seed);  // incompressible

// Whole-buffer helpers on the reference.
Bytes ref_compress(const Bytes& in, int level, int window_bits, int strategy = Z_DEFAULT_STRATEGY,
                   int mem_level = 8);
// Decodes with the reference; returns its final code (Z_STREAM_END when
// the stream is good) and the output it produced.
int ref_inflate(const Bytes& in, int window_bits, Bytes* out, const Bytes* dict = nullptr);

}  // namespace nxz::test
