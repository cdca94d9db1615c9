// The emulated VAS under load (issue 9's stress test): 8 threads x 2,000 jobs
// over the corpus, each thread on its own window (credits 1 to 64) with 8
// requests in flight, 30% of the pages each job touches cold, injected busy
// pastes, faults, late completions and hardware errors on top. Every output
// must be exact, every credit must come back, and nothing may be logged.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <random>

#include "vas/vas_test_util.h"

namespace nxz::test::vas {
namespace {

constexpr int kThreads = 8;
constexpr int kJobsPerThread = 2000;
constexpr int kInFlight = 8;
constexpr uint32_t kCredits[kThreads] = {1, 2, 3, 5, 8, 16, 32, 64};
constexpr double kCold = 0.30;
constexpr size_t kMaxLen = 24 * 1024;
constexpr uint32_t kFifo = 16;
constexpr const char* kFaults = "busy=0.02,fault=0.05,late=0.002:50us,hwerr=0.002";

enum class Fn { kWrap, kCompress, kDecompress };

struct Piece {
  Bytes plain;
  Bytes deflated;
};

// Corpus material, and a pool of (plain, raw DEFLATE) pieces for decompression.
struct Material {
  std::vector<Bytes> files;
  std::vector<Piece> pieces;
  std::vector<Fn> functions{Fn::kWrap};
};

// One job run synchronously, to see which codecs the engine has yet.
bool codec_works(Fn fn, const Bytes& sample) {
  nxz_emu_config cfg = quiet_config();
  cfg.synchronous = 1;
  Window w(cfg);
  Request r;
  Bytes out(sample.size() * 2 + 1024);
  Bytes in = fn == Fn::kCompress ? sample : zlib_compress(sample, 6);
  r.reset(fn == Fn::kCompress ? nx::kFcCompressFht : nx::kFcDecompress);
  r.crb().source().set_direct(in.data(), static_cast<uint32_t>(in.size()));
  r.crb().target().set_direct(out.data(), static_cast<uint32_t>(out.size()));
  if (!run(w, r) || (r.csb().cc() != 0 && r.csb().cc() != nx::kCcExpansion)) return false;
  out.resize(r.csb().tpbc());
  if (fn == Fn::kDecompress) return out == sample;
  Bytes back;
  return zlib_inflate_raw(out.data(), out.size(), &back) && back == sample;
}

Material load_material() {
  Material m;
  for (const std::string& name : corpus_files()) {
    Bytes b = corpus(name);
    if (b.size() >= kMaxLen) m.files.push_back(std::move(b));
  }
  if (m.files.empty()) m.files.push_back(text_like(1 << 20, 71));
  std::mt19937 rng(72);
  for (int i = 0; i < 128; ++i) {
    const Bytes& f = m.files[rng() % m.files.size()];
    const size_t n = 1 + rng() % kMaxLen;
    const size_t at = rng() % (f.size() - n + 1);
    Piece p;
    p.plain.assign(f.begin() + static_cast<ptrdiff_t>(at),
                   f.begin() + static_cast<ptrdiff_t>(at + n));
    p.deflated = zlib_compress(p.plain, 1 + static_cast<int>(rng() % 9));
    m.pieces.push_back(std::move(p));
  }
  if (codec_works(Fn::kCompress, m.pieces[0].plain)) m.functions.push_back(Fn::kCompress);
  if (codec_works(Fn::kDecompress, m.pieces[0].plain)) m.functions.push_back(Fn::kDecompress);
  return m;
}

// One request in flight: its request block page, source pages, target pages.
class Slot {
 public:
  static constexpr size_t kSrcPages = 8, kDstPages = 9;
  Slot() : area_((1 + kSrcPages + kDstPages) * page()) {}

