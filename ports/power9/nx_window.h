// An nxz_window on the NX-GZIP accelerator: the port's open/paste/close, and
// the two rules of contract §9.4 that make a window outlive surprises.
//
// Fork: a child process never pastes to, unmaps or closes the window its
// parent opened (the kernel ties a window to the opener's memory map and
// keeps track of that one mapping); at its first paste it opens its own.
//
// Lost credits: a PowerVM partition can lose its NX credits (DLPAR, live
// migration); the kernel then makes the window's pastes fail until it is
// active again, possibly never. When pastes have been refused for longer
// than any job can take, the window is closed and reopened; failed reopens
// are retried no sooner than a growing backoff, each paste meanwhile
// answering busy. A busy answer is otherwise normal: a PowerVM window holds
// one credit, so a second paste is refused while a job is in flight.
//
// Threads: any number of threads may paste on one window at once (pastes
// are serialised inside, so a reopen never unmaps a page another thread is
// pasting to); close must not run while a paste on the window is running.
#pragma once

#include <cstdint>

#include "accel_port.h"
#include "power9/vas_system.h"

namespace nxz::power9 {

struct ReopenPolicy {
  bool enabled = false;                     // PowerVM only: bare-metal windows keep their credits
  uint32_t min_refusals = 16;               // and refused for at least
  uint64_t min_refusing_ns = 100'000'000;   // 100 ms, the window is given up
  uint64_t first_backoff_ns = 10'000'000;   // first wait after a failed reopen
  uint64_t max_backoff_ns = 1'000'000'000;  // doubling up to 1 s
};

// Opens a window through `sys`, which must outlive it. The window's ops are
// {NXZ_BACKEND_NX, paste, close}. Returns 0 or the negative errno of the open.
// paste() answers NXZ_PASTE_ACCEPTED, NXZ_PASTE_BUSY, or -EINVAL for a CRB
// that is not 128-byte aligned (copy would raise an alignment interrupt).
int open_nx_window(VasSystem* sys, const ReopenPolicy& policy, nxz_window** out);

// The ops every NX window carries (so callers can tell one apart).
extern const port::Ops kNxOps;

}  // namespace nxz::power9
