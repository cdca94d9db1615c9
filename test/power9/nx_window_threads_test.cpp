// Contract §8.6/§9.4: "a window opened by one thread may be used by
// another", and a PowerVM window that lost its credits is closed and
// reopened by whichever paste notices. With several threads pasting on one
// window, no paste may ever reach a window that another thread has just
// closed (on POWER: a paste to an unmapped page).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "accel_port.h"
#include "power9/nx_window.h"
#include "power9/vas_abi.h"

namespace {

using namespace nxz::power9;

// A thread-safe fake: it refuses every paste (lost credits), so the window
// keeps closing and reopening, and it records any paste that overlaps the
// close of its handle.
class ThreadedFakeVas : public VasSystem {
 public:
  int open(VasHandle* out) override {
    std::lock_guard lock(mu_);
    const int id = ++opened_;
    open_.insert(id);
    out->fd = id;
    out->map = reinterpret_cast<void*>(uintptr_t(id) << 16);
    out->paste_address = static_cast<char*>(out->map) + kPasteOffset;
    return 0;
  }
  void close(const VasHandle& h) override {
    std::lock_guard lock(mu_);
    if (open_.erase(h.fd) == 0) ++double_closes;
  }
  bool paste(const VasHandle& h, const void*) override {
    if (!is_open(h.fd)) ++pastes_on_closed;
    // Stay inside the paste a little, as the instruction pair does, so that
    // a close racing with it has time to happen.
    for (int i = 0; i < 50; ++i) std::this_thread::yield();
    if (!is_open(h.fd)) ++pastes_on_closed;
    ++pastes;
    return false;
  }
  uint64_t process_epoch() override { return 1; }
  uint64_t now_ns() override { return clock_.fetch_add(1'000'000) + 1'000'000; }

  std::atomic<int> pastes{0}, pastes_on_closed{0}, double_closes{0};
  int opened() {
    std::lock_guard lock(mu_);
    return opened_;
  }

 private:
  bool is_open(int fd) {
    std::lock_guard lock(mu_);
    return open_.count(fd) != 0;
  }
  std::mutex mu_;
  std::set<int> open_;
  int opened_ = 0;
  std::atomic<uint64_t> clock_{1'000'000'000};
};

struct alignas(128) Crb {
  uint8_t raw[128] = {};
};

TEST(Contract9Window, ConcurrentPastesNeverReachAWindowBeingReopened) {
  ThreadedFakeVas sys;
  ReopenPolicy policy;
  policy.enabled = true;
  policy.min_refusals = 4;
  policy.min_refusing_ns = 3'000'000;  // 3 fake ms: a reopen every few pastes
  policy.first_backoff_ns = 0;
  nxz_window* w = nullptr;
  ASSERT_EQ(open_nx_window(&sys, policy, &w), 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([w] {
      Crb crb;
      for (int i = 0; i < 500; ++i) EXPECT_EQ(w->ops->paste(w, &crb), NXZ_PASTE_BUSY);
    });
  }
  for (auto& t : threads) t.join();
  w->ops->close(w);
  EXPECT_GT(sys.opened(), 10);  // the window really was reopened many times
  EXPECT_EQ(sys.pastes_on_closed.load(), 0);
  EXPECT_EQ(sys.double_closes.load(), 0);
}

// A fake whose paste blocks until released, and whose epoch the test sets
// (a new epoch is a forked child).
class BlockingFakeVas : public VasSystem {
 public:
  int open(VasHandle* out) override {
    out->fd = ++opened;
    out->map = reinterpret_cast<void*>(uintptr_t(out->fd) << 16);
    out->paste_address = static_cast<char*>(out->map) + kPasteOffset;
    return 0;
  }
  void close(const VasHandle&) override {}
  bool paste(const VasHandle&, const void*) override {
    inside.store(true);
    while (block.load()) std::this_thread::yield();
    return true;
  }
  uint64_t process_epoch() override { return epoch.load(); }
  uint64_t now_ns() override { return 1; }
  std::atomic<bool> block{false}, inside{false};
  std::atomic<uint64_t> epoch{1};
  std::atomic<int> opened{0};
};

// §9.4 fork rule: a child forked while another thread of the parent was
// inside a paste (holding the window's lock) must still be able to paste.
TEST(Contract9Window, ChildPastesThoughTheParentForkedMidPaste) {
  static BlockingFakeVas sys;  // outlives the blocked thread
  ReopenPolicy policy;
  nxz_window* w = nullptr;
  ASSERT_EQ(open_nx_window(&sys, policy, &w), 0);
  sys.block.store(true);
  std::thread paster([w] {
    Crb crb;
    w->ops->paste(w, &crb);
  });
  while (!sys.inside.load()) std::this_thread::yield();
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // The child: the paster thread does not exist here; its lock is held.
    sys.epoch.store(2);
    sys.block.store(false);
    alarm(5);  // a deadlock ends the child by SIGALRM
    Crb crb;
    _exit(w->ops->paste(w, &crb) == NXZ_PASTE_ACCEPTED && sys.opened.load() == 2 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  sys.block.store(false);
  paster.join();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  w->ops->close(w);
}

}  // namespace