  void prepare(const Material& m, std::mt19937& rng) {
    auto cold = [&] { return std::uniform_real_distribution<double>(0, 1)(rng) < kCold; };
    fn_ = m.functions[rng() % m.functions.size()];
    uint8_t* rb_page = area_.data();
    if (cold()) {
      area_.drop(0);  // the CSB and CPB start cold (and zero)
    } else {
      std::memset(rb_page, 0, sizeof(nx::RequestBlock));
    }
    rb_ = reinterpret_cast<nx::RequestBlock*>(rb_page);
    src_ = area_.data() + page() + rng() % page();
    Bytes input;
    if (fn_ == Fn::kDecompress) {
      const Piece& p = m.pieces[rng() % m.pieces.size()];
      input = p.deflated;
      expect_ = p.plain;
      std::memcpy(src_, input.data(), input.size());
    } else {
      const Bytes& f = m.files[rng() % m.files.size()];
      const size_t n = 1 + rng() % kMaxLen;
      const size_t at = rng() % (f.size() - n + 1);
      input.assign(f.begin() + static_cast<ptrdiff_t>(at),
                   f.begin() + static_cast<ptrdiff_t>(at + n));
      std::memcpy(src_, input.data(), n);
      expect_ = input;
      // Cold source pages read as zeros once the engine is let at them.
      for (size_t p = 0; p < kSrcPages; ++p) {
        uint8_t* lo = area_.data() + (1 + p) * page();
        if (lo >= src_ + n || lo + page() <= src_ || !cold()) continue;
        area_.drop(1 + p);
        const size_t from = lo > src_ ? static_cast<size_t>(lo - src_) : 0;
        const size_t to = std::min(n, static_cast<size_t>(lo + page() - src_));
        std::fill(expect_.begin() + static_cast<ptrdiff_t>(from),
                  expect_.begin() + static_cast<ptrdiff_t>(to), 0);
      }
    }
    src_len_ = input.size();
    dst_cap_ = fn_ == Fn::kCompress ? expect_.size() * 9 / 8 + 64 : expect_.size();
    dst_ = area_.data() + (1 + kSrcPages) * page() + rng() % page();
    for (size_t p = 0; p < kDstPages; ++p) {
      if (cold()) {
        area_.drop(1 + kSrcPages + p);
      } else {
        area_.data()[(1 + kSrcPages + p) * page()] = 0;  // resident
      }
    }
    crb_ = nx::Crb{};
    crb_.set_function(fn_ == Fn::kWrap       ? nx::kFcWrap
                      : fn_ == Fn::kCompress ? nx::kFcCompressFht
                                             : nx::kFcDecompress);
    crb_.set_csb(&rb_->csb);
    crb_.source().set_direct(src_, static_cast<uint32_t>(src_len_));
    crb_.target().set_direct(dst_, static_cast<uint32_t>(dst_cap_));
  }

  const nx::Crb& crb() const { return crb_; }
  const nx::Csb& csb() const { return rb_->csb; }

  // After cc 250: touch the page as a driver would and clear the CSB.
  void touch_fault() {
    const uint64_t a = rb_->csb.address();
    const std::vector<Range> written = {{area_.data(), page()}, {dst_, dst_cap_}};
    touch(a, written);
    std::memset(rb_->csb.raw, 0, sizeof rb_->csb.raw);
  }
  void clear_csb() { std::memset(rb_->csb.raw, 0, sizeof rb_->csb.raw); }

  // Empty when the completed job is exact, else what is wrong.
  std::string check() const {
    const nx::Csb& c = rb_->csb;
    const size_t n = expect_.size();
    const uint32_t crc = zlib_crc(expect_.data(), n);
    if (fn_ == Fn::kCompress) {
      if (c.cc() != 0 && c.cc() != nx::kCcExpansion) return "compress cc " + std::to_string(c.cc());
      Bytes back;
      if (!zlib_inflate_raw(dst_, c.tpbc(), &back) || back != expect_) return "compress output";
      if (rb_->cpb.out_crc() != crc) return "compress crc";
      return "";
    }
    if (c.cc() != 0) return "cc " + std::to_string(c.cc());
    if (c.tpbc() != n) return "tpbc " + std::to_string(c.tpbc()) + " of " + std::to_string(n);
    if (std::memcmp(dst_, expect_.data(), n) != 0) return "output bytes";
    if (rb_->cpb.out_crc() != crc) return "crc";
    if (fn_ == Fn::kWrap && rb_->cpb.out_adler() != zlib_adler(expect_.data(), n)) return "adler";
    return "";
  }

