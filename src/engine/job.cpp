#include "engine/job.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>
#include <thread>
#include <vector>

#include "accel_port.h"
#include "config/config.h"
#include "engine/stats.h"

namespace nxz::engine {
namespace {

DriverConfig load_config() {
  DriverConfig c;
  if (const uint64_t ms = config::settings().timeout_ms; ms > 0) c.timeout_ns = ms * 1000000ull;
  return c;
}

// Touches every page of [p, p + n): reads, or rewrites one byte per page so
// that the page is present and writable for the accelerator.
uint64_t touch_range(const void* p, size_t n, bool write) {
  if (n == 0) return 0;
  const size_t ps = nx::page_size();
  const uintptr_t first = reinterpret_cast<uintptr_t>(p) & ~(ps - 1);
  const uintptr_t last = (reinterpret_cast<uintptr_t>(p) + n - 1) & ~(ps - 1);
  uint64_t pages = 0;
  for (uintptr_t a = first; a <= last; a += ps, ++pages) {
    // Touch inside the range: the bytes before p may belong to someone else.
    const uintptr_t at = a < reinterpret_cast<uintptr_t>(p) ? reinterpret_cast<uintptr_t>(p) : a;
    volatile uint8_t* q = reinterpret_cast<volatile uint8_t*>(at);
    const uint8_t v = *q;
    if (write) *q = v;
  }
  return pages;
}

bool is_system_error(uint8_t cc) {
  switch (cc) {
    case nx::kCcMemoryError:
    case nx::kCcInternalError:
    case nx::kCcCrbCorrupt:
    case nx::kCcMemoryError2:
    case nx::kCcWatchdog:
    case nx::kCcNoInterruptServer:
    case nx::kCcUncorrectable:
    case nx::kCcNoHardware:
    case nx::kCcHung:
      return true;
    default:
      return false;
  }
}

nx::RequestBlock* new_block() {
  auto* rb = static_cast<nx::RequestBlock*>(
      ::operator new (sizeof(nx::RequestBlock), std::align_val_t{alignof(nx::RequestBlock)}));
  std::memset(rb, 0, sizeof *rb);
  return rb;
}

nx::Dde* new_list(int entries) {
  auto* l = static_cast<nx::Dde*>(::operator new (sizeof(nx::Dde) * entries, std::align_val_t{16}));
  std::memset(static_cast<void*>(l), 0, sizeof(nx::Dde) * entries);
  return l;
}

}  // namespace

uint64_t now_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

size_t max_request_bytes(nxz_window* w) {
  // Larger requests gain no throughput and cost latency and buffer space.
  constexpr size_t kPreferred = size_t{1} << 20;
  if (nxz_accel_backend(w) != NXZ_BACKEND_NX) return kPreferred;
  const uint64_t limit = nxz::port::power9_max_request_bytes();
  return limit < kPreferred ? static_cast<size_t>(limit) : kPreferred;
}

const DriverConfig& default_config() {
  static const DriverConfig c = load_config();
  return c;
}

Job::Job(nxz_window* w, const DriverConfig& cfg) : w_(w), cfg_(cfg), rb_(new_block()) {
  src_.dde = new_list(src_.cap = kListFirst);
  dst_.dde = new_list(dst_.cap = kListFirst);
  static_assert(kListFirst <= kMaxPieces);
}

void free_block(nx::RequestBlock* rb) {
  ::operator delete (rb, std::align_val_t{alignof(nx::RequestBlock)});
}

void free_list(nx::Dde* list) { ::operator delete (list, std::align_val_t{16}); }

Job::~Job() {
  free_block(rb_);
  free_list(src_.dde);
  free_list(dst_.dde);
}

void Job::fill(List& l, const Piece* pieces, int n) {
  l.n = 0;
  l.total = 0;
  for (int i = 0; i < n; ++i) {
    if (pieces[i].n == 0) continue;
    l.pieces[l.n++] = pieces[i];
    l.total += pieces[i].n;
  }
}

void Job::set_source(const Piece* pieces, int n) { fill(src_, pieces, n); }
void Job::set_target(const Piece* pieces, int n) { fill(dst_, pieces, n); }

void Job::build_dde(nx::Dde& d, List& l) {
  if (l.n == 1) {
    d.set_direct(l.pieces[0].p, static_cast<uint32_t>(l.pieces[0].n));
    return;
  }
  if (l.n > l.cap) {  // no request of this job reads the old list any more
    free_list(l.dde);
    l.cap = std::min(Job::kMaxPieces, std::max(2 * l.cap, l.n));
    l.dde = new_list(l.cap);
  }
  for (int i = 0; i < l.n; ++i)
    l.dde[i].set_direct(l.pieces[i].p, static_cast<uint32_t>(l.pieces[i].n));
  d.set_indirect(l.dde, static_cast<uint8_t>(l.n), static_cast<uint32_t>(l.total));
}

int Job::paste_once(uint8_t fc) {
  nx::Crb& crb = rb_->crb;
  std::memset(&crb, 0, sizeof crb);
  crb.set_function(fc);
  crb.set_csb(&rb_->csb);
  build_dde(crb.source(), src_);
  build_dde(crb.target(), dst_);
  // §2: the CSB is cleared, and out_spbc zeroed since errors may not write it.
  std::memset(&rb_->csb, 0, sizeof rb_->csb);
  nx::store_be32(rb_->cpb.raw + nx::Cpb::spbc_offset(fc), 0);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  return nxz_accel_paste(w_, &crb);
}

bool Job::wait_valid(uint64_t deadline_ns) {
  // §2: the valid byte is read with acquire ordering and the rest of the
  // CSB, and the CPB, only after it was seen set: every caller reads them
  // after this returns true, so no result is read before the engine's
  // release store of V.
  const auto* v = reinterpret_cast<const std::atomic<uint8_t>*>(&rb_->csb.raw[0]);
  const port::Ops& ops = *w_->ops;
  // Most requests finish within microseconds: spin first, then give the
  // core away, then sleep in growing steps so a hung request costs nothing.
  //
  // kSpins: a request starts in about 370 ns (§6) and 1 MiB takes about
  // 150 µs at the published 7 GB/s (§10). 4096 polls last some 10 µs where a
  // poll is a few ns (x86, emulated engine) and a few hundred µs on POWER,
  // where each one also runs hwsync at low SMT priority (ops.relax, §9.3):
  // the time of a typical request, without starving the core's siblings.
  constexpr int kSpins = 4096;
  // kYields: then hand the core to any runnable thread (on a small machine,
  // the emulated engine's own thread) while still answering within a few
  // µs; 1000 yields take about 1 ms on an idle core.
  constexpr int kYields = 1000;
  for (int i = 0; i < kSpins; ++i) {
    if (v->load(std::memory_order_acquire) & nx::kCsbValid) {
      if (ops.relax_end) ops.relax_end();
      return true;
    }
    if (ops.relax)
      ops.relax();
    else
      std::atomic_signal_fence(std::memory_order_seq_cst);  // keep the poll a real load
  }
  if (ops.relax_end) ops.relax_end();
  // Sleeps double from 1 µs to 1 ms: a hung request costs at most about a
  // thousand wake-ups a second until the timeout.
  uint64_t sleep_ns = 1000;
  for (int i = 0;; ++i) {
    if (v->load(std::memory_order_acquire) & nx::kCsbValid) return true;
    if (clock() > deadline_ns) return false;
    if (i < kYields) {
      pause(0);
    } else {
      pause(sleep_ns);
      if (sleep_ns < 1000000) sleep_ns *= 2;
    }
  }
}

void Job::touch_after_fault(uint64_t addr, bool first_fault) {
  uint64_t pages = 0;
  const uintptr_t a = static_cast<uintptr_t>(addr);
  bool in_target = false;
  for (int i = 0; i < dst_.n; ++i) {
    const auto b = reinterpret_cast<uintptr_t>(dst_.pieces[i].p);
    if (a >= b && a < b + dst_.pieces[i].n) in_target = true;
  }
  bool in_source = false;
  for (int i = 0; i < src_.n; ++i) {
    const auto b = reinterpret_cast<uintptr_t>(src_.pieces[i].p);
    if (a >= b && a < b + src_.pieces[i].n) in_source = true;
  }
  // Only memory this request names is touched: an address outside it (the
  // CSB, CPB or DDE lists, all ours) is made present through the lists.
  if (in_target || in_source) pages += touch_range(reinterpret_cast<void*>(a), 1, in_target);
  if (first_fault || !(in_target || in_source)) {
    // §8.7: in practice the whole request is made present at the first fault.
    for (int i = 0; i < src_.n; ++i)
      pages += touch_range(src_.pieces[i].p, src_.pieces[i].n, false);
    for (int i = 0; i < dst_.n; ++i) pages += touch_range(dst_.pieces[i].p, dst_.pieces[i].n, true);
    pages += touch_range(rb_, sizeof *rb_, true);
    pages += touch_range(src_.dde, sizeof(nx::Dde) * src_.cap, true);
    pages += touch_range(dst_.dde, sizeof(nx::Dde) * dst_.cap, true);
  }
  count(counters().pages_touched, pages);
}

void Job::replace_block() {
  // The abandoned request may still complete: it may write its CSB and
  // CPB, and read its DDE lists late and write the target they name then.
  // That memory is held until its CSB turns valid (abandoned.h), and this
  // job goes on with a fresh block. A list the request did not name (one
  // piece is named directly in the CRB) is this job's to keep using.
  const bool src_named = src_.n > 1, dst_named = dst_.n > 1;
  nx::RequestBlock* fresh = new_block();
  std::memcpy(&fresh->cpb, &rb_->cpb, sizeof fresh->cpb);
  abandoned_ = abandon(rb_, src_named ? src_.dde : nullptr, src_named ? list_bytes(src_) : 0,
                       dst_named ? dst_.dde : nullptr, dst_named ? list_bytes(dst_) : 0);
  rb_ = fresh;
  if (src_named) src_.dde = new_list(src_.cap);
  if (dst_named) dst_.dde = new_list(dst_.cap);
}

uint64_t Job::clock() const { return w_->ops->now ? w_->ops->now() : now_ns(); }

void Job::pause(uint64_t ns) const {
  if (w_->ops->pause)
    w_->ops->pause(ns);
  else if (ns)
    std::this_thread::sleep_for(std::chrono::nanoseconds(ns));
  else
    sched_yield();
}

JobStatus Job::run(uint8_t fc) {
  auto& stats = counters();
  reclaim_abandoned(now_ns());
  const uint64_t deadline = clock() + cfg_.timeout_ns;
  int faults = 0;
  for (;;) {
    uint64_t backoff_ns = 1000;
    for (int rc; (rc = paste_once(fc)) != NXZ_PASTE_ACCEPTED;) {
      if (rc < 0) return JobStatus::kPasteFailed;  // refused for good, not busy
      count(stats.busy_retries);
      if (clock() > deadline) return JobStatus::kPasteFailed;
      pause(backoff_ns);
      if (backoff_ns < 1000000) backoff_ns *= 2;
    }
    if (!wait_valid(deadline)) {
      count(stats.timeouts);
      replace_block();
      return JobStatus::kTimeout;
    }
    const uint8_t cc = rb_->csb.cc();
    if (cc == nx::kCcTranslation || cc == nx::kCcFaultInternal) {
      count(stats.faults);
      if (++faults > cfg_.max_faults || clock() > deadline) return JobStatus::kFaultLimit;
      touch_after_fault(rb_->csb.address(), faults == 1);
      count(stats.resubmits);
      continue;
    }
    count(stats.jobs);
    if (is_system_error(cc)) count(stats.hw_errors);
    if (!terminated()) {
      count(stats.bytes_out, rb_->csb.tpbc());
      count(stats.bytes_in, rb_->cpb.out_spbc(fc));
    }
    return JobStatus::kComplete;
  }
}

}  // namespace nxz::engine
