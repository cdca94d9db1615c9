// The C surface of the emulated port: its entry point behind the accelerator
// interface (accel_port.h) and the emulator's own controls (nxz/emulated.h),
// over an emulated VAS.
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <string>

#include "accel_port.h"
#include "common/fork_epoch.h"
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

// A simulated window's poller hands its spins, yields and sleeps to the
// thread's scheduler (vas_sim.h) and measures time on its clock.
void sim_relax() {
  if (auto* s = nxz::emu::SimScheduler::current()) s->pass(5);  // one poll
}
void sim_pause(uint64_t ns) {
  if (auto* s = nxz::emu::SimScheduler::current()) s->pass(ns ? ns : 1000);
}
uint64_t sim_now() {
  auto* s = nxz::emu::SimScheduler::current();
  return s ? s->now_ns() : 0;
}
const nxz::port::Ops kSimulatedOps = {
    NXZ_BACKEND_EMULATED, emulated_paste, emulated_close, sim_relax, nullptr, sim_pause, sim_now};

// What a window was opened with: enough to open the same window again in a
// forked child. Never changed after open, so a child may read it whatever
// the parent's threads were doing at the fork.
struct Settings {
  uint32_t credits = nxz::emu::kDefaultCredits;
  uint32_t stuck_warn_ms = nxz::emu::kDefaultStuckWarnMs;
  nxz::emu::EngineConfig engine;
  nxz::emu::FaultSpec spec;
  uint64_t fault_seed = 0;
  nxz::emu::VasKey key;
};

// A send window on a VAS instance of the process that opened it.
struct Attachment {
  uint64_t epoch;  // fork_epoch() at open
  SendWindow win;
};

// An emulated window: the dispatcher's header, its settings, and the send
// window it uses in the current process.
//
// Contract §9.4: a forked child never uses its parent's window; it opens
// its own (the POWER9 port reopens at the child's first paste, and so does
// this one). The inherited attachment names a VAS instance whose engine and
// handler threads exist only in the parent, and whose locks may have been
// held by them at the fork, so the child neither pastes on it nor closes or
// frees it: it attaches a new send window on a new instance and leaks the
// inherited one. The parent's state is never touched by the child (its
// pages are the child's copies anyway).
struct EmulatedWindow : nxz_window {
  Settings settings;
  // In a child the inherited attachment is replaced, never modified, and
  // without a lock, so that nothing inherited is ever locked there. Threads
  // of one child that attach at once race by compare-exchange; the losers
  // close their own attachment.
  mutable std::atomic<Attachment*> current{nullptr};
};

bool is_emulated(const nxz_window* w) {
  return w && (w->ops == &kEmulatedOps || w->ops == &kSimulatedOps);
}
EmulatedWindow* emulated(nxz_window* w) {
  return is_emulated(w) ? static_cast<EmulatedWindow*>(w) : nullptr;
}
const EmulatedWindow* emulated(const nxz_window* w) {
  return is_emulated(w) ? static_cast<const EmulatedWindow*>(w) : nullptr;
}

// A new send window with `st`, attached to the calling process's instance
// for st.key: -ENOMEM or -EAGAIN (no thread for a new instance) on failure.
int attach_new(const Settings& st, Attachment** out) {
  auto* a = new (std::nothrow) Attachment{nxz::fork_epoch(), {}};
  if (!a) return -ENOMEM;
  SendWindow& s = a->win;
  s.engine = st.engine;
  s.credits_initial = st.credits;
  s.stuck_warn_ms = st.stuck_warn_ms;
  s.injector.configure(st.spec, st.fault_seed);
  VasInstance* vas = nullptr;
  try {
    vas = VasInstance::acquire(st.key);
  } catch (...) {  // no thread or memory for a new instance
    delete a;
    return -EAGAIN;
  }
  vas->attach(&s);
  *out = a;
  return 0;
}

