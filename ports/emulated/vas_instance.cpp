#include "emulated/vas_instance.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <vector>

#include "emulated/engine.h"
#include "emulated/fault_probe.h"
#include "emulated/vas_log.h"
#include "nxz/accel.h"
#include "nxz/emulated.h"

namespace nxz::emu {

WindowCounters g_window_totals;
VasCounters g_vas_totals;

namespace {

// A forked child has none of its parent's threads: instances and windows
// created before the fork are left alone in the child (pastes refused,
// close a no-op). The accelerator interface never pastes on them there: an
// inherited window attaches a new send window in the child (window.cpp).
std::atomic<uint32_t> g_generation{0};
thread_local pid_t t_tid = 0;

std::atomic<uint32_t> g_next_pswid{1};

struct Registry {
  std::mutex mu;
  std::vector<VasInstance*> list;
};
// Never destroyed: windows may still be closed while the process exits.
Registry* g_registry = new Registry;

void on_fork_child() {
  g_generation.fetch_add(1, std::memory_order_relaxed);
  t_tid = 0;
  // The parent's registry lock may have been held by a thread that is gone.
  g_registry = new Registry;
}

// §2: a CSB as hardware writes it for an error, the valid byte last.
void write_error_csb(uint64_t csb_addr, uint8_t cc, uint64_t addr) {
  // Codes 252..255 come from system software, which does not set "TPBC valid".
  write_csb(csb_addr, cc,
            static_cast<uint8_t>(nx::kCeTermination |
                                 (cc < nx::kCcNoInterruptServer ? nx::kCeTpbcValid : 0)),
            0, addr);
}

// §7: a memory error on read (cc 7) names the failing address. An injected
// one names a byte of the request's source chosen by the plan (the DDE
// list itself for an indirect source: NX reads it first); the other codes
// carry no address.
uint64_t error_address(uint8_t cc, const nx::Crb& crb, uint64_t pick) {
  if (cc != nx::kCcMemoryError) return 0;
  const nx::Dde& src = crb.source();
  if (src.count() != 0 || src.byte_count() == 0) return src.address();
  return src.address() + pick % src.byte_count();
}

}  // namespace

pid_t current_tid() {
  if (t_tid == 0) t_tid = static_cast<pid_t>(syscall(SYS_gettid));
  return t_tid;
}

// ------------------------------------------------------------ registry

VasInstance* VasInstance::acquire(const VasKey& key) {
  static std::once_flag atfork_once;
  std::call_once(atfork_once, [] { pthread_atfork(nullptr, nullptr, on_fork_child); });
  Registry& r = *g_registry;
  std::lock_guard lk(r.mu);
  const uint32_t gen = g_generation.load(std::memory_order_relaxed);
  for (VasInstance* v : r.list) {
    if (v->key_ == key && v->generation_ == gen) {
      ++v->refs_;
      return v;
    }
  }
  auto* v = new VasInstance(key);
  v->refs_ = 1;
  r.list.push_back(v);
  return v;
}

void VasInstance::release(VasInstance* vas) {
  if (vas->generation_ != g_generation.load(std::memory_order_relaxed)) return;
  {
    Registry& r = *g_registry;
    std::lock_guard lk(r.mu);
    if (--vas->refs_ > 0) return;
    r.list.erase(std::find(r.list.begin(), r.list.end(), vas));
  }
  delete vas;
}

VasInstance::VasInstance(const VasKey& key)
    : key_(key),
      generation_(g_generation.load(std::memory_order_relaxed)),
      trace_(vas_trace_requested()),
      fifo_(key.fifo_entries) {
  if (key_.sim_seed) {
    sim_ = SimScheduler::for_thread(key_.sim_seed);
    sim_->spawn(this, [this] { sim_engine_loop(); });
    sim_->spawn(this, [this] { sim_handler_loop(); });
    return;
  }
  if (key_.synchronous) return;
  engine_ = std::thread([this] { engine_loop(); });
  try {
    handler_ = std::thread([this] { handler_loop(); });
  } catch (...) {
    {
      std::lock_guard lk(mu_);
      stop_ = true;
    }
    engine_cv_.notify_all();
    engine_.join();
    throw;
  }
}

VasInstance::~VasInstance() {
  if (sim_) {
    sim_->stop(this);
    return;
  }
  if (key_.synchronous) return;
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  engine_cv_.notify_all();
  engine_.join();
  {
    std::lock_guard lk(irq_mu_);
    stop_handler_ = true;
  }
  irq_cv_.notify_all();
  handler_.join();
}

// ------------------------------------------------------------- windows

void VasInstance::attach(SendWindow* w) {
  uint32_t id;
  do {
    id = g_next_pswid.fetch_add(1, std::memory_order_relaxed);
  } while (id == 0 || id == nx::kFifoInvalidPswid);
  w->pswid = id;
  w->vas = this;
  w->opener = current_tid();
  w->credits.store(static_cast<int>(w->credits_initial), std::memory_order_relaxed);
  std::lock_guard lk(mu_);
  windows_[id] = w;
  count(counters_, &VasCounters::windows_open);
}

int VasInstance::paste(SendWindow* w, const nx::Crb& crb) {
  WindowCounters& c = w->counters;
  if (generation_ != g_generation.load(std::memory_order_relaxed)) {
    count(c, &WindowCounters::busy_closed);
    return NXZ_PASTE_BUSY;
  }
  if (w->injector.busy(w->attempts.fetch_add(1, std::memory_order_relaxed))) {
    count(c, &WindowCounters::busy_injected);
    return NXZ_PASTE_BUSY;
  }
  // A quick refusal without the lock: spinning pasters must not slow the engine.
  if (w->credits.load(std::memory_order_relaxed) <= 0) {
    count(c, &WindowCounters::busy_no_credit);
    return NXZ_PASTE_BUSY;
  }
  Job job{crb, w, current_tid(), 0};
  {
    std::lock_guard lk(mu_);
    if (w->closing) {
      count(c, &WindowCounters::busy_closed);
      return NXZ_PASTE_BUSY;
    }
    if (w->credits.load(std::memory_order_relaxed) <= 0) {
      count(c, &WindowCounters::busy_no_credit);
      return NXZ_PASTE_BUSY;
    }
    w->credits.fetch_sub(1, std::memory_order_relaxed);
    job.index = w->accepted++;
    if (!key_.synchronous) queue_.push_back(job);
  }
  count(c, &WindowCounters::pastes_accepted);
  if (key_.synchronous) {
    const End end = run_job(job);
    std::lock_guard lk(mu_);
    finish_locked(w, end);
  } else {
    engine_cv_.notify_one();
  }
  return NXZ_PASTE_ACCEPTED;
}

void VasInstance::close(SendWindow* w) {
  // In a forked child the parent's engine and handler threads do not exist.
  if (generation_ != g_generation.load(std::memory_order_relaxed)) return;
  std::unique_lock lk(mu_);
  w->closing = true;
  auto settled = [w] {
    return w->credits.load(std::memory_order_relaxed) + w->hung >= w->credits_initial;
  };
  if (sim_) {
    // The engine and the handler run only while someone passes time.
    while (!settled()) {
      lk.unlock();
      sim_->pass(1000);
      lk.lock();
    }
  }
  const auto interval = std::chrono::milliseconds(w->stuck_warn_ms);
  const auto start = std::chrono::steady_clock::now();
  while (!close_cv_.wait_for(lk, interval, settled)) {
    // As the kernel does: say which window holds the process up, and keep
    // waiting, since a pending fault still refers to the window.
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    const int out = static_cast<int>(w->credits_initial) -
                    w->credits.load(std::memory_order_relaxed) - static_cast<int>(w->hung);
    vas_warn(&counters_.warnings,
             "window %u (opened by thread %d): process stuck: close waits for %d of %u "
             "credits (%lld ms)",
             w->pswid, static_cast<int>(w->opener), out, w->credits_initial,
             static_cast<long long>(waited.count()));
  }
  if (w->hung) count(counters_, &VasCounters::hung_reclaimed, w->hung);
  windows_.erase(w->pswid);
  counters_.windows_open.fetch_sub(1, std::memory_order_relaxed);
  g_vas_totals.windows_open.fetch_sub(1, std::memory_order_relaxed);
}

void VasInstance::give_back_locked(SendWindow* w) {
  if (w->credits.load(std::memory_order_relaxed) + w->hung >= w->credits_initial) {
    vas_warn(&counters_.warnings, "window %u: credit returned beyond its %u credits, ignored",
             w->pswid, w->credits_initial);
    return;
  }
  w->credits.fetch_add(1, std::memory_order_relaxed);
  if (w->closing) close_cv_.notify_all();
}

void VasInstance::finish_locked(SendWindow* w, End end) {
  if (end == End::kCompleted) {
    give_back_locked(w);
  } else if (end == End::kHung) {
    ++w->hung;
    if (w->closing) close_cv_.notify_all();
  }
  // kFaulted: the handler returns the credit once the fault is handled.
}

void VasInstance::credit_snapshot(const SendWindow* w, uint32_t* available, uint32_t* hung) {
  std::lock_guard lk(mu_);
  *available = static_cast<uint32_t>(w->credits.load(std::memory_order_relaxed));
  *hung = w->hung;
}

// ----------------------------------------------------------------- engine

void VasInstance::pause(unsigned parts, bool paused) {
  if (parts & NXZ_EMU_ENGINE) {
    {
      std::lock_guard lk(mu_);
      engine_paused_ = paused;
      step_budget_ = 0;
    }
    engine_cv_.notify_all();
  }
  if (parts & NXZ_EMU_HANDLER) {
    {
      std::lock_guard lk(irq_mu_);
      handler_paused_ = paused;
    }
    irq_cv_.notify_all();
  }
}

void VasInstance::step(uint32_t jobs) {
  {
    std::lock_guard lk(mu_);
    step_budget_ += jobs;
  }
  engine_cv_.notify_all();
}

void VasInstance::engine_loop() {
  std::unique_lock lk(mu_);
  for (;;) {
    engine_cv_.wait(
        lk, [this] { return stop_ || (!queue_.empty() && (!engine_paused_ || step_budget_ > 0)); });
    if (queue_.empty()) return;  // stopping, and nothing is left
    if (engine_paused_ && step_budget_ > 0) --step_budget_;
    const Job job = queue_.front();
    queue_.pop_front();
    lk.unlock();
    const End end = run_job(job);
    lk.lock();
    finish_locked(job.win, end);
  }
}

// The simulated engine: one step per job taken, one more per job run, so
// that the poller may look between the two, and idle steps when there is
// nothing to run (or it is paused).
void VasInstance::sim_engine_loop() {
  while (!sim_->stopping(this)) {
    bool have = false;
    Job job{};
    {
      std::lock_guard lk(mu_);
      if (!queue_.empty() && (!engine_paused_ || step_budget_ > 0)) {
        if (engine_paused_) --step_budget_;
        job = queue_.front();
        queue_.pop_front();
        have = true;
      }
    }
    sim_->yield();
    if (!have) continue;
    const End end = run_job(job);
    std::lock_guard lk(mu_);
    finish_locked(job.win, end);
  }
}

VasInstance::End VasInstance::run_job(const Job& job) {
  SendWindow* w = job.win;
  WindowCounters& c = w->counters;
  const uint64_t csb = job.crb.csb_address();
  const uint64_t request = request_key(job.crb.raw, nx::kCrbSize);
  const JobPlan plan = w->injector.plan(job.index, request);
  // Late completion holds the engine, as a slow job does on hardware.
  if (plan.late_us) {
    count(c, &WindowCounters::late);
    if (sim_) {
      const uint64_t wake = sim_->now_ns() + plan.late_us * 1000;
      while (sim_->now_ns() < wake) sim_->yield();
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(plan.late_us));
    }
  }
  if (plan.hang) {
    count(c, &WindowCounters::hangs);
    return End::kHung;
  }
  uint64_t fault_addr = 0;
  bool fault_write = true;
  bool injected = false;
  if (plan.hwerr_cc) {
    // Writing the error CSB may itself fault.
    const bool ok = csb != 0 && (!w->injector.residency() ||
                                 range_accessible(csb, nx::kCsbSize, true, &fault_addr));
    if (ok) {
      write_error_csb(csb, plan.hwerr_cc, error_address(plan.hwerr_cc, job.crb, plan.pick));
      w->injector.settle(request, false, false);  // over: a streak it had ends here
      count(c, &WindowCounters::hwerrs);
      return End::kCompleted;
    }
  } else {
    FaultProbe probe(w->injector.residency(), plan, csb);
    const Outcome o = execute_crb(job.crb, w->engine, &probe);
    w->injector.settle(request, probe.injected(), o.faulted);
    if (!o.faulted) {
      count(c, &WindowCounters::jobs_completed);
      return End::kCompleted;
    }
    fault_addr = o.fault_addr;
    fault_write = o.fault_write;
    injected = probe.injected();
  }
  count(c, &WindowCounters::faults);
  count(c, injected ? &WindowCounters::faults_injected : &WindowCounters::faults_residency);

