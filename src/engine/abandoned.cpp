#include "engine/abandoned.h"

#include <pthread.h>
#include <sys/mman.h>

#include <atomic>
#include <mutex>

#include "engine/job.h"

namespace nxz::engine {

class Abandoned {
 public:
  nx::RequestBlock* rb = nullptr;
  nx::Dde* lists[2] = {nullptr, nullptr};
  std::vector<std::vector<uint8_t>> buffers;
  std::vector<std::function<void()>> releases;
  uint64_t bytes = 0, buffer_bytes = 0;
  bool over = false;  // under the registry's mutex

  bool csb_valid() const {
    const auto* v = reinterpret_cast<const std::atomic<uint8_t>*>(&rb->csb.raw[0]);
    return v->load(std::memory_order_acquire) & nx::kCsbValid;
  }

  // Only once the request is over and no longer listed.
  void free_all() {
    free_block(rb);
    rb = nullptr;
    for (nx::Dde*& l : lists) {
      if (l) free_list(l);
      l = nullptr;
    }
    buffers.clear();
    buffers.shrink_to_fit();
    for (auto& r : releases) r();
    releases.clear();
  }
};

namespace {

struct Registry {
  Registry* inherited = nullptr;  // a forked parent's, kept reachable
  std::mutex mu;
  std::vector<void*> forever;      // keep_forever's
  std::vector<AbandonedRef> live;  // not yet seen complete
  uint64_t bytes_held = 0, buffer_bytes = 0;
  uint64_t reclaimed = 0;
};

Registry* g_registry = new Registry;  // never destroyed: late work may outlive exit handlers
std::atomic<uint64_t> g_outstanding{0};
std::atomic<uint64_t> g_last_scan{0};

// A forked child starts with an empty registry: the parent's requests write
// the parent's memory, so the child's copies never turn valid, and the old
// registry's mutex may have been held by a thread the child does not have.
void fresh_registry_in_child() {
  auto* fresh = new Registry;
  fresh->inherited = g_registry;
  g_registry = fresh;
  g_outstanding.store(0, std::memory_order_relaxed);
}

[[maybe_unused]] const int g_atfork = pthread_atfork(nullptr, nullptr, fresh_registry_in_child);

}  // namespace

void drop_pages(void* p, size_t n) {
  const uintptr_t ps = nx::page_size();
  // The first bytes of a block may hold the allocator's own bookkeeping
  // once it is freed; leave them, and any page shared with a neighbour.
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + 64 + ps - 1) & ~(ps - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + n) & ~(ps - 1);
  // Best effort: a locked or shared mapping may refuse, and keeps its pages.
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

void keep_forever(void* p, size_t n) {
  drop_pages(p, n);
  Registry& g = *g_registry;
  std::lock_guard<std::mutex> lock(g.mu);
  g.forever.push_back(p);
}

AbandonedRef abandon(nx::RequestBlock* rb, nx::Dde* src_list, size_t src_bytes, nx::Dde* dst_list,
                     size_t dst_bytes) {
  auto r = std::make_shared<Abandoned>();
  r->rb = rb;
  r->lists[0] = src_list;
  r->lists[1] = dst_list;
  r->bytes = sizeof *rb + src_bytes + dst_bytes;
  Registry& g = *g_registry;
  std::lock_guard<std::mutex> lock(g.mu);
  g.live.push_back(r);
  g.bytes_held += r->bytes;
  g_outstanding.fetch_add(1, std::memory_order_relaxed);
  return r;
}

void hold(const AbandonedRef& r, std::vector<uint8_t>&& buffer) {
  if (!r) return;  // nothing may write it: freed here
  drop_pages(buffer.data(), buffer.capacity());
  Registry& g = *g_registry;
  std::unique_lock<std::mutex> lock(g.mu);
  if (r->over) return;  // `buffer` goes when this returns
  r->bytes += buffer.capacity();
  r->buffer_bytes += buffer.capacity();
  g.bytes_held += buffer.capacity();
  g.buffer_bytes += buffer.capacity();
  r->buffers.push_back(std::move(buffer));
}

void when_over(const AbandonedRef& r, std::function<void()> release) {
  if (r) {
    Registry& g = *g_registry;
    std::unique_lock<std::mutex> lock(g.mu);
    if (!r->over) {
      r->releases.push_back(std::move(release));
      return;
    }
  }
  release();
}

void reclaim_abandoned(uint64_t now_ns, uint64_t every_ns) {
  if (g_outstanding.load(std::memory_order_relaxed) == 0) return;
  uint64_t last = g_last_scan.load(std::memory_order_relaxed);
  if (now_ns - last < every_ns && last != 0) return;
  if (!g_last_scan.compare_exchange_strong(last, now_ns, std::memory_order_relaxed)) return;
  std::vector<AbandonedRef> done;
  {
    Registry& g = *g_registry;
    std::lock_guard<std::mutex> lock(g.mu);
    auto keep = g.live.begin();
    for (auto& r : g.live) {
      if (r->csb_valid()) {
        r->over = true;
        g.bytes_held -= r->bytes;
        g.buffer_bytes -= r->buffer_bytes;
        ++g.reclaimed;
        done.push_back(std::move(r));
      } else {
        if (&*keep != &r) *keep = std::move(r);
        ++keep;
      }
    }
    g.live.erase(keep, g.live.end());
    g_outstanding.store(g.live.size(), std::memory_order_relaxed);
  }
  // Outside the lock: a release may close a window, which waits for its credit.
  for (auto& r : done) r->free_all();
}

AbandonedCounts abandoned_counts() {
  Registry& g = *g_registry;
  std::lock_guard<std::mutex> lock(g.mu);
  return {g.live.size(), g.bytes_held, g.buffer_bytes, g.reclaimed};
}

}  // namespace nxz::engine
