// Per-window fault injection: turns the FaultSpec into a plan for each
// accepted CRB and each paste, and keeps injected faults from repeating
// forever on one request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_map>

#include "emulated/fault_config.h"

namespace nxz::emu {

// Which kind of page an injected translation fault hits.
enum class FaultSite : uint8_t { kNone, kSource, kTarget, kCsb };

// What injection does to one accepted CRB.
struct JobPlan {
  FaultSite fault = FaultSite::kNone;
  uint64_t pick = 0;     // random bits: which page of the range faults
  uint64_t late_us = 0;  // completion delay
  bool hang = false;     // the job is never executed
  uint8_t hwerr_cc = 0;  // nonzero: report this hardware error instead
};

// The key of a request for FaultInjector (its 128 CRB bytes, hashed).
uint64_t request_key(const uint8_t* crb, size_t n);

class FaultInjector {
 public:
  // `seed` nonzero replaces spec.seed.
  void configure(const FaultSpec& spec, uint64_t seed);
  const FaultSpec& spec() const { return spec_; }
  bool residency() const { return spec_.residency; }

  // Whether paste attempt `attempt` is refused as busy.
  bool busy(uint64_t attempt) const;

  // The plan for the `index`th accepted CRB; `request` tells a resubmission
  // from a new request (request_key: the CRB as pasted, its CSB address
  // included, for a driver resubmits the very same CRB). A request gets at
  // most max_inject injected faults in a row, so that a driver that
  // resubmits always gets through in the end. The decisions depend on the
  // seed and the index only, never on addresses: a run replays exactly
  // (the simulated VAS) wherever the allocator put its buffers.
  JobPlan plan(uint64_t index, uint64_t request);

  // Records how the job ended: `injected` if the injected fault was taken,
  // `faulted` for any translation fault; a job that completes resets its count.
  void settle(uint64_t request, bool injected, bool faulted);

 private:
  FaultSpec spec_;
  bool active_ = false;
  std::mutex mu_;
  std::unordered_map<uint64_t, uint32_t> streak_;  // request -> injected faults in a row
};

}  // namespace nxz::emu
