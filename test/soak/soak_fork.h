// Streams open across fork(): the soak's fork job opens a deflate and an
// inflate stream, feeds each half its input, forks while the other threads
// keep streaming, and both processes finish both streams and check them.
#pragma once

#include <cstdint>
#include <string>

#include "soak/soak_job.h"

namespace nxz::soak {

struct ForkCounters {
  std::atomic<uint64_t> forks{0};
  std::atomic<uint64_t> children_ok{0};
  std::atomic<uint64_t> failures{0};  // a wrong byte in either process, or a hung child
};

// False with a reason (and the seed) when either process went wrong.
bool run_fork_job(uint64_t seed, const DataPool& pool, ForkCounters& c, std::string* why);

}  // namespace nxz::soak
