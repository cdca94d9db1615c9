// The software codec: Debian's zlib, loaded privately.
//
// Under LD_PRELOAD the program's own libz.so.1 is already loaded, its
// internal calls (deflateInit2_ -> deflateReset, ...) are bound to this
// library's interposed exports, and dlopen("libz.so.1") returns that same
// copy: reaching zlib through it would hand our stream state to zlib or
// zlib's to us. A copy loaded with dlmopen(LM_ID_NEWLM) lives in its own
// link namespace, where it binds only to itself. Its z_streams are always
// given our zalloc/zfree, so no memory crosses the two C libraries.
#pragma once

#include "api/zlib_api.h"

namespace nxz::api {

#define NXZ_SOFT_ZLIB_FUNCTIONS(X)                                                                 \
  X(zlibVersion)                                                                                   \
  X(deflateInit2_)                                                                                 \
  X(deflate)                                                                                       \
  X(deflateEnd) X(deflateReset) X(deflateParams) X(deflateSetDictionary) X(deflateGetDictionary)   \
      X(deflatePrime) X(deflatePending) X(deflateTune) X(deflateBound) X(deflateCopy)              \
          X(inflateInit2_) X(inflate) X(inflateEnd) X(inflateReset2) X(inflateSetDictionary)       \
              X(inflateGetDictionary) X(inflatePrime) X(inflateSync) X(inflateSyncPoint)           \
                  X(inflateMark) X(inflateCopy) X(inflateUndermine) X(inflateValidate)             \
                      X(inflateCodesUsed) X(inflateGetHeader) X(inflateBackInit_) X(inflateBack)   \
                          X(inflateBackEnd) X(gzopen) X(gzopen64) X(gzdopen) X(gzbuffer)           \
                              X(gzsetparams) X(gzread) X(gzfread) X(gzwrite) X(gzfwrite)           \
                                  X(gzvprintf) X(gzputs) X(gzgets) X(gzputc) X(gzgetc) X(gzgetc_)  \
                                      X(gzungetc) X(gzflush) X(gzseek) X(gzseek64) X(gzrewind)     \
                                          X(gztell) X(gztell64) X(gzoffset) X(gzoffset64) X(gzeof) \
                                              X(gzdirect) X(gzclose) X(gzclose_r) X(gzclose_w)     \
                                                  X(gzerror) X(gzclearerr) X(compress2)            \
                                                      X(uncompress2)

struct SoftZlib {
#define NXZ_SOFT_MEMBER(f) decltype(&::f) f;
  NXZ_SOFT_ZLIB_FUNCTIONS(NXZ_SOFT_MEMBER)
#undef NXZ_SOFT_MEMBER
  const char* path;  // the file it was loaded from
};

// The private zlib, loaded on first use; nullptr when no zlib could be
// loaded (the library then works on the engine alone, and says so in msg
// where only software could do what was asked). NXZ_ZLIB names the one
// file to load instead of the system's; NXZ_ZLIB=none loads none.
const SoftZlib* soft_zlib();

// A z_stream of the private zlib, zeroed and allocating through `owner`'s
// zalloc/zfree (so that no memory crosses the two C libraries).
void soft_stream_init(z_stream* inner, z_streamp owner);

// msg for a request only the software codec can serve, when it is absent.
inline constexpr const char kNoSoftware[] =
    "nxz: this request needs the software zlib, which could not be loaded";

}  // namespace nxz::api
