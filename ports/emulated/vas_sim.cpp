#include "emulated/vas_sim.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#if NXZ_HAVE_SIM
#include <boost/context/fiber.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>

namespace nxz::emu {
namespace ctx = boost::context;

bool sim_available() { return true; }

namespace {
thread_local SimScheduler* t_scheduler = nullptr;
thread_local std::weak_ptr<SimScheduler> t_owner;
thread_local uint64_t t_seed = 0;

// The engine's decoders and encoders keep tables on the stack: 1 MiB, and a
// guard page below it so that an overflow faults instead of corrupting.
constexpr size_t kStack = 1 << 20;

uint64_t splitmix(uint64_t* x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
}  // namespace

struct SimScheduler::Fiber {
  const void* owner;
  ctx::fiber self;  // resumes the fiber
  ctx::fiber back;  // inside it: resumes the scheduler
  bool done = false;
};

void set_sim_seed_for_thread(uint64_t seed) { t_seed = seed; }
uint64_t sim_seed_for_thread() { return t_seed; }

std::shared_ptr<SimScheduler> SimScheduler::for_thread(uint64_t seed) {
  if (auto s = t_owner.lock()) return s;
  auto s = std::make_shared<SimScheduler>(t_seed ? t_seed : seed);
  t_owner = s;
  t_scheduler = s.get();
  return s;
}

SimScheduler* SimScheduler::current() { return t_scheduler; }

SimScheduler::SimScheduler(uint64_t seed) : seed_(seed), rng_(seed) {}

SimScheduler::~SimScheduler() {
  while (!fibers_.empty()) stop(fibers_.front()->owner);
  if (t_scheduler == this) t_scheduler = nullptr;
}

void SimScheduler::spawn(const void* owner, std::function<void()> body) {
  auto f = std::make_unique<Fiber>();
  f->owner = owner;
  Fiber* raw = f.get();
  f->self = ctx::fiber(std::allocator_arg, ctx::protected_fixedsize_stack(kStack),
                       [raw, body = std::move(body)](ctx::fiber&& back) {
                         raw->back = std::move(back);
                         body();
                         raw->done = true;
                         return std::move(raw->back);
                       });
  fibers_.push_back(std::move(f));
}

bool SimScheduler::stopping(const void* owner) const {
  return std::find(stopping_.begin(), stopping_.end(), owner) != stopping_.end();
}

void SimScheduler::stop(const void* owner) {
  if (in_fiber()) std::abort();  // a fiber ending its own instance: a bug
  stopping_.push_back(owner);
  for (size_t i = 0; i < fibers_.size(); ++i) {
    while (fibers_[i]->owner == owner && !fibers_[i]->done) resume(i);
  }
  std::erase_if(fibers_, [owner](const auto& f) { return f->owner == owner; });
  std::erase(stopping_, owner);
}

void SimScheduler::resume(size_t i) {
  current_ = static_cast<int>(i);
  Fiber* f = fibers_[i].get();
  f->self = std::move(f->self).resume();
  current_ = -1;
  ++steps_;
}

uint64_t SimScheduler::draw() { return splitmix(&rng_); }

void SimScheduler::pass(uint64_t ns) {
  now_ += ns;
  if (in_fiber() || fibers_.empty()) return;
  // The poller goes on with probability 1/3 at each draw: most passes run
  // a step or two of the fibers, some run none, a few run many.
  for (;;) {
    const uint64_t r = draw();
    if (r % 3 == 0) return;
    resume(static_cast<size_t>((r >> 8) % fibers_.size()));
    now_ += 50;  // a step of the engine or the handler
  }
}

void SimScheduler::yield() {
  if (!in_fiber()) return;
  Fiber* f = fibers_[static_cast<size_t>(current_)].get();
  f->back = std::move(f->back).resume();
}

}  // namespace nxz::emu

#else  // no Boost.Context: emulated_open refuses simulated windows

namespace nxz::emu {
namespace {
thread_local uint64_t t_seed = 0;
}
bool sim_available() { return false; }
void set_sim_seed_for_thread(uint64_t seed) { t_seed = seed; }
uint64_t sim_seed_for_thread() { return t_seed; }
struct SimScheduler::Fiber {};
std::shared_ptr<SimScheduler> SimScheduler::for_thread(uint64_t) { std::abort(); }
SimScheduler* SimScheduler::current() { return nullptr; }
SimScheduler::SimScheduler(uint64_t seed) : seed_(seed), rng_(seed) {}
SimScheduler::~SimScheduler() = default;
void SimScheduler::spawn(const void*, std::function<void()>) { std::abort(); }
void SimScheduler::stop(const void*) {}
bool SimScheduler::stopping(const void*) const { return true; }
void SimScheduler::pass(uint64_t) {}
void SimScheduler::yield() {}
uint64_t SimScheduler::draw() { return 0; }
void SimScheduler::resume(size_t) {}
}  // namespace nxz::emu

#endif
