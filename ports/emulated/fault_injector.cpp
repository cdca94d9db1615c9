#include "emulated/fault_injector.h"

#include "nx/nx.h"

namespace nxz::emu {
namespace {

// Hardware errors reported when hwerr= names no code: watchdog, internal
// error, uncorrectable error (contract §7).
constexpr uint8_t kDefaultHwErrors[] = {nx::kCcWatchdog, nx::kCcInternalError,
                                        nx::kCcUncorrectable};

// A request abandoned by its driver leaves its streak behind; the map is
// cleared when it grows past this, which at worst allows a few more faults.
constexpr size_t kMaxStreaks = 4096;

}  // namespace

uint64_t request_key(const uint8_t* crb, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
  for (size_t i = 0; i < n; ++i) h = (h ^ crb[i]) * 0x100000001b3ull;
  return h;
}

void FaultInjector::configure(const FaultSpec& spec, uint64_t seed) {
  spec_ = spec;
  if (seed) spec_.seed = seed;
  active_ = spec_.injects();
}

bool FaultInjector::busy(uint64_t attempt) const {
  uint64_t arg;
  return active_ &&
         rule_fires(spec_.rule(FaultKind::kBusy), spec_.seed, FaultKind::kBusy, attempt, &arg);
}

JobPlan FaultInjector::plan(uint64_t index, uint64_t request) {
  JobPlan p;
  if (!active_) return p;
  const uint64_t seed = spec_.seed;
  uint64_t arg = 0;
  if (rule_fires(spec_.rule(FaultKind::kLate), seed, FaultKind::kLate, index, &arg))
    p.late_us = arg;
  if (rule_fires(spec_.rule(FaultKind::kHang), seed, FaultKind::kHang, index, &arg)) {
    p.hang = true;
    return p;
  }
  const uint64_t h = fault_hash(seed ^ 0x5eed, index, 0);
  if (rule_fires(spec_.rule(FaultKind::kHwerr), seed, FaultKind::kHwerr, index, &arg)) {
    p.hwerr_cc = arg ? static_cast<uint8_t>(arg) : kDefaultHwErrors[h % 3];
    p.pick = h;  // where a memory error (cc 7) says it failed
    return p;
  }
  struct SiteRule {
    FaultKind kind;
    FaultSite site;
  };
  static constexpr SiteRule kSites[] = {{FaultKind::kFaultSrc, FaultSite::kSource},
                                        {FaultKind::kFaultDst, FaultSite::kTarget},
                                        {FaultKind::kFaultCsb, FaultSite::kCsb}};
  for (const SiteRule& s : kSites) {
    if (rule_fires(spec_.rule(s.kind), seed, s.kind, index, &arg)) {
      p.fault = s.site;
      break;
    }
  }
  if (p.fault == FaultSite::kNone &&
      rule_fires(spec_.rule(FaultKind::kFault), seed, FaultKind::kFault, index, &arg))
    p.fault = static_cast<FaultSite>(1 + (h >> 8) % 3);
  if (p.fault != FaultSite::kNone) {
    std::lock_guard lk(mu_);
    auto it = streak_.find(request);
    if (it != streak_.end() && it->second >= spec_.max_inject) p.fault = FaultSite::kNone;
    if (spec_.max_inject == 0) p.fault = FaultSite::kNone;
  }
  p.pick = h;
  return p;
}

void FaultInjector::settle(uint64_t request, bool injected, bool faulted) {
  if (!active_) return;
  std::lock_guard lk(mu_);
  if (injected) {
    if (streak_.size() >= kMaxStreaks) streak_.clear();
    ++streak_[request];
  } else if (!faulted) {
    streak_.erase(request);
  }
}

}  // namespace nxz::emu
