#include "support/fuzz_ref.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

namespace nxz::fuzz {

const RefZlib& ref() {
  static const RefZlib r = [] {
    RefZlib z{};
    // A new namespace: the system zlib's own symbols bind inside it, never
    // to libnxz.so, which this process links as its zlib.
    void* h = dlmopen(LM_ID_NEWLM, NXZ_SYSTEM_ZLIB, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      std::fprintf(stderr, "cannot load the reference zlib %s: %s\n", NXZ_SYSTEM_ZLIB, dlerror());
      std::abort();
    }
#define NXZ_FUZZ_REF_LOAD(f)                               \
  z.f = reinterpret_cast<decltype(&::f)>(dlsym(h, #f));    \
  if (!z.f) {                                              \
    std::fprintf(stderr, "reference zlib lacks %s\n", #f); \
    std::abort();                                          \
  }
    NXZ_FUZZ_REF_FUNCTIONS(NXZ_FUZZ_REF_LOAD)
#undef NXZ_FUZZ_REF_LOAD
    return z;
  }();
  return r;
}

int ref_inflate_init(z_stream* s, int window_bits) {
  const RefZlib& z = ref();
  return z.inflateInit2_(s, window_bits, z.zlibVersion(), static_cast<int>(sizeof(z_stream)));
}

int ref_deflate_init(z_stream* s, int level, int window_bits, int mem_level, int strategy) {
  const RefZlib& z = ref();
  return z.deflateInit2_(s, level, Z_DEFLATED, window_bits, mem_level, strategy, z.zlibVersion(),
                         static_cast<int>(sizeof(z_stream)));
}

}  // namespace nxz::fuzz
