// What a request may do to its target beyond the meaningful bytes: only
// [0, tpbc) counts, and for compression only the low out_tebc bits of the
// last byte (contract §4); the engine stores junk in the rest so that no
// caller comes to rely on untouched memory (see ports/emulated/engine.h).
#include <gtest/gtest.h>
#include <zlib.h>

#include "emulated/engine.h"
#include "emulated/engine_test_util.h"

namespace {

using nxz::test::Bytes;
using nxz::test::EmuWindow;
using nxz::test::Request;

constexpr uint8_t kFill = 0xa5;

// Runs `fc` over src into a `space`-byte target pre-filled with kFill.
struct TargetRun {
  uint8_t cc = 0, ce = 0;
  uint32_t tpbc = 0, tebc = 0;
  Bytes target;
};
TargetRun run(nxz_window* w, Request& r, uint8_t fc, const Bytes& src, size_t space) {
  r.reset(fc);
  TargetRun out;
  out.target.assign(space, kFill);
  r.crb().source().set_direct(src.data(), static_cast<uint32_t>(src.size()));
  r.crb().target().set_direct(out.target.data(), static_cast<uint32_t>(space));
  EXPECT_TRUE(nxz::test::run(w, r));
  out.cc = r.csb().cc();
  out.ce = r.csb().ce();
  out.tpbc = r.csb().tpbc();
  out.tebc = r.cpb().out_tebc();
  return out;
}

// Bytes in [from, to) that are not kFill any more.
size_t changed(const Bytes& b, size_t from, size_t to) {
  size_t n = 0;
  for (size_t i = from; i < to && i < b.size(); ++i) n += b[i] != kFill;
  return n;
}

Bytes text(size_t n) {
  const Bytes t = nxz::test::corpus("alice29.txt");
  return Bytes(t.begin(), t.begin() + static_cast<ptrdiff_t>(std::min(n, t.size())));
}

TEST(Contract4TargetJunk, BitsAboveTebcAreNeverLeftZero) {
  EmuWindow w;
  Request r;
  int partial_bytes = 0;
  for (size_t n = 1; n <= 40; ++n) {
    const Bytes src = text(n);
    const TargetRun j = run(w, r, nx::kFcCompressFht, src, 4096);
    ASSERT_TRUE(j.cc == nx::kCcSuccess || j.cc == nx::kCcExpansion) << n;
    ASSERT_GT(j.tpbc, 0u);
    if (j.tebc == 0) continue;
    ++partial_bytes;
    EXPECT_NE(j.target[j.tpbc - 1] >> j.tebc, 0) << "n=" << n << " tebc=" << j.tebc;
    // The low tebc bits are still the block: masked, it decodes.
    Bytes block(j.target.begin(), j.target.begin() + j.tpbc);
    block.back() &= static_cast<uint8_t>((1u << j.tebc) - 1);
    Bytes out;
    std::string err;
    EXPECT_TRUE(nxz::test::zlib_inflate_raw(block.data(), block.size(), &out, &err)) << err;
    EXPECT_EQ(out, src);
  }
  EXPECT_GT(partial_bytes, 20);
}

TEST(Contract4TargetJunk, CompressionChangesBytesPastTpbcWithinTheTargetOnly) {
  EmuWindow w;
  Request r;
  const Bytes src = text(5000);
  const size_t space = 8192;
  const TargetRun j = run(w, r, nx::kFcCompressFht, src, space);
  ASSERT_EQ(j.cc, nx::kCcSuccess);
  EXPECT_GT(changed(j.target, j.tpbc, j.tpbc + nxz::emu::kJunkBytes), nxz::emu::kJunkBytes / 2);
  // Bounded: nothing beyond the junk region changes.
  EXPECT_EQ(changed(j.target, j.tpbc + nxz::emu::kJunkBytes, space), 0u);
}

TEST(Contract4TargetJunk, JunkStaysInsideATargetThatEndsSoonAfterTpbc) {
  EmuWindow w;
  Request r;
  const Bytes src = text(3000);
  // Find tpbc, then offer just 5 bytes more; guard bytes follow the target.
  const TargetRun probe = run(w, r, nx::kFcCompressFht, src, 8192);
  ASSERT_EQ(probe.cc, nx::kCcSuccess);
  Bytes buf(probe.tpbc + 5 + 64, kFill);
  r.reset(nx::kFcCompressFht);
  r.crb().source().set_direct(src.data(), static_cast<uint32_t>(src.size()));
  r.crb().target().set_direct(buf.data(), probe.tpbc + 5);
  ASSERT_TRUE(nxz::test::run(w, r));
  ASSERT_EQ(r.csb().cc(), nx::kCcSuccess);
  EXPECT_EQ(changed(buf, probe.tpbc + 5, buf.size()), 0u) << "junk past the target's end";
}

TEST(Contract5TargetJunk, DecompressionChangesBytesPastTpbc) {
  EmuWindow w;
  Request r;
  const Bytes data = text(20000);
  const Bytes z = nxz::test::zlib_compress(data, 6);
  const TargetRun j = run(w, r, nx::kFcDecompress, z, data.size() + 1000);
  ASSERT_EQ(j.cc, nx::kCcSuccess);
  ASSERT_EQ(j.tpbc, data.size());
  EXPECT_TRUE(std::equal(data.begin(), data.end(), j.target.begin()));
  EXPECT_GT(changed(j.target, j.tpbc, j.tpbc + nxz::emu::kJunkBytes), nxz::emu::kJunkBytes / 2);
  EXPECT_EQ(changed(j.target, j.tpbc + nxz::emu::kJunkBytes, j.target.size()), 0u);
}

TEST(Contract7TargetJunk, TerminationMayChangeTheTargetFromItsStart) {
  EmuWindow w;
  Request r;
  // cc 13 on compression: a target far too small for the block.
  const Bytes src = text(20000);
  const TargetRun c = run(w, r, nx::kFcCompressFht, src, 100);
  ASSERT_EQ(c.cc, nx::kCcTargetSpace);
  ASSERT_TRUE(c.ce & nx::kCeTermination);
  EXPECT_GT(changed(c.target, 0, c.target.size()), 0u);
  // cc 66 on decompression (BTYPE 11) writes no output, but junk.
  const Bytes bad = {0x07, 0x00, 0x00, 0x00};
  const TargetRun d = run(w, r, nx::kFcDecompress, bad, 1000);
  ASSERT_EQ(d.cc, nx::kCcDataError);
  EXPECT_GT(changed(d.target, 0, nxz::emu::kJunkBytes), nxz::emu::kJunkBytes / 2);
  EXPECT_EQ(changed(d.target, nxz::emu::kJunkBytes, d.target.size()), 0u);
}

}  // namespace
