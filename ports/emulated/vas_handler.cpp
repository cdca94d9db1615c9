// The kernel's side of contract §8 (steps 3-6): the fault interrupt, the
// handler thread that drains the fault FIFO, the CSB it writes and the
// credits it returns.
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "emulated/engine.h"
#include "emulated/vas_instance.h"
#include "emulated/vas_log.h"
#include "emulated/vas_signal.h"

namespace nxz::emu {
namespace {

// §8 step 4: all 16 bytes with the valid byte clear, a full barrier, then the
// valid byte. The first write goes through process_vm_writev so that a CSB
// the process cannot write is detected (EFAULT) instead of crashing here,
// just as the kernel's copy to user memory fails.
bool write_fault_csb(uint64_t csb_addr, uint64_t fault_addr) {
  uint8_t image[nx::kCsbSize];
  csb_image(image, nx::kCcTranslation, nx::kCeTermination, 0, fault_addr);
  iovec local{image, sizeof image};
  iovec remote{reinterpret_cast<void*>(static_cast<uintptr_t>(csb_addr)), sizeof image};
  const ssize_t n = process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
  if (n != static_cast<ssize_t>(sizeof image)) {
    if (n >= 0 || errno == EFAULT) return false;
    // process_vm_writev not permitted (seccomp): write directly, unchecked.
    std::memcpy(remote.iov_base, image, sizeof image);
  }
  std::atomic_thread_fence(std::memory_order_seq_cst);
  reinterpret_cast<std::atomic<uint8_t>*>(remote.iov_base)
      ->store(nx::kCsbValid, std::memory_order_release);
  return true;
}

}  // namespace

void VasInstance::raise_interrupt() {
  count(counters_, &VasCounters::interrupts);
  if (key_.synchronous) {
    drain();
    return;
  }
  {
    std::lock_guard lk(irq_mu_);
    irq_pending_ = true;
  }
  irq_cv_.notify_one();
}

void VasInstance::handler_loop() {
  for (;;) {
    {
      std::unique_lock lk(irq_mu_);
      irq_cv_.wait(lk, [this] { return (irq_pending_ && !handler_paused_) || stop_handler_; });
      if (!irq_pending_ && stop_handler_) return;
      // An interrupt raised while the pass below runs sets the flag again and
      // causes one more pass: absorbed, never lost.
      irq_pending_ = false;
    }
    count(counters_, &VasCounters::handler_passes);
    drain();
  }
}

// The simulated handler: a pass per interrupt, one step per FIFO entry.
void VasInstance::sim_handler_loop() {
  while (!sim_->stopping(this)) {
    bool go = false;
    {
      std::lock_guard lk(irq_mu_);
      go = irq_pending_ && !handler_paused_;
      if (go) irq_pending_ = false;
    }
    sim_->yield();
    if (!go) continue;
    count(counters_, &VasCounters::handler_passes);
    for (;;) {
      nx::Crb entry;
      FifoMeta meta;
      uint32_t slot = 0;
      bool got = false;
      {
        std::lock_guard dl(drain_mu_);
        got = fifo_.read_next(&entry, &meta, &slot);
      }
      if (!got) break;
      handle_entry(entry, meta, slot);
      sim_->yield();
    }
  }
}

void VasInstance::drain() {
  std::lock_guard dl(drain_mu_);
  nx::Crb entry;
  FifoMeta meta;
  uint32_t slot = 0;
  while (fifo_.read_next(&entry, &meta, &slot)) handle_entry(entry, meta, slot);
}

void VasInstance::handle_entry(const nx::Crb& entry, const FifoMeta& meta, uint32_t slot) {
  const uint32_t pswid = nx::load_be32(entry.raw + nx::kStampPswid);
  const uint64_t csb = entry.csb_address();
  const uint64_t addr = nx::load_be64(entry.raw + nx::kStampFaultAddr);
  if (trace_) {
    vas_trace("fifo read=%u next=%u pswid=%u csb=0x%llx addr=0x%llx", slot,
              (slot + 1) % fifo_.size(), pswid, static_cast<unsigned long long>(csb),
              static_cast<unsigned long long>(addr));
  }
  SendWindow* w = nullptr;
  bool closing = false;
  {
    std::lock_guard lk(mu_);
    if (auto it = windows_.find(pswid); it != windows_.end()) {
      w = it->second;
      closing = w->closing;
    }
  }
  if (!w) {
    // Counted last: whoever sees the count finds the log line written and
    // the fault-window credit back.
    vas_warn(&counters_.warnings, "fault CRB for unknown window %u (csb 0x%llx) dropped", pswid,
             static_cast<unsigned long long>(csb));
    fifo_.return_credit();
    count(counters_, &VasCounters::dropped_unknown);
    return;
  }
  // The window cannot go away here: the fault still holds one of its credits.
  if (closing) {
    count(counters_, &VasCounters::csb_skipped);
  } else if (!write_fault_csb(csb, addr)) {
    count(counters_, &VasCounters::csb_write_failures);
    vas_warn(&counters_.warnings, "window %u: CSB at 0x%llx not writable: SIGSEGV to thread %d",
             pswid, static_cast<unsigned long long>(csb), static_cast<int>(meta.submitter));
    deliver_sigsegv(meta.submitter, w->opener, csb);
  }
  {
    std::lock_guard lk(mu_);
    give_back_locked(w);  // may let close() free the window: not touched after this
  }
  fifo_.return_credit();
  count(counters_, &VasCounters::faults_handled);  // last: both credits are back
}

}  // namespace nxz::emu
