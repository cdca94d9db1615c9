#include "emulated/vas_sim.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#if NXZ_HAVE_SIM
#include <boost/context/fiber.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define NXZ_ASAN_FIBERS 1
#endif

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
  // AddressSanitizer must be told of every stack switch (else it takes the
  // other stack's frames for overflows): the fiber's stack, and the
  // scheduler's as seen when the fiber was last entered.
  const void* stack_bottom = nullptr;
  size_t stack_size = 0;
  const void* back_bottom = nullptr;
  size_t back_size = 0;
};

namespace {

// protected_fixedsize_stack that remembers where the stack is.
struct RecordingStack {
  ctx::protected_fixedsize_stack inner{kStack};
  SimScheduler::Fiber* f;
  ctx::stack_context allocate() {
    ctx::stack_context sc = inner.allocate();
    f->stack_bottom = static_cast<char*>(sc.sp) - sc.size;
    f->stack_size = sc.size;
    return sc;
  }
  void deallocate(ctx::stack_context& sc) noexcept { inner.deallocate(sc); }
};

// Entering a stack: `save` keeps the leaving one's fake frames (null when
// the leaving fiber ends).
void switch_begin([[maybe_unused]] void** save, [[maybe_unused]] const void* bottom,
                  [[maybe_unused]] size_t size) {
#if NXZ_ASAN_FIBERS
  __sanitizer_start_switch_fiber(save, bottom, size);
#endif
}
// Arrived: `from_bottom`/`from_size` receive the stack just left.
void switch_end([[maybe_unused]] void* saved, [[maybe_unused]] const void** from_bottom,
                [[maybe_unused]] size_t* from_size) {
#if NXZ_ASAN_FIBERS
  __sanitizer_finish_switch_fiber(saved, from_bottom, from_size);
#endif
}

}  // namespace

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
  f->self = ctx::fiber(std::allocator_arg, RecordingStack{{kStack}, raw},
                       [raw, body = std::move(body)](ctx::fiber&& back) {
                         switch_end(nullptr, &raw->back_bottom, &raw->back_size);
                         raw->back = std::move(back);
                         body();
                         raw->done = true;
                         switch_begin(nullptr, raw->back_bottom, raw->back_size);
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
  void* saved = nullptr;
  switch_begin(&saved, f->stack_bottom, f->stack_size);
  f->self = std::move(f->self).resume();
  switch_end(saved, nullptr, nullptr);
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
  void* saved = nullptr;
  switch_begin(&saved, f->back_bottom, f->back_size);
  f->back = std::move(f->back).resume();
  switch_end(saved, &f->back_bottom, &f->back_size);
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
