// Requests given up after their timeout. Such a request may still run
// (contract §8.6): read its DDE lists, write its target, CPB and CSB, and
// return its credit. What it may touch is never reused or freed while that
// can happen; once its CSB turns valid it is over, and all of it is freed.
//
// A request that never completes (a hung engine) keeps its 2 KiB block, its
// DDE lists when it had any, and its window for the life of the process.
// Its target buffers keep only their address range: their pages are given
// back to the system at once (a late write lands on fresh zero pages that
// no one reads), so hung requests do not pin megabytes of output buffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "nx/nx.h"

namespace nxz::engine {

class Abandoned;
using AbandonedRef = std::shared_ptr<Abandoned>;

// Takes ownership of a timed-out request's block (new_block) and of its
// DDE lists of the given sizes (null and 0 when the request named its
// memory directly).
AbandonedRef abandon(nx::RequestBlock* rb, nx::Dde* src_list, size_t src_bytes, nx::Dde* dst_list,
                     size_t dst_bytes);

// Holds `buffer`, a target of request `r`, until the request is over; its
// pages are given back now. Without a request (null `r`) it is freed now.
void hold(const AbandonedRef& r, std::vector<uint8_t>&& buffer);

// Runs `release` once request `r` is over, at once if it already is: for
// what only then may be closed (the window holding the request's credit).
void when_over(const AbandonedRef& r, std::function<void()> release);

// For a target that is not ours to free (allocated through a caller's
// zalloc): never freed nor reused, and reachable from a process-wide list so
// that leak checkers see a deliberate keep; the pages wholly inside
// [p, p + n) go back to the system now.
void keep_forever(void* p, size_t n);

// Gives the pages wholly inside [p, p + n) back to the system (they read as
// zeros next time), keeping the range allocated.
void drop_pages(void* p, size_t n);

// Frees what requests that have since completed held. Cheap when nothing
// is outstanding; scans at most once per `every_ns` across the process.
void reclaim_abandoned(uint64_t now_ns, uint64_t every_ns = 10'000'000);

struct AbandonedCounts {
  uint64_t outstanding = 0;   // requests not yet seen complete
  uint64_t bytes_held = 0;    // their blocks, lists and buffers (address range)
  uint64_t buffer_bytes = 0;  // of which buffers, whose pages were given back
  uint64_t reclaimed = 0;     // requests seen complete and freed, ever
};
AbandonedCounts abandoned_counts();

}  // namespace nxz::engine
