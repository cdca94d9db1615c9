// The emulated NX-GZIP engine: executes one CRB the way the hardware does.
//
// It reads only the CRB (given by value), the CPB at CSB + 16, the DDE lists
// and the memory they describe; it writes only the target memory, the CPB
// output area and the CSB, the CSB last and its valid byte last of all with
// release ordering (contract §2). It never reaches into library state.
//
// Translation faults: before touching memory the engine asks a MemoryProbe
// whether each page is accessible. A page that is not makes the job stop
// without writing the CSB and report the fault to its caller (the emulated
// VAS), which reports it to software as the kernel does (contract §8).
#pragma once

#include <cstddef>
#include <cstdint>

#include "nx/nx.h"

namespace nxz::emu {

struct EngineConfig {
  uint32_t limit_high = 0;  // byte-count limit registers (§6); 0 = none
  uint32_t limit_low = 0;
  bool priority_queued = false;  // the low limit applies to every job
  uint32_t dde_limit = nx::kMaxDdeCount;
};

// Decides whether the engine may access memory. The default accepts all.
class MemoryProbe {
 public:
  virtual ~MemoryProbe() = default;
  // Returns true when [addr, addr + len) may be accessed (written when
  // `write`); otherwise sets *fault_addr to the first inaccessible address.
  virtual bool accessible(uint64_t addr, size_t len, bool write, uint64_t* fault_addr) = 0;
};

struct Outcome {
  bool faulted = false;  // true: no CSB written; retry after handling
  uint64_t fault_addr = 0;
  bool fault_write = false;
};

// Executes the CRB. Without a fault, the CSB is valid on return.
Outcome execute_crb(const nx::Crb& crb, const EngineConfig& cfg, MemoryProbe* probe = nullptr);

}  // namespace nxz::emu
