// The fault window: a bounded ring of 128-byte CRB copies, written by the
// engine (as NX pastes a faulting CRB) and drained in order by the handler
// (contract §8, steps 2-3).
//
// Every slot starts invalid, and the reader invalidates each entry after
// reading it, exactly as the kernel does: pswid @76 = 0xFFFFFFFF and the CCW
// word's low bit set. A slot carrying both marks ends a drain. The window has
// one credit per slot; a writer that finds none waits, so no fault is lost.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

#include "nx/nx.h"

namespace nxz::emu {

// What the emulator keeps beside each entry, outside the contract's 128 bytes.
struct FifoMeta {
  pid_t submitter = 0;  // the thread that pasted the faulting CRB
};

class FaultFifo {
 public:
  explicit FaultFifo(uint32_t entries);

  uint32_t size() const { return size_; }

  // Takes a credit and writes `entry` at the write index. paste() waits for a
  // credit (setting *waited); try_paste() returns false instead. *slot and
  // *depth receive the slot written and the unread entries after the write.
  void paste(const nx::Crb& entry, const FifoMeta& meta, bool* waited, uint32_t* slot,
             uint32_t* depth);
  bool try_paste(const nx::Crb& entry, const FifoMeta& meta, uint32_t* slot, uint32_t* depth);

  // Reads the entry at the read index when it is valid, invalidates the
  // slot and advances. The entry's credit stays taken until return_credit().
  bool read_next(nx::Crb* entry, FifoMeta* meta, uint32_t* slot);
  void return_credit();

  uint32_t credits() const;
  uint32_t depth() const;
  uint32_t write_index() const;
  // A copy of the slot `back` places before the write index.
  nx::Crb peek(uint32_t back) const;

  static bool is_invalid(const nx::Crb& e);
  static void invalidate(nx::Crb* e);

 private:
  void write_locked(const nx::Crb& entry, const FifoMeta& meta, uint32_t* slot, uint32_t* depth);

  const uint32_t size_;
  std::unique_ptr<nx::Crb[]> slots_;
  std::unique_ptr<FifoMeta[]> meta_;
  mutable std::mutex mu_;
  std::condition_variable credit_cv_;
  uint32_t write_ = 0;   // next slot to write
  uint32_t read_ = 0;    // next slot to read
  uint32_t unread_ = 0;  // written, not yet read
  uint32_t credits_;     // slots not holding an unhandled entry
};

}  // namespace nxz::emu