// Waits for every credit of `a` (close's rule, §8.6), then frees it.
void detach(Attachment* a) {
  VasInstance* vas = a->win.vas;
  vas->close(&a->win);
  VasInstance::release(vas);
  delete a;
}

// The send window `e` uses in this process, attached now if `e` was opened
// by another one (this is a forked child's first use of it); nullptr when
// that attach fails, and the next use tries again.
Attachment* attachment(const EmulatedWindow* e) {
  Attachment* a = e->current.load(std::memory_order_acquire);
  if (a->epoch == nxz::fork_epoch()) return a;
  Attachment* fresh = nullptr;
  if (attach_new(e->settings, &fresh) != 0) return nullptr;
  if (e->current.compare_exchange_strong(a, fresh, std::memory_order_acq_rel)) return fresh;
  // Another thread of this process attached first: `a` is now its window.
  detach(fresh);
  return a;
}

int emulated_paste(nxz_window* w, const void* crb) {
  nx::Crb copy;
  std::memcpy(copy.raw, crb, nx::kCrbSize);
  Attachment* a = attachment(static_cast<EmulatedWindow*>(w));
  // Not attached yet (no memory or thread): what a window that cannot take
  // the CRB answers, and the caller retries, as after a failed reopen on
  // POWER9.
  if (!a) return NXZ_PASTE_BUSY;
  SendWindow& s = a->win;
  return s.vas->paste(&s, copy);
}

void emulated_close(nxz_window* w) {
  auto* e = static_cast<EmulatedWindow*>(w);
  Attachment* a = e->current.load(std::memory_order_acquire);
  // In a child that never used the window, `a` is the parent's: left alone.
  if (a->epoch == nxz::fork_epoch()) detach(a);
  delete e;
}

}  // namespace

int nxz::port::emulated_open(const nxz_emu_config* emu, nxz_window** out) {
  nxz_emu_config cfg{};
  if (emu) cfg = *emu;
  if (cfg.credits > nxz::emu::kMaxCredits || cfg.fifo_entries > nxz::emu::kMaxFifoEntries ||
      cfg.effort > NXZ_EMU_EFFORT_FAST)
    return -EINVAL;

  auto* w = new (std::nothrow) EmulatedWindow;
  if (!w) return -ENOMEM;
  w->ops = &kEmulatedOps;
  Settings& st = w->settings;
  if (!fault_spec(emu, &st.spec)) {
    delete w;
    return -EINVAL;
  }
  st.engine.limit_high = cfg.limit_high;
  st.engine.limit_low = cfg.limit_low;
  st.engine.priority_queued = cfg.priority_queued != 0;
  if (cfg.dde_limit) st.engine.dde_limit = cfg.dde_limit;
  st.engine.effort = cfg.effort == NXZ_EMU_EFFORT_FAST ? nxz::emu::MatchEffort::kFast
                                                       : nxz::emu::MatchEffort::kLazy;
  if (cfg.credits) st.credits = cfg.credits;
  if (cfg.stuck_warn_ms) st.stuck_warn_ms = cfg.stuck_warn_ms;
  st.fault_seed = cfg.fault_seed;
  if (cfg.fifo_entries) st.key.fifo_entries = cfg.fifo_entries;
  st.key.synchronous = cfg.synchronous != 0;
  const uint64_t sim_asked = cfg.sim_seed ? cfg.sim_seed : st.spec.sim_seed;
  if (const uint64_t sim = sim_asked && nxz::emu::sim_seed_for_thread()
                               ? nxz::emu::sim_seed_for_thread()
                               : sim_asked) {
    if (!nxz::emu::sim_available()) {
      delete w;
      return -EOPNOTSUPP;
    }
    // One number decides the interleaving and the injected faults alike.
    st.key.sim_seed = sim;
    st.key.synchronous = false;
    st.key.sim_thread = nxz::emu::current_tid();
    st.fault_seed = (st.fault_seed ? st.fault_seed : st.spec.seed) ^ (sim * 0x9e3779b97f4a7c15ull);
    if (!st.fault_seed) st.fault_seed = 1;
    w->ops = &kSimulatedOps;
  }

  Attachment* a = nullptr;
  if (const int rc = attach_new(st, &a); rc != 0) {
    delete w;
    return rc;
  }
  w->current.store(a, std::memory_order_release);
  *out = w;
  return 0;
}

