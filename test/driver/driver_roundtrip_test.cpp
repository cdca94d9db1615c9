// The request driver over the emulated engine: streams of blocks that the
// system zlib reads, and streaming decompression of zlib's streams over
// random splits of input and output buffers (issue 3: resume for every
// corpus file), with the statistics the driver keeps.
#include <gtest/gtest.h>
#include <zlib.h>

#include <random>

#include "engine/deflate_driver.h"
#include "engine/inflate_driver.h"
#include "nxz/stats.h"
#include "support/test_support.h"

namespace {

using nxz::engine::Deflater;
using nxz::engine::Inflater;
using nxz::engine::Status;
using nxz::test::Bytes;
using nxz::test::EmuWindow;

// Compresses `data` in pieces of `chunk` bytes (history = what came before)
// into a raw DEFLATE stream.
Bytes driver_compress(nxz_window* w, const Bytes& data, size_t chunk, bool dht,
                      uint32_t* crc = nullptr) {
  Deflater d(w, dht);
  Bytes out;
  size_t pos = 0;
  do {
    const size_t n = std::min(chunk, data.size() - pos);
    const bool final = pos + n == data.size();
    Bytes space(nxz::engine::deflate_bound(n));
    size_t consumed = 0, produced = 0;
    EXPECT_EQ(d.compress(data.data(), pos, data.data() + pos, n, final, space.data(), space.size(),
                         &consumed, &produced),
              Status::kOk)
        << d.message();
    EXPECT_EQ(consumed, n);  // a deflate_bound-sized target takes everything
    if (consumed == 0 && n > 0) break;
    out.insert(out.end(), space.begin(), space.begin() + static_cast<ptrdiff_t>(produced));
    pos += consumed;
  } while (pos < data.size());
  if (crc) *crc = d.crc();
  return out;
}

Bytes zinflate(const Bytes& z) {
  Bytes out;
  std::string err;
  EXPECT_TRUE(nxz::test::zlib_inflate_raw(z.data(), z.size(), &out, &err)) << err;
  return out;
}

class DriverCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(DriverCorpus, DeflaterStreamsDecodeWithZlib) {
  const Bytes data = nxz::test::corpus(GetParam());
  ASSERT_FALSE(data.empty());
  EmuWindow w;
  for (size_t chunk : {size_t{1} << 20, size_t{65536}, size_t{10007}}) {
    uint32_t crc = 0;
    const Bytes fht = driver_compress(w, data, chunk, false, &crc);
    EXPECT_EQ(zinflate(fht), data) << chunk;
    EXPECT_EQ(crc, crc32(0, data.data(), static_cast<uInt>(data.size())));
    EXPECT_LE(fht.size(), nxz::engine::deflate_bound(data.size()) + 10 * (data.size() / chunk + 1));
    const Bytes dht = driver_compress(w, data, chunk, true);
    EXPECT_EQ(zinflate(dht), data) << chunk;
    if (GetParam().find(".txt") != std::string::npos) {
      EXPECT_LT(dht.size(), fht.size()) << "dynamic tables must beat fixed on text";
    }
  }
}

TEST_P(DriverCorpus, InflaterResumesOverRandomSplits) {
  const Bytes data = nxz::test::corpus(GetParam());
  ASSERT_FALSE(data.empty());
  EmuWindow w;
  std::mt19937 rng(std::hash<std::string>{}(GetParam()));
  for (int level : {1, 6, 9}) {
    const Bytes z = nxz::test::zlib_compress(data, level);
    Inflater inf(w);
    Bytes out(data.size() + 100);
    const uint8_t* in = z.data();
    size_t in_left = z.size();
    uint8_t* o = out.data();
    size_t produced = 0;
    int calls = 0;
    while (!inf.done() && calls < 2000000) {
      ++calls;
      // Input pieces of 1 byte to 64 KiB and output space of 1 byte to 256 KiB.
      size_t give = std::min<size_t>(in_left, 1 + rng() % (rng() % 4 == 0 ? 8 : 65536));
      size_t space =
          std::min<size_t>(out.size() - produced, 1 + rng() % (rng() % 4 == 0 ? 16 : 262144));
      const uint8_t* p = in;
      size_t n = give;
      uint8_t* q = o;
      size_t m = space;
      ASSERT_EQ(inf.run(&p, &n, &q, &m), Status::kOk) << inf.message();
      in_left -= static_cast<size_t>(p - in);
      in = p;
      produced += static_cast<size_t>(q - o);
      o = q;
      if (in_left == 0 && inf.pending() == 0 && !inf.done() && n == give) break;
    }
    ASSERT_TRUE(inf.done()) << "level " << level;
    out.resize(produced);
    EXPECT_EQ(out, data) << "level " << level;
    EXPECT_EQ(in_left, 0u);
    EXPECT_EQ(inf.crc(), crc32(0, data.data(), static_cast<uInt>(data.size())));
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, DriverCorpus, ::testing::ValuesIn(nxz::test::corpus_files()));

TEST(Driver, DeflaterStoresWhatDoesNotCompress) {
  const Bytes noise = nxz::test::random_bytes(300000, 21);
  EmuWindow w;
  nxz_stats before, after;
  nxz_stats_get(&before);
  const Bytes z = driver_compress(w, noise, 1 << 20, false);
  nxz_stats_get(&after);
  EXPECT_EQ(zinflate(z), noise);
  EXPECT_LE(z.size(), nxz::engine::deflate_bound(noise.size()));
  EXPECT_GT(after.fallbacks, before.fallbacks);
}

TEST(Driver, DeflaterTakesLessWhenTheTargetIsSmall) {
  const Bytes text = nxz::test::corpus("alice29.txt");
  EmuWindow w;
  Deflater d(w, false);
  Bytes out;
  size_t pos = 0;
  while (pos < text.size()) {
    Bytes space(4096);  // far less than the input
    size_t consumed = 0, produced = 0;
    const bool final = true;
    ASSERT_EQ(d.compress(text.data(), pos, text.data() + pos, text.size() - pos, final,
                         space.data(), space.size(), &consumed, &produced),
              Status::kOk);
    ASSERT_GT(consumed, 0u);
    ASSERT_LE(produced, space.size());
    out.insert(out.end(), space.begin(), space.begin() + static_cast<ptrdiff_t>(produced));
    pos += consumed;
  }
  EXPECT_EQ(zinflate(out), text);
}

TEST(Driver, DeflaterEmptyFinalInputIsAnEmptyStream) {
  EmuWindow w;
  Deflater d(w, true);
  uint8_t space[16];
  size_t consumed = 1, produced = 0;
  ASSERT_EQ(d.compress(nullptr, 0, space, 0, true, space, sizeof space, &consumed, &produced),
            Status::kOk);
  EXPECT_EQ(consumed, 0u);
  EXPECT_EQ(zinflate(Bytes(space, space + produced)), Bytes{});
}

TEST(Driver, InflaterLeavesBytesAfterTheStream) {
  const Bytes text = nxz::test::text_like(100000, 22);
  const Bytes zl = nxz::test::zlib_compress(text, 6, 15);  // zlib wrapper
  EmuWindow w;
  Inflater inf(w);
  Bytes out(text.size());
  const uint8_t* p = zl.data() + 2;
  size_t n = zl.size() - 2;
  uint8_t* q = out.data();
  size_t m = out.size();
  ASSERT_EQ(inf.run(&p, &n, &q, &m), Status::kOk);
  EXPECT_TRUE(inf.done());
  EXPECT_EQ(out, text);
  EXPECT_EQ(n, 4u);  // the Adler-32 trailer is not the stream's
  EXPECT_EQ(nx::load_be32(p), inf.adler());
}

TEST(Driver, InflaterAgreesWithZlibOnCorruptData) {
  const Bytes text = nxz::test::text_like(50000, 23);
  const Bytes z = nxz::test::zlib_compress(text, 6);
  EmuWindow w;
  int data_errors = 0;
  std::mt19937 rng(24);
  for (int i = 0; i < 300; ++i) {
    Bytes bad = z;
    bad[rng() % bad.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
    // zlib's verdict: decoded (with its output), bad data, or incomplete.
    z_stream zs{};
    ASSERT_EQ(inflateInit2(&zs, -15), Z_OK);
    Bytes ref(text.size() * 4);
    zs.next_in = bad.data();
    zs.avail_in = static_cast<uInt>(bad.size());
    zs.next_out = ref.data();
    zs.avail_out = static_cast<uInt>(ref.size());
    const int zrc = inflate(&zs, Z_FINISH);
    ref.resize(zs.total_out);
    inflateEnd(&zs);

    Inflater inf(w);
    Bytes out(text.size() * 4);
    const uint8_t* p = bad.data();
    size_t n = bad.size();
    uint8_t* q = out.data();
    size_t m = out.size();
    const Status s = inf.run(&p, &n, &q, &m);
    out.resize(out.size() - m);
    if (zrc == Z_DATA_ERROR) {
      EXPECT_EQ(s, Status::kDataError) << i;
      EXPECT_STRNE(inf.message(), "");
      ++data_errors;
    } else if (zrc == Z_STREAM_END) {
      ASSERT_EQ(s, Status::kOk) << i;
      EXPECT_TRUE(inf.done()) << i;
      EXPECT_EQ(out, ref) << i;
    } else {  // zlib wants more input: so do we, with the same output so far
      ASSERT_EQ(s, Status::kOk) << i;
      EXPECT_FALSE(inf.done()) << i;
      EXPECT_TRUE(out.size() <= ref.size() && std::equal(out.begin(), out.end(), ref.begin())) << i;
    }
  }
  EXPECT_GT(data_errors, 0);
}

}  // namespace
