// inflateBack*(): raw inflate with the caller's window and callbacks, run by
// the private software zlib on the caller's own window buffer (the
// callbacks are plain functions of the caller's, valid in any namespace).
#include <new>

#include "api/soft_zlib.h"

namespace nxz::api {
namespace {

inline constexpr uint32_t kBackMagic = 0x6e78bau;

struct BackState {
  uint32_t magic = kBackMagic;
  z_streamp strm;
  z_stream inner{};
};

BackState* get(z_streamp strm) {
  if (!strm || !strm->state) return nullptr;
  auto* s = reinterpret_cast<BackState*>(strm->state);
  return s->magic == kBackMagic && s->strm == strm ? s : nullptr;
}

}  // namespace
}  // namespace nxz::api

using nxz::api::BackState;

extern "C" {

int inflateBackInit_(z_streamp strm, int windowBits, unsigned char* window, const char* version,
                     int stream_size) {
  if (!nxz::api::version_ok(version, stream_size)) return Z_VERSION_ERROR;
  if (!strm || !window || windowBits < 8 || windowBits > 15) return Z_STREAM_ERROR;
  const nxz::api::SoftZlib* z = nxz::api::soft_zlib();
  strm->msg = nullptr;
  if (!z) {
    strm->msg = const_cast<char*>(nxz::api::kNoSoftware);
    return Z_MEM_ERROR;
  }
  void* mem = nxz::api::stream_alloc(strm, sizeof(BackState));
  if (!mem) return Z_MEM_ERROR;
  auto* s = new (mem) BackState;
  s->strm = strm;
  nxz::api::soft_stream_init(&s->inner, strm);
  const int rc =
      z->inflateBackInit_(&s->inner, windowBits, window, z->zlibVersion(), sizeof(z_stream));
  if (rc != Z_OK) {
    nxz::api::stream_free(strm, s);
    return rc;
  }
  strm->state = reinterpret_cast<internal_state*>(s);
  return Z_OK;
}

int inflateBack(z_streamp strm, in_func in, void* in_desc, out_func out, void* out_desc) {
  BackState* s = nxz::api::get(strm);
  if (!s) return Z_STREAM_ERROR;
  s->inner.next_in = strm->next_in;
  s->inner.avail_in = strm->next_in ? strm->avail_in : 0;
  const int rc = nxz::api::soft_zlib()->inflateBack(&s->inner, in, in_desc, out, out_desc);
  strm->next_in = s->inner.next_in;
  strm->avail_in = s->inner.avail_in;
  strm->msg = s->inner.msg;
  strm->data_type = s->inner.data_type;
  return rc;
}

int inflateBackEnd(z_streamp strm) {
  BackState* s = nxz::api::get(strm);
  if (!s) return Z_STREAM_ERROR;
  nxz::api::soft_zlib()->inflateBackEnd(&s->inner);
  s->~BackState();
  nxz::api::stream_free(strm, s);
  strm->state = nullptr;
  return Z_OK;
}

}  // extern "C"
