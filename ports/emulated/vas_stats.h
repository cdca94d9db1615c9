// Counters of the emulated VAS, kept per window and per VAS instance, and
// summed for the whole process (readable through nxz_emu_get_stats).
#pragma once

#include <atomic>
#include <cstdint>

namespace nxz::emu {

using Counter = std::atomic<uint64_t>;

struct WindowCounters {
  Counter pastes_accepted{0};
  Counter busy_no_credit{0};
  Counter busy_injected{0};
  Counter busy_closed{0};
  Counter jobs_completed{0};
  Counter faults{0};
  Counter faults_residency{0};
  Counter faults_injected{0};
  Counter late{0};
  Counter hangs{0};
  Counter hwerrs{0};
};

struct VasCounters {
  Counter fifo_max_depth{0};
  Counter fifo_credit_waits{0};
  Counter faults_handled{0};
  Counter interrupts{0};
  Counter handler_passes{0};
  Counter csb_write_failures{0};
  Counter csb_skipped{0};
  Counter dropped_unknown{0};
  Counter hung_reclaimed{0};
  Counter warnings{0};
  Counter windows_open{0};
};

// Process-wide sums.
extern WindowCounters g_window_totals;
extern VasCounters g_vas_totals;

// Adds n to a counter of `mine` and to the same counter of the process totals.
inline void count(WindowCounters& mine, Counter WindowCounters::*field, uint64_t n = 1) {
  (mine.*field).fetch_add(n, std::memory_order_relaxed);
  (g_window_totals.*field).fetch_add(n, std::memory_order_relaxed);
}
inline void count(VasCounters& mine, Counter VasCounters::*field, uint64_t n = 1) {
  (mine.*field).fetch_add(n, std::memory_order_relaxed);
  (g_vas_totals.*field).fetch_add(n, std::memory_order_relaxed);
}

// Raises a high-water mark to at least v.
inline void raise_max(Counter& c, uint64_t v) {
  uint64_t cur = c.load(std::memory_order_relaxed);
  while (cur < v && !c.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
  }
}

}  // namespace nxz::emu
