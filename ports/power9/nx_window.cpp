#include "power9/nx_window.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <mutex>
#include <new>
#include <type_traits>

#include "nx/nx.h"
#include "power9/copy_paste.h"

namespace nxz::power9 {

namespace {

struct NxWindow {
  nxz_window header;  // first: the dispatcher only sees this
  VasSystem* sys;
  ReopenPolicy policy;
  // Guards everything below. Any thread may paste on a window (§8.6), but
  // a paste may close and reopen it (lost credits) or adopt it after a
  // fork: without the lock another thread could paste to a page just
  // unmapped, or both could reopen. Pastes on one window are therefore
  // serialised; a paste is a few instructions, so the lock is held briefly
  // (a reopen holds it longer, and every paste meanwhile waits, which is
  // what it would answer anyway: busy).
  std::mutex mu;
  // The process epoch `mu` belongs to (see claim_lock).
  std::atomic<uint64_t> lock_epoch;
  VasHandle handle;   // closed after a failed reopen, or in a fresh child
  uint64_t epoch;     // the process epoch `handle` belongs to
  uint32_t refusals;  // consecutive refused pastes
  uint64_t first_refusal_ns;
  uint64_t next_open_ns;  // earliest time for the next reopen attempt
  uint64_t backoff_ns;    // 0 until a reopen has failed

  NxWindow(VasSystem* s, const ReopenPolicy& p, const VasHandle& h, uint64_t e)
      : header{&kNxOps},
        sys(s),
        policy(p),
        lock_epoch(e),
        handle(h),
        epoch(e),
        refusals(0),
        first_refusal_ns(0),
        next_open_ns(0),
        backoff_ns(0) {}
};
static_assert(std::is_standard_layout_v<NxWindow>);
static_assert(offsetof(NxWindow, header) == 0);

NxWindow* as_nx(nxz_window* w) { return reinterpret_cast<NxWindow*>(w); }

void forget_refusals(NxWindow* w) {
  w->refusals = 0;
  w->first_refusal_ns = 0;
}

// The parent's handle is left exactly as it is: unmapping our copy of its
// mapping would make the kernel drop the parent's record of it.
void adopt_after_fork(NxWindow* w, uint64_t epoch) {
  w->handle = VasHandle{};
  w->epoch = epoch;
  w->next_open_ns = 0;
  w->backoff_ns = 0;
  forget_refusals(w);
}

bool try_reopen(NxWindow* w) {
  const uint64_t now = w->sys->now_ns();
  if (now < w->next_open_ns) return false;
  if (w->sys->open(&w->handle) == 0) {
    w->backoff_ns = 0;
    forget_refusals(w);
    return true;
  }
  w->backoff_ns = w->backoff_ns == 0 ? w->policy.first_backoff_ns
                                     : std::min(2 * w->backoff_ns, w->policy.max_backoff_ns);
  w->next_open_ns = now + w->backoff_ns;
  return false;
}

void note_refusal(NxWindow* w) {
  if (!w->policy.enabled) return;
  const uint64_t now = w->sys->now_ns();
  if (w->refusals++ == 0) {
    w->first_refusal_ns = now;
    return;
  }
  if (w->refusals < w->policy.min_refusals) return;
  if (now - w->first_refusal_ns < w->policy.min_refusing_ns) return;
  w->sys->close(w->handle);
  w->handle = VasHandle{};
  w->next_open_ns = 0;  // the first reopen is tried at the next paste
  forget_refusals(w);
}

// A forked child inherits `mu` in whatever state it had: held, if another
// thread of the parent was pasting at the fork, by a thread the child does
// not have, so it would never be released. The first paste in a new
// process gives the window a fresh lock instead; other threads of that
// process wait until it is in place.
constexpr uint64_t kLockResetting = ~uint64_t{0};

void claim_lock(NxWindow* w, uint64_t epoch) {
  uint64_t seen = w->lock_epoch.load(std::memory_order_acquire);
  if (seen == epoch) return;
  if (seen != kLockResetting &&
      w->lock_epoch.compare_exchange_strong(seen, kLockResetting, std::memory_order_acq_rel)) {
    new (&w->mu) std::mutex;
    w->lock_epoch.store(epoch, std::memory_order_release);
    return;
  }
  while (w->lock_epoch.load(std::memory_order_acquire) != epoch) sched_yield();
}

int nx_paste(nxz_window* base, const void* crb) {
  NxWindow* w = as_nx(base);
  if (reinterpret_cast<uintptr_t>(crb) % nx::kCrbAlign != 0) return -EINVAL;
  const uint64_t epoch = w->sys->process_epoch();
  claim_lock(w, epoch);
  std::lock_guard lock(w->mu);
  if (epoch != w->epoch) adopt_after_fork(w, epoch);
  if (!w->handle.is_open() && !try_reopen(w)) return NXZ_PASTE_BUSY;
  if (w->sys->paste(w->handle, crb)) {
    if (w->refusals != 0) forget_refusals(w);
    return NXZ_PASTE_ACCEPTED;
  }
  note_refusal(w);
  return NXZ_PASTE_BUSY;
}

void nx_close(nxz_window* base) {
  NxWindow* w = as_nx(base);
  // No lock: closing a window while another thread still pastes on it is
  // the caller's error, as for any object it frees (nxz/accel.h).
  if (w->handle.is_open() && w->epoch == w->sys->process_epoch()) w->sys->close(w->handle);
  delete w;
}

}  // namespace

#if defined(__powerpc64__)
const port::Ops kNxOps = {NXZ_BACKEND_NX, nx_paste, nx_close, spin_relax, spin_relax_end};
#else
const port::Ops kNxOps = {NXZ_BACKEND_NX, nx_paste, nx_close};  // tested off POWER: no hints
#endif

int open_nx_window(VasSystem* sys, const ReopenPolicy& policy, nxz_window** out) {
  VasHandle handle;
  const uint64_t epoch = sys->process_epoch();
  if (const int rc = sys->open(&handle); rc != 0) return rc;
  auto* w = new (std::nothrow) NxWindow(sys, policy, handle, epoch);
  if (w == nullptr) {
    sys->close(handle);
    return -ENOMEM;
  }
  *out = &w->header;
  return 0;
}

}  // namespace nxz::power9
