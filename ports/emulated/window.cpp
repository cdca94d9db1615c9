// Placeholder emulated window: runs each CRB synchronously at paste time.
#include <new>

#include "emulated/engine.h"
#include "nxz/accel.h"

struct nxz_window {
  nxz::emu::EngineConfig cfg;
};

extern "C" int nxz_accel_open(enum nxz_backend backend, const nxz_emu_config* emu,
                              nxz_window** out) {
  if (backend == NXZ_BACKEND_NX) return -19;  // -ENODEV
  auto* w = new (std::nothrow) nxz_window;
  if (!w) return -12;
  if (emu) {
    w->cfg.limit_high = emu->limit_high;
    w->cfg.limit_low = emu->limit_low;
    w->cfg.priority_queued = emu->priority_queued != 0;
    if (emu->dde_limit) w->cfg.dde_limit = emu->dde_limit;
  }
  *out = w;
  return 0;
}

extern "C" int nxz_accel_paste(nxz_window* w, const void* crb) {
  nxz::emu::execute_crb(*static_cast<const nx::Crb*>(crb), w->cfg, nullptr);
  return NXZ_PASTE_ACCEPTED;
}

extern "C" enum nxz_backend nxz_accel_backend(const nxz_window*) { return NXZ_BACKEND_EMULATED; }

extern "C" void nxz_accel_close(nxz_window* w) { delete w; }
