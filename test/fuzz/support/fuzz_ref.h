// The reference zlib for the fuzz targets that run libnxz.so as their zlib:
// the system zlib loaded into its own link namespace (dlmopen), so that no
// call here can reach the library under test. Like test/api/ref_zlib.h,
// plus the gz* reader functions.
#pragma once

#include <zlib.h>

namespace nxz::fuzz {

#define NXZ_FUZZ_REF_FUNCTIONS(X)                                                                 \
  X(zlibVersion)                                                                                  \
  X(deflateInit2_)                                                                                \
  X(deflate)                                                                                      \
  X(deflateEnd) X(deflateBound) X(deflateSetDictionary) X(deflateParams) X(inflateInit2_)         \
      X(inflate) X(inflateEnd) X(inflateSetDictionary) X(inflateReset2) X(gzdopen) X(gzopen)      \
          X(gzread) X(gzgets) X(gzgetc_) X(gzungetc) X(gzseek64) X(gztell64) X(gzeof) X(gzdirect) \
              X(gzclose) X(gzbuffer) X(gzerror) X(gzclearerr) X(gzrewind) X(gzoffset64) X(gzfread)

struct RefZlib {
#define NXZ_FUZZ_REF_MEMBER(f) decltype(&::f) f;
  NXZ_FUZZ_REF_FUNCTIONS(NXZ_FUZZ_REF_MEMBER)
#undef NXZ_FUZZ_REF_MEMBER
};

// Loaded at the first call; aborts when the system zlib cannot be loaded.
const RefZlib& ref();

// inflateInit2 / deflateInit2 of the reference (the macros name ours).
int ref_inflate_init(z_stream* s, int window_bits);
int ref_deflate_init(z_stream* s, int level, int window_bits, int mem_level, int strategy);

}  // namespace nxz::fuzz