// ------------------------------------------------------------ nxz/emulated.h
// A window of another port is refused with -EINVAL. In a forked child each
// of these refers to the child's own send window, attached at its first use
// there exactly as a paste does (-EAGAIN, or id 0, when that fails).

namespace {

SendWindow* send_window(const EmulatedWindow* e) {
  Attachment* a = attachment(e);
  return a ? &a->win : nullptr;
}

}  // namespace

extern "C" int nxz_emu_get_stats(const nxz_window* w, nxz_emu_stats* out) {
  using nxz::emu::g_vas_totals;
  using nxz::emu::g_window_totals;
  const EmulatedWindow* e = emulated(w);
  if (w && !e) return -EINVAL;
  SendWindow* s = e ? send_window(e) : nullptr;
  if (e && !s) return -EAGAIN;
  std::memset(out, 0, sizeof *out);
  const nxz::emu::WindowCounters& wc = s ? s->counters : g_window_totals;
  const nxz::emu::VasCounters& vc = s ? s->vas->counters() : g_vas_totals;
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
  if (s) {
    VasInstance* vas = s->vas;
    out->pswid = s->pswid;
    out->credits_initial = s->credits_initial;
    vas->credit_snapshot(s, &out->credits_available, &out->credits_hung);
    out->fifo_entries = vas->fifo().size();
    out->fifo_credits = vas->fifo().credits();
    out->fifo_depth = vas->fifo().depth();
  }
  return 0;
}

extern "C" void nxz_emu_sim_thread_seed(uint64_t seed) { nxz::emu::set_sim_seed_for_thread(seed); }

extern "C" uint32_t nxz_emu_window_id(const nxz_window* w) {
  const EmulatedWindow* e = emulated(w);
  const SendWindow* s = e ? send_window(e) : nullptr;
  return s ? s->pswid : 0;
}

extern "C" int nxz_emu_pause(nxz_window* w, unsigned parts) {
  EmulatedWindow* e = emulated(w);
  if (!e || e->settings.key.synchronous) return -EINVAL;
  SendWindow* s = send_window(e);
  if (!s) return -EAGAIN;
  s->vas->pause(parts, true);
  return 0;
}

extern "C" int nxz_emu_resume(nxz_window* w, unsigned parts) {
  EmulatedWindow* e = emulated(w);
  if (!e || e->settings.key.synchronous) return -EINVAL;
  SendWindow* s = send_window(e);
  if (!s) return -EAGAIN;
  s->vas->pause(parts, false);
  return 0;
}

extern "C" int nxz_emu_step(nxz_window* w, uint32_t jobs) {
  EmulatedWindow* e = emulated(w);
  if (!e || e->settings.key.synchronous) return -EINVAL;
  SendWindow* s = send_window(e);
  if (!s) return -EAGAIN;
  s->vas->step(jobs);
  return 0;
}

extern "C" int nxz_emu_fifo_peek(const nxz_window* w, uint32_t back, void* entry) {
  const EmulatedWindow* e = emulated(w);
  if (!e) return -EINVAL;
  const SendWindow* s = send_window(e);
  if (!s) return -EAGAIN;
  const nxz::emu::FaultFifo& fifo = s->vas->fifo();
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
  SendWindow* s = send_window(e);
  if (!s) return -EAGAIN;
  s->vas->paste_fault(copy, nxz::emu::FifoMeta{nxz::emu::current_tid()});
  return 0;
}
