// The fault-injection specification of the emulated port (NXZ_EMU_FAULTS or
// nxz_emu_config::faults) and the seeded decisions it implies.
//
// Syntax: comma-separated items, each `name=value` (a rate per event) or
// `name@index` (exactly at that event), optionally followed by `:arg`.
//   seed=N                      seed of every decision (default 0)
//   fault=R | fault@N           translation fault on a source, target or CSB page
//   fault_src= / fault_dst= / fault_csb=   the same, on that kind of page only
//   busy=R | busy@N             paste refused although a credit is left
//   late=R:DUR | late@N:DUR     completion delayed by DUR (e.g. 200us, 5ms, 1s;
//                               a bare number is microseconds; default 100us)
//   hang=R | hang@N             the valid bit never comes
//   hwerr=R[:CC] | hwerr@N[:CC] the CSB reports hardware error CC (default: one
//                               of 224 watchdog, 10 internal, 253 uncorrectable)
//   maxinject=K                 at most K injected faults in a row on one CSB
//                               before the job is let through (default 4)
//   residency=on|off            page residency faults (mincore); default on
//   sim=N                       the deterministic simulation with seed N (as
//                               nxz_emu_config::sim_seed; not a fault itself)
// A rate R is a fraction (0.05) or a percentage (5%). Event indexes count per
// window from 0: pastes for busy=, accepted CRBs for everything else.
// Decisions are a pure function of (seed, kind, index): a run is reproduced by
// the same seed and the same sequence of pastes on each window.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nxz::emu {

enum class FaultKind : uint32_t {
  kFault,
  kFaultSrc,
  kFaultDst,
  kFaultCsb,
  kBusy,
  kLate,
  kHang,
  kHwerr,
  kCount
};

struct FaultRule {
  double rate = 0;
  uint64_t rate_arg = 0;                          // argument for rate hits
  std::vector<std::pair<uint64_t, uint64_t>> at;  // (event index, argument)

  bool empty() const { return rate <= 0 && at.empty(); }
};

struct FaultSpec {
  uint64_t seed = 0;
  FaultRule rules[static_cast<size_t>(FaultKind::kCount)];
  uint32_t max_inject = 4;
  bool residency = true;
  uint64_t sim_seed = 0;

  const FaultRule& rule(FaultKind k) const { return rules[static_cast<size_t>(k)]; }
  FaultRule& rule(FaultKind k) { return rules[static_cast<size_t>(k)]; }
  // True when some item can inject anything.
  bool injects() const;
};

// Parses `text` into *out (which starts from the defaults). On error returns
// false and describes the offending item in *err.
bool parse_fault_spec(std::string_view text, FaultSpec* out, std::string* err);

// Whether `rule` fires for event `index`; *arg receives its argument.
bool rule_fires(const FaultRule& rule, uint64_t seed, FaultKind kind, uint64_t index,
                uint64_t* arg);

// A well-mixed 64-bit hash of its inputs, for seeded decisions.
uint64_t fault_hash(uint64_t seed, uint64_t a, uint64_t b);

}  // namespace nxz::emu
