// Contract §5: the decoder reads every stream system zlib writes. Each corpus
// file is compressed at every level, strategy and window size and decoded in
// one job, whose report must be a clean end of stream.
#include <gtest/gtest.h>

#include <string>

#include "inflate/inflate_driver.h"

namespace nxz::test {
namespace {

// Decodes `z` in one non-resume job with exactly enough target space.
void expect_one_job(const Bytes& data, const Bytes& z, const std::string& what) {
  ASSERT_FALSE(z.empty()) << what;
  Bytes out;
  const emu::InflateResult r = run_inflate_job(z.data(), z.size(), &out, data.size(), {});
  EXPECT_EQ(r.cc, 0) << what;
  EXPECT_EQ(r.sfbt, 0u) << what;
  EXPECT_EQ(r.spbc, z.size()) << what;
  EXPECT_LE(r.subc, 7u) << what;
  EXPECT_EQ(r.tpbc, data.size()) << what;
  EXPECT_TRUE(out == data) << what;
}

std::vector<std::pair<std::string, Bytes>> corpus_and_synthetic() {
  std::vector<std::pair<std::string, Bytes>> all;
  for (const auto& name : corpus_files()) all.emplace_back(name, corpus(name));
  all.emplace_back("random", random_bytes(100000, 5));
  all.emplace_back("text_like", text_like(100000, 5));
  all.emplace_back("zeros", Bytes(100000, 0));
  all.emplace_back("empty", Bytes());
  return all;
}

const char* strategy_name(int s) {
  switch (s) {
    case Z_FILTERED:
      return "filtered";
    case Z_HUFFMAN_ONLY:
      return "huffman_only";
    case Z_RLE:
      return "rle";
    case Z_FIXED:
      return "fixed";
  }
  return "default";
}

TEST(Contract5InflateCorpus, EveryFileAtEveryLevel) {
  ASSERT_FALSE(corpus_files().empty()) << "no corpus at " << corpus_dir();
  for (const auto& [name, data] : corpus_and_synthetic())
    for (int level = 0; level <= 9; ++level)
      expect_one_job(data, zlib_compress(data, level), name + " level " + std::to_string(level));
}

TEST(Contract5InflateCorpus, EveryFileWithEveryStrategy) {
  for (const auto& [name, data] : corpus_and_synthetic())
    for (int strategy : {Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED})
      for (int level : {1, 6})
        expect_one_job(data, zlib_compress(data, level, -15, 8, strategy),
                       name + " " + strategy_name(strategy) + " level " + std::to_string(level));
}

TEST(Contract5InflateCorpus, EveryFileWithEveryWindowSize) {
  for (const auto& [name, data] : corpus_and_synthetic())
    for (int wbits = 9; wbits <= 15; ++wbits)
      expect_one_job(data, zlib_compress(data, 6, -wbits),
                     name + " window bits " + std::to_string(wbits));
}

TEST(Contract5InflateCorpus, SmallAndLargeBlocks) {
  // memLevel sets zlib's symbol buffer and so the block size: 1 gives many
  // small dynamic blocks, 9 few large ones.
  for (const auto& [name, data] : corpus_and_synthetic())
    for (int mem_level : {1, 9})
      expect_one_job(data, zlib_compress(data, 6, -15, mem_level),
                     name + " memLevel " + std::to_string(mem_level));
}

TEST(Contract5InflateCorpus, EveryCombinationOnFilePrefixes) {
  for (const char* file : {"alice29.txt", "kppkn.gtb", "paper-100k.pdf"}) {
    Bytes data = corpus(file);
    if (data.empty()) GTEST_SKIP() << "corpus file missing: " << file;
    data.resize(std::min<size_t>(data.size(), 12000));
    for (int level = 0; level <= 9; ++level)
      for (int strategy : {Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED})
        for (int wbits = 9; wbits <= 15; ++wbits)
          expect_one_job(data, zlib_compress(data, level, -wbits, 8, strategy),
                         std::string(file) + " level " + std::to_string(level) + " " +
                             strategy_name(strategy) + " wbits " + std::to_string(wbits));
  }
}

// The whole grid (10 levels x 5 strategies x window bits 9..15) on every
// whole corpus file, one test per file so that ctest spreads them over cores.
class Contract5InflateFullGrid : public ::testing::TestWithParam<std::string> {};

TEST_P(Contract5InflateFullGrid, EveryLevelStrategyAndWindowSize) {
  const Bytes data = corpus(GetParam());
  ASSERT_FALSE(data.empty());
  for (int level = 0; level <= 9; ++level)
    for (int strategy : {Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED})
      for (int wbits = 9; wbits <= 15; ++wbits)
        expect_one_job(data, zlib_compress(data, level, -wbits, 8, strategy),
                       GetParam() + " level " + std::to_string(level) + " " +
                           strategy_name(strategy) + " wbits " + std::to_string(wbits));
}

INSTANTIATE_TEST_SUITE_P(Corpus, Contract5InflateFullGrid, ::testing::ValuesIn(corpus_files()));

}  // namespace
}  // namespace nxz::test
