// Contract §4 target space (cc 13, nothing written past the target) and
// out_lzcount (how often each symbol was emitted; end-of-block counts 1).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "deflate/deflate_test_util.h"
#include "emulated/deflate_codes.h"

namespace nxz::test {
namespace {

TEST(Contract4DeflateTarget, EveryCapacityBelowTheBlockIsCc13) {
  const Bytes src = text_like(3000, 9);
  const JobRun full = run_job({.source = &src});
  ASSERT_EQ(full.r.cc, 0);
  const Dht dht = dht_from_counts(run_job({.source = &src, .counts = true}).r.lzcount);
  const JobRun full_dht = run_job({.source = &src, .dht = &dht});
  ASSERT_EQ(full_dht.r.cc, 0);
  for (const JobRun* ref : {&full, &full_dht}) {
    const Dht* table = ref == &full ? nullptr : &dht;
    for (size_t cap = 1; cap < ref->r.out_bytes; ++cap) {
      const JobRun run = run_job({.source = &src, .dht = table, .capacity = cap});
      ASSERT_EQ(run.r.cc, 13) << cap;
      ASSERT_EQ(run.r.out_bytes, 0u);
      ASSERT_TRUE(run.guard_ok) << "wrote past capacity " << cap;
    }
    // Exactly enough room: the same block.
    const JobRun exact = run_job({.source = &src, .dht = table, .capacity = ref->r.out_bytes});
    ASSERT_EQ(exact.r.cc, 0);
    EXPECT_TRUE(exact.guard_ok);
    EXPECT_EQ(exact.out, ref->out);
  }
}

TEST(Contract4DeflateTarget, LargeInputsNearTheirSize) {
  for (const char* name : {"urls.10K", "fireworks.jpeg"}) {
    SCOPED_TRACE(name);
    const Bytes src = corpus(name);
    const JobRun full = run_job({.source = &src});
    ASSERT_EQ(full.r.cc, 0);
    const size_t n = full.r.out_bytes;
    for (size_t cap : {size_t{1}, size_t{2}, size_t{9}, n / 2, n - 9, n - 8, n - 7, n - 2, n - 1}) {
      const JobRun run = run_job({.source = &src, .capacity = cap});
      EXPECT_EQ(run.r.cc, 13) << cap;
      EXPECT_TRUE(run.guard_ok) << cap;
    }
    for (size_t cap : {n, n + 1, n + 7, n + 8}) {
      const JobRun run = run_job({.source = &src, .capacity = cap});
      ASSERT_EQ(run.r.cc, 0) << cap;
      EXPECT_TRUE(run.guard_ok);
      EXPECT_EQ(run.out, full.out);
    }
  }
}

TEST(Contract4DeflateTarget, TinyCapacitiesForTheEmptyBlock) {
  const Bytes empty;
  EXPECT_EQ(run_job({.source = &empty, .capacity = 1}).r.cc, 13);
  EXPECT_EQ(run_job({.source = &empty, .capacity = 2}).r.cc, 0);
  const Bytes src = text_like(100, 2);
  const Dht dht = dht_from_counts(run_job({.source = &src, .counts = true}).r.lzcount);
  // The DHT alone takes dht.bits: a target shorter than the header is full.
  const size_t header_bytes = (3 + dht.bits) / 8;
  const JobRun run = run_job({.source = &src, .dht = &dht, .capacity = header_bytes});
  EXPECT_EQ(run.r.cc, 13);
  EXPECT_TRUE(run.guard_ok);
}

// Bits a block takes according to its counts and code lengths: header, each
// symbol's code and extra bits.
size_t bits_from_counts(const uint32_t* counts, const std::vector<uint8_t>& lit,
                        const std::vector<uint8_t>& dist, size_t header_bits) {
  size_t bits = header_bits;
  for (int s = 0; s < 286; ++s) {
    const size_t extra = s >= 257 ? emu::kLengthExtra[s - 257] : 0;
    bits += counts[s] * (lit[static_cast<size_t>(s)] + extra);
  }
  for (int s = 0; s < 30; ++s)
    bits += counts[286 + s] * (dist[static_cast<size_t>(s)] + size_t{emu::kDistExtra[s]});
  return bits;
}

TEST(Contract4DeflateCounts, CountsReconstructTheBlockSizeForEveryCorpusFile) {
  std::vector<uint8_t> fixed_lit(288), fixed_dist(32);
  emu::fixed_code_lengths(fixed_lit.data(), fixed_dist.data());
  for (const auto& name : corpus_files()) {
    SCOPED_TRACE(name);
    const Bytes src = corpus(name);
    const JobRun run = run_job({.source = &src, .counts = true});
    ASSERT_EQ(run.r.cc, 0);
    EXPECT_EQ(run.r.lzcount[256], 1u);
    EXPECT_EQ(bits_from_counts(run.r.lzcount, fixed_lit, fixed_dist, 3), block_bits(run.r));

    const Dht dht = dht_from_counts(run.r.lzcount);
    const JobRun dyn = run_job({.source = &src, .dht = &dht, .counts = true});
    ASSERT_EQ(dyn.r.cc, 0);
    std::vector<uint8_t> lit, dist;
    ASSERT_TRUE(dht_lengths(dht, &lit, &dist));
    EXPECT_EQ(bits_from_counts(dyn.r.lzcount, lit, dist, 3 + dht.bits), block_bits(dyn.r));
    // The parse is the same whatever the table.
    EXPECT_TRUE(std::equal(run.r.lzcount, run.r.lzcount + emu::kLzCountSymbols, dyn.r.lzcount));

    // Every length symbol comes with exactly one distance symbol.
    uint64_t lengths = 0, dists = 0;
    for (int s = 257; s < 286; ++s) lengths += run.r.lzcount[s];
    for (int s = 286; s < 316; ++s) dists += run.r.lzcount[s];
    EXPECT_EQ(lengths, dists);
  }
}

TEST(Contract4DeflateCounts, LiteralCountsAreByteCountsWithoutMatches) {
  // Random bytes without any repeated 4-byte string: every byte is a literal.
  Bytes src;
  for (uint32_t seed = 1; src.empty(); ++seed) {
    src = random_bytes(16384, seed);
    std::set<uint32_t> seen;
    for (size_t i = 0; i + 4 <= src.size() && !src.empty(); ++i) {
      const uint32_t v = uint32_t{src[i]} | uint32_t{src[i + 1]} << 8 | uint32_t{src[i + 2]} << 16 |
                         uint32_t{src[i + 3]} << 24;
      if (!seen.insert(v).second) src.clear();
    }
  }
  const JobRun run = run_job({.source = &src, .counts = true});
  ASSERT_EQ(run.r.cc, 0);
  uint32_t bytes[256] = {};
  for (uint8_t c : src) bytes[c]++;
  for (int s = 0; s < 256; ++s) EXPECT_EQ(run.r.lzcount[s], bytes[s]) << s;
  EXPECT_EQ(run.r.lzcount[256], 1u);
  for (int s = 257; s < 316; ++s) EXPECT_EQ(run.r.lzcount[s], 0u) << s;
}

TEST(Contract4DeflateCounts, KnownParseOfARun) {
  // "a" then 999 more: one literal, then distance-1 matches: 258 * 3 + 225.
  const Bytes src(1000, 'a');
  const JobRun run = run_job({.source = &src, .counts = true});
  ASSERT_EQ(run.r.cc, 0);
  std::map<int, uint32_t> nonzero;
  for (int s = 0; s < 316; ++s)
    if (run.r.lzcount[s]) nonzero[s] = run.r.lzcount[s];
  // 225 is length symbol 283 (227..257 is 284; 195..226 is 283).
  const std::map<int, uint32_t> want = {{'a', 1}, {256, 1}, {285, 3}, {283, 1}, {286 + 0, 4}};
  EXPECT_EQ(nonzero, want);
}

TEST(Contract4DeflateCounts, CountsAreOptional) {
  // Without counts the block is the same.
  const Bytes src = corpus("html");
  const JobRun with = run_job({.source = &src, .counts = true});
  const JobRun without = run_job({.source = &src});
  EXPECT_EQ(with.out, without.out);
}

}  // namespace
}  // namespace nxz::test
