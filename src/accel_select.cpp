// The public accelerator interface: picks a port when a window is opened and
// forwards every later call to the port that owns the window.
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "accel_port.h"
#include "config/config.h"
#include "nxz/accel.h"

namespace {

// The `backend` setting (NXZ_BACKEND, nxz.conf) decides what
// NXZ_BACKEND_AUTO means; the config has already refused other words.
nxz_backend configured_backend() {
  const std::string& b = nxz::config::settings().backend;
  if (b == "nx") return NXZ_BACKEND_NX;
  if (b == "emulated") return NXZ_BACKEND_EMULATED;
  return NXZ_BACKEND_AUTO;
}

}  // namespace

extern "C" int nxz_accel_open(enum nxz_backend backend, const nxz_emu_config* emu,
                              nxz_window** out) {
  if (!out) return -EINVAL;
  *out = nullptr;
  if (backend == NXZ_BACKEND_AUTO) backend = configured_backend();
  switch (backend) {
    case NXZ_BACKEND_NX:
      return nxz::port::power9_open(out);
    case NXZ_BACKEND_EMULATED:
      return nxz::port::emulated_open(emu, out);
    case NXZ_BACKEND_AUTO:
      // The accelerator when the device opens, the model of it otherwise.
      if (nxz::port::power9_open(out) == 0) return 0;
      return nxz::port::emulated_open(emu, out);
  }
  return -EINVAL;
}

extern "C" int nxz_accel_paste(nxz_window* w, const void* crb) { return w->ops->paste(w, crb); }

extern "C" enum nxz_backend nxz_accel_backend(const nxz_window* w) { return w->ops->backend; }

extern "C" void nxz_accel_close(nxz_window* w) {
  if (w) w->ops->close(w);
}