  // §8 step 2: the CRB as pasted, stamped, goes to the fault window.
  nx::Crb entry = job.crb;
  nx::store_be64(entry.raw + nx::kStampFaultAddr, fault_addr);
  nx::store_be16(entry.raw + nx::kStampReserved, 0);
  entry.raw[nx::kStampFlags] = fault_write ? nx::kStampFlagWrite : 0;
  entry.raw[nx::kStampFaultStatus] = 0;  // NX's value is not documented; unused by the kernel
  nx::store_be32(entry.raw + nx::kStampPswid, w->pswid);
  paste_fault(entry, FifoMeta{job.submitter});
  return End::kFaulted;
}

void VasInstance::paste_fault(const nx::Crb& entry, const FifoMeta& meta) {
  uint32_t slot = 0, depth = 0;
  if (key_.synchronous) {
    // No handler thread: whoever faults drains, so a full FIFO cannot block.
    while (!fifo_.try_paste(entry, meta, &slot, &depth)) drain();
  } else if (sim_) {
    // A full FIFO: the handler fiber must run before the engine goes on.
    bool waited = false;
    while (!fifo_.try_paste(entry, meta, &slot, &depth)) waited = true, sim_->yield();
    if (waited) count(counters_, &VasCounters::fifo_credit_waits);
  } else {
    bool waited = false;
    fifo_.paste(entry, meta, &waited, &slot, &depth);
    if (waited) count(counters_, &VasCounters::fifo_credit_waits);
  }
  raise_max(counters_.fifo_max_depth, depth);
  raise_max(g_vas_totals.fifo_max_depth, depth);
  if (trace_) {
    vas_trace(
        "fault CRB pswid=%u fc=0x%02x csb=0x%llx addr=0x%llx %s; fifo write=%u next=%u "
        "depth=%u",
        nx::load_be32(entry.raw + nx::kStampPswid), entry.function_code(),
        static_cast<unsigned long long>(entry.csb_address()),
        static_cast<unsigned long long>(nx::load_be64(entry.raw + nx::kStampFaultAddr)),
        (entry.raw[nx::kStampFlags] & nx::kStampFlagWrite) ? "write" : "read", slot,
        (slot + 1) % fifo_.size(), depth);
  }
  raise_interrupt();
}

}  // namespace nxz::emu
