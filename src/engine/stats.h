// The driver's counters behind include/nxz/stats.h.
#pragma once

#include <atomic>
#include <cstdint>

namespace nxz::engine {

struct Counters {
  std::atomic<uint64_t> jobs{0}, bytes_in{0}, bytes_out{0}, faults{0}, pages_touched{0},
      resubmits{0}, busy_retries{0}, timeouts{0}, fallbacks{0}, hw_errors{0};
};

Counters& counters();

inline void count(std::atomic<uint64_t>& c, uint64_t n = 1) {
  c.fetch_add(n, std::memory_order_relaxed);
}

}  // namespace nxz::engine
