// The emulated engine's reuse of dynamic decode tables between requests
// (decode_table_cache.h): a hit only for the same code, and tables a job
// holds never change under it.
#include <gtest/gtest.h>

#include <cstring>

#include "emulated/decode_table_cache.h"

namespace nxz::emu {
namespace {

// A complete code: 144 literals of 8 bits, 112 of 9, the rest as the fixed
// code (RFC 1951 §3.2.6), distances all 5 bits; `tweak` swaps two lengths
// to make a different code with the same counts.
CodeLengths fixed_like(bool tweak) {
  CodeLengths cl{};
  cl.nlit = 288;
  cl.ndist = 30;
  for (int s = 0; s < 288; ++s) cl.litlen[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
  for (int d = 0; d < 30; ++d) cl.dist[d] = 5;
  if (tweak) std::swap(cl.litlen[0], cl.litlen[200]);
  return cl;
}

// These codes need no subtables (no codeword is longer than the roots), so
// the root tables are all a lookup can reach; entries past them are spare
// capacity, whatever an earlier build left there.
bool same_tables(const DecodeTables& a, const DecodeTables& b) {
  return std::memcmp(a.litlen, b.litlen, sizeof(uint32_t) << kLitLenRootBits) == 0 &&
         std::memcmp(a.dist, b.dist, sizeof(uint32_t) << kDistRootBits) == 0;
}

DecodeTables built(const CodeLengths& cl) {
  DecodeTables t{};
  EXPECT_TRUE(build_decode_tables(cl.litlen, cl.nlit, cl.dist, cl.ndist, &t));
  return t;
}

TEST(DecodeTableCache, TheSameCodeIsBuiltOnce) {
  const CodeLengths a = fixed_like(false);
  const auto first = decode_tables_for(a);
  ASSERT_TRUE(first);
  EXPECT_TRUE(same_tables(*first, built(a)));
  EXPECT_EQ(decode_tables_for(a).get(), first.get());
}

TEST(DecodeTableCache, AnotherCodeGetsItsOwnTablesAndHeldOnesStay) {
  const CodeLengths a = fixed_like(false), b = fixed_like(true);
  const auto held = decode_tables_for(a);
  ASSERT_TRUE(held);
  const DecodeTables copy = *held;
  const auto other = decode_tables_for(b);
  ASSERT_TRUE(other);
  EXPECT_NE(other.get(), held.get());
  EXPECT_TRUE(same_tables(*other, built(b)));
  EXPECT_TRUE(same_tables(*held, copy));  // not rebuilt under its holder
  EXPECT_FALSE(same_tables(*other, copy));
  // Back to the first code: built again, right.
  EXPECT_TRUE(same_tables(*decode_tables_for(a), copy));
}

TEST(DecodeTableCache, TablesNotHeldAreRebuiltInPlace) {
  const CodeLengths a = fixed_like(false), b = fixed_like(true);
  const DecodeTables* storage = decode_tables_for(a).get();
  const auto t = decode_tables_for(b);
  EXPECT_EQ(t.get(), storage);
  EXPECT_TRUE(same_tables(*t, built(b)));
}

TEST(DecodeTableCache, AnOversubscribedCodeIsRefusedAndForgotten) {
  CodeLengths bad = fixed_like(false);
  bad.litlen[0] = 1;  // 2^-1 more code space than there is
  EXPECT_EQ(decode_tables_for(bad), nullptr);
  const CodeLengths a = fixed_like(false);
  const auto t = decode_tables_for(a);
  ASSERT_TRUE(t);
  EXPECT_TRUE(same_tables(*t, built(a)));
}

TEST(DecodeTableCache, InDhtHitsOnlyOnTheSameBits) {
  const auto tables = decode_tables_for(fixed_like(false));
  uint8_t dht[288] = {};
  for (size_t i = 0; i < sizeof dht; ++i) dht[i] = static_cast<uint8_t>(i * 37 + 5);
  remember_in_dht(dht, 1000, tables);  // 125 whole bytes
  EXPECT_EQ(tables_of_in_dht(dht, 1000).get(), tables.get());
  EXPECT_EQ(tables_of_in_dht(dht, 999), nullptr);  // another length
  uint8_t other[288];
  std::memcpy(other, dht, sizeof other);
  other[124] ^= 0x80;  // the last bit in the header
  EXPECT_EQ(tables_of_in_dht(other, 1000), nullptr);
  std::memcpy(other, dht, sizeof other);
  other[0] ^= 1;  // the first
  EXPECT_EQ(tables_of_in_dht(other, 1000), nullptr);
  // Bits past the header are not part of it.
  remember_in_dht(dht, 1003, tables);
  std::memcpy(other, dht, sizeof other);
  other[125] ^= 0xF8;
  EXPECT_EQ(tables_of_in_dht(other, 1003).get(), tables.get());
  other[125] ^= 0x04;  // bit 1002: inside
  EXPECT_EQ(tables_of_in_dht(other, 1003), nullptr);
  // Longer than a CPB's in_dht: never remembered.
  EXPECT_EQ(tables_of_in_dht(dht, 288 * 8 + 1), nullptr);
}

}  // namespace
}  // namespace nxz::emu
