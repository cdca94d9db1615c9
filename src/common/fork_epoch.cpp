#include "common/fork_epoch.h"

#include <pthread.h>

#include <atomic>

namespace nxz {

namespace {

std::atomic<uint64_t> g_epoch{0};

void on_fork_child() { g_epoch.fetch_add(1, std::memory_order_relaxed); }

// Registered when the library loads, so a fork before the first window still
// moves the child to a new epoch.
[[maybe_unused]] const int g_registered = pthread_atfork(nullptr, nullptr, on_fork_child);

}  // namespace

uint64_t fork_epoch() { return g_epoch.load(std::memory_order_relaxed); }

}  // namespace nxz
