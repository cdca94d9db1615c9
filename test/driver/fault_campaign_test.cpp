// Issue 3's fault model exercised through the driver: seeded campaigns of
// translation faults, busy pastes and late completions (exact output every
// time), injected hardware errors (a clean error), hangs (the timeout), and
// cold memory that takes real residency faults.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "engine/deflate_driver.h"
#include "engine/inflate_driver.h"
#include "driver/fault_window.h"
#include "nxz/emulated.h"
#include "nxz/stats.h"
#include "support/test_support.h"

namespace {

using nxz::engine::Deflater;
using nxz::engine::DriverConfig;
using nxz::engine::Inflater;
using nxz::engine::Status;
using nxz::test::Bytes;

using Window = nxz::test::FaultWindow;

// One compression of `in` as a single final stream; false on a driver error.
bool compress_all(Deflater& d, const uint8_t* in, size_t n, Bytes* out) {
  out->assign(nxz::engine::deflate_bound(n), 0);
  size_t pos = 0, len = 0;
  while (pos < n || len == 0) {
    size_t took = 0, made = 0;
    if (d.compress(in, pos, in + pos, n - pos, true, out->data() + len, out->size() - len, &took,
                   &made) != Status::kOk)
      return false;
    pos += took;
    len += made;
    if (pos == n) break;
    if (took == 0 && made == 0) return false;  // no progress: fail, never spin
  }
  out->resize(len);
  return true;
}

Status decompress_all(Inflater& inf, const Bytes& z, size_t expect, Bytes* out) {
  out->assign(expect + 16, 0);
  const uint8_t* p = z.data();
  size_t n = z.size();
  uint8_t* q = out->data();
  size_t m = out->size();
  const Status s = inf.run(&p, &n, &q, &m);
  out->resize(out->size() - m);
  return s;
}

TEST(FaultCampaign, TenThousandSeededJobsGiveExactOutput) {
  // Chunks of every corpus file, compressed by zlib once for decompression.
  std::vector<Bytes> chunks, zchunks;
  for (const auto& name : nxz::test::corpus_files()) {
    const Bytes f = nxz::test::corpus(name);
    for (size_t off = 0; off < f.size(); off += 4096) {
      chunks.emplace_back(f.begin() + static_cast<ptrdiff_t>(off),
                          f.begin() + static_cast<ptrdiff_t>(std::min(f.size(), off + 4096)));
      zchunks.push_back(nxz::test::zlib_compress(chunks.back(), 6));
    }
  }
  ASSERT_GT(chunks.size(), 100u);
  nxz_stats before;
  nxz_stats_get(&before);
  uint64_t jobs = 0, faults = 0;
  const double rates[] = {0.01, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9};
  int seed = 1;
  std::string report;
  for (double rate : rates) {
    char spec[128];
    std::snprintf(spec, sizeof spec, "seed=%d,fault=%g,busy=%g,late=%g:20us", seed++, rate,
                  rate / 4, rate / 8);
    Window w(spec, 1 + static_cast<uint32_t>(seed % 8));
    Deflater fht(w.w, false), dht(w.w, true);
    Inflater inf(w.w);
    nxz_stats s0;
    nxz_stats_get(&s0);
    for (size_t i = 0; i < chunks.size(); ++i) {
      Bytes z, out;
      Deflater& d = (i % 2) ? dht : fht;
      ASSERT_TRUE(compress_all(d, chunks[i].data(), chunks[i].size(), &z)) << spec << " " << i;
      Bytes back;
      std::string err;
      ASSERT_TRUE(nxz::test::zlib_inflate_raw(z.data(), z.size(), &back, &err)) << err;
      ASSERT_EQ(back, chunks[i]) << spec << " chunk " << i;
      inf.reset();
      ASSERT_EQ(decompress_all(inf, zchunks[i], chunks[i].size(), &out), Status::kOk)
          << spec << " " << inf.message();
      ASSERT_TRUE(inf.done());
      ASSERT_EQ(out, chunks[i]) << spec << " chunk " << i;
    }
    nxz_stats s1;
    nxz_stats_get(&s1);
    char line[512];
    std::snprintf(line, sizeof line, "  %-45s jobs %6llu faults %6llu busy %6llu\n", spec,
                  (unsigned long long)(s1.jobs - s0.jobs),
                  (unsigned long long)(s1.faults - s0.faults),
                  (unsigned long long)(s1.busy_retries - s0.busy_retries));
    report += line;
    EXPECT_GT(s1.faults, s0.faults) << spec;
  }
  nxz_stats after;
  nxz_stats_get(&after);
  jobs = after.jobs - before.jobs;
  faults = after.faults - before.faults;
  std::printf("fault campaign:\n%s  total: %llu jobs, %llu faults, %llu resubmits\n",
              report.c_str(), (unsigned long long)jobs, (unsigned long long)faults,
              (unsigned long long)(after.resubmits - before.resubmits));
  EXPECT_GE(jobs, 10000u);
}

TEST(FaultCampaign, InjectedHardwareErrorsEndInACleanError) {
  const Bytes text = nxz::test::corpus("lcet10.txt");
  ASSERT_FALSE(text.empty());
  const Bytes z = nxz::test::zlib_compress(text, 6);
  Window w("seed=9,hwerr=0.3");
  int ok = 0, errors = 0;
  for (int i = 0; i < 60; ++i) {
    Deflater d(w.w, i % 2);
    Bytes out;
    if (compress_all(d, text.data(), text.size(), &out)) {
      Bytes back;
      ASSERT_TRUE(nxz::test::zlib_inflate_raw(out.data(), out.size(), &back));
      ASSERT_EQ(back, text);
      ++ok;
    } else {
      EXPECT_STRNE(d.message(), "");
      ++errors;
    }
    Inflater inf(w.w);
    Bytes plain;
    const Status s = decompress_all(inf, z, text.size(), &plain);
    if (s == Status::kOk) {
      ASSERT_TRUE(inf.done());
      ASSERT_EQ(plain, text);
      ++ok;
    } else {
      EXPECT_EQ(s, Status::kError);  // never reported as corrupt data
      ++errors;
    }
  }
  EXPECT_GT(errors, 0);
  EXPECT_GT(ok, 0);
}

TEST(FaultCampaign, HangsEndAtTheTimeout) {
  Window w("hang=1");
  DriverConfig cfg;
  cfg.timeout_ns = 200 * 1000 * 1000ull;
  Deflater d(w.w, false, cfg);
  const Bytes text = nxz::test::text_like(10000, 1);
  Bytes out;
  nxz_stats s0, s1;
  nxz_stats_get(&s0);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(compress_all(d, text.data(), text.size(), &out));
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  nxz_stats_get(&s1);
  EXPECT_GE(ms, 190);
  EXPECT_LT(ms, 2000);
  EXPECT_STREQ(d.message(), "accelerator request timed out");
  EXPECT_EQ(s1.timeouts, s0.timeouts + 1);
}

TEST(FaultCampaign, BusyWindowsAreRetried) {
  Window w("seed=3,busy=0.6", 1);
  Deflater d(w.w, false);
  const Bytes text = nxz::test::corpus("plrabn12.txt");
  nxz_stats s0, s1;
  nxz_stats_get(&s0);
  Bytes out, back;
  ASSERT_TRUE(compress_all(d, text.data(), text.size(), &out));
  ASSERT_TRUE(nxz::test::zlib_inflate_raw(out.data(), out.size(), &back));
  EXPECT_EQ(back, text);
  nxz_stats_get(&s1);
  EXPECT_GT(s1.busy_retries, s0.busy_retries);
}

// Fresh anonymous memory, never touched: every page is a residency fault.
struct ColdMap {
  uint8_t* p;
  size_t n;
  explicit ColdMap(size_t bytes) : n(bytes) {
    p = static_cast<uint8_t*>(
        mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    EXPECT_NE(p, MAP_FAILED);
  }
  ~ColdMap() { munmap(p, n); }
};

TEST(ColdMemory, CompressAndDecompressIntoNeverTouchedBuffers) {
  const Bytes text = nxz::test::corpus("html_x_4");
  ASSERT_FALSE(text.empty());
  const size_t page = nx::page_size();
  Window w("");  // residency faults only
  nxz_stats s0, s1, s2;
  nxz_stats_get(&s0);

  // Compression into a cold target.
  ColdMap zc(nxz::engine::deflate_bound(text.size()));
  Deflater d(w.w, true);
  size_t pos = 0, len = 0;
  while (pos < text.size()) {
    size_t took = 0, made = 0;
    ASSERT_EQ(d.compress(text.data(), pos, text.data() + pos, text.size() - pos, true, zc.p + len,
                         zc.n - len, &took, &made),
              Status::kOk);
    pos += took;
    len += made;
  }
  Bytes back;
  ASSERT_TRUE(nxz::test::zlib_inflate_raw(zc.p, len, &back));
  EXPECT_EQ(back, text);
  nxz_stats_get(&s1);
  const uint64_t pages_c = (zc.n + page - 1) / page;

  // Decompression from that (now resident) stream into a cold target.
  ColdMap out(text.size());
  Inflater inf(w.w);
  const uint8_t* p = zc.p;
  size_t n = len;
  uint8_t* q = out.p;
  size_t m = out.n;
  ASSERT_EQ(inf.run(&p, &n, &q, &m), Status::kOk) << inf.message();
  ASSERT_TRUE(inf.done());
  EXPECT_EQ(Bytes(out.p, out.p + text.size()), text);
  nxz_stats_get(&s2);
  const uint64_t pages_d = (out.n + page - 1) / page;

  std::printf(
      "cold memory: compress %llu faults, %llu pages touched (target %llu pages); "
      "decompress %llu faults, %llu pages touched (target %llu pages)\n",
      (unsigned long long)(s1.faults - s0.faults),
      (unsigned long long)(s1.pages_touched - s0.pages_touched), (unsigned long long)pages_c,
      (unsigned long long)(s2.faults - s1.faults),
      (unsigned long long)(s2.pages_touched - s1.pages_touched), (unsigned long long)pages_d);
  EXPECT_GT(s1.faults, s0.faults);
  EXPECT_GT(s2.faults, s1.faults);
  // Each request touches its pages once at its first fault, plus one page
  // per later fault; its own blocks add a few pages.
  const uint64_t requests_c = s1.jobs - s0.jobs, requests_d = s2.jobs - s1.jobs;
  EXPECT_LE(s1.pages_touched - s0.pages_touched,
            2 * pages_c + (text.size() / page + 8) * requests_c + (s1.faults - s0.faults));
  EXPECT_LE(s2.pages_touched - s1.pages_touched,
            2 * pages_d + (len / page + 24) * requests_d + (s2.faults - s1.faults));
}

TEST(ColdMemory, CompressFromNeverTouchedSource) {
  ColdMap src(1 << 20);  // reads as zeros
  Window w("");
  Deflater d(w.w, false);
  nxz_stats s0, s1;
  nxz_stats_get(&s0);
  Bytes out;
  ASSERT_TRUE(compress_all(d, src.p, src.n, &out));
  nxz_stats_get(&s1);
  Bytes back;
  ASSERT_TRUE(nxz::test::zlib_inflate_raw(out.data(), out.size(), &back));
  EXPECT_EQ(back, Bytes(src.n, 0));
  EXPECT_GT(s1.faults, s0.faults);
}

}  // namespace

namespace {

// After a timeout nothing the abandoned request may still write is reused
// (review of §8.6): the Job goes on with a fresh request block and DDE
// lists and says its target was given up; the Inflater's state is still
// where software can take the stream over.
TEST(FaultCampaign, TimedOutRequestsMemoryIsNeverReused) {
  Window w("hang=1");
  DriverConfig cfg;
  cfg.timeout_ns = 50 * 1000 * 1000ull;
  nxz::engine::Job job(w.w, cfg);
  const nx::Csb* block_before = &job.csb();
  uint8_t src[64] = {1, 2, 3}, dst[256];
  const nxz::engine::Piece s{src, sizeof src}, d{dst, sizeof dst};
  job.set_source(&s, 1);
  job.set_target(&d, 1);
  EXPECT_FALSE(job.abandoned_target());
  EXPECT_EQ(job.run(nx::kFcWrap), nxz::engine::JobStatus::kTimeout);
  EXPECT_TRUE(job.abandoned_target());
  EXPECT_NE(&job.csb(), block_before);

  const Bytes text = nxz::test::text_like(20000, 5);
  const Bytes stream = nxz::test::zlib_compress(text, 6, -15);
  Inflater inf(w.w, cfg);
  Bytes out(100);  // small: through the driver's own buffer
  const uint8_t* in = stream.data();
  size_t in_len = stream.size();
  uint8_t* o = out.data();
  size_t o_len = out.size();
  EXPECT_EQ(inf.run(&in, &in_len, &o, &o_len), nxz::engine::Status::kError);
  EXPECT_STREQ(inf.message(), "accelerator request timed out");
  EXPECT_TRUE(inf.abandoned_target());
  const Inflater::Handoff h = inf.handoff(in, in_len);
  EXPECT_EQ(h.history_len, 0u);  // nothing decoded: software starts at the stream's start
  EXPECT_EQ(h.prefix.size(), 0u);
  EXPECT_EQ(in_len, stream.size());
}

}  // namespace
