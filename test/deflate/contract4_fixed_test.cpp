// Contract §4 (compression), fixed Huffman codes: one block per job,
// byte-aligned, BFINAL = 1, BTYPE 01, closed by end-of-block; tpbc/tebc
// exact; history matched against but never emitted.
#include <gtest/gtest.h>

#include <thread>

#include "deflate/deflate_test_util.h"
#include "emulated/lz77_matcher.h"

namespace nxz::test {
namespace {

// Checks everything §4 says about a successful block and that it decodes to
// `src` (with `hist` as the preset window).
void expect_valid_block(const JobRun& run, const Bytes& src, int want_btype,
                        const Bytes& hist = {}) {
  ASSERT_EQ(run.r.cc, 0);
  ASSERT_TRUE(run.guard_ok);
  ASSERT_EQ(run.out.size(), run.r.out_bytes);
  ASSERT_GE(run.out.size(), 1u);
  EXPECT_EQ(bfinal(run.out), 1);
  EXPECT_EQ(btype(run.out), want_btype);
  ASSERT_LT(run.r.tebc, 8);
  if (run.r.tebc) {
    EXPECT_EQ(run.out.back() >> run.r.tebc, 0) << "unused high bits must be 0";
  }

  const Decoded d = inflate_one_block(run.out, hist);
  ASSERT_TRUE(d.ok) << d.err;
  EXPECT_TRUE(d.final_block);
  EXPECT_EQ(d.out, src);
  // The end-of-block code ends exactly at bit `tebc` of byte out_bytes - 1.
  EXPECT_EQ(d.bytes_used, run.r.out_bytes);
  EXPECT_EQ(d.unused_bits, run.r.tebc ? 8 - run.r.tebc : 0);
  // And system zlib's ordinary full decode agrees.
  Bytes again;
  std::string err;
  ASSERT_TRUE(zlib_inflate_raw(run.out.data(), run.out.size(), &again, &err, hist)) << err;
  EXPECT_EQ(again, src);
}

// Every test runs at each of the emulated machine's matching efforts: the
// contract holds whatever the parse.
class Contract4Deflate : public testing::TestWithParam<emu::MatchEffort> {
 protected:
  void SetUp() override { set_job_effort(GetParam()); }
  void TearDown() override { set_job_effort(emu::MatchEffort::kLazy); }
  bool fast() const { return GetParam() == emu::MatchEffort::kFast; }
};

INSTANTIATE_TEST_SUITE_P(Effort, Contract4Deflate,
                         testing::Values(emu::MatchEffort::kLazy, emu::MatchEffort::kFast),
                         [](const testing::TestParamInfo<emu::MatchEffort>& i) {
                           return i.param == emu::MatchEffort::kFast ? "Fast" : "Lazy";
                         });

TEST_P(Contract4Deflate, FixedBlockRoundTripsEveryCorpusFile) {
  const auto files = corpus_files();
  ASSERT_FALSE(files.empty()) << "corpus missing at " << corpus_dir();
  for (const auto& name : files) {
    SCOPED_TRACE(name);
    const Bytes src = corpus(name);
    ASSERT_FALSE(src.empty());
    const JobRun run = run_job({.source = &src});
    expect_valid_block(run, src, 1);
  }
}

TEST_P(Contract4Deflate, FixedBlockBeatsZlibOnText) {
  // The lazy parse is better than zlib's level 3 restricted to the fixed
  // code (Z_FIXED) on the text files of the corpus (it lands between levels
  // 4 and 5); the fast one better than level 1.
  for (const char* name : {"alice29.txt", "lcet10.txt", "plrabn12.txt", "html", "urls.10K"}) {
    SCOPED_TRACE(name);
    const Bytes src = corpus(name);
    ASSERT_FALSE(src.empty());
    const JobRun run = run_job({.source = &src});
    ASSERT_EQ(run.r.cc, 0);
    const Bytes z = zlib_compress(src, fast() ? 1 : 3, -15, 8, Z_FIXED);
    EXPECT_LT(run.out.size(), z.size());
  }
}

TEST_P(Contract4Deflate, EmptySourceIsAnEmptyFixedBlock) {
  const Bytes empty;
  const JobRun run = run_job({.source = &empty});
  // 3 header bits and the 7-bit end-of-block code 0000000: 10 bits.
  ASSERT_EQ(run.r.cc, 0);
  EXPECT_EQ(run.r.out_bytes, 2u);
  EXPECT_EQ(run.r.tebc, 2);
  EXPECT_EQ(run.out, (Bytes{0x03, 0x00}));
  expect_valid_block(run, empty, 1);
}

TEST_P(Contract4Deflate, OneByteSources) {
  for (int c : {0, int{'a'}, 143, 144, 255}) {
    SCOPED_TRACE(c);
    const Bytes src{static_cast<uint8_t>(c)};
    const JobRun run = run_job({.source = &src});
    // 3 + 8 or 9 bits for the literal + 7 for end-of-block.
    const size_t bits = 3 + (c < 144 ? 8 : 9) + 7;
    EXPECT_EQ(block_bits(run.r), bits);
    expect_valid_block(run, src, 1);
  }
}

TEST_P(Contract4Deflate, EveryShortLengthAndHistorySplit) {
  // Inputs of 0..40 bytes with every history split: the tail handling where
  // fewer than 4 bytes remain, on exactly sized buffers.
  const Bytes base = text_like(40, 7);
  Bytes periodic(40);
  for (size_t i = 0; i < periodic.size(); ++i) periodic[i] = "abcab"[i % 5];
  for (const Bytes* all : std::vector<const Bytes*>{&base, &periodic}) {
    for (size_t total = 0; total <= all->size(); ++total) {
      for (size_t h = 0; h <= total; ++h) {
        SCOPED_TRACE(testing::Message() << "total " << total << " hist " << h);
        const Bytes hist(all->begin(), all->begin() + static_cast<long>(h));
        const Bytes src(all->begin() + static_cast<long>(h),
                        all->begin() + static_cast<long>(total));
        const JobRun run = run_job({.history = &hist, .source = &src});
        expect_valid_block(run, src, 1, hist);
      }
    }
  }
}

TEST_P(Contract4Deflate, SizesAroundTheEndOfTheFastPath) {
  // The parse checks the end of the data only in its last few hundred bytes;
  // every length across that boundary, with long matches, lazy steps and
  // incompressible stretches ending right there.
  const Bytes text = text_like(1200, 21);
  const Bytes noise = random_bytes(1200, 22);
  Bytes mixed = noise;
  for (size_t i = 300; i < mixed.size(); ++i) mixed[i] = mixed[i - 300];
  for (const Bytes* all : std::vector<const Bytes*>{&text, &noise, &mixed}) {
    for (size_t n = 200; n <= 1200; n += 3) {
      SCOPED_TRACE(n);
      const Bytes src(all->begin(), all->begin() + static_cast<long>(n));
      const JobRun run = run_job({.source = &src});
      ASSERT_EQ(run.r.cc, 0);
      Bytes back;
      ASSERT_TRUE(zlib_inflate_raw(run.out.data(), run.out.size(), &back));
      ASSERT_EQ(back, src);
    }
  }
}

TEST_P(Contract4Deflate, MegabyteOfZerosUsesLongMatches) {
  const Bytes src(1 << 20, 0);
  const JobRun run = run_job({.source = &src});
  expect_valid_block(run, src, 1);
  // A 258-byte match at distance 1 costs 8 + 5 bits: about 6.6 KB in all.
  EXPECT_LT(run.r.out_bytes, 7000u);
}

TEST_P(Contract4Deflate, RandomDataCostsAtMostNineBitsPerByte) {
  const Bytes src = random_bytes(1 << 20, 99);
  const JobRun run = run_job({.source = &src});
  expect_valid_block(run, src, 1);
  EXPECT_LE(run.r.out_bytes, src.size() * 9 / 8 + 2);
}

TEST_P(Contract4Deflate, MatchesReachIntoHistoryWhichIsNotEmitted) {
  const Bytes text = corpus("alice29.txt");
  ASSERT_GT(text.size(), 100000u);
  const Bytes hist(text.begin(), text.begin() + 60000);
  const Bytes src(text.begin() + 60000, text.begin() + 90000);
  const JobRun with = run_job({.history = &hist, .source = &src});
  const JobRun without = run_job({.source = &src});
  expect_valid_block(with, src, 1, hist);
  expect_valid_block(without, src, 1);
  // History gives the first bytes of the source something to match.
  EXPECT_LT(with.r.out_bytes, without.r.out_bytes);

  // Repeating the last 16 KiB of history is almost free (64 matches of up to
  // 258 bytes at about 25 bits each; the fast parse takes the newest
  // candidate, often a shorter match); a copy of bytes more than 32 KiB back
  // cannot be matched (§4: only 32 KiB count).
  const Bytes recent(hist.end() - 16384, hist.end());
  const JobRun near = run_job({.history = &hist, .source = &recent});
  expect_valid_block(near, recent, 1, hist);
  EXPECT_LT(near.r.out_bytes, fast() ? 1024u : 300u);
  const Bytes old(hist.begin(), hist.begin() + 16384);
  const JobRun far = run_job({.history = &hist, .source = &old});
  expect_valid_block(far, old, 1, hist);
  EXPECT_GT(far.r.out_bytes, 16384u / 3);
}

TEST_P(Contract4Deflate, HistoryOfOnlyMatchableBytesGivesOneMatchPerMaxLength) {
  // Source equal to the end of the history: every byte is a match at the
  // distance of the source length.
  const Bytes hist = random_bytes(4096, 5);
  const Bytes src(hist.end() - 2580, hist.end());
  const JobRun run = run_job({.history = &hist, .source = &src, .counts = true});
  expect_valid_block(run, src, 1, hist);
  uint32_t literals = 0;
  for (int s = 0; s < 256; ++s) literals += run.r.lzcount[s];
  if (!fast()) {
    EXPECT_EQ(run.r.lzcount[285], 10u);  // ten matches of 258
    EXPECT_EQ(literals, 0u);
  } else {
    // One candidate per hash: a later position of the history with the
    // same hash of its first 4 bytes can cost a literal.
    EXPECT_GE(run.r.lzcount[285], 9u);
    EXPECT_LE(literals, 8u);
  }
}

// §4 "to continue a stream, software keeps the low tebc bits of the last
// byte and appends an empty stored block": chaining jobs that way, each with
// the previous source as history, gives one stream that zlib decodes.
TEST_P(Contract4Deflate, BlocksChainIntoOneStreamThroughTebc) {
  const Bytes text = corpus("lcet10.txt");
  ASSERT_GT(text.size(), 200000u);
  Bytes stream;
  size_t stream_bits = 0;
  auto append_bits = [&](const uint8_t* p, size_t nbits) {
    for (size_t i = 0; i < nbits; ++i, ++stream_bits) {
      if ((stream_bits & 7) == 0) stream.push_back(0);
      stream.back() |= static_cast<uint8_t>(bit_at(p, i) << (stream_bits & 7));
    }
  };
  const size_t chunks[] = {1, 777, 40000, 65536, 3, 50000};
  size_t pos = 0;
  for (size_t c : chunks) {
    const size_t h = std::min<size_t>(pos, 40000);
    const Bytes hist(text.begin() + static_cast<long>(pos - h),
                     text.begin() + static_cast<long>(pos));
    const Bytes src(text.begin() + static_cast<long>(pos),
                    text.begin() + static_cast<long>(pos + c));
    JobRun run = run_job({.history = &hist, .source = &src});
    ASSERT_EQ(run.r.cc, 0);
    ASSERT_EQ(bfinal(run.out), 1);
    // Byte-aligned start: a block appended at a byte boundary of the stream.
    ASSERT_EQ(stream_bits % 8, 0u);
    run.out[0] &= 0xFE;  // not the final block any more
    append_bits(run.out.data(), block_bits(run.r));
    // Sync flush: stored block header (BFINAL 0, BTYPE 00), pad, LEN 0, NLEN ~0.
    const uint8_t zero = 0;
    append_bits(&zero, 3);
    while (stream_bits % 8) append_bits(&zero, 1);
    const uint8_t lens[4] = {0x00, 0x00, 0xFF, 0xFF};
    append_bits(lens, 32);
    pos += c;
  }
  const uint8_t final_empty[2] = {0x03, 0x00};  // an empty final fixed block
  append_bits(final_empty, 10);
  Bytes decoded;
  std::string err;
  ASSERT_TRUE(zlib_inflate_raw(stream.data(), stream.size(), &decoded, &err)) << err;
  EXPECT_EQ(decoded, Bytes(text.begin(), text.begin() + static_cast<long>(pos)));
}

TEST_P(Contract4Deflate, OutputIsDeterministicAcrossJobsAndThreads) {
  const Bytes a = corpus("html");
  const Bytes b = corpus("kppkn.gtb");
  const Bytes hist(b.begin(), b.begin() + 50000);
  const JobRun first = run_job({.history = &hist, .source = &a});
  // Jobs in between leave their positions in the reused tables.
  for (int i = 0; i < 5; ++i) run_job({.source = &b});
  run_job({.history = &a, .source = &b});
  const JobRun again = run_job({.history = &hist, .source = &a});
  EXPECT_EQ(first.out, again.out);
  // A fresh thread starts from fresh tables.
  JobRun fresh;
  std::thread t([&] { fresh = run_job({.history = &hist, .source = &a}); });
  t.join();
  EXPECT_EQ(first.out, fresh.out);
  expect_valid_block(first, a, 1, hist);
}

// The match finder's position stamps are rebased inside large jobs and its
// tables cleared between jobs; a low limit makes both happen here. Rebasing
// keeps every candidate, so the output must not change at all.
TEST_P(Contract4Deflate, StampRebasingDoesNotChangeTheOutput) {
  const Bytes text = corpus("plrabn12.txt");
  const Bytes hist(text.begin(), text.begin() + 100000);
  const Bytes src(text.begin() + 100000, text.end());
  const Bytes zeros(300000, 0);
  std::vector<Bytes> reference;
  for (int limited = 0; limited < 2; ++limited) {
    emu::Lz77Matcher::set_stamp_limit_for_testing(limited ? 1u << 17 : 0);
    std::vector<Bytes> outs;
    for (int i = 0; i < 3; ++i) {
      outs.push_back(run_job({.history = &hist, .source = &src}).out);
      outs.push_back(run_job({.source = &zeros}).out);
      outs.push_back(run_job({.source = &text}).out);
    }
    if (!limited) {
      reference = outs;
    } else {
      EXPECT_EQ(outs, reference);
    }
  }
  emu::Lz77Matcher::set_stamp_limit_for_testing(0);
  const Bytes decoded_check = src;
  JobRun run = run_job({.history = &hist, .source = &src});
  expect_valid_block(run, decoded_check, 1, hist);
}

}  // namespace
}  // namespace nxz::test
