// What a timed-out request may still touch (contract §8.6) is held until its
// CSB turns valid and freed then; a hung request keeps only its block and
// the address range of its buffers, not their pages.
#include "engine/abandoned.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "driver/fault_window.h"
#include "engine/job.h"
#include "nxz/emulated.h"

namespace {

using nxz::engine::abandoned_counts;
using nxz::engine::DriverConfig;
using nxz::engine::Job;
using nxz::engine::JobStatus;
using nxz::engine::now_ns;
using nxz::engine::Piece;
using nxz::engine::reclaim_abandoned;

using Window = nxz::test::FaultWindow;

// Resident pages among those wholly inside [p, p + n).
size_t resident_pages(const void* p, size_t n) {
  const uintptr_t ps = sysconf(_SC_PAGESIZE);
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + ps - 1) & ~(ps - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + n) & ~(ps - 1);
  if (end <= begin) return 0;
  std::vector<unsigned char> v((end - begin) / ps);
  EXPECT_EQ(mincore(reinterpret_cast<void*>(begin), end - begin, v.data()), 0);
  size_t r = 0;
  for (unsigned char c : v) r += c & 1;
  return r;
}

// A timed-out request on `w` (one piece each way: its DDE lists unnamed).
nxz::engine::AbandonedRef time_out_one(nxz_window* w, uint64_t timeout_ms, uint8_t* dst,
                                       size_t dst_len) {
  DriverConfig cfg;
  cfg.timeout_ns = timeout_ms * 1000 * 1000;
  Job job(w, cfg);
  static uint8_t src[4096] = {1, 2, 3};
  const Piece s{src, sizeof src}, d{dst, dst_len};
  job.set_source(&s, 1);
  job.set_target(&d, 1);
  EXPECT_EQ(job.run(nx::kFcWrap), JobStatus::kTimeout);
  EXPECT_TRUE(job.abandoned_target());
  return job.abandoned();  // outlives the job, as a driver's hold does
}

TEST(Abandoned, AHungRequestKeepsItsBlockAndGivesBackItsBuffersPages) {
  Window w("hang=1");
  const auto before = abandoned_counts();
  uint8_t dst[256];
  const auto r = time_out_one(w.w, 20, dst, sizeof dst);
  ASSERT_NE(r, nullptr);
  auto now = abandoned_counts();
  EXPECT_EQ(now.outstanding, before.outstanding + 1);
  EXPECT_EQ(now.bytes_held, before.bytes_held + sizeof(nx::RequestBlock));  // no lists

  constexpr size_t kBig = 1 << 20;
  std::vector<uint8_t> buf(kBig, 0xa5);  // every page written: resident
  const uint8_t* p = buf.data();
  const size_t pages = resident_pages(p, kBig);
  ASSERT_GE(pages, kBig / sysconf(_SC_PAGESIZE) - 1);
  nxz::engine::hold(r, std::move(buf));
  // All but the first page (the allocator's bookkeeping may live there).
  EXPECT_LE(resident_pages(p, kBig), 1u);
  now = abandoned_counts();
  EXPECT_EQ(now.bytes_held, before.bytes_held + sizeof(nx::RequestBlock) + kBig);

  // It never completes: nothing is freed, however often the registry looks.
  bool closed = false;
  nxz::engine::when_over(r, [&] { closed = true; });
  for (int i = 0; i < 3; ++i) reclaim_abandoned(now_ns() + uint64_t(i) * 1000000000, 0);
  EXPECT_FALSE(closed);
  EXPECT_EQ(abandoned_counts().outstanding, before.outstanding + 1);
  EXPECT_EQ(abandoned_counts().reclaimed, before.reclaimed);
}

TEST(Abandoned, ALateRequestIsFreedOnceItsCsbTurnsValid) {
  Window w("late=1:200ms");
  const auto before = abandoned_counts();
  std::vector<uint8_t> dst(4096);
  const auto r = time_out_one(w.w, 5, dst.data(), dst.size());
  ASSERT_NE(r, nullptr);
  nxz::engine::hold(r, std::move(dst));  // the target the late request will write
  bool closed = false;
  nxz::engine::when_over(r, [&] { closed = true; });
  EXPECT_EQ(abandoned_counts().outstanding, before.outstanding + 1);
  reclaim_abandoned(now_ns(), 0);
  EXPECT_FALSE(closed);  // still running: 200 ms late

  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (abandoned_counts().reclaimed == before.reclaimed &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    reclaim_abandoned(now_ns(), 0);
  }
  const auto after = abandoned_counts();
  EXPECT_EQ(after.reclaimed, before.reclaimed + 1);
  EXPECT_EQ(after.outstanding, before.outstanding);
  EXPECT_EQ(after.bytes_held, before.bytes_held);
  EXPECT_TRUE(closed);
  // What is asked of a request already over runs at once.
  bool later = false;
  nxz::engine::when_over(r, [&] { later = true; });
  EXPECT_TRUE(later);
}

DriverConfig short_timeout() {
  DriverConfig cfg;
  cfg.timeout_ns = 20 * 1000 * 1000;
  return cfg;
}

// A request that named its memory through DDE lists keeps those lists (the
// engine may read them late); the job goes on with fresh ones.
TEST(Abandoned, ListsARequestNamedAreHeldWithItsBlock) {
  Window w("hang=1");
  const auto before = abandoned_counts();
  const DriverConfig cfg = short_timeout();
  Job job(w.w, cfg);
  uint8_t a[64] = {1}, b[64] = {2}, out[512];
  const Piece src[2] = {{a, sizeof a}, {b, sizeof b}};
  const Piece dst{out, sizeof out};
  job.set_source(src, 2);
  job.set_target(&dst, 1);
  EXPECT_EQ(job.run(nx::kFcWrap), JobStatus::kTimeout);
  EXPECT_EQ(abandoned_counts().bytes_held,
            before.bytes_held + sizeof(nx::RequestBlock) + sizeof(nx::Dde) * Job::kListFirst);
}

// A list grows to what a request names, and what a timed-out request holds
// is that list, not the most a list can have.
TEST(Abandoned, AListHeldIsAsLargeAsItsRequestNeeded) {
  Window w("hang@1");
  const auto before = abandoned_counts();
  const DriverConfig cfg = short_timeout();
  Job job(w.w, cfg);
  constexpr int kPieces = 40;
  static_assert(kPieces > 2 * Job::kListFirst);
  std::vector<uint8_t> in(kPieces * 7), out(kPieces * 7);
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<uint8_t>(i * 13);
  Piece src[kPieces];
  for (int i = 0; i < kPieces; ++i) src[i] = {in.data() + 7 * i, 7};
  const Piece dst{out.data(), out.size()};
  job.set_source(src, kPieces);
  job.set_target(&dst, 1);
  ASSERT_EQ(job.run(nx::kFcWrap), JobStatus::kComplete);  // request 0 passes
  EXPECT_EQ(out, in);
  EXPECT_EQ(job.run(nx::kFcWrap), JobStatus::kTimeout);  // request 1 hangs
  EXPECT_EQ(abandoned_counts().bytes_held,
            before.bytes_held + sizeof(nx::RequestBlock) + sizeof(nx::Dde) * kPieces);
}

// A buffer held for no request (none timed out) is simply freed.
TEST(Abandoned, HoldWithoutARequestFreesAtOnce) {
  const auto before = abandoned_counts();
  nxz::engine::hold(nullptr, std::vector<uint8_t>(1 << 16));
  EXPECT_EQ(abandoned_counts().bytes_held, before.bytes_held);
}

}  // namespace
