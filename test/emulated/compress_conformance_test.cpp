// Contract §4 (compression) through the engine, CRB by CRB: one block per
// job, BFINAL set, tebc, checksums, history, counts, DHT, cc 3/13/64/66/68.
#include <gtest/gtest.h>
#include <zlib.h>

#include "emulated/engine_test_util.h"
#include "engine/dht_builder.h"

namespace {

using nxz::test::Bytes;
using nxz::test::EmuWindow;
using nxz::test::JobOut;
using nxz::test::Request;
using nxz::test::run_job;

Bytes inflate_raw(const Bytes& z, const Bytes& dict = {}) {
  Bytes out;
  std::string err;
  EXPECT_TRUE(nxz::test::zlib_inflate_raw(z.data(), z.size(), &out, &err, dict)) << err;
  return out;
}

// Re-terminates a one-block stream: clears BFINAL, keeps the low tebc bits
// of the last byte (§4: the bits above are undefined), appends an empty
// fixed final block at bit tpbc*8 - (8 - tebc). zlib decodes it only if
// tebc is exactly right.
Bytes append_empty_final_block(Bytes block, uint32_t tebc) {
  block[0] &= 0xfe;
  if (tebc) block.back() &= static_cast<uint8_t>((1u << tebc) - 1);
  size_t bitpos = block.size() * 8 - (tebc ? 8 - tebc : 0);
  block.resize(block.size() + 3, 0);
  // BFINAL=1, BTYPE=01, then end-of-block (7 zero bits).
  for (int i = 0; i < 10; ++i, ++bitpos) {
    const int bit = i == 0 ? 1 : i == 1 ? 1 : 0;
    if (bit) block[bitpos >> 3] |= static_cast<uint8_t>(1u << (bitpos & 7));
  }
  block.resize((bitpos + 7) / 8);
  return block;
}

uint32_t zcrc(const uint8_t* p, size_t n) { return crc32(0, p, static_cast<uInt>(n)); }
uint32_t zadler(const uint8_t* p, size_t n) { return adler32(1, p, static_cast<uInt>(n)); }

class CorpusCompress : public ::testing::TestWithParam<std::string> {};

TEST_P(CorpusCompress, Contract4FhtAndDhtBlocksDecodeWithZlib) {
  const Bytes data = nxz::test::corpus(GetParam());
  ASSERT_FALSE(data.empty());
  EmuWindow w;
  Request r;
  const size_t space = data.size() + data.size() / 4 + 1024;

  // FHT with counts: one block, BFINAL=1, BTYPE=01.
  JobOut fht = run_job(w, r, nx::kFcCompressFhtCount, data.data(), data.size(), space);
  ASSERT_TRUE(fht.cc == nx::kCcSuccess || fht.cc == nx::kCcExpansion) << int(fht.cc);
  EXPECT_EQ(fht.ce & (nx::kCeTermination | nx::kCePartial), 0);
  EXPECT_EQ(fht.cc == nx::kCcExpansion, fht.tpbc > data.size());
  EXPECT_EQ(fht.out[0] & 7, 0x3);
  EXPECT_EQ(r.cpb().out_spbc_count(), data.size());
  EXPECT_EQ(r.cpb().out_crc(), zcrc(data.data(), data.size()));
  EXPECT_EQ(r.cpb().out_adler(), zadler(data.data(), data.size()));
  const uint32_t tebc = r.cpb().out_tebc();
  EXPECT_EQ(inflate_raw(fht.out), data);
  EXPECT_EQ(inflate_raw(append_empty_final_block(fht.out, tebc)), data);
  uint32_t lit[286], dist[30];
  uint64_t symbols = 0;
  for (int i = 0; i < 286; ++i) symbols += lit[i] = r.cpb().out_lzcount(i);
  for (int i = 0; i < 30; ++i) dist[i] = r.cpb().out_lzcount(286 + i);
  EXPECT_EQ(lit[256], 1u);  // one end-of-block
  EXPECT_GT(symbols, 1u);

  // DHT from those counts: the LZ77 choice is the same, so nothing is missing.
  const auto dht = nxz::engine::build_dht(lit, dist, false);
  r.reset(nx::kFcCompressDhtCount);
  std::memcpy(r.cpb().in_dht_mut(), dht.bits, sizeof dht.bits);
  r.cpb().set_in_sfbt_rembytecnt(0, 0);
  r.cpb().set_in_dhtlen(dht.nbits);
  Bytes out(space);
  r.crb().source().set_direct(data.data(), static_cast<uint32_t>(data.size()));
  r.crb().target().set_direct(out.data(), static_cast<uint32_t>(out.size()));
  ASSERT_TRUE(nxz::test::run(w, r));
  ASSERT_TRUE(r.csb().cc() == 0 || r.csb().cc() == nx::kCcExpansion) << int(r.csb().cc());
  out.resize(r.csb().tpbc());
  EXPECT_EQ(out[0] & 7, 0x5);  // BFINAL=1, BTYPE=10
  EXPECT_EQ(inflate_raw(out), data);
  EXPECT_EQ(inflate_raw(append_empty_final_block(out, r.cpb().out_tebc())), data);
  for (int i = 0; i < 286; ++i) EXPECT_EQ(r.cpb().out_lzcount(i), std::min(lit[i], 0xffffffu));
  EXPECT_LE(out.size(), fht.out.size() + 300) << "a table built for the data must not lose";
  if (GetParam().find(".txt") != std::string::npos) {
    EXPECT_LT(out.size(), fht.out.size());
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusCompress, ::testing::ValuesIn(nxz::test::corpus_files()));

TEST(Contract4Compress, ResumeMatchesIntoHistoryAndContinuesChecksums) {
  const Bytes text = nxz::test::corpus("alice29.txt");
  ASSERT_GT(text.size(), 100000u);
  EmuWindow w;
  Request r;
  // History of 32 KiB directly before 20000 bytes of payload, at an odd address.
  const size_t hist = 32768, n = 20000, start = 12345;
  const uint8_t* src = text.data() + start;
  r.reset(nx::kFcCompressFhtResume);
  r.cpb().set_in_histlen_subc(hist / 16, 0);
  r.cpb().set_in_crc(0x11223344);
  r.cpb().set_in_adler(0x00050007);
  Bytes out(n * 2);
  r.crb().source().set_direct(src, static_cast<uint32_t>(hist + n));
  r.crb().target().set_direct(out.data(), static_cast<uint32_t>(out.size()));
  ASSERT_TRUE(nxz::test::run(w, r));
  ASSERT_EQ(r.csb().cc(), 0);
  out.resize(r.csb().tpbc());
  EXPECT_EQ(r.cpb().out_spbc_compress(), hist + n);  // spbc includes the history
  EXPECT_EQ(r.cpb().out_crc(), crc32(0x11223344, src + hist, n));
  EXPECT_EQ(r.cpb().out_adler(), adler32(0x00050007, src + hist, n));
  const Bytes dict(src, src + hist);
  EXPECT_EQ(inflate_raw(out, dict), Bytes(src + hist, src + hist + n));

  JobOut fresh = run_job(w, r, nx::kFcCompressFht, src + hist, n, n * 2);
  ASSERT_EQ(fresh.cc, 0);
  EXPECT_LT(out.size(), fresh.out.size()) << "matches into the history must help";
}

TEST(Contract4Compress, SourceNotLongerThanHistoryIsCc3Termination) {
  const Bytes data = nxz::test::text_like(4096, 3);
  EmuWindow w;
  Request r;
  JobOut j = run_job(w, r, nx::kFcCompressFhtResume, data.data(), 4096, 8192, 4096 / 16);
  EXPECT_EQ(j.cc, nx::kCcPartial);
  EXPECT_EQ(j.ce & (nx::kCeTermination | nx::kCePartial), nx::kCeTermination);
}

TEST(Contract4Compress, HistlenZeroResumeIsAFreshBlock) {
  const Bytes data = nxz::test::text_like(10000, 4);
  EmuWindow w;
  Request r;
  JobOut a = run_job(w, r, nx::kFcCompressFhtResume, data.data(), data.size(), 20000, 0);
  const uint32_t tebc_a = r.cpb().out_tebc();
  JobOut b = run_job(w, r, nx::kFcCompressFht, data.data(), data.size(), 20000);
  ASSERT_EQ(a.cc, 0);
  ASSERT_EQ(b.cc, 0);
  EXPECT_EQ(tebc_a, r.cpb().out_tebc());
  // §4: of the last byte only the low tebc bits are the block's.
  if (tebc_a && !a.out.empty() && a.out.size() == b.out.size()) {
    a.out.back() &= static_cast<uint8_t>((1u << tebc_a) - 1);
    b.out.back() &= static_cast<uint8_t>((1u << tebc_a) - 1);
  }
  EXPECT_EQ(a.out, b.out);
}

TEST(Contract4Compress, ExpansionIsCc64WithValidOutput) {
  const Bytes noise = nxz::test::random_bytes(20000, 5);
  EmuWindow w;
  Request r;
  JobOut j = run_job(w, r, nx::kFcCompressFht, noise.data(), noise.size(), 40000);
  ASSERT_EQ(j.cc, nx::kCcExpansion);
  EXPECT_EQ(j.ce, nx::kCeTpbcValid);  // a full completion
  EXPECT_GT(j.tpbc, noise.size());
  EXPECT_EQ(r.cpb().out_spbc_compress(), noise.size());
  EXPECT_EQ(r.cpb().out_crc(), zcrc(noise.data(), noise.size()));
  EXPECT_EQ(inflate_raw(j.out), noise);
}

TEST(Contract4Compress, ExpansionCountsHistory) {
  // Output a little larger than the payload but smaller than history+payload.
  const Bytes noise = nxz::test::random_bytes(4096 + 1000, 6);
  EmuWindow w;
  Request r;
  JobOut j = run_job(w, r, nx::kFcCompressFhtResume, noise.data(), noise.size(), 4000, 256);
  ASSERT_GT(j.tpbc, 1000u);
  EXPECT_EQ(j.cc, nx::kCcSuccess);
}

TEST(Contract4Compress, TargetTooSmallIsCc13AndCc13WinsOverCc64) {
  const Bytes text = nxz::test::text_like(50000, 7);
  const Bytes noise = nxz::test::random_bytes(5000, 8);
  EmuWindow w;
  Request r;
  JobOut full = run_job(w, r, nx::kFcCompressFht, text.data(), text.size(), 60000);
  ASSERT_EQ(full.cc, 0);
  for (size_t space : {size_t{1}, size_t{10}, full.out.size() / 2, full.out.size() - 1}) {
    JobOut j = run_job(w, r, nx::kFcCompressFht, text.data(), text.size(), space);
    EXPECT_EQ(j.cc, nx::kCcTargetSpace) << space;
    EXPECT_EQ(j.ce & nx::kCeTermination, nx::kCeTermination);
  }
  JobOut exact = run_job(w, r, nx::kFcCompressFht, text.data(), text.size(), full.out.size());
  EXPECT_EQ(exact.cc, 0);
  JobOut j = run_job(w, r, nx::kFcCompressFht, noise.data(), noise.size(), 5001);
  EXPECT_EQ(j.cc, nx::kCcTargetSpace);
}

TEST(Contract4Compress, DhtMissingACodeIsCc66) {
  const Bytes text = nxz::test::text_like(20000, 9);
  uint32_t lit[286] = {}, dist[30] = {};
  for (uint8_t c : Bytes(text.begin(), text.begin() + 100)) lit[c]++;  // literals only
  const auto dht = nxz::engine::build_dht(lit, dist, false);
  EmuWindow w;
  Request r;
  r.reset(nx::kFcCompressDht);
  std::memcpy(r.cpb().in_dht_mut(), dht.bits, sizeof dht.bits);
  r.cpb().set_in_dhtlen(dht.nbits);
  Bytes out(40000);
  r.crb().source().set_direct(text.data(), static_cast<uint32_t>(text.size()));
  r.crb().target().set_direct(out.data(), static_cast<uint32_t>(out.size()));
  ASSERT_TRUE(nxz::test::run(w, r));
  EXPECT_EQ(r.csb().cc(), nx::kCcDataError);
  EXPECT_EQ(r.csb().ce() & nx::kCeTermination, nx::kCeTermination);
}

TEST(Contract4Compress, MalformedDhtIsCc68) {
  const Bytes text = nxz::test::text_like(2000, 10);
  uint32_t lit[286], dist[30];
  std::fill(lit, lit + 286, 1);
  std::fill(dist, dist + 30, 1);
  const auto good = nxz::engine::build_dht(lit, dist, true);
  EmuWindow w;
  Request r;
  auto attempt = [&](const uint8_t* bits, uint32_t nbits) {
    r.reset(nx::kFcCompressDht);
    std::memcpy(r.cpb().in_dht_mut(), bits, 288);
    r.cpb().set_in_dhtlen(nbits);
    Bytes out(8000);
    r.crb().source().set_direct(text.data(), static_cast<uint32_t>(text.size()));
    r.crb().target().set_direct(out.data(), static_cast<uint32_t>(out.size()));
    EXPECT_TRUE(nxz::test::run(w, r));
    return r.csb().cc();
  };
  EXPECT_EQ(attempt(good.bits, good.nbits), 0);
  EXPECT_EQ(attempt(good.bits, good.nbits - 1), nx::kCcDhtInvalid);  // dhtlen one bit off
  EXPECT_EQ(attempt(good.bits, good.nbits + 1), nx::kCcDhtInvalid);
  uint8_t bad[288];
  std::memcpy(bad, good.bits, 288);
  bad[0] = static_cast<uint8_t>((bad[0] & ~0x1f) | 30);  // HLIT 30 (287 codes)
  EXPECT_EQ(attempt(bad, good.nbits), nx::kCcDhtInvalid);
}

TEST(Contract6Compress, ByteCountLimitSuspendsWithAClosedBlock) {
  const Bytes text = nxz::test::corpus("lcet10.txt");
  ASSERT_FALSE(text.empty());
  nxz_emu_config cfg{};
  cfg.limit_low = 65536;
  EmuWindow w(&cfg);
  Request r;
  JobOut j =
      run_job(w, r, nx::kFcCompressFht | nx::kFcLowLimitBit, text.data(), text.size(), text.size());
  ASSERT_EQ(j.cc, nx::kCcPartial);
  EXPECT_EQ(j.ce & (nx::kCePartial | nx::kCeTermination), nx::kCePartial);
  EXPECT_EQ(r.cpb().out_spbc_compress(), 65536u);
  EXPECT_EQ(r.cpb().out_crc(), zcrc(text.data(), 65536));
  EXPECT_EQ(inflate_raw(j.out), Bytes(text.begin(), text.begin() + 65536));

  // History counts against the limit.
  JobOut h = run_job(w, r, nx::kFcCompressFhtResume | nx::kFcLowLimitBit, text.data(), text.size(),
                     text.size(), 1024);
  ASSERT_EQ(h.cc, nx::kCcPartial);
  EXPECT_EQ(r.cpb().out_spbc_compress(), 65536u);
  const Bytes dict(text.begin(), text.begin() + 16384);
  EXPECT_EQ(inflate_raw(h.out, dict), Bytes(text.begin() + 16384, text.begin() + 65536));
}

TEST(Contract4Compress, IndirectSourceAndTargetLists) {
  const Bytes text = nxz::test::corpus("asyoulik.txt");
  ASSERT_FALSE(text.empty());
  EmuWindow w;
  Request r;
  r.reset(nx::kFcCompressFht);
  size_t off = 0;
  int n = 0;
  for (size_t piece : {1, 2, 1000, 4096, 33333}) {
    r.src_list[n++].set_direct(text.data() + off, static_cast<uint32_t>(piece));
    off += piece;
  }
  r.src_list[n++].set_direct(text.data() + off, static_cast<uint32_t>(text.size() - off));
  r.crb().source().set_indirect(r.src_list, static_cast<uint8_t>(n),
                                static_cast<uint32_t>(text.size()));
  Bytes out(text.size());
  for (int i = 0; i < 16; ++i)
    r.dst_list[i].set_direct(out.data() + i * (out.size() / 16),
                             static_cast<uint32_t>(out.size() / 16));
  r.crb().target().set_indirect(r.dst_list, 16, static_cast<uint32_t>(out.size() / 16 * 16));
  ASSERT_TRUE(nxz::test::run(w, r));
  ASSERT_EQ(r.csb().cc(), 0);
  out.resize(r.csb().tpbc());
  EXPECT_EQ(inflate_raw(out), text);
}

}  // namespace
