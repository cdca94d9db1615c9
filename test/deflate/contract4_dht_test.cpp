// Contract §4 (compression) with a dynamic Huffman table from the CPB:
// BTYPE 10, the in_dhtlen bits of in_dht copied verbatim after the 3 header
// bits; cc 66 when the table lacks a code the data needs, cc 68 when the
// table cannot be decoded or in_dhtlen is not its length.
#include <gtest/gtest.h>

#include "deflate/deflate_test_util.h"
#include "emulated/inflate_core.h"

namespace nxz::test {
namespace {

// The symbol counts of a source, from a fixed-code job (the parse does not
// depend on the table, so a DHT built from them covers the DHT job).
std::vector<uint32_t> counts_of(const Bytes& src, const Bytes& hist = {}) {
  const JobRun run = run_job({.history = &hist, .source = &src, .counts = true});
  EXPECT_EQ(run.r.cc, 0);
  return std::vector<uint32_t>(run.r.lzcount, run.r.lzcount + emu::kLzCountSymbols);
}

void expect_dht_block(const JobRun& run, const Dht& dht, const Bytes& src, const Bytes& hist = {}) {
  ASSERT_EQ(run.r.cc, 0);
  ASSERT_TRUE(run.guard_ok);
  ASSERT_EQ(bfinal(run.out), 1);
  ASSERT_EQ(btype(run.out), 2);
  // The header bits after BFINAL/BTYPE are in_dht, bit for bit.
  ASSERT_GE(block_bits(run.r), 3 + dht.bits);
  for (size_t i = 0; i < dht.bits; ++i)
    ASSERT_EQ(bit_at(run.out.data(), 3 + i), bit_at(dht.bytes, i)) << "dht bit " << i;
  if (run.r.tebc) {
    EXPECT_EQ(run.out.back() >> run.r.tebc, 0);
  }
  const Decoded d = inflate_one_block(run.out, hist);
  ASSERT_TRUE(d.ok) << d.err;
  EXPECT_EQ(d.out, src);
  EXPECT_EQ(d.bytes_used, run.r.out_bytes);
  EXPECT_EQ(d.unused_bits, run.r.tebc ? 8 - run.r.tebc : 0);
}

TEST(Contract4DeflateDht, DynamicBlockRoundTripsEveryCorpusFile) {
  const auto files = corpus_files();
  ASSERT_FALSE(files.empty());
  for (const auto& name : files) {
    SCOPED_TRACE(name);
    const Bytes src = corpus(name);
    const Dht dht = dht_from_counts(counts_of(src).data());
    const JobRun run = run_job({.source = &src, .dht = &dht});
    expect_dht_block(run, dht, src);
  }
}

TEST(Contract4DeflateDht, DynamicBlockWithHistory) {
  const Bytes text = corpus("asyoulik.txt");
  const Bytes hist(text.begin(), text.begin() + 70000);
  const Bytes src(text.begin() + 70000, text.begin() + 110000);
  const Dht dht = dht_from_counts(counts_of(src, hist).data());
  const JobRun run = run_job({.history = &hist, .source = &src, .dht = &dht});
  expect_dht_block(run, dht, src, hist);
}

TEST(Contract4DeflateDht, DynamicTableBeatsFixedCodeOnText) {
  for (const char* name : {"alice29.txt", "lcet10.txt", "html", "urls.10K", "fireworks.jpeg"}) {
    SCOPED_TRACE(name);
    const Bytes src = corpus(name);
    const JobRun fixed = run_job({.source = &src});
    const Dht dht = dht_from_counts(counts_of(src).data());
    const JobRun dyn = run_job({.source = &src, .dht = &dht});
    ASSERT_EQ(dyn.r.cc, 0);
    // Text gains well over 10%; even JPEG gains, by not spending 9 bits on
    // half of the byte values.
    EXPECT_LT(dyn.r.out_bytes, fixed.r.out_bytes);
    if (std::string(name).find(".jpeg") == std::string::npos) {
      EXPECT_LT(dyn.r.out_bytes * 10, fixed.r.out_bytes * 9);
    }
  }
}

TEST(Contract4DeflateDht, EmptySourceAndSingleSymbolTables) {
  const Bytes empty;
  const Dht only_eob = dht_from_counts(counts_of(empty).data());
  expect_dht_block(run_job({.source = &empty, .dht = &only_eob}), only_eob, empty);
  const Bytes one{'x'};
  const Dht one_lit = dht_from_counts(counts_of(one).data());
  expect_dht_block(run_job({.source = &one, .dht = &one_lit}), one_lit, one);
  const Bytes run_of_a(5000, 'a');  // one literal, one length, one distance
  const Dht runs = dht_from_counts(counts_of(run_of_a).data());
  expect_dht_block(run_job({.source = &run_of_a, .dht = &runs}), runs, run_of_a);
}

TEST(Contract4DeflateDht, TableMissingANeededLiteralIsCc66) {
  const Bytes src = corpus("alice29.txt");
  const auto counts = counts_of(src);
  ASSERT_GT(counts['z'], 0u);
  const Dht no_z = dht_from_counts(counts.data(), {'z'});
  std::vector<uint8_t> lit, dist;
  ASSERT_TRUE(dht_lengths(no_z, &lit, &dist));
  ASSERT_EQ(lit['z'], 0);
  const JobRun run = run_job({.source = &src, .dht = &no_z});
  EXPECT_EQ(run.r.cc, 66);
  EXPECT_TRUE(run.guard_ok);
  // The same table is fine for data without a 'z'.
  Bytes no_z_src = src;
  for (auto& c : no_z_src)
    if (c == 'z') c = 'y';
  // ('y' may be missing too if it never occurred; it did in this text.)
  ASSERT_GT(counts['y'], 0u);
  const auto counts2 = counts_of(no_z_src);
  bool covered = true;
  for (int s = 0; s < emu::kLzCountSymbols; ++s) {
    const uint8_t len = s < 286 ? lit[static_cast<size_t>(s)] : dist[static_cast<size_t>(s - 286)];
    if (counts2[static_cast<size_t>(s)] && len == 0) covered = false;
  }
  if (covered) {
    EXPECT_EQ(run_job({.source = &no_z_src, .dht = &no_z}).r.cc, 0);
  }
}

TEST(Contract4DeflateDht, MatcherChoosesRegardlessOfTheTable) {
  // A table without distance codes cannot code any match. The hardware's
  // LZ77 does not look at the table, so data with repeats is cc 66 rather
  // than coded as literals.
  const Bytes src = text_like(20000, 3);
  std::vector<uint32_t> counts = counts_of(src);
  std::vector<int> all_dist;
  for (int s = 286; s < 316; ++s) all_dist.push_back(s);
  const Dht literals_only = dht_from_counts(counts.data(), all_dist);
  std::vector<uint8_t> lit, dist;
  ASSERT_TRUE(dht_lengths(literals_only, &lit, &dist));
  for (int s = 0; s < 30; ++s) ASSERT_EQ(dist[static_cast<size_t>(s)], 0);
  EXPECT_EQ(run_job({.source = &src, .dht = &literals_only}).r.cc, 66);

  // Missing one length symbol that the parse uses.
  int used_len = -1;
  for (int s = 257; s < 286; ++s)
    if (counts[static_cast<size_t>(s)]) used_len = s;
  ASSERT_GE(used_len, 257);
  const Dht no_len = dht_from_counts(counts.data(), {used_len});
  EXPECT_EQ(run_job({.source = &src, .dht = &no_len}).r.cc, 66);

  // Data with no repeats at all needs no distance code.
  const Bytes unique = random_bytes(3000, 11);
  const auto ucounts = counts_of(unique);
  for (int s = 257; s < 316; ++s) ASSERT_EQ(ucounts[static_cast<size_t>(s)], 0u);
  std::vector<uint32_t> all_lits(316, 0);
  for (int s = 0; s <= 256; ++s) all_lits[static_cast<size_t>(s)] = 1;
  const Dht lit_table = dht_from_counts(all_lits.data());
  expect_dht_block(run_job({.source = &unique, .dht = &lit_table}), lit_table, unique);
}

TEST(Contract4DeflateDht, UndecodableTablesAreCc68) {
  const Bytes src = text_like(5000, 1);
  const Dht good = dht_from_counts(counts_of(src).data());
  ASSERT_EQ(run_job({.source = &src, .dht = &good}).r.cc, 0);

  // in_dhtlen one bit short or long.
  for (int delta : {-1, 1, -8, 8}) {
    Dht d = good;
    d.bits = static_cast<uint32_t>(static_cast<int>(d.bits) + delta);
    EXPECT_EQ(run_job({.source = &src, .dht = &d}).r.cc, 68) << delta;
  }
  // in_dhtlen 0 and beyond anything valid (the field holds 12 bits).
  for (uint32_t bits : {0u, 41u, 2284u, 4095u}) {
    Dht d = good;
    d.bits = bits;
    EXPECT_EQ(run_job({.source = &src, .dht = &d}).r.cc, 68) << bits;
  }
  // HLIT 30 (287 symbols) and HDIST 30 (31 symbols).
  {
    Dht d = good;
    d.bytes[0] = static_cast<uint8_t>((d.bytes[0] & ~0x1F) | 30);
    EXPECT_EQ(run_job({.source = &src, .dht = &d}).r.cc, 68);
    d = good;
    d.bytes[0] = static_cast<uint8_t>((d.bytes[0] & 0x1F) | (30 & 7) << 5);
    d.bytes[1] = static_cast<uint8_t>((d.bytes[1] & ~0x03) | (30 >> 3));
    EXPECT_EQ(run_job({.source = &src, .dht = &d}).r.cc, 68);
  }
  // Over-subscribed literal/length code: three codes of length 1.
  {
    std::vector<uint8_t> lit(286, 0), dist(30, 0);
    lit['a'] = lit['b'] = lit[256] = 1;
    dist[0] = 1;
    dist[1] = 1;
    Dht d = encode_dht(lit, dist);
    std::vector<uint8_t> l2, d2;
    ASSERT_FALSE(dht_lengths(d, &l2, &d2));
    EXPECT_EQ(run_job({.source = &src, .dht = &d}).r.cc, 68);
  }
  // Incomplete literal/length code (lengths 1, 2: one codeword unused).
  {
    std::vector<uint8_t> lit(286, 0), dist(30, 0);
    lit['a'] = 1;
    lit[256] = 2;
    dist[0] = dist[1] = 1;
    const Dht d = encode_dht(lit, dist);
    EXPECT_EQ(run_job({.source = &src, .dht = &d}).r.cc, 68);
  }
}

// §4: "a table that cannot be decoded ... is cc 68; a table with no code for
// a symbol the data needs is cc 66". A table without an end-of-block code
// decodes, and every block needs that code: cc 66. Codes RFC 1951 allows to
// be incomplete (one code of length 1, no distance code at all) decode too,
// so data needing a missing symbol is cc 66 there as well. In a stream
// (§5), such a header starts a block that can never end: cc 68.
TEST(Contract4DeflateDht, TableWithoutEndOfBlockIsCc66NotCc68) {
  const Bytes src = {'a', 'b', 'b', 'a'};
  // Complete literal/length code over 'a' and 'b' only; no end-of-block.
  std::vector<uint8_t> lit(286, 0), dist(30, 0);
  lit['a'] = lit['b'] = 1;
  dist[0] = dist[1] = 1;
  const Dht no_eob = encode_dht(lit, dist);
  EXPECT_EQ(run_job({.source = &src, .dht = &no_eob}).r.cc, 66);
  const Bytes empty;
  EXPECT_EQ(run_job({.source = &empty, .dht = &no_eob}).r.cc, 66);

  // One code of length 1 (end-of-block) and no distance codes: decodable.
  std::vector<uint8_t> lit1(286, 0), dist0(30, 0);
  lit1[256] = 1;
  const Dht eob_only = encode_dht(lit1, dist0);
  EXPECT_EQ(run_job({.source = &src, .dht = &eob_only}).r.cc, 66);  // lacks 'a'
  const JobRun e = run_job({.source = &empty, .dht = &eob_only});
  EXPECT_EQ(e.r.cc, 0);
  const Decoded d = inflate_one_block(e.out);
  ASSERT_TRUE(d.ok) << d.err;
  EXPECT_TRUE(d.out.empty());

  // The same header in a stream: BFINAL 1, BTYPE 10, the table, then bits.
  Bytes stream(4 + sizeof no_eob.bytes, 0);
  stream[0] = 0x5;
  for (size_t i = 0; i < no_eob.bits; ++i)
    stream[(3 + i) / 8] |= static_cast<uint8_t>(bit_at(no_eob.bytes, i) << ((3 + i) % 8));
  emu::InflateInput in;
  Bytes out(64);
  in.src = stream.data();
  in.src_len = stream.size();
  in.out = out.data();
  in.out_capacity = out.size();
  const emu::InflateResult r = emu::inflate_job(in);
  EXPECT_EQ(r.cc, 68);
  EXPECT_TRUE(r.termination);
}

}  // namespace
}  // namespace nxz::test
