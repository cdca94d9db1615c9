// Driver behaviour beyond round trips: it reads nothing before the valid bit
// (the engine is held back and released), the backend choice and
// NXZ_BACKEND, and the statistics report.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "config/config.h"
#include "engine/deflate_driver.h"
#include "engine/dht_builder.h"
#include "engine/inflate_driver.h"
#include "engine/job.h"
#include "nxz/emulated.h"
#include "nxz/stats.h"
#include "support/test_support.h"

namespace {

using nxz::engine::Deflater;
using nxz::engine::Inflater;
using nxz::engine::Status;
using nxz::test::Bytes;

TEST(DriverAsync, WaitsForTheValidBitBeforeReadingResults) {
  nxz_window* w = nullptr;
  ASSERT_EQ(nxz_accel_open(NXZ_BACKEND_EMULATED, nullptr, &w), 0);
  const Bytes text = nxz::test::corpus("alice29.txt");
  const Bytes z = nxz::test::zlib_compress(text, 6);
  for (int round = 0; round < 2; ++round) {
    ASSERT_EQ(nxz_emu_pause(w, NXZ_EMU_ENGINE), 0);
    std::atomic<bool> finished{false};
    Bytes out(text.size());
    Status status = Status::kError;
    std::thread t([&] {
      if (round == 0) {
        Deflater d(w, false);
        Bytes c(nxz::engine::deflate_bound(text.size()));
        size_t took = 0, made = 0;
        status = d.compress(nullptr, 0, text.data(), text.size(), true, c.data(), c.size(), &took,
                            &made);
        std::string err;
        if (!nxz::test::zlib_inflate_raw(c.data(), made, &out, &err)) status = Status::kError;
      } else {
        Inflater inf(w);
        const uint8_t* p = z.data();
        size_t n = z.size();
        uint8_t* q = out.data();
        size_t m = out.size();
        status = inf.run(&p, &n, &q, &m);
        if (!inf.done()) status = Status::kError;
      }
      finished = true;
    });
    // The request sits in the window: the driver must still be polling.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_FALSE(finished.load()) << "returned before the engine ran";
    nxz_emu_stats s;
    nxz_emu_get_stats(w, &s);
    EXPECT_EQ(s.credits_available, s.credits_initial - 1);  // one request pending
    ASSERT_EQ(nxz_emu_resume(w, NXZ_EMU_ENGINE), 0);
    t.join();
    EXPECT_EQ(status, Status::kOk);
    EXPECT_EQ(out, text);
  }
  nxz_accel_close(w);
}

// The matching effort is a setting of the emulated machine (nxz_emu_config):
// the same requests on a fast window give another valid stream, larger on
// text; an effort the machine does not have is refused.
TEST(DriverEffort, FastWindowCompressesTheSameRequestsGreedily) {
  const Bytes text = nxz::test::corpus("lcet10.txt");
  ASSERT_FALSE(text.empty());
  auto compress_on = [&](uint32_t effort, bool dynamic) {
    nxz_emu_config cfg{};
    cfg.synchronous = 1;
    cfg.faults = "";
    cfg.effort = effort;
    nxz_window* w = nullptr;
    EXPECT_EQ(nxz_accel_open(NXZ_BACKEND_EMULATED, &cfg, &w), 0);
    Bytes c(nxz::engine::deflate_bound(text.size()));
    size_t took = 0, made = 0;
    {
      Deflater d(w, dynamic);
      EXPECT_EQ(
          d.compress(nullptr, 0, text.data(), text.size(), true, c.data(), c.size(), &took, &made),
          Status::kOk);
    }
    nxz_accel_close(w);
    EXPECT_EQ(took, text.size());
    c.resize(made);
    Bytes back;
    std::string err;
    EXPECT_TRUE(nxz::test::zlib_inflate_raw(c.data(), c.size(), &back, &err)) << err;
    EXPECT_EQ(back, text);
    return c;
  };
  for (bool dynamic : {false, true}) {
    SCOPED_TRACE(dynamic ? "dynamic tables" : "fixed codes");
    const Bytes lazy = compress_on(NXZ_EMU_EFFORT_LAZY, dynamic);
    const Bytes fast = compress_on(NXZ_EMU_EFFORT_FAST, dynamic);
    EXPECT_GT(fast.size(), lazy.size());
    EXPECT_LT(fast.size(), lazy.size() * 5 / 4);
    EXPECT_EQ(compress_on(NXZ_EMU_EFFORT_FAST, dynamic), fast);  // deterministic
  }
  nxz_emu_config bad{};
  bad.effort = 2;
  nxz_window* w = nullptr;
  EXPECT_EQ(nxz_accel_open(NXZ_BACKEND_EMULATED, &bad, &w), -EINVAL);
}

// A first request of up to 32 KiB is coded with a table built from its own
// symbol counts (the sample is the whole block), as small one-shot calls
// need: the Deflater's block is byte for byte the DHT job a caller would
// build by hand from a count job over the same bytes.
TEST(DriverTables, SmallFirstBlockUsesItsOwnCounts) {
  nxz_emu_config cfg{};
  cfg.synchronous = 1;
  cfg.faults = "";
  nxz_window* w = nullptr;
  ASSERT_EQ(nxz_accel_open(NXZ_BACKEND_EMULATED, &cfg, &w), 0);
  const Bytes text = nxz::test::corpus("alice29.txt");
  ASSERT_GT(text.size(), 40000u);
  for (size_t n : {size_t{5000}, size_t{20000}, size_t{32768}}) {
    SCOPED_TRACE(n);
    // By hand: counts of the block, a covering table, one final DHT job.
    nxz::engine::Job job(w);
    Bytes scratch(nxz::engine::deflate_bound(n) + 1024);
    const nxz::engine::Piece src{text.data(), n};
    const nxz::engine::Piece dst{scratch.data(), scratch.size()};
    job.set_source(&src, 1);
    job.set_target(&dst, 1);
    ASSERT_EQ(job.run(nx::kFcCompressFhtCount), nxz::engine::JobStatus::kComplete);
    uint32_t lit[nxz::engine::kLitLenSymbols], dist[nxz::engine::kDistSymbols];
    for (int i = 0; i < nxz::engine::kLitLenSymbols; ++i) lit[i] = job.cpb().out_lzcount(i);
    for (int i = 0; i < nxz::engine::kDistSymbols; ++i)
      dist[i] = job.cpb().out_lzcount(nxz::engine::kLitLenSymbols + i);
    const nxz::engine::Dht table = nxz::engine::build_dht(lit, dist, true);
    std::memcpy(job.cpb().in_dht_mut(), table.bits, sizeof table.bits);
    job.cpb().set_in_dhtlen(table.nbits);
    job.set_source(&src, 1);
    job.set_target(&dst, 1);
    ASSERT_EQ(job.run(nx::kFcCompressDhtCount), nxz::engine::JobStatus::kComplete);
    ASSERT_EQ(job.cc(), 0);
    Bytes want(scratch.begin(), scratch.begin() + job.tpbc());
    if (const uint32_t tebc = job.cpb().out_tebc())
      want.back() &= static_cast<uint8_t>((1u << tebc) - 1);

    Deflater d(w, true);
    Bytes got(nxz::engine::deflate_bound(n) + 64);
    size_t took = 0, made = 0;
    ASSERT_EQ(d.compress(nullptr, 0, text.data(), n, true, got.data(), got.size(), &took, &made),
              Status::kOk);
    ASSERT_EQ(took, n);
    got.resize(made);
    EXPECT_EQ(got, want);
  }
  nxz_accel_close(w);
}

TEST(DriverBackend, AutoMeansTheConfiguredBackend) {
  // The `backend` setting is read once per process; CTest runs this test
  // again with NXZ_BACKEND=nx and =emulated (CMakeLists.txt).
  const std::string& configured = nxz::config::settings().backend;
  nxz_window* w = nullptr;
  const int rc = nxz_accel_open(NXZ_BACKEND_AUTO, nullptr, &w);
  const bool have_nx = access("/dev/crypto/nx-gzip", F_OK) == 0;
  if (configured == "nx") {
    if (have_nx) {
      ASSERT_EQ(rc, 0);
      EXPECT_EQ(nxz_accel_backend(w), NXZ_BACKEND_NX);
    } else {
      EXPECT_EQ(rc, -ENODEV);  // nothing to open, and no quiet substitute
      EXPECT_EQ(w, nullptr);
    }
  } else {
    ASSERT_EQ(rc, 0);
    // No /dev/crypto/nx-gzip here (x86, qemu): the model answers.
    const bool nx = configured == "auto" && have_nx;
    EXPECT_EQ(nxz_accel_backend(w), nx ? NXZ_BACKEND_NX : NXZ_BACKEND_EMULATED);
  }
  nxz_accel_close(w);
}

TEST(DriverBackend, AnExplicitBackendIsNotOverriddenByTheSetting) {
  nxz_window* w = nullptr;
  ASSERT_EQ(nxz_accel_open(NXZ_BACKEND_EMULATED, nullptr, &w), 0);
  EXPECT_EQ(nxz_accel_backend(w), NXZ_BACKEND_EMULATED);
  nxz_accel_close(w);
}

TEST(DriverStats, CountersGrowAndPrintOneLineEach) {
  nxz::test::EmuWindow w;
  nxz_stats before, after;
  nxz_stats_get(&before);
  const Bytes text = nxz::test::text_like(50000, 3);
  Deflater d(w, true);
  Bytes c(nxz::engine::deflate_bound(text.size()));
  size_t took = 0, made = 0;
  ASSERT_EQ(
      d.compress(nullptr, 0, text.data(), text.size(), true, c.data(), c.size(), &took, &made),
      Status::kOk);
  nxz_stats_get(&after);
  EXPECT_GE(after.jobs, before.jobs + 2);  // the sample count job and the block
  EXPECT_GE(after.bytes_in, before.bytes_in + text.size());
  EXPECT_GE(after.bytes_out, before.bytes_out + made - 5);

  testing::internal::CaptureStderr();
  nxz_stats_print();
  const std::string printed = testing::internal::GetCapturedStderr();
  for (const char* key : {"jobs", "bytes_in", "bytes_out", "faults", "pages_touched", "resubmits",
                          "busy_retries", "timeouts", "fallbacks", "hw_errors"})
    EXPECT_NE(printed.find(std::string("nxz: ") + key + " "), std::string::npos) << key;
}

}  // namespace
