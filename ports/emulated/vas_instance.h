// One emulated VAS instance (contract §8): the send windows attached to it,
// an engine thread that runs their CRBs in paste order, and a fault window
// whose FIFO a handler thread drains.
//
// Why a thread and not a fiber stepped by the poller: the driver polls the
// CSB in plain memory and must not need a hook into the emulator to make
// progress, exactly as on hardware; a thread completes jobs while the caller
// spins, sleeps or does other work, so the driver's ordering and timeout
// paths are exercised for real. A synchronous mode runs each CRB inside
// paste (and handles its fault there) for single-threaded speed. A
// simulated mode runs the engine and the handler as fibers of the opening
// thread under a seeded scheduler (vas_sim.h), for replayable interleavings.
//
// Windows whose settings agree on the instance-level ones (FIFO size,
// synchronous) share an instance; it lives while any of its windows is open.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "emulated/vas_fault_fifo.h"
#include "emulated/vas_sim.h"
#include "emulated/vas_stats.h"
#include "emulated/vas_window.h"
#include "nx/nx.h"

namespace nxz::emu {

inline constexpr uint32_t kDefaultFifoEntries = 1024;
inline constexpr uint32_t kMaxFifoEntries = 32768;  // 4 MiB, the kernel's

struct VasKey {
  uint32_t fifo_entries = kDefaultFifoEntries;
  bool synchronous = false;
  uint64_t sim_seed = 0;  // nonzero: simulated, on thread sim_thread only
  pid_t sim_thread = 0;
  bool operator==(const VasKey&) const = default;
};

// The calling thread's id (cached; reset in a forked child).
pid_t current_tid();

class VasInstance {
 public:
  // Returns the live instance for `key`, creating it if needed; each call
  // must be balanced by release().
  static VasInstance* acquire(const VasKey& key);
  static void release(VasInstance* vas);

  // Gives `w` its pswid and its full credits and makes it findable by id.
  void attach(SendWindow* w);
  // NXZ_PASTE_ACCEPTED or NXZ_PASTE_BUSY. The CRB is copied.
  int paste(SendWindow* w, const nx::Crb& crb);
  // Refuses further pastes, waits until every credit of `w` is back (hung
  // ones excepted, which it reclaims), warning periodically, and detaches it.
  void close(SendWindow* w);

  bool synchronous() const { return key_.synchronous; }
  void pause(unsigned parts, bool paused);
  void step(uint32_t jobs);
  // NX's paste of a fault CRB into the fault window, then the interrupt.
  void paste_fault(const nx::Crb& entry, const FifoMeta& meta);

  const FaultFifo& fifo() const { return fifo_; }
  VasCounters& counters() { return counters_; }
  // Credits available and hung for `w`, read consistently.
  void credit_snapshot(const SendWindow* w, uint32_t* available, uint32_t* hung);

 private:
  explicit VasInstance(const VasKey& key);
  ~VasInstance();

  struct Job {
    nx::Crb crb;  // copied at paste
    SendWindow* win;
    pid_t submitter;
    uint64_t index;  // the window's accepted-CRB count before this one
  };
  enum class End { kCompleted, kFaulted, kHung };

  // Engine side (vas_instance.cpp).
  void engine_loop();
  void sim_engine_loop();
  End run_job(const Job& job);
  void finish_locked(SendWindow* w, End end);
  void give_back_locked(SendWindow* w);

  // Handler side (vas_handler.cpp).
  void raise_interrupt();
  void handler_loop();
  void sim_handler_loop();
  void drain();
  void handle_entry(const nx::Crb& entry, const FifoMeta& meta, uint32_t slot);

  const VasKey key_;
  const uint32_t generation_;  // fork generation it was created in
  const bool trace_;
  VasCounters counters_;
  FaultFifo fifo_;
  int refs_ = 0;  // under the registry lock

  // Windows, credits, the job queue and the engine's state.
  std::mutex mu_;
  std::condition_variable engine_cv_;
  std::condition_variable close_cv_;
  std::unordered_map<uint32_t, SendWindow*> windows_;
  std::deque<Job> queue_;
  bool engine_paused_ = false;
  uint32_t step_budget_ = 0;
  bool stop_ = false;

  // The interrupt line to the handler.
  std::mutex irq_mu_;
  std::condition_variable irq_cv_;
  bool irq_pending_ = false;
  bool handler_paused_ = false;
  bool stop_handler_ = false;
  std::mutex drain_mu_;  // one drainer at a time (synchronous mode: any paster)

  std::thread engine_;
  std::thread handler_;
  std::shared_ptr<SimScheduler> sim_;  // simulated mode: the fibers' scheduler
};

}  // namespace nxz::emu
