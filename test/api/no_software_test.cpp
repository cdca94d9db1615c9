// The library with no software zlib at all (NXZ_ZLIB=none; ctest runs this
// so, see CMakeLists.txt): the accelerator does everything it can, and what
// only software could do fails with a message instead of crashing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "api/api_test_util.h"

namespace nxz::test {
namespace {

bool no_software() {
  const char* e = std::getenv("NXZ_ZLIB");
  return e && std::strcmp(e, "none") == 0;
}

TEST(ZlibWithoutSoftware, AcceleratorServesEveryLevelAndStrategy) {
  if (!no_software()) GTEST_SKIP() << "run by ctest with NXZ_ZLIB=none";
  const Bytes in = samples().front().data;
  for (int level : {0, 1, 6, 9}) {
    for (int strategy : {Z_DEFAULT_STRATEGY, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED}) {
      for (int wbits : {-15, 15, 31}) {
        DeflateRun r;
        r.level = level;
        r.strategy = strategy;
        r.window_bits = wbits;
        r.in_chunk = 65536;
        const Bytes c = nxz_deflate(in, r);
        Bytes back;
        ASSERT_EQ(ref_inflate(c, wbits, &back), Z_STREAM_END);
        ASSERT_EQ(back, in);
        const InflateResult res = nxz_inflate(c, wbits, 4096, 8192);
        ASSERT_EQ(res.rc, Z_STREAM_END) << res.msg;
        ASSERT_EQ(res.out, in);
      }
    }
  }
}

TEST(ZlibWithoutSoftware, WhatOnlySoftwareCanDoFailsWithAMessage) {
  if (!no_software()) GTEST_SKIP() << "run by ctest with NXZ_ZLIB=none";
  z_stream d{};
  EXPECT_EQ(deflateInit2(&d, 6, Z_DEFLATED, 12, 8, Z_DEFAULT_STRATEGY), Z_MEM_ERROR);
  ASSERT_NE(d.msg, nullptr);
  EXPECT_NE(std::strstr(d.msg, "software zlib"), nullptr);
  ASSERT_EQ(deflateInit2(&d, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
  EXPECT_EQ(deflatePrime(&d, 3, 1), Z_STREAM_ERROR);
  EXPECT_NE(std::strstr(d.msg, "software zlib"), nullptr);
  deflateEnd(&d);
  // A corrupt stream is still Z_DATA_ERROR with a message (the engine's).
  Bytes bad = ref_compress(text_bytes(20000, 71), 6, 15);
  bad[bad.size() / 2] ^= 0x10;
  const InflateResult res = nxz_inflate(bad, 15);
  EXPECT_EQ(res.rc, Z_DATA_ERROR);
  EXPECT_FALSE(res.msg.empty());
  const Bytes good = ref_compress(text_bytes(20000, 72), 6, 15);
  z_stream i{};
  ASSERT_EQ(inflateInit(&i), Z_OK);
  Bytes out(30000);
  i.next_in = const_cast<Bytef*>(good.data());
  i.avail_in = static_cast<uInt>(good.size());
  i.next_out = out.data();
  i.avail_out = static_cast<uInt>(out.size());
  ASSERT_EQ(inflate(&i, Z_BLOCK), Z_OK);  // the header
  EXPECT_EQ(i.data_type, 128);
  // Z_BLOCK's stops at block ends are the accelerator's; Z_TREES's after
  // block headers are software's only.
  ASSERT_EQ(inflate(&i, Z_BLOCK), Z_OK);
  EXPECT_EQ(i.data_type & 192, 192) << i.data_type;  // after the one (final) block
  EXPECT_EQ(i.total_out, 20000u);
  ASSERT_EQ(inflateReset(&i), Z_OK);
  i.next_in = const_cast<Bytef*>(good.data());
  i.avail_in = static_cast<uInt>(good.size());
  i.next_out = out.data();
  i.avail_out = static_cast<uInt>(out.size());
  ASSERT_EQ(inflate(&i, Z_TREES), Z_OK);  // the header
  EXPECT_EQ(inflate(&i, Z_TREES), Z_STREAM_ERROR);
  EXPECT_NE(std::strstr(i.msg, "software zlib"), nullptr);
  inflateEnd(&i);
  EXPECT_EQ(gzopen("/tmp/whatever.gz", "wb"), nullptr);
  unsigned char window[32768];
  z_stream b{};
  EXPECT_EQ(inflateBackInit(&b, 15, window), Z_MEM_ERROR);
}

}  // namespace
}  // namespace nxz::test
