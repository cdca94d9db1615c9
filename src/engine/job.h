// One accelerator request and its submission: builds the CRB and DDE lists
// from memory pieces, pastes (retrying a busy window), polls the CSB (spin,
// then yield, then sleep, up to a timeout), and resolves translation faults
// by touching pages and resubmitting (contract §8.7, §9). Identical for
// every port: nothing here knows whether the window is real or emulated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/abandoned.h"
#include "nx/nx.h"
#include "nxz/accel.h"

namespace nxz::engine {

struct Piece {
  const void* p;
  size_t n;
};

struct DriverConfig {
  uint64_t timeout_ns = 60ull * 1000 * 1000 * 1000;  // per request (NXZ_TIMEOUT_MS)
  int max_faults = 64;  // faults on one request before the caller must shrink it
};

// The process-wide settings, from the environment on first use.
const DriverConfig& default_config();

enum class JobStatus {
  kComplete,     // the CSB is valid and is not a fault: read cc and the CPB
  kFaultLimit,   // faults kept coming: shrink the request and try again
  kTimeout,      // no valid CSB within the timeout; the request is abandoned
  kPasteFailed,  // the window refused every paste until the timeout
};

class Job {
 public:
  static constexpr int kMaxPieces = 255;
  // A DDE list starts with room for this many entries and grows to what a
  // request names (most name 2 to 4 pieces), not to kMaxPieces: a request
  // that times out keeps its lists for as long as it may still run.
  static constexpr int kListFirst = 8;

  Job(nxz_window* w, const DriverConfig& cfg = default_config());
  ~Job();
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;

  nx::Cpb& cpb() { return rb_->cpb; }
  const nx::Csb& csb() const { return rb_->csb; }

  // Pieces of zero length are skipped; at most kMaxPieces non-empty ones.
  //
  // A request may change any byte of its target; only [0, tpbc) is
  // meaningful, and of a compression job's last byte only the low out_tebc
  // bits (contract §4). After a termination (cc 13 included) no byte is.
  // So never give a target that overlaps data still needed, and never read
  // target bytes past tpbc expecting what was there before.
  void set_source(const Piece* pieces, int n);
  void set_target(const Piece* pieces, int n);

  // Runs the request with function code `fc`. CPB inputs must be set first;
  // the CSB and the out_spbc word are cleared here.
  JobStatus run(uint8_t fc);

  // Convenience accessors valid after kComplete.
  uint8_t cc() const { return rb_->csb.cc(); }
  bool terminated() const { return rb_->csb.ce() & nx::kCeTermination; }
  uint32_t tpbc() const { return rb_->csb.tpbc(); }

  // A request timed out (kTimeout) since this job was made: its target may
  // still be written by the accelerator at any time, so whoever owns that
  // memory must never reuse or free it.
  bool abandoned_target() const { return abandoned_ != nullptr; }
  // The last request that timed out, for whoever holds memory it may write
  // (hold, when_over); null when none did.
  const AbandonedRef& abandoned() const { return abandoned_; }

 private:
  struct List {
    nx::Dde* dde;  // cap entries, 16-aligned
    int cap = 0;
    Piece pieces[kMaxPieces];
    int n = 0;
    size_t total = 0;
  };
  static void fill(List& l, const Piece* pieces, int n);
  static size_t list_bytes(const List& l) { return sizeof(nx::Dde) * l.cap; }
  void build_dde(nx::Dde& d, List& l);
  int paste_once(uint8_t fc);  // nxz_accel_paste's answer
  bool wait_valid(uint64_t deadline_ns);
  void touch_after_fault(uint64_t addr, bool first_fault);
  void replace_block();  // after a timeout the old block may still be written
  // The port's clock and its way to let time pass (a simulated port has its own).
  uint64_t clock() const;
  void pause(uint64_t ns) const;

  nxz_window* w_;
  const DriverConfig& cfg_;
  nx::RequestBlock* rb_;
  List src_, dst_;
  AbandonedRef abandoned_;
};

// A request's block and DDE lists as Job allocates them (abandoned.cpp frees
// those of timed-out requests).
void free_block(nx::RequestBlock* rb);
void free_list(nx::Dde* list);

// Largest source (history included) one request on `w` should carry: 1 MiB,
// or less where the platform says so (contract §6: PowerVM, sysfs).
size_t max_request_bytes(nxz_window* w);

// Monotonic clock in nanoseconds.
uint64_t now_ns();

}  // namespace nxz::engine
