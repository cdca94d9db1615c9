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

#include "emulated/deflate_core.h"
#include "nx/nx.h"

namespace nxz::emu {

struct EngineConfig {
  uint32_t limit_high = 0;  // byte-count limit registers (§6); 0 = none
  uint32_t limit_low = 0;
  bool priority_queued = false;  // the low limit applies to every job
  uint32_t dde_limit = nx::kMaxDdeCount;
  MatchEffort effort = MatchEffort::kLazy;  // compression's parse (deflate_core.h)
};

// Decides whether the engine may access memory. The default accepts all.
class MemoryProbe {
 public:
  virtual ~MemoryProbe() = default;
  // Returns true when [addr, addr + len) may be accessed (written when
  // `write`); otherwise sets *fault_addr to the first inaccessible address.
  virtual bool accessible(uint64_t addr, size_t len, bool write, uint64_t* fault_addr) = 0;
  // Whether [addr, addr + len) may be written for a store that no program
  // may rely on (junk past tpbc, see execute_crb): a page that says no is
  // skipped, not reported, so such stores never cause a fault or make a
  // page resident. The default asks accessible().
  virtual bool writable_quietly(uint64_t addr, size_t len) {
    uint64_t ignored = 0;
    return accessible(addr, len, true, &ignored);
  }
  // True when accessible() will answer yes to everything in this job (no
  // residency model, no planned fault): the engine may then write its
  // output straight into a target of one segment.
  virtual bool accepts_all() const { return false; }
};

// How many target bytes past tpbc (or from the start, after a termination)
// receive junk: enough to cover every read-ahead and over-store a driver
// could be tempted to rely on, small enough to cost nothing per job.
inline constexpr size_t kJunkBytes = 64;

struct Outcome {
  bool faulted = false;  // true: no CSB written; retry after handling
  uint64_t fault_addr = 0;
  bool fault_write = false;
};

// The 16 bytes of a CSB (§2) with the valid byte clear: flags and cs 0, the
// completion code and extension, tpbc and the address, big-endian.
void csb_image(uint8_t out[nx::kCsbSize], uint8_t cc, uint8_t ce, uint32_t tpbc, uint64_t addr);

// Writes a CSB as NX does (§2): bytes 1..15 first, then the valid byte with
// release ordering, so a reader that sees it valid sees everything else.
void write_csb(uint64_t csb_addr, uint8_t cc, uint8_t ce, uint32_t tpbc, uint64_t addr);

// Executes the CRB. Without a fault, the CSB is valid on return.
//
// Target bytes: a request may change any byte of its target; only
// [0, tpbc) is meaningful, and for compression only the low out_tebc bits
// of the last of them (contract §4, §5: NX documents nothing else). So that
// no caller comes to rely on more, the engine stores seeded junk (a pure
// function of the CSB address and a job counter) in the bits above tebc
// and, for compression and decompression, in up to kJunkBytes target bytes
// after tpbc, or at the start of the target when the job ends with
// termination (tpbc not valid, e.g. cc 13). Wrap (0x1e) is a plain copy
// and changes nothing past tpbc. Junk goes only to pages the probe finds
// writable without a fault (MemoryProbe::writable_quietly).
Outcome execute_crb(const nx::Crb& crb, const EngineConfig& cfg, MemoryProbe* probe = nullptr);

}  // namespace nxz::emu
