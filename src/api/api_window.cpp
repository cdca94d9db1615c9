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

nxz_emu_config emulated_config(const char* faults, Effort effort) {
  nxz_emu_config cfg{};
  cfg.synchronous = 1;
  cfg.faults = faults;
  cfg.effort = effort == Effort::kFast ? NXZ_EMU_EFFORT_FAST : NXZ_EMU_EFFORT_LAZY;
  return cfg;
}

int open_window(nxz_window** w, Effort effort) {
  const config::Settings& s = config::settings();
  const char* faults = s.emu_faults_set ? s.emu_faults.c_str() : kNoFaults;
  nxz_emu_config cfg = emulated_config(faults, effort);
  int rc = nxz_accel_open(NXZ_BACKEND_AUTO, &cfg, w);
  if (rc == -EINVAL && faults != kNoFaults) {
    // A malformed fault spec must not cost the program its accelerator.
    static std::atomic<bool> warned{false};
    if (!warned.exchange(true)) {
      config::log(config::LogLevel::kWarn, "config: emu_faults `%s` does not parse; ignored",
                  faults);
    }
    cfg = emulated_config(kNoFaults, effort);
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

thread_local ThreadWindow t_window[2];  // by Effort

ThreadWindow& slot(Effort e) { return t_window[static_cast<int>(e)]; }

nxz_window* thread_window(Effort effort) {
  const uint64_t me = fork_epoch();
  ThreadWindow& t = slot(effort);
  if (t.w && t.epoch == me) return t.w;
  if (effort == Effort::kFast) {
    // NX has one matching effort: the default window serves both.
    nxz_window* d = thread_window(Effort::kDefault);
    if (d && nxz_accel_backend(d) == NXZ_BACKEND_NX) return d;
  }
  nxz_window* w = nullptr;
  if (const int rc = open_window(&w, effort); rc != 0) {
    config::log(config::LogLevel::kInfo, "no accelerator window (error %d): software only", rc);
    w = nullptr;
  } else if (config::log_enabled(config::LogLevel::kDebug)) {
    config::log(config::LogLevel::kDebug, "window opened: %s",
                nxz_accel_backend(w) == NXZ_BACKEND_NX ? "NX-GZIP" : "emulated engine");
  }
  t.w = w;
  t.epoch = me;
  return w;
}

nxz_window g_proxy[2];  // by Effort

int proxy_paste(nxz_window* proxy, const void* crb) {
  nxz_window* w = thread_window(proxy == &g_proxy[1] ? Effort::kFast : Effort::kDefault);
  return w ? nxz_accel_paste(w, crb) : -ENODEV;
}

void proxy_close(nxz_window*) {}

nxz_window* make_proxy(Effort effort) {
  nxz_window* first = thread_window(effort);
  if (!first) return nullptr;
  // The real port's operations (backend, spin hooks), pasting through us.
  static port::Ops ops[2];
  const int i = static_cast<int>(effort);
  ops[i] = *first->ops;
  ops[i].paste = proxy_paste;
  ops[i].close = proxy_close;
  g_proxy[i].ops = &ops[i];
  return &g_proxy[i];
}

}  // namespace

void api_window_retire(const engine::AbandonedRef& request, Effort effort) {
  config::log(config::LogLevel::kInfo, "a request timed out: its window is retired");
  // A fast-effort request on NX ran on the default window (thread_window).
  ThreadWindow& t =
      effort == Effort::kFast && !slot(Effort::kFast).w ? slot(Effort::kDefault) : slot(effort);
  if (nxz_window* w = t.w) engine::when_over(request, [w] { nxz_accel_close(w); });
  t.w = nullptr;
  t.epoch = 0;
}

nxz_window* api_window(Effort effort) {
  static nxz_window* const w[2] = {make_proxy(Effort::kDefault), make_proxy(Effort::kFast)};
  return w[static_cast<int>(effort)];
}

}  // namespace nxz::api
