// Contract §9.3 on the driver side: while a request runs, Job polls the
// CSB's valid byte (acquire) and, between polls of its spin, calls the
// port's relax hook (POWER: low SMT priority and hwsync), then relax_end
// once; results are read only after the valid byte was seen.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>

#include "accel_port.h"
#include "engine/job.h"

namespace {

using nxz::engine::DriverConfig;
using nxz::engine::Job;
using nxz::engine::JobStatus;

// A port whose "accelerator" completes a pasted request on the Nth call of
// its relax hook: the request can only finish if the poller relaxes.
struct FakePort {
  nxz_window header;
  uint8_t* csb = nullptr;
};
FakePort* g_port = nullptr;
std::atomic<int> g_relax{0}, g_relax_end{0};
constexpr int kCompleteAt = 10;

int fake_paste(nxz_window* w, const void* crb) {
  const auto* c = static_cast<const nx::Crb*>(crb);
  reinterpret_cast<FakePort*>(w)->csb =
      reinterpret_cast<uint8_t*>(static_cast<uintptr_t>(c->csb_address()));
  return NXZ_PASTE_ACCEPTED;
}
void fake_close(nxz_window*) {}
void fake_relax() {
  if (++g_relax != kCompleteAt) return;
  uint8_t* csb = g_port->csb;
  csb[2] = nx::kCcSuccess;
  csb[3] = nx::kCeTpbcValid;
  nx::store_be32(csb + 4, 1234);
  reinterpret_cast<std::atomic<uint8_t>*>(csb)->store(nx::kCsbValid, std::memory_order_release);
}
void fake_relax_end() { ++g_relax_end; }

const nxz::port::Ops kFakeOps = {NXZ_BACKEND_EMULATED, fake_paste, fake_close, fake_relax,
                                 fake_relax_end};

TEST(Contract9Poll, SpinCallsThePortsRelaxHookThenRelaxEndOnce) {
  FakePort port{nxz_window{&kFakeOps}};
  g_port = &port;
  g_relax = 0;
  g_relax_end = 0;
  DriverConfig cfg;
  cfg.timeout_ns = 200'000'000;  // without the hook, the request never completes
  Job job(&port.header, cfg);
  uint8_t src[16] = {}, dst[16] = {};
  const nxz::engine::Piece s{src, sizeof src}, d{dst, sizeof dst};
  job.set_source(&s, 1);
  job.set_target(&d, 1);
  ASSERT_EQ(job.run(nx::kFcWrap), JobStatus::kComplete);
  EXPECT_EQ(g_relax.load(), kCompleteAt);  // no poll after the valid byte was seen
  EXPECT_EQ(g_relax_end.load(), 1);
  EXPECT_EQ(job.cc(), nx::kCcSuccess);
  EXPECT_EQ(job.tpbc(), 1234u);
}

}  // namespace
