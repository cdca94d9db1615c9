// zlib's small entry points: versions, error strings, compile flags, and
// the memory and version checks every stream constructor shares.
#include <cstdlib>
#include <cstring>

#include "api/zlib_api.h"
#include "nxz/version.h"

namespace nxz::api {

const char* error_text(int code) {
  // zlib's own strings, in its order (z_errmsg[2 - code]).
  static const char* const kText[] = {
      "need dictionary",       // Z_NEED_DICT       2
      "stream end",            // Z_STREAM_END      1
      "",                      // Z_OK              0
      "file error",            // Z_ERRNO         (-1)
      "stream error",          // Z_STREAM_ERROR  (-2)
      "data error",            // Z_DATA_ERROR    (-3)
      "insufficient memory",   // Z_MEM_ERROR     (-4)
      "buffer error",          // Z_BUF_ERROR     (-5)
      "incompatible version",  // Z_VERSION_ERROR (-6)
      "",
  };
  if (code > 2 || code < -6) return kText[9];
  return kText[2 - code];
}

void* stream_alloc(z_streamp strm, size_t n) {
  if (strm->zalloc) {
    // zalloc takes items and size as uInt; our buffers fit in one uInt.
    return strm->zalloc(strm->opaque, 1, static_cast<uInt>(n));
  }
  return std::malloc(n);
}

void stream_free(z_streamp strm, void* p) {
  if (!p) return;
  if (strm->zfree)
    strm->zfree(strm->opaque, p);
  else
    std::free(p);
}

bool version_ok(const char* version, int stream_size) {
  return version && version[0] == kZlibVersion[0] &&
         stream_size == static_cast<int>(sizeof(z_stream));
}

}  // namespace nxz::api

extern "C" {

const char* zlibVersion(void) { return nxz::api::kZlibVersion; }

uLong zlibCompileFlags(void) {
  auto size_code = [](size_t n) -> uLong { return n == 2 ? 0 : n == 4 ? 1 : n == 8 ? 2 : 3; };
  uLong flags = size_code(sizeof(uInt)) | size_code(sizeof(uLong)) << 2 |
                size_code(sizeof(voidpf)) << 4 | size_code(sizeof(z_off_t)) << 6;
  return flags;  // no debug, no assembler, no limits: as Debian's zlib
}

const char* zError(int err) { return nxz::api::error_text(err); }

}  // extern "C"
