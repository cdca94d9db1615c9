// The zlib declarations the library exports. <zlib.h> is the system's own
// (the ABI is defined by it); every function it declares is given default
// visibility here, while the rest of the library is built hidden, so the
// shared object exports exactly zlib's names and nxz_* (see nxz.map).
#pragma once

#pragma GCC visibility push(default)
#include <zlib.h>
#pragma GCC visibility pop

#include <cstddef>
#include <cstdint>

namespace nxz::api {

// The zlib version whose API and ABI this library implements: programs
// parse zlibVersion() and compare it with ZLIB_VERSION.
inline constexpr const char kZlibVersion[] = "1.2.13";

// zlib's strings for msg, indexed by 2 - code (as zError() returns them).
const char* error_text(int code);

// Stream memory through the caller's zalloc/zfree (zlib's defaults when
// they are NULL). Sizes are in bytes.
void* stream_alloc(z_streamp strm, size_t n);
void stream_free(z_streamp strm, void* p);

// What zlib's deflateInit_/inflateInit_ check before anything else.
bool version_ok(const char* version, int stream_size);

}  // namespace nxz::api
