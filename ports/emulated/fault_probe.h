// The emulated engine's view of memory, as an MMU would give it to NX: a page
// that is not resident, not mapped, or not accessible the way the engine
// wants (read, or write) is a translation fault at that page. Injected faults
// (FaultInjector) are added on top.
#pragma once

#include <cstddef>
#include <cstdint>

#include "emulated/engine.h"
#include "emulated/fault_injector.h"

namespace nxz::emu {

// Whether every page of [addr, addr + len) is resident (mincore), mapped and
// readable, and writable when `write`. When not, sets *fault_addr to the
// first byte of the range on the first such page and returns false.
//
// mincore says nothing about protection, and the engine must never take a
// real SIGSEGV: protection comes from the PROCMAP_QUERY ioctl on
// /proc/self/maps (one query per mapping), or where the kernel lacks it from
// process_vm_readv/writev of one byte per resident page (a write copies the
// byte onto itself). Non-resident pages are never accessed here, so checking
// does not make them resident.
// `by_mapping` false forces the page-by-page check (for tests of that path).
bool range_accessible(uint64_t addr, size_t len, bool write, uint64_t* fault_addr,
                      bool by_mapping = true);

// The MemoryProbe handed to execute_crb for one job.
class FaultProbe final : public MemoryProbe {
 public:
  FaultProbe(bool residency, const JobPlan& plan, uint64_t csb_addr)
      : residency_(residency), site_(plan.fault), pick_(plan.pick), csb_(csb_addr) {}

  bool accessible(uint64_t addr, size_t len, bool write, uint64_t* fault_addr) override;
  // Residency and protection only: never an injected fault.
  bool writable_quietly(uint64_t addr, size_t len) override;
  bool accepts_all() const override { return !residency_ && site_ == FaultSite::kNone; }

  // True when the planned injected fault was reported to the engine.
  bool injected() const { return injected_; }

 private:
  FaultSite classify(uint64_t addr, bool write) const;
  // Pages found accessible earlier in this job (the CSB and CPB share one).
  bool verified(uint64_t addr, size_t len, bool write) const;
  void remember(uint64_t addr, size_t len, bool write);

  struct Span {
    uint64_t lo = 0, hi = 0;
    bool write = false;
  };
  static constexpr int kSpans = 4;
  Span verified_[kSpans];
  int next_ = 0;
  bool residency_;
  FaultSite site_;
  uint64_t pick_;
  uint64_t csb_;
  bool injected_ = false;
};

}  // namespace nxz::emu
