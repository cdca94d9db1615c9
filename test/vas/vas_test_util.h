// Helpers of the emulated-VAS tests: windows with quiet defaults, cold
// (never touched) memory, wrap requests, and the minimal touch-and-resubmit
// loop a driver runs after a translation fault (contract §8 step 7).
#pragma once

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <thread>
#include <utility>
#include <vector>

#include "nx/nx.h"
#include "nxz/accel.h"
#include "nxz/emulated.h"
#include "support/test_support.h"

namespace nxz::test::vas {

inline size_t page() { return nx::page_size(); }

// A config that ignores NXZ_EMU_FAULTS, so that exact-value tests stay exact
// whatever the environment says.
inline nxz_emu_config quiet_config() {
  nxz_emu_config c{};
  c.faults = "";
  return c;
}

// Opens an emulated window and closes it at scope exit (unless released).
class Window {
 public:
  explicit Window(const nxz_emu_config& cfg) {
    EXPECT_EQ(nxz_accel_open(NXZ_BACKEND_EMULATED, &cfg, &w_), 0);
  }
  Window() : Window(quiet_config()) {}
  ~Window() {
    if (w_) nxz_accel_close(w_);
  }
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;
  operator nxz_window*() const { return w_; }
  nxz_window* release() { return std::exchange(w_, nullptr); }

 private:
  nxz_window* w_ = nullptr;
};

inline nxz_emu_stats stats(const nxz_window* w) {
  nxz_emu_stats s;
  EXPECT_EQ(nxz_emu_get_stats(w, &s), 0);
  return s;
}

// Anonymous memory straight from mmap: no page is resident until touched.
class Mapping {
 public:
  explicit Mapping(size_t bytes) : n_((bytes + page() - 1) / page() * page()) {
    void* p = mmap(nullptr, n_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_NE(p, MAP_FAILED);
    p_ = static_cast<uint8_t*>(p);
  }
  ~Mapping() { munmap(p_, n_); }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  uint8_t* data() const { return p_; }
  size_t size() const { return n_; }
  // Makes page i cold again (its contents become zero).
  void drop(size_t i) { madvise(p_ + i * page(), page(), MADV_DONTNEED); }

 private:
  size_t n_;
  uint8_t* p_;
};

inline bool resident(const void* p) {
  unsigned char v = 0;
  auto a = reinterpret_cast<uintptr_t>(p) & ~(page() - 1);
  return mincore(reinterpret_cast<void*>(a), page(), &v) == 0 && (v & 1);
}

// Polls `pred` until it holds or `ms` pass.
inline bool wait_until(const std::function<bool()>& pred, int ms = 10000) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return true;
}

inline bool csb_valid(const nx::Csb& csb) {
  return reinterpret_cast<const std::atomic<uint8_t>*>(&csb.raw[0])
             ->load(std::memory_order_acquire) &
         nx::kCsbValid;
}

inline void setup_wrap(Request& r, const uint8_t* src, size_t n, uint8_t* dst, size_t cap) {
  r.reset(nx::kFcWrap);
  r.crb().source().set_direct(src, static_cast<uint32_t>(n));
  r.crb().target().set_direct(dst, static_cast<uint32_t>(cap));
}

// Pastes until accepted (busy: retry). False after `ms`.
inline bool paste(nxz_window* w, const void* crb, int ms = 10000) {
  return wait_until([&] { return nxz_accel_paste(w, crb) == NXZ_PASTE_ACCEPTED; }, ms);
}

// A page the driver touches after a fault: written when it belongs to
// memory the job writes (target, CSB, CPB), else read. Writing puts back
// the byte that is there.
struct Range {
  const void* p;
  size_t n;
  bool contains(uint64_t a) const {
    auto b = reinterpret_cast<uintptr_t>(p);
    return a >= b && a < b + n;
  }
};
inline void touch(uint64_t addr, const std::vector<Range>& written) {
  auto* p = reinterpret_cast<volatile uint8_t*>(static_cast<uintptr_t>(addr));
  const uint8_t v = *p;
  for (const Range& r : written)
    if (r.contains(addr)) *p = v;
}

// Runs r's CRB to completion the way a driver must (§8 step 7): on cc 250,
// touch the page at the CSB's address and resubmit. Returns the number of
// faults taken, or -1 on a timeout. `written` lists the job's output memory;
// the request block itself is always counted as written.
inline int run_with_faults(nxz_window* w, Request& r, std::vector<Range> written,
                           int max_faults = 10000) {
  written.push_back({r.rb, sizeof *r.rb});
  alignas(128) nx::Crb crb = r.crb();
  for (int faults = 0; faults <= max_faults; ++faults) {
    std::memset(r.csb().raw, 0, sizeof r.csb().raw);
    if (!paste(w, &crb)) return -1;
    if (!wait_until([&] { return csb_valid(r.csb()); })) return -1;
    if (r.csb().cc() != nx::kCcTranslation) return faults;
    touch(r.csb().address(), written);
  }
  return -1;
}

inline uint32_t zlib_crc(const uint8_t* p, size_t n) {
  return static_cast<uint32_t>(crc32(0, p, static_cast<uInt>(n)));
}
inline uint32_t zlib_adler(const uint8_t* p, size_t n) {
  return static_cast<uint32_t>(adler32(1, p, static_cast<uInt>(n)));
}

// Checks a completed wrap of `n` bytes from `src` into `dst`.
inline void expect_wrap_done(Request& r, const uint8_t* src, const uint8_t* dst, size_t n) {
  EXPECT_EQ(r.csb().cc(), nx::kCcSuccess);
  EXPECT_EQ(r.csb().tpbc(), n);
  EXPECT_EQ(std::memcmp(src, dst, n), 0);
  EXPECT_EQ(r.cpb().out_crc(), zlib_crc(src, n));
  EXPECT_EQ(r.cpb().out_adler(), zlib_adler(src, n));
  EXPECT_EQ(r.cpb().out_spbc_compress(), n);
}

}  // namespace nxz::test::vas
