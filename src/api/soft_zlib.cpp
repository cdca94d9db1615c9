#include "api/soft_zlib.h"

#include <dlfcn.h>

#include <cstdlib>
#include <string>

#include "config/config.h"
#include "config/log.h"

namespace nxz::api {
namespace {

#ifndef NXZ_SYSTEM_ZLIB
#define NXZ_SYSTEM_ZLIB ""
#endif
#ifndef NXZ_MULTIARCH
#define NXZ_MULTIARCH ""
#endif

void* open_private(const char* path) {
  if (!path || !*path) return nullptr;
  void* h = dlmopen(LM_ID_NEWLM, path, RTLD_NOW | RTLD_LOCAL);
  if (!h) return nullptr;
  // A zlib-named copy of this very library (the compat install) is no
  // software codec: it would load yet another copy of itself.
  if (dlsym(h, "nxz_version")) {
    dlclose(h);
    return nullptr;
  }
  return h;
}

SoftZlib* load() {
  static SoftZlib z;
  const std::string multi = NXZ_MULTIARCH;
  const std::string candidates[] = {
      config::settings().zlib_set ? config::settings().zlib : std::string(),
      NXZ_SYSTEM_ZLIB,
      multi.empty() ? "" : "/lib/" + multi + "/libz.so.1",
      multi.empty() ? "" : "/usr/lib/" + multi + "/libz.so.1",
      "/lib64/libz.so.1",
      "/usr/lib64/libz.so.1",
      "libz.so.1",
  };
  // NXZ_ZLIB names the one file to use ("none": no software codec at all).
  const bool chosen = !candidates[0].empty();
  for (const std::string& path : candidates) {
    if (chosen && &path != &candidates[0]) break;
    void* h = open_private(path.c_str());
    if (!h) continue;
    bool complete = true;
#define NXZ_SOFT_RESOLVE(f)                             \
  z.f = reinterpret_cast<decltype(&::f)>(dlsym(h, #f)); \
  if (!z.f) complete = false;
    NXZ_SOFT_ZLIB_FUNCTIONS(NXZ_SOFT_RESOLVE)
#undef NXZ_SOFT_RESOLVE
    if (!complete) {  // older than the API we implement
      dlclose(h);
      continue;
    }
    static std::string where;
    where = path;
    z.path = where.c_str();
    config::log(config::LogLevel::kDebug, "software zlib: %s", z.path);
    return &z;
  }
  config::log(config::LogLevel::kInfo, "no software zlib%s%s: accelerator only",
              chosen ? " at " : "", chosen ? candidates[0].c_str() : "");
  return nullptr;
}

}  // namespace

namespace {
void* soft_alloc(void* opaque, uInt items, uInt size) {
  return stream_alloc(static_cast<z_streamp>(opaque), size_t{items} * size);
}
void soft_free(void* opaque, void* p) { stream_free(static_cast<z_streamp>(opaque), p); }
}  // namespace

void soft_stream_init(z_stream* inner, z_streamp owner) {
  *inner = z_stream{};
  inner->zalloc = soft_alloc;
  inner->zfree = soft_free;
  inner->opaque = owner;
}

const SoftZlib* soft_zlib() {
  static const SoftZlib* const z = load();
  return z;
}

}  // namespace nxz::api
