// The DHT builder (contract §4: in_dht holds a dynamic header without its
// 3 BFINAL/BTYPE bits, 42..2283 bits, and must be a decodable, complete code).
#include "engine/dht_builder.h"

#include <gtest/gtest.h>

#include <random>

#include "emulated/dynamic_header.h"

namespace {

using nxz::engine::build_dht;
using nxz::engine::huffman_lengths;

uint64_t kraft(const uint8_t* lengths, int n, int limit) {
  uint64_t k = 0;
  for (int s = 0; s < n; ++s)
    if (lengths[s]) k += uint64_t{1} << (limit - lengths[s]);
  return k;
}

TEST(DhtBuilder, LengthsAreLimitedAndTheCodeIsComplete) {
  // Fibonacci counts force an unlimited Huffman code far deeper than 15.
  uint32_t freq[40];
  freq[0] = freq[1] = 1;
  for (int i = 2; i < 40; ++i) freq[i] = freq[i - 1] + freq[i - 2];
  uint8_t len[40];
  huffman_lengths(freq, 40, 15, len);
  for (int s = 0; s < 40; ++s) {
    EXPECT_GE(len[s], 1);
    EXPECT_LE(len[s], 15);
  }
  EXPECT_EQ(kraft(len, 40, 15), uint64_t{1} << 15);
  // More frequent symbols never get longer codes.
  for (int s = 1; s < 40; ++s) EXPECT_LE(len[s], len[s - 1]);
}

TEST(DhtBuilder, OneOrNoSymbolStillGivesACompleteCode) {
  uint32_t freq[30] = {};
  uint8_t len[30];
  huffman_lengths(freq, 30, 15, len);
  EXPECT_EQ(kraft(len, 30, 15), uint64_t{1} << 15);
  freq[7] = 5;
  huffman_lengths(freq, 30, 15, len);
  EXPECT_EQ(len[7], 1);
  EXPECT_EQ(kraft(len, 30, 15), uint64_t{1} << 15);
}

TEST(Contract4Dht, EncodedTablesParseBackExactly) {
  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    uint32_t lit[286] = {}, dist[30] = {};
    const int used = 1 + static_cast<int>(rng() % 286);
    for (int i = 0; i < used; ++i) lit[rng() % 286] += rng() % (round % 3 ? 1000 : 3) + 1;
    for (int i = 0; i < static_cast<int>(rng() % 31); ++i) dist[rng() % 30] += rng() % 500 + 1;
    const bool cover = round % 4 == 0;
    const auto dht = build_dht(lit, dist, cover);
    ASSERT_GE(dht.nbits, 42u);
    ASSERT_LE(dht.nbits, 2283u);
    nxz::emu::CodeLengths cl;
    size_t used_bits = 0;
    ASSERT_EQ(nxz::emu::parse_dynamic_header(dht.bits, 0, dht.nbits, &cl, &used_bits),
              nxz::emu::HeaderStatus::kOk)
        << round;
    EXPECT_EQ(used_bits, dht.nbits);
    EXPECT_NE(cl.litlen[256], 0);
    int coded = lit[256] ? 0 : 1;  // end of block is always coded
    for (int s = 0; s < 286; ++s) coded += lit[s] != 0;
    for (int s = 0; s < 286; ++s) {
      if (lit[s] || cover) {
        EXPECT_NE(cl.litlen[s], 0) << s;
      } else if (s != 256 && coded >= 2) {
        EXPECT_EQ(cl.litlen[s], 0) << s;  // unused symbols cost nothing
      }
    }
    for (int s = 0; s < 30; ++s) {
      if (dist[s] || cover) {
        EXPECT_NE(cl.dist[s], 0) << s;
      }
    }
  }
}

TEST(Contract4Dht, LargestTableFitsTheCpb) {
  uint32_t lit[286], dist[30];
  for (int s = 0; s < 286; ++s) lit[s] = 1 + (s * 7919u) % 100000;
  for (int s = 0; s < 30; ++s) dist[s] = 1 + s;
  const auto dht = build_dht(lit, dist, true);
  EXPECT_LE(dht.nbits, 2283u);
  EXPECT_LE((dht.nbits + 7) / 8, sizeof dht.bits);
}

}  // namespace
