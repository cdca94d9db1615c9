#include "api/api_window.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>

#include "accel_port.h"
#include "common/fork_epoch.h"
#include "config/log.h"
#include "engine/job.h"

namespace nxz::api {
namespace {

// The emulated engine as the software path: synchronous on the caller's
// thread, no residency model (there is no hardware to fault), unless a
// fault campaign asks for one (`emu_faults`, NXZ_EMU_FAULTS).
constexpr const char* kNoFaults = "residency=off";

nxz_emu_config emulated_config(const char* faults) {
  nxz_emu_config cfg{};
  cfg.synchronous = 1;
  cfg.faults = faults;
  return cfg;
}

int open_window(nxz_window** w) {
  const config::Settings& s = config::settings();
  const char* faults = s.emu_faults_set ? s.emu_faults.c_str() : kNoFaults;
  nxz_emu_config cfg = emulated_config(faults);
  int rc = nxz_accel_open(NXZ_BACKEND_AUTO, &cfg, w);
  if (rc == -EINVAL && faults != kNoFaults) {
    // A malformed fault spec must not cost the program its accelerator.
    static std::atomic<bool> warned{false};
    if (!warned.exchange(true)) {
      config::log(config::LogLevel::kWarn, "config: emu_faults `%s` does not parse; ignored",
                  faults);
    }
    cfg = emulated_config(kNoFaults);
    rc = nxz_accel_open(NXZ_BACKEND_AUTO, &cfg, w);
  }
  return rc;
}

struct ThreadWindow {
  uint64_t epoch = 0;
  nxz_window* w = nullptr;
  ~ThreadWindow() {
    // A forked child's inherited window belongs to the parent.
    if (w && epoch == fork_epoch()) nxz_accel_close(w);
  }
};

thread_local ThreadWindow t_window;

nxz_window* thread_window() {
  const uint64_t me = fork_epoch();
  if (t_window.w && t_window.epoch == me) return t_window.w;
  nxz_window* w = nullptr;
  if (const int rc = open_window(&w); rc != 0) {
    config::log(config::LogLevel::kInfo, "no accelerator window (error %d): software only", rc);
    w = nullptr;
  } else if (config::log_enabled(config::LogLevel::kDebug)) {
    config::log(config::LogLevel::kDebug, "window opened: %s",
                nxz_accel_backend(w) == NXZ_BACKEND_NX ? "NX-GZIP" : "emulated engine");
  }
  t_window.w = w;
  t_window.epoch = me;
  return w;
}

int proxy_paste(nxz_window*, const void* crb) {
  nxz_window* w = thread_window();
  return w ? nxz_accel_paste(w, crb) : -ENODEV;
}

void proxy_close(nxz_window*) {}

nxz_window* make_proxy() {
  nxz_window* first = thread_window();
  if (!first) return nullptr;
  // The real port's operations (backend, spin hooks), pasting through us.
  static port::Ops ops = *first->ops;
  ops.paste = proxy_paste;
  ops.close = proxy_close;
  static nxz_window proxy;
  proxy.ops = &ops;
  return &proxy;
}

}  // namespace

void api_window_retire(const engine::AbandonedRef& request) {
  config::log(config::LogLevel::kInfo, "a request timed out: its window is retired");
  if (nxz_window* w = t_window.w) engine::when_over(request, [w] { nxz_accel_close(w); });
  t_window.w = nullptr;
  t_window.epoch = 0;
}

nxz_window* api_window() {
  static nxz_window* const w = make_proxy();
  return w;
}

}  // namespace nxz::api
