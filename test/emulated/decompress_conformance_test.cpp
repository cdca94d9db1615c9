// Contract §5 (decompression) through the engine, CRB by CRB: whole streams
// from the system zlib, the stop table, resume through the CPB quadword
// copy, byte-count-limit suspension, single-block stepping and error codes.
#include <gtest/gtest.h>
#include <zlib.h>

#include "emulated/engine_test_util.h"

namespace {

using nxz::test::Bytes;
using nxz::test::EmuWindow;
using nxz::test::JobOut;
using nxz::test::Request;
using nxz::test::run_job;

class CorpusDecompress : public ::testing::TestWithParam<std::string> {};

TEST_P(CorpusDecompress, Contract5EveryZlibLevelAndStrategyDecodesInOneJob) {
  const Bytes data = nxz::test::corpus(GetParam());
  ASSERT_FALSE(data.empty());
  EmuWindow w;
  Request r;
  const int strategies[] = {Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED};
  for (int level = 0; level <= 9; ++level) {
    for (int strategy : strategies) {
      if (level != 6 && strategy != Z_DEFAULT_STRATEGY) continue;  // the rest: test/inflate
      for (int wbits : {9, 12, 15}) {
        if (wbits != 15 && (level != 6 || strategy != Z_DEFAULT_STRATEGY)) continue;
        const Bytes z = nxz::test::zlib_compress(data, level, -wbits, 8, strategy);
        ASSERT_FALSE(z.empty());
        JobOut j = run_job(w, r, nx::kFcDecompress, z.data(), z.size(), data.size());
        ASSERT_EQ(j.cc, nx::kCcSuccess)
            << "level " << level << " strategy " << strategy << " wbits " << wbits;
        EXPECT_EQ(j.out, data);
        EXPECT_EQ(r.cpb().out_spbc_decompress(), z.size());
        EXPECT_LE(r.cpb().out_subc(), 7u);
        EXPECT_EQ(r.cpb().out_sfbt(), nx::kSfbtFinalDone);
        EXPECT_EQ(r.cpb().out_crc(), crc32(0, data.data(), static_cast<uInt>(data.size())));
        EXPECT_EQ(r.cpb().out_adler(), adler32(1, data.data(), static_cast<uInt>(data.size())));
      }
    }
  }
}

TEST_P(CorpusDecompress, Contract5ResumeAcrossSourceSplits) {
  const Bytes data = nxz::test::corpus(GetParam());
  const Bytes z = nxz::test::zlib_compress(data, 6);
  EmuWindow w;
  Request r;
  for (std::vector<size_t> feed : {std::vector<size_t>{997}, {4096, 1, 17, 65536}, {7, 3, 250}}) {
    Bytes out;
    ASSERT_EQ(nxz::test::resume_decode(w, r, z, feed, &out), 0) << feed[0];
    EXPECT_EQ(out, data) << feed[0];
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusDecompress, ::testing::ValuesIn(nxz::test::corpus_files()));

TEST(Contract5Decompress, TrailerAfterTheFinalBlockIsReportedInSubc) {
  const Bytes data = nxz::test::text_like(30000, 11);
  EmuWindow w;
  Request r;
  const Bytes zl = nxz::test::zlib_compress(data, 6, 15);  // zlib wrapper
  JobOut j = run_job(w, r, nx::kFcDecompress, zl.data() + 2, zl.size() - 2, data.size());
  EXPECT_EQ(j.cc, nx::kCcPartial);
  EXPECT_EQ(j.ce & (nx::kCePartial | nx::kCeTermination), nx::kCePartial);
  EXPECT_EQ(r.cpb().out_sfbt(), nx::kSfbtFinalDone);
  EXPECT_GE(r.cpb().out_subc(), 32u);
  EXPECT_LE(r.cpb().out_subc(), 39u);
  EXPECT_EQ(j.out, data);
  const Bytes gz = nxz::test::zlib_compress(data, 6, 31);  // gzip wrapper, 10-byte header
  j = run_job(w, r, nx::kFcDecompress, gz.data() + 10, gz.size() - 10, data.size());
  EXPECT_EQ(j.cc, nx::kCcPartial);
  EXPECT_GE(r.cpb().out_subc(), 64u);
  EXPECT_LE(r.cpb().out_subc(), 71u);
}

TEST(Contract6Decompress, ByteCountLimitSplitsTheTargetAndResumes) {
  const Bytes file = nxz::test::corpus("kppkn.gtb");
  ASSERT_FALSE(file.empty());
  for (uint32_t limit : {1u, 7u, 4096u, 65535u}) {
    // Tiny limits mean one job per item: keep those runs short.
    const Bytes data(file.begin(), file.begin() + (limit < 100 ? 12000 : file.size()));
    const Bytes z = nxz::test::zlib_compress(data, 9);
    nxz_emu_config cfg{};
    cfg.limit_low = limit;
    cfg.priority_queued = 1;  // the low limit for every job
    EmuWindow w(&cfg);
    Request r;
    Bytes out;
    // The target has room for the longest item past the limit (a 258-byte match).
    const int cc = nxz::test::resume_decode(w, r, z, {z.size()}, &out, limit + 258);
    ASSERT_EQ(cc, 0) << limit;
    EXPECT_EQ(out, data) << limit;
  }
}

TEST(Contract5Decompress, SingleBlockCodeStopsAfterEachBlock) {
  const Bytes data = nxz::test::corpus("html_x_4");
  ASSERT_FALSE(data.empty());
  const Bytes z = nxz::test::zlib_compress(data, 6, -15, 1);  // memLevel 1: many blocks
  EmuWindow w;
  Request r;
  JobOut j = run_job(w, r, nx::kFcDecompressSingle, z.data(), z.size(), data.size());
  ASSERT_EQ(j.cc, nx::kCcPartial);
  EXPECT_EQ(r.cpb().out_sfbt(), nx::kSfbtHeader);
  EXPECT_GT(r.cpb().out_subc(), 0u);
  EXPECT_LT(j.out.size(), data.size());
  EXPECT_TRUE(std::equal(j.out.begin(), j.out.end(), data.begin()));
}

TEST(Contract5Decompress, ErrorCodes) {
  EmuWindow w;
  Request r;
  const uint8_t btype11[] = {0x07, 0x00};  // BFINAL=1, BTYPE=11
  EXPECT_EQ(run_job(w, r, nx::kFcDecompress, btype11, 2, 100).cc, nx::kCcDataError);
  const uint8_t bad_len[] = {0x01, 0x05, 0x00, 0xfa, 0xfe, 1, 2, 3, 4, 5};  // NLEN wrong
  EXPECT_EQ(run_job(w, r, nx::kFcDecompress, bad_len, sizeof bad_len, 100).cc, nx::kCcDataError);
  // Fixed block: literal 'a' then a match at distance 2 with only 1 byte out.
  // Bits: BFINAL 1, BTYPE 01; 'a' = 0x91 (8 bits); length 3 = code 257 (7 bits
  // 0000001); distance code 1 (5 bits 00001) = distance 2; then EOB.
  const Bytes one = nxz::test::zlib_compress(Bytes{'a'}, 6, -15, 8, Z_FIXED);
  JobOut ok = run_job(w, r, nx::kFcDecompress, one.data(), one.size(), 10);
  ASSERT_EQ(ok.cc, 0);
  uint8_t far[8] = {};
  size_t bit = 0;
  auto put = [&](uint32_t v, int n, bool msb_first) {
    for (int i = 0; i < n; ++i, ++bit) {
      const uint32_t b = msb_first ? (v >> (n - 1 - i)) & 1 : (v >> i) & 1;
      far[bit >> 3] |= static_cast<uint8_t>(b << (bit & 7));
    }
  };
  put(1, 1, false);
  put(1, 2, false);
  put(0x30 + 'a', 8, true);
  put(1, 7, true);  // length code 257
  put(1, 5, true);  // distance code 1: distance 2
  put(0, 7, true);  // end of block
  EXPECT_EQ(run_job(w, r, nx::kFcDecompress, far, (bit + 7) / 8, 10).cc, nx::kCcDistance);
  const uint8_t hlit30[] = {0x05 | (30 << 3), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  EXPECT_EQ(run_job(w, r, nx::kFcDecompress, hlit30, sizeof hlit30, 100).cc, nx::kCcDhtInvalid);
  const Bytes text = nxz::test::text_like(5000, 12);
  const Bytes z = nxz::test::zlib_compress(text, 6);
  JobOut small = run_job(w, r, nx::kFcDecompress, z.data(), z.size(), 4999);
  EXPECT_EQ(small.cc, nx::kCcTargetSpace);
  EXPECT_EQ(small.ce & nx::kCeTermination, nx::kCeTermination);
  JobOut hist = run_job(w, r, nx::kFcDecompressResume, z.data(), 32, 5000, 2);
  EXPECT_EQ(hist.cc, nx::kCcPartial);  // source not longer than the history
  EXPECT_EQ(hist.ce & nx::kCeTermination, nx::kCeTermination);
}

TEST(Contract5Decompress, EmptyInputMakesNoProgress) {
  EmuWindow w;
  Request r;
  const uint8_t one_byte[] = {0x00};  // BFINAL=0, BTYPE=00 but no LEN yet
  JobOut j = run_job(w, r, nx::kFcDecompress, one_byte, 1, 100);
  EXPECT_EQ(j.cc, nx::kCcPartial);
  EXPECT_EQ(r.cpb().out_sfbt() & 0xe, nx::kSfbtHeader);
  // §5: no progress when subc == spbc * 8.
  EXPECT_EQ(r.cpb().out_subc(), r.cpb().out_spbc_decompress() * 8);
  EXPECT_EQ(j.tpbc, 0u);
}

}  // namespace