 private:
  Mapping area_;
  nx::RequestBlock* rb_ = nullptr;
  alignas(128) nx::Crb crb_{};
  Fn fn_ = Fn::kWrap;
  Bytes expect_;
  uint8_t* src_ = nullptr;
  uint8_t* dst_ = nullptr;
  size_t src_len_ = 0, dst_cap_ = 0;
};

struct ThreadResult {
  uint64_t jobs = 0, faults_seen = 0, hwerrs_seen = 0, busy_seen = 0, bad = 0;
  std::string first_error;
};

void worker(int t, const Material& m, ThreadResult* res) {
  nxz_emu_config cfg = quiet_config();
  cfg.credits = kCredits[t];
  cfg.fifo_entries = kFifo;
  cfg.faults = kFaults;
  cfg.fault_seed = 1000 + static_cast<uint64_t>(t);
  Window w(cfg);
  std::mt19937 rng(static_cast<uint32_t>(100 + t));
  std::vector<std::unique_ptr<Slot>> slots;
  for (int i = 0; i < kInFlight; ++i) slots.push_back(std::make_unique<Slot>());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(100);
  auto submit = [&](Slot& s) {
    while (nxz_accel_paste(w, &s.crb()) != NXZ_PASTE_ACCEPTED) {
      ++res->busy_seen;
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::yield();
    }
    return true;
  };
  for (int done = 0; done < kJobsPerThread;) {
    const int batch = std::min(kInFlight, kJobsPerThread - done);
    for (int i = 0; i < batch; ++i) {
      slots[i]->prepare(m, rng);
      if (!submit(*slots[i])) return;
    }
    std::vector<bool> finished(batch, false);
    for (int left = batch; left > 0;) {
      if (std::chrono::steady_clock::now() > deadline) {
        res->first_error = "timeout";
        ++res->bad;
        return;
      }
      bool progressed = false;
      for (int i = 0; i < batch; ++i) {
        Slot& s = *slots[i];
        if (finished[i] || !csb_valid(s.csb())) continue;
        progressed = true;
        const uint8_t cc = s.csb().cc();
        if (cc == nx::kCcTranslation) {
          ++res->faults_seen;
          s.touch_fault();
          if (!submit(s)) return;
        } else if (cc == nx::kCcWatchdog || cc == nx::kCcInternalError ||
                   cc == nx::kCcUncorrectable) {
          ++res->hwerrs_seen;  // injected: the correct error; the job is retried
          if (!(s.csb().ce() & nx::kCeTermination)) ++res->bad;
          s.clear_csb();
          if (!submit(s)) return;
        } else {
          const std::string err = s.check();
          if (!err.empty() && res->bad++ == 0) res->first_error = err;
          finished[i] = true;
          --left;
          ++res->jobs;
        }
      }
      if (!progressed) std::this_thread::yield();
    }
    done += batch;
  }
  // Credits balanced before the window closes.
  const bool balanced = wait_until([&] {
    const nxz_emu_stats s = stats(w);
    return s.credits_available == s.credits_initial && s.credits_hung == 0;
  });
  if (!balanced && res->bad++ == 0) res->first_error = "credits not balanced";
}

TEST(Contract8Stress, EightThreadsOverTheCorpusWithColdPages) {
  const Material m = load_material();
  const nxz_emu_stats before = stats(nullptr);
  // A window kept open on the same instance, to read its FIFO afterwards.
  nxz_emu_config probe_cfg = quiet_config();
  probe_cfg.fifo_entries = kFifo;
  Window observer(probe_cfg);

  const auto t0 = std::chrono::steady_clock::now();
  std::vector<ThreadResult> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(worker, t, std::cref(m), &results[t]);
  for (auto& th : threads) th.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const nxz_emu_stats vas = stats(observer);
  const nxz_emu_stats after = stats(nullptr);
  uint64_t jobs = 0, faults_seen = 0, hwerrs_seen = 0, busy_seen = 0;
  for (int t = 0; t < kThreads; ++t) {
    const ThreadResult& r = results[t];
    EXPECT_EQ(r.bad, 0u) << "thread " << t << ": " << r.first_error;
    EXPECT_EQ(r.jobs, static_cast<uint64_t>(kJobsPerThread)) << "thread " << t;
    jobs += r.jobs;
    faults_seen += r.faults_seen;
    hwerrs_seen += r.hwerrs_seen;
    busy_seen += r.busy_seen;
  }
  const uint64_t handled = after.faults_handled - before.faults_handled;
  const uint64_t residency = after.faults_residency - before.faults_residency;
  const uint64_t injected = after.faults_injected - before.faults_injected;
  const uint64_t busy_credit = after.busy_no_credit - before.busy_no_credit;
  const uint64_t busy_injected = after.busy_injected - before.busy_injected;
  EXPECT_EQ(handled, faults_seen);  // every fault reached its CSB, none lost
  EXPECT_EQ(residency + injected, faults_seen);
  EXPECT_EQ(after.hwerrs - before.hwerrs, hwerrs_seen);
  EXPECT_EQ(busy_credit + busy_injected, busy_seen);
  EXPECT_GT(residency, jobs / 4);  // cold pages really were cold
  EXPECT_GT(busy_credit, 0u);      // small windows really ran out of credits
  EXPECT_EQ(after.dropped_unknown, before.dropped_unknown);
  EXPECT_EQ(after.warnings, before.warnings);  // nothing logged
  EXPECT_EQ(vas.fifo_credits, kFifo);
  EXPECT_LT(secs, 120.0);
  std::printf(
      "[ stress   ] %llu jobs (%zu functions) in %.2f s; faults handled %llu (residency %llu, "
      "injected %llu); max FIFO depth %u of %u (credit waits %llu); busy pastes %llu (no "
      "credit %llu, injected %llu); hw errors %llu; late %llu; handler passes %llu for %llu "
      "interrupts\n",
      static_cast<unsigned long long>(jobs), m.functions.size(), secs,
      static_cast<unsigned long long>(handled), static_cast<unsigned long long>(residency),
      static_cast<unsigned long long>(injected), vas.fifo_max_depth, kFifo,
      static_cast<unsigned long long>(vas.fifo_credit_waits),
      static_cast<unsigned long long>(busy_seen), static_cast<unsigned long long>(busy_credit),
      static_cast<unsigned long long>(busy_injected), static_cast<unsigned long long>(hwerrs_seen),
      static_cast<unsigned long long>(after.late - before.late),
      static_cast<unsigned long long>(vas.handler_passes),
      static_cast<unsigned long long>(vas.interrupts));
}

}  // namespace
}  // namespace nxz::test::vas
