// The C surface of the emulated port: its entry point behind the accelerator
// interface (accel_port.h) and the emulator's own controls (nxz/emulated.h),
// over an emulated VAS.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <string>

#include "accel_port.h"
#include "emulated/fault_config.h"
#include "emulated/vas_instance.h"
#include "emulated/vas_log.h"
#include "emulated/vas_window.h"
#include "nxz/accel.h"
#include "nxz/emulated.h"

namespace {

using nxz::emu::SendWindow;
using nxz::emu::VasInstance;

// The spec from the config, else from NXZ_EMU_FAULTS. A bad config is the
// caller's error (-EINVAL); a bad environment variable must not stop a
// program that merely runs on the emulator, so it is reported and ignored.
bool fault_spec(const nxz_emu_config* emu, nxz::emu::FaultSpec* spec) {
  const bool from_config = emu && emu->faults;
  const char* text = from_config ? emu->faults : std::getenv("NXZ_EMU_FAULTS");
  if (!text) return true;
  std::string err;
  if (nxz::emu::parse_fault_spec(text, spec, &err)) return true;
  if (from_config) return false;
  // Once per distinct value, not per window.
  static std::mutex mu;
  static std::string warned;
  std::lock_guard lk(mu);
  if (warned != text) {
    warned = text;
    nxz::emu::vas_warn(nullptr, "NXZ_EMU_FAULTS ignored: %s", err.c_str());
  }
  *spec = nxz::emu::FaultSpec{};
  return true;
}

}  // namespace

namespace {

int emulated_paste(nxz_window* w, const void* crb);
void emulated_close(nxz_window* w);

const nxz::port::Ops kEmulatedOps = {NXZ_BACKEND_EMULATED, emulated_paste, emulated_close};

// An emulated window: the dispatcher's header, then the send window.
struct EmulatedWindow : nxz_window {
  SendWindow win;
};

EmulatedWindow* emulated(nxz_window* w) {
  return w && w->ops == &kEmulatedOps ? static_cast<EmulatedWindow*>(w) : nullptr;
}
const EmulatedWindow* emulated(const nxz_window* w) {
  return w && w->ops == &kEmulatedOps ? static_cast<const EmulatedWindow*>(w) : nullptr;
}

int emulated_paste(nxz_window* w, const void* crb) {
  nx::Crb copy;
  std::memcpy(copy.raw, crb, nx::kCrbSize);
  SendWindow& s = static_cast<EmulatedWindow*>(w)->win;
  return s.vas->paste(&s, copy);
}

void emulated_close(nxz_window* w) {
  auto* e = static_cast<EmulatedWindow*>(w);
  VasInstance* vas = e->win.vas;
  vas->close(&e->win);
  VasInstance::release(vas);
  delete e;
}

}  // namespace

int nxz::port::emulated_open(const nxz_emu_config* emu, nxz_window** out) {
  nxz_emu_config cfg{};
  if (emu) cfg = *emu;
  if (cfg.credits > nxz::emu::kMaxCredits || cfg.fifo_entries > nxz::emu::kMaxFifoEntries)
    return -EINVAL;
  nxz::emu::FaultSpec spec;
  if (!fault_spec(emu, &spec)) return -EINVAL;

  auto* w = new (std::nothrow) EmulatedWindow;
  if (!w) return -ENOMEM;
  w->ops = &kEmulatedOps;
  SendWindow& s = w->win;
  s.engine.limit_high = cfg.limit_high;
  s.engine.limit_low = cfg.limit_low;
  s.engine.priority_queued = cfg.priority_queued != 0;
  if (cfg.dde_limit) s.engine.dde_limit = cfg.dde_limit;
  if (cfg.credits) s.credits_initial = cfg.credits;
  if (cfg.stuck_warn_ms) s.stuck_warn_ms = cfg.stuck_warn_ms;
  s.injector.configure(spec, cfg.fault_seed);

  nxz::emu::VasKey key;
  if (cfg.fifo_entries) key.fifo_entries = cfg.fifo_entries;
  key.synchronous = cfg.synchronous != 0;
  VasInstance* vas = nullptr;
  try {
    vas = VasInstance::acquire(key);
  } catch (...) {  // no thread or memory for a new instance
    delete w;
    return -EAGAIN;
  }
  vas->attach(&s);
  *out = w;
  return 0;
}

// ------------------------------------------------------------ nxz/emulated.h
// A window of another port is refused with -EINVAL.

