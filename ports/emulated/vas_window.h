// An emulated send window (contract §8 step 6): an id stamped into fault
// CRBs, a credit count, the engine settings and fault injection of its jobs.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>

#include "emulated/engine.h"
#include "emulated/fault_injector.h"
#include "emulated/vas_stats.h"

namespace nxz::emu {

class VasInstance;

inline constexpr uint32_t kDefaultCredits = 1024;  // the kernel's for user windows
inline constexpr uint32_t kMaxCredits = 4095;
inline constexpr uint32_t kDefaultStuckWarnMs = 10000;

struct SendWindow {
  uint32_t pswid = 0;
  uint32_t credits_initial = kDefaultCredits;
  uint32_t stuck_warn_ms = kDefaultStuckWarnMs;
  pid_t opener = 0;  // the thread that opened it: a SIGSEGV goes there if the submitter is gone
  EngineConfig engine;
  FaultInjector injector;
  VasInstance* vas = nullptr;

  // Guarded by the instance's mutex; `credits` may be read without it for a
  // quick "busy" answer.
  std::atomic<int> credits{0};
  uint32_t hung = 0;     // credits held by injected hangs
  bool closing = false;  // close has begun: pastes are refused

  std::atomic<uint64_t> attempts{0};  // paste attempts (index of busy= decisions)
  uint64_t accepted = 0;              // accepted CRBs (index of job decisions); under the mutex
  WindowCounters counters;
};

}  // namespace nxz::emu
