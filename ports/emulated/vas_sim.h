// The deterministic simulation of the emulated VAS (issue 15): the engine
// and the fault handler of the simulated instances of one thread run as
// fibers on that thread, and the code that submits and polls runs between
// them. Whenever the poller spins, yields or sleeps (the port's relax and
// pause hooks) the scheduler lets the fibers run, one step at a time, in an
// order drawn from its seed, on a virtual clock: every interleaving of
// paste, completion, fault stamp, handler pass, credit return, timeout and
// close is then one number, replayed exactly.
//
// A fiber runs until it yields; it never yields holding a lock (the poller,
// on the same thread, would block on it for good).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace nxz::emu {

class SimScheduler {
 public:
  // The calling thread's scheduler, made when it has none from the
  // thread's seed (set_sim_seed_for_thread) or else `seed`. Each simulated
  // instance holds one reference; the thread only points at it.
  static std::shared_ptr<SimScheduler> for_thread(uint64_t seed);
  // The calling thread's scheduler if it has one (the port's hooks).
  static SimScheduler* current();

  explicit SimScheduler(uint64_t seed);
  ~SimScheduler();
  SimScheduler(const SimScheduler&) = delete;
  SimScheduler& operator=(const SimScheduler&) = delete;

  // Starts `body` as a fiber owned by `owner`; `body` loops, calling
  // yield(), and returns once stopping(owner).
  void spawn(const void* owner, std::function<void()> body);
  // Ends the fibers of `owner`: each runs until its body returns.
  void stop(const void* owner);
  bool stopping(const void* owner) const;

  // From the poller (not a fiber): `ns` of virtual time pass, and fibers
  // run, as many and in the order the seed says, before it goes on.
  void pass(uint64_t ns);
  // From a fiber: back to the scheduler (one step done).
  void yield();
  bool in_fiber() const { return current_ >= 0; }

  uint64_t now_ns() const { return now_; }
  uint64_t seed() const { return seed_; }
  uint64_t steps() const { return steps_; }

  struct Fiber;

 private:
  uint64_t draw();
  void resume(size_t i);

  uint64_t seed_, rng_;
  uint64_t now_ = 1'000'000'000;  // virtual ns; never 0 (the reclaimer reads 0 as "never")
  uint64_t steps_ = 0;
  int current_ = -1;  // the fiber running, -1: the poller
  std::vector<std::unique_ptr<Fiber>> fibers_;
  std::vector<const void*> stopping_;
};

// The seed the calling thread's simulation starts from, for a campaign
// that runs each seed in a fresh thread (0: the window's own).
void set_sim_seed_for_thread(uint64_t seed);
// False where the library was built without Boost.Context.
bool sim_available();
uint64_t sim_seed_for_thread();

}  // namespace nxz::emu