extern "C" int nxz_emu_get_stats(const nxz_window* w, nxz_emu_stats* out) {
  using nxz::emu::g_vas_totals;
  using nxz::emu::g_window_totals;
  const EmulatedWindow* e = emulated(w);
  if (w && !e) return -EINVAL;
  std::memset(out, 0, sizeof *out);
  const nxz::emu::WindowCounters& wc = e ? e->win.counters : g_window_totals;
  const nxz::emu::VasCounters& vc = e ? e->win.vas->counters() : g_vas_totals;
  auto get = [](const nxz::emu::Counter& c) { return c.load(std::memory_order_relaxed); };
  out->pastes_accepted = get(wc.pastes_accepted);
  out->busy_no_credit = get(wc.busy_no_credit);
  out->busy_injected = get(wc.busy_injected);
  out->busy_closed = get(wc.busy_closed);
  out->jobs_completed = get(wc.jobs_completed);
  out->faults = get(wc.faults);
  out->faults_residency = get(wc.faults_residency);
  out->faults_injected = get(wc.faults_injected);
  out->late = get(wc.late);
  out->hangs = get(wc.hangs);
  out->hwerrs = get(wc.hwerrs);
  out->fifo_max_depth = static_cast<uint32_t>(get(vc.fifo_max_depth));
  out->fifo_credit_waits = get(vc.fifo_credit_waits);
  out->faults_handled = get(vc.faults_handled);
  out->interrupts = get(vc.interrupts);
  out->handler_passes = get(vc.handler_passes);
  out->csb_write_failures = get(vc.csb_write_failures);
  out->csb_skipped = get(vc.csb_skipped);
  out->dropped_unknown = get(vc.dropped_unknown);
  out->hung_reclaimed = get(vc.hung_reclaimed);
  out->warnings = get(vc.warnings);
  out->windows_open = static_cast<uint32_t>(get(vc.windows_open));
  if (e) {
    const SendWindow& s = e->win;
    VasInstance* vas = s.vas;
    out->pswid = s.pswid;
    out->credits_initial = s.credits_initial;
    vas->credit_snapshot(&s, &out->credits_available, &out->credits_hung);
    out->fifo_entries = vas->fifo().size();
    out->fifo_credits = vas->fifo().credits();
    out->fifo_depth = vas->fifo().depth();
  }
  return 0;
}

extern "C" uint32_t nxz_emu_window_id(const nxz_window* w) {
  const EmulatedWindow* e = emulated(w);
  return e ? e->win.pswid : 0;
}

extern "C" int nxz_emu_pause(nxz_window* w, unsigned parts) {
  EmulatedWindow* e = emulated(w);
  if (!e || e->win.vas->synchronous()) return -EINVAL;
  e->win.vas->pause(parts, true);
  return 0;
}

extern "C" int nxz_emu_resume(nxz_window* w, unsigned parts) {
  EmulatedWindow* e = emulated(w);
  if (!e || e->win.vas->synchronous()) return -EINVAL;
  e->win.vas->pause(parts, false);
  return 0;
}

extern "C" int nxz_emu_step(nxz_window* w, uint32_t jobs) {
  EmulatedWindow* e = emulated(w);
  if (!e || e->win.vas->synchronous()) return -EINVAL;
  e->win.vas->step(jobs);
  return 0;
}

extern "C" int nxz_emu_fifo_peek(const nxz_window* w, uint32_t back, void* entry) {
  const EmulatedWindow* e = emulated(w);
  if (!e) return -EINVAL;
  const nxz::emu::FaultFifo& fifo = e->win.vas->fifo();
  if (back >= fifo.size()) return -EINVAL;
  const nx::Crb copy = fifo.peek(back);
  std::memcpy(entry, copy.raw, nx::kCrbSize);
  return 0;
}

extern "C" int nxz_emu_fifo_paste(nxz_window* w, const void* entry) {
  EmulatedWindow* e = emulated(w);
  if (!e) return -EINVAL;
  nx::Crb copy;
  std::memcpy(copy.raw, entry, nx::kCrbSize);
  // An entry carrying both invalid marks would stop every later drain.
  if (nxz::emu::FaultFifo::is_invalid(copy)) return -EINVAL;
  e->win.vas->paste_fault(copy, nxz::emu::FifoMeta{nxz::emu::current_tid()});
  return 0;
}
