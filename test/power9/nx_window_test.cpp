// Contract §9.4 on a fake operating system: the window's fork rule, the
// close-and-reopen of a PowerVM window that lost its credits, and its backoff.
#include "power9/nx_window.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

#include "accel_port.h"
#include "power9/vas_abi.h"

namespace {

using namespace nxz::power9;

// Windows are numbered from 1; every call is logged as "verb number".
class FakeVas : public VasSystem {
 public:
  int open(VasHandle* out) override {
    if (open_error != 0) {
      log.push_back("open-failed");
      return open_error;
    }
    const int id = ++opened;
    out->fd = id;
    out->map = reinterpret_cast<void*>(uintptr_t(id) << 16);
    out->paste_address = static_cast<char*>(out->map) + kPasteOffset;
    log.push_back("open " + std::to_string(id));
    return 0;
  }
  void close(const VasHandle& h) override { log.push_back("close " + std::to_string(h.fd)); }
  bool paste(const VasHandle& h, const void*) override {
    const bool ok = accept;
    log.push_back((ok ? "paste " : "refused ") + std::to_string(h.fd));
    now += paste_ns;
    return ok;
  }
  uint64_t process_epoch() override { return epoch; }
  uint64_t now_ns() override { return now; }

  std::vector<std::string> log;
  int opened = 0;
  int open_error = 0;
  bool accept = true;
  uint64_t epoch = 7;
  uint64_t now = 1'000'000'000;
  uint64_t paste_ns = 1'000'000;  // each paste attempt advances the clock 1 ms
};

using Log = std::vector<std::string>;

struct alignas(128) Crb {
  uint8_t raw[128] = {};
};

ReopenPolicy powervm() {
  ReopenPolicy p;
  p.enabled = true;
  return p;
}

int paste(nxz_window* w, const void* crb) { return w->ops->paste(w, crb); }

TEST(Contract9Window, OpensPastesAndClosesWithTheNxOps) {
  FakeVas sys;
  nxz_window* w = nullptr;
  ASSERT_EQ(open_nx_window(&sys, ReopenPolicy{}, &w), 0);
  EXPECT_EQ(w->ops, &kNxOps);
  EXPECT_EQ(w->ops->backend, NXZ_BACKEND_NX);
  Crb crb;
  EXPECT_EQ(paste(w, &crb), NXZ_PASTE_ACCEPTED);
  sys.accept = false;
  EXPECT_EQ(paste(w, &crb), NXZ_PASTE_BUSY);
  w->ops->close(w);
  EXPECT_EQ(sys.log, (Log{"open 1", "paste 1", "refused 1", "close 1"}));
}

TEST(Contract9Window, OpenErrorIsReturnedAndNothingIsAllocated) {
  FakeVas sys;
  sys.open_error = -ENODEV;
  nxz_window* w = nullptr;
  EXPECT_EQ(open_nx_window(&sys, ReopenPolicy{}, &w), -ENODEV);
  EXPECT_EQ(w, nullptr);
}

TEST(Contract9Window, MisalignedCrbIsRejectedBeforeAnyPaste) {
  FakeVas sys;
  nxz_window* w = nullptr;
  ASSERT_EQ(open_nx_window(&sys, ReopenPolicy{}, &w), 0);
  alignas(128) uint8_t buf[256] = {};
  EXPECT_EQ(paste(w, buf + 16), -EINVAL);
  EXPECT_EQ(paste(w, buf + 64), -EINVAL);
  w->ops->close(w);
  EXPECT_EQ(sys.log, (Log{"open 1", "close 1"}));
}

TEST(Contract9Fork, ChildOpensItsOwnWindowAndNeverTouchesTheParents) {
  FakeVas sys;
  nxz_window* w = nullptr;
  ASSERT_EQ(open_nx_window(&sys, ReopenPolicy{}, &w), 0);
  Crb crb;
  EXPECT_EQ(paste(w, &crb), NXZ_PASTE_ACCEPTED);
  sys.epoch += 1;  // now running in a forked child
  EXPECT_EQ(paste(w, &crb), NXZ_PASTE_ACCEPTED);
  EXPECT_EQ(paste(w, &crb), NXZ_PASTE_ACCEPTED);
  w->ops->close(w);
  // Window 1 (the parent's) is neither pasted to nor closed by the child.
  EXPECT_EQ(sys.log, (Log{"open 1", "paste 1", "open 2", "paste 2", "paste 2", "close 2"}));
}

TEST(Contract9Fork, ChildThatClosesWithoutPastingLeavesTheParentsWindowAlone) {
  FakeVas sys;
  nxz_window* w = nullptr;
  ASSERT_EQ(open_nx_window(&sys, ReopenPolicy{}, &w), 0);
  sys.epoch += 1;
  w->ops->close(w);
  EXPECT_EQ(sys.log, (Log{"open 1"}));
}

TEST(Contract9Fork, ChildThatCannotOpenAnswersBusyAndRetriesWithBackoff) {
  FakeVas sys;
  nxz_window* w = nullptr;
  ASSERT_EQ(open_nx_window(&sys, powervm(), &w), 0);
  sys.epoch += 1;
  sys.open_error = -EBUSY;
  Crb crb;
  EXPECT_EQ(paste(w, &crb), NXZ_PASTE_BUSY);  // tries at once
  EXPECT_EQ(paste(w, &crb), NXZ_PASTE_BUSY);  // too soon: no new attempt
  sys.now += powervm().first_backoff_ns;
  sys.open_error = 0;
  EXPECT_EQ(paste(w, &crb), NXZ_PASTE_ACCEPTED);
  w->ops->close(w);
  EXPECT_EQ(sys.log, (Log{"open 1", "open-failed", "open 2", "paste 2", "close 2"}));
}

// Refuses `n` pastes in a row, 1 ms apart.
void refuse(FakeVas& sys, nxz_window* w, int n) {
  Crb crb;
  sys.accept = false;
  for (int i = 0; i < n; ++i) ASSERT_EQ(paste(w, &crb), NXZ_PASTE_BUSY) << i;
}

TEST(Contract9LostCredits, PowerVmWindowRefusingFor100msIsClosedAndReopened) {
  FakeVas sys;
  nxz_window* w = nullptr;
  ASSERT_EQ(open_nx_window(&sys, powervm(), &w), 0);
  refuse(sys, w, 100);  // 99 ms between the first and the last refusal
  EXPECT_EQ(sys.log.back(), "refused 1");
  refuse(sys, w, 1);  // 100 ms: given up
  EXPECT_EQ(sys.log.back(), "close 1");
  sys.accept = true;
  Crb crb;
  EXPECT_EQ(paste(w, &crb), NXZ_PASTE_ACCEPTED);
  w->ops->close(w);
  const Log tail(sys.log.end() - 4, sys.log.end());
  EXPECT_EQ(tail, (Log{"close 1", "open 2", "paste 2", "close 2"}));
}

TEST(Contract9LostCredits, AnAcceptedPasteRestartsTheCount) {
  FakeVas sys;
  nxz_window* w = nullptr;
  ASSERT_EQ(open_nx_window(&sys, powervm(), &w), 0);
  Crb crb;
  for (int round = 0; round < 5; ++round) {
    refuse(sys, w, 60);
    sys.accept = true;
    EXPECT_EQ(paste(w, &crb), NXZ_PASTE_ACCEPTED);
  }
  EXPECT_EQ(sys.opened, 1);
  w->ops->close(w);
}

TEST(Contract9LostCredits, FewRefusalsOverALongTimeAreNotEnough) {
  // A long job on a one-credit window: a refusal now and then, for seconds.
  FakeVas sys;
  sys.paste_ns = 50'000'000;
  nxz_window* w = nullptr;
  ASSERT_EQ(open_nx_window(&sys, powervm(), &w), 0);
  refuse(sys, w, 15);  // 700 ms of refusals, but fewer than 16
  EXPECT_EQ(sys.opened, 1);
  refuse(sys, w, 1);
  EXPECT_EQ(sys.log.back(), "close 1");
  w->ops->close(w);
}

TEST(Contract9LostCredits, BareMetalWindowIsNeverReopened) {
  FakeVas sys;
  nxz_window* w = nullptr;
  ASSERT_EQ(open_nx_window(&sys, ReopenPolicy{}, &w), 0);
  refuse(sys, w, 2000);  // two seconds of refusals
  EXPECT_EQ(sys.opened, 1);
  EXPECT_EQ(sys.log.back(), "refused 1");
  w->ops->close(w);
  EXPECT_EQ(sys.log.back(), "close 1");
}

TEST(Contract9LostCredits, FailedReopensBackOffDoublingUpToOneSecond) {
  FakeVas sys;
  sys.paste_ns = 0;
  nxz_window* w = nullptr;
  const ReopenPolicy policy = powervm();
  ASSERT_EQ(open_nx_window(&sys, policy, &w), 0);
  sys.accept = false;
  Crb crb;
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(paste(w, &crb), NXZ_PASTE_BUSY);
    sys.now += 10'000'000;
  }
  ASSERT_EQ(sys.log.back(), "close 1");
  sys.open_error = -EBUSY;
  // Record when reopen attempts happen while the clock advances 1 ms a paste.
  std::vector<uint64_t> attempts;
  const uint64_t start = sys.now;
  for (int ms = 0; ms < 5000; ++ms) {
    const size_t before = sys.log.size();
    EXPECT_EQ(paste(w, &crb), NXZ_PASTE_BUSY);
    if (sys.log.size() != before) attempts.push_back((sys.now - start) / 1'000'000);
    sys.now += 1'000'000;
  }
  // First attempt at once, then 10, 20, 40, ... ms later, capped at 1 s.
  const std::vector<uint64_t> want = {0, 10, 30, 70, 150, 310, 630, 1270, 2270, 3270, 4270};
  EXPECT_EQ(attempts, want);
  sys.open_error = 0;
  sys.accept = true;
  sys.now += 1'000'000'000;
  EXPECT_EQ(paste(w, &crb), NXZ_PASTE_ACCEPTED);
  EXPECT_EQ(sys.log.back(), "paste 2");
  // A later loss starts again from the first backoff.
  sys.accept = false;
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(paste(w, &crb), NXZ_PASTE_BUSY);
    sys.now += 10'000'000;
  }
  ASSERT_EQ(sys.log.back(), "close 2");
  sys.open_error = -EBUSY;
  const uint64_t t0 = sys.now;
  EXPECT_EQ(paste(w, &crb), NXZ_PASTE_BUSY);
  sys.now = t0 + policy.first_backoff_ns - 1;
  EXPECT_EQ(paste(w, &crb), NXZ_PASTE_BUSY);
  sys.now = t0 + policy.first_backoff_ns;
  sys.open_error = 0;
  sys.accept = true;
  EXPECT_EQ(paste(w, &crb), NXZ_PASTE_ACCEPTED);
  EXPECT_EQ(sys.log.back(), "paste 3");
  w->ops->close(w);
  EXPECT_EQ(sys.log.back(), "close 3");
}

}  // namespace
