// Contract §9.4 through the driver: a forked child never uses its parent's
// window, it opens its own, and the port does that for it at the child's
// first request. So a Deflater and an Inflater that are part-way through
// their streams when the process forks finish them in both processes, with
// exact output and quickly: before, the child's inherited window refused
// every paste and the driver retried until its 60 s timeout.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>

#include "engine/deflate_driver.h"
#include "engine/inflate_driver.h"
#include "nxz/emulated.h"
#include "support/test_support.h"

namespace {

using nxz::engine::Deflater;
using nxz::engine::Inflater;
using nxz::engine::Status;
using nxz::test::Bytes;

constexpr size_t kHistory = 32768;
constexpr size_t kDeflateChunk = 65536;
constexpr size_t kInflateChunk = 20000;

// Shorter than the driver's 60 s, so that a regression fails in seconds;
// the test asserts far less than this anyway.
nxz::engine::DriverConfig driver_config() {
  nxz::engine::DriverConfig cfg;
  cfg.timeout_ns = 5ull * 1000 * 1000 * 1000;
  return cfg;
}

// Both streams, resumable at any call boundary (and so across a fork).
struct Streams {
  const Bytes& data;   // what both streams carry
  const Bytes& zdata;  // data as a raw DEFLATE stream from the system zlib
  Deflater d;
  Inflater i;
  size_t taken = 0;  // input the Deflater has consumed
  Bytes comp;        // the Deflater's output so far
  size_t zpos = 0;   // input the Inflater has taken
  Bytes out;         // the Inflater's output buffer
  size_t made = 0;   // ... and how much of it is written

  Streams(nxz_window* w, const nxz::engine::DriverConfig& cfg, const Bytes& in, const Bytes& z)
      : data(in), zdata(z), d(w, true, cfg), i(w, cfg), out(in.size()) {}

  // Compresses up to input byte `end` (all of it: the final block).
  bool deflate_to(size_t end) {
    while (taken < end) {
      const size_t n = std::min(kDeflateChunk, end - taken);
      const bool final = taken + n == data.size();
      const size_t hist = std::min(taken, kHistory);
      Bytes space(nxz::engine::deflate_bound(n));
      size_t consumed = 0, produced = 0;
      if (d.compress(data.data() + taken - hist, hist, data.data() + taken, n, final, space.data(),
                     space.size(), &consumed, &produced) != Status::kOk ||
          consumed != n)  // a deflate_bound target takes all of it
        return false;
      comp.insert(comp.end(), space.begin(), space.begin() + static_cast<ptrdiff_t>(produced));
      taken += consumed;
    }
    return true;
  }

  // Decompresses until compressed byte `end` is taken (all of it: until
  // the stream is done).
  bool inflate_to(size_t end) {
    for (int calls = 0; calls < 10000; ++calls) {
      if (end == zdata.size() ? i.done() : zpos >= end) return true;
      const uint8_t* in = zdata.data() + zpos;
      size_t in_len = std::min(kInflateChunk, end - zpos);
      uint8_t* o = out.data() + made;
      size_t o_len = out.size() - made;
      if (i.run(&in, &in_len, &o, &o_len) != Status::kOk) return false;
      zpos = static_cast<size_t>(in - zdata.data());
      made = static_cast<size_t>(o - out.data());
    }
    return false;
  }

  // Finishes both streams and checks them: the compressed stream decodes
  // (system zlib) to the input, the decompressed output is the input.
  bool finish() {
    if (!deflate_to(data.size()) || !inflate_to(zdata.size())) return false;
    Bytes back;
    if (!nxz::test::zlib_inflate_raw(comp.data(), comp.size(), &back) || back != data) return false;
    if (d.crc() != crc32(0, data.data(), static_cast<uInt>(data.size()))) return false;
    return made == data.size() && out == data && i.crc() == d.crc();
  }
};

void fork_part_way(bool synchronous) {
  Bytes data = nxz::test::text_like(400000, 71);
  const Bytes noise = nxz::test::random_bytes(100000, 72);
  data.insert(data.begin() + 150000, noise.begin(), noise.end());
  const Bytes zdata = nxz::test::zlib_compress(data, 6);

  nxz_emu_config emu{};
  emu.faults = "";  // exact whatever NXZ_EMU_FAULTS says
  emu.synchronous = synchronous ? 1 : 0;
  nxz::test::EmuWindow w(&emu);
  ASSERT_NE(w.w, nullptr);
  const uint32_t parent_id = nxz_emu_window_id(w);
  const nxz::engine::DriverConfig cfg = driver_config();
  Streams s(w, cfg, data, zdata);
  ASSERT_TRUE(s.deflate_to(data.size() / 2));
  ASSERT_TRUE(s.inflate_to(zdata.size() / 2));
  ASSERT_GT(s.made, 0u);
  ASSERT_LT(s.made, data.size());

  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // No gtest assertions in the child: its exit status says what failed.
    int code = s.finish() ? 0 : 1;
    const uint32_t id = nxz_emu_window_id(w);
    if (id == 0 || id == parent_id) code |= 2;  // it used a window of its own
    _exit(code);
  }
  const bool parent_ok = s.finish();
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(parent_ok);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_LT(secs, 1.0);
  EXPECT_EQ(nxz_emu_window_id(w), parent_id);
}

TEST(Contract8Fork, SynchronousWindowDeflaterAndInflaterFinishInChildAndParent) {
  fork_part_way(true);
}

// The window's VAS instance has an engine and a handler thread, which the
// child does not inherit: its first request starts its own.
TEST(Contract8Fork, ThreadedWindowDeflaterAndInflaterFinishInChildAndParent) {
  fork_part_way(false);
}

}  // namespace
