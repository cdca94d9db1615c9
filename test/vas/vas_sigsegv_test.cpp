// Contract §8 step 5: when the handler cannot write the CSB, the process gets
// SIGSEGV with si_errno EFAULT, si_code SEGV_MAPERR and si_addr = the CSB
// address; the emulator directs it to the thread that pasted the CRB.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/syscall.h>

#include "vas/vas_test_util.h"

namespace nxz::test::vas {
namespace {

std::atomic<int> g_signals{0};
std::atomic<uintptr_t> g_addr{0};
std::atomic<int> g_code{0}, g_errno{0};
std::atomic<long> g_tid{0};

void on_segv(int, siginfo_t* si, void*) {
  g_addr = reinterpret_cast<uintptr_t>(si->si_addr);
  g_code = si->si_code;
  g_errno = si->si_errno;
  g_tid = syscall(SYS_gettid);
  g_signals.fetch_add(1);
}

class SegvCatcher {
 public:
  SegvCatcher() {
    g_signals = 0;
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old_);
  }
  ~SegvCatcher() { sigaction(SIGSEGV, &old_, nullptr); }

 private:
  struct sigaction old_;
};

// A request block alone on a page that the test makes read-only.
struct ReadOnlyRequest {
  Mapping map{page()};
  nx::RequestBlock* rb = reinterpret_cast<nx::RequestBlock*>(map.data());
  void protect() { ASSERT_EQ(mprotect(map.data(), map.size(), PROT_READ), 0); }
  ~ReadOnlyRequest() { mprotect(map.data(), map.size(), PROT_READ | PROT_WRITE); }
};

void run_readonly_csb(const nxz_emu_config& cfg) {
  Window w(cfg);
  const Bytes src = text_like(1000, 31);
  Bytes out(src.size());
  ReadOnlyRequest req;
  nx::Crb& crb = req.rb->crb;
  crb.set_function(nx::kFcWrap);
  crb.set_csb(&req.rb->csb);
  crb.source().set_direct(src.data(), static_cast<uint32_t>(src.size()));
  crb.target().set_direct(out.data(), static_cast<uint32_t>(out.size()));
  req.protect();
  const uint64_t csb = reinterpret_cast<uintptr_t>(&req.rb->csb);
  const nxz_emu_stats before = stats(w);

  SegvCatcher catcher;
  ASSERT_EQ(nxz_accel_paste(w, &crb), NXZ_PASTE_ACCEPTED);
  ASSERT_TRUE(wait_until([] { return g_signals.load() > 0; }));
  EXPECT_EQ(g_signals.load(), 1);
  EXPECT_EQ(g_addr.load(), csb);
  EXPECT_EQ(g_code.load(), SEGV_MAPERR);
  EXPECT_EQ(g_errno.load(), EFAULT);
  EXPECT_EQ(g_tid.load(), syscall(SYS_gettid));  // the submitting thread
  EXPECT_FALSE(csb_valid(req.rb->csb));
  // The fault was on the CPB output (same read-only page), before the CSB.
  const nx::Crb e = [&] {
    nx::Crb x;
    nxz_emu_fifo_peek(w, 0, x.raw);
    return x;
  }();
  EXPECT_EQ(nx::load_be64(e.raw + nx::kStampFaultAddr), csb + 16 + nx::kCpbOutAdler);
  EXPECT_EQ(e.raw[nx::kStampFlags], nx::kStampFlagWrite);
  // Both credits still come back.
  ASSERT_TRUE(wait_until([&] { return stats(w).credits_available == before.credits_initial; }));
  const nxz_emu_stats s = stats(w);
  EXPECT_EQ(s.fifo_credits, s.fifo_entries);
  EXPECT_EQ(s.csb_write_failures - before.csb_write_failures, 1u);
}

TEST(Contract8Step5, ReadOnlyCsbRaisesSigsegvAtTheCsb) { run_readonly_csb(quiet_config()); }

TEST(Contract8Step5, ReadOnlyCsbRaisesSigsegvInSynchronousMode) {
  nxz_emu_config cfg = quiet_config();
  cfg.synchronous = 1;
  run_readonly_csb(cfg);
}

TEST(Contract8Step5, SubmitterOtherThanOpenerGetsTheSignal) {
  nxz_window* w = nullptr;
  const nxz_emu_config cfg = quiet_config();
  std::thread([&] { ASSERT_EQ(nxz_accel_open(NXZ_BACKEND_EMULATED, &cfg, &w), 0); }).join();
  ASSERT_NE(w, nullptr);
  ReadOnlyRequest req;
  const Bytes src = text_like(100, 32);
  Bytes out(100);
  nx::Crb& crb = req.rb->crb;
  crb.set_function(nx::kFcWrap);
  crb.set_csb(&req.rb->csb);
  crb.source().set_direct(src.data(), 100);
  crb.target().set_direct(out.data(), 100);
  req.protect();
  SegvCatcher catcher;
  long submitter = 0;
  std::thread t([&] {
    submitter = syscall(SYS_gettid);
    ASSERT_EQ(nxz_accel_paste(w, &crb), NXZ_PASTE_ACCEPTED);
    ASSERT_TRUE(wait_until([] { return g_signals.load() > 0; }));
  });
  t.join();
  EXPECT_EQ(g_tid.load(), submitter);
  EXPECT_EQ(g_addr.load(), reinterpret_cast<uintptr_t>(&req.rb->csb));
  nxz_accel_close(w);
}

}  // namespace
}  // namespace nxz::test::vas
