// Corrupt, truncated and mismatched input: nxz answers as the system zlib
// does, with the same code, the same msg, the same output before the error
// and the same input position.
#include <gtest/gtest.h>

#include <random>

#include "api/api_test_util.h"

namespace nxz::test {
namespace {

void expect_same(const InflateResult& ours, const InflateResult& theirs, const std::string& what) {
  EXPECT_EQ(ours.rc, theirs.rc) << what << " msg ours '" << ours.msg << "' theirs '" << theirs.msg
                                << "'";
  EXPECT_EQ(ours.msg, theirs.msg) << what;
  EXPECT_EQ(ours.out.size(), theirs.out.size()) << what;
  EXPECT_TRUE(ours.out == theirs.out) << what;
  EXPECT_EQ(ours.total_in, theirs.total_in) << what;
}

struct Case {
  const char* name;
  int bits;
};
const Case kCases[] = {{"raw", -15}, {"zlib", 15}, {"gzip", 31}, {"auto", 47}};

int deflate_bits(int inflate_bits) { return inflate_bits == 47 ? 15 : inflate_bits; }

TEST(ZlibErrors, TruncatedAtEveryByte) {
  const Bytes in = text_bytes(3000, 11);
  for (const Case& c : kCases) {
    const Bytes full = ref_compress(in, 6, deflate_bits(c.bits));
    for (size_t n = 0; n < full.size(); ++n) {
      const Bytes cut(full.begin(), full.begin() + n);
      for (size_t chunk : {size_t{0}, size_t{1}}) {
        const std::string what =
            std::string(c.name) + " cut " + std::to_string(n) + " chunk " + std::to_string(chunk);
        expect_same(nxz_inflate(cut, c.bits, chunk), ref_inflate_run(cut, c.bits, chunk), what);
        if (HasFailure()) return;
      }
    }
  }
}

TEST(ZlibErrors, BitFlips) {
  std::mt19937 rng(7);
  for (const Case& c : kCases) {
    for (const Bytes& in : {text_bytes(6000, 12), random_bytes(3000, 13)}) {
      const Bytes full = ref_compress(in, 6, deflate_bits(c.bits));
      std::vector<size_t> bits;
      for (size_t i = 0; i < std::min<size_t>(full.size() * 8, 200); ++i) bits.push_back(i);
      for (int k = 0; k < 300; ++k) bits.push_back(rng() % (full.size() * 8));
      for (size_t bit : bits) {
        Bytes bad = full;
        bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        for (size_t chunk : {size_t{0}, size_t{97}}) {
          const std::string what = std::string(c.name) + " bit " + std::to_string(bit) + " chunk " +
                                   std::to_string(chunk);
          expect_same(nxz_inflate(bad, c.bits, chunk), ref_inflate_run(bad, c.bits, chunk), what);
          if (HasFailure()) return;
        }
      }
    }
  }
}

TEST(ZlibErrors, RandomInput) {
  for (uint32_t seed = 0; seed < 400; ++seed) {
    const Bytes junk = random_bytes(1 + seed % 200, seed);
    for (const Case& c : kCases) {
      const std::string what = std::string(c.name) + " seed " + std::to_string(seed);
      expect_same(nxz_inflate(junk, c.bits), ref_inflate_run(junk, c.bits), what);
      if (HasFailure()) return;
    }
  }
}

TEST(ZlibErrors, HeadersChecksumsAndLengths) {
  const Bytes in = text_bytes(5000, 14);
  const Bytes z = ref_compress(in, 6, 15);
  const Bytes g = ref_compress(in, 6, 31);
  std::vector<std::pair<std::string, std::pair<Bytes, int>>> cases;
  auto add = [&](const std::string& name, Bytes b, int bits) {
    cases.push_back({name, {b, bits}});
  };
  Bytes b = z;
  b[1] ^= 1;
  add("zlib header check", b, 15);
  b = z;
  b[0] = 0x79;  // method 9
  b[1] = static_cast<uint8_t>(31 - (0x79 * 256) % 31);
  add("zlib method", b, 15);
  b = z;
  b[0] = 0x88;  // window 2^16
  b[1] = static_cast<uint8_t>(31 - (0x88 * 256) % 31);
  add("zlib window", b, 15);
  add("zlib window above the stream's", z, 9);
  b = z;
  b[b.size() - 1] ^= 1;
  add("adler", b, 15);
  add("adler auto", b, 47);
  b = g;
  b[2] = 7;
  add("gzip method", b, 31);
  b = g;
  b[3] = 0x20;
  add("gzip flags", b, 31);
  b = g;
  b[b.size() - 5] ^= 1;
  add("crc", b, 31);
  b = g;
  b[b.size() - 1] ^= 1;
  add("isize", b, 31);
  add("gzip as zlib", g, 15);
  add("zlib as gzip", z, 31);
  // A header CRC that does not match.
  b = g;
  b[3] |= 2;
  b.insert(b.begin() + 10, {0x12, 0x34});
  add("hcrc", b, 31);
  // Name and comment fields, then data.
  b = g;
  b[3] |= 8 | 16;
  const Bytes names = {'a', 'b', 0, 'c', 0};
  b.insert(b.begin() + 10, names.begin(), names.end());
  add("name+comment", b, 31);
  for (auto& [name, v] : cases) {
    for (size_t chunk : {size_t{0}, size_t{1}, size_t{3}}) {
      expect_same(nxz_inflate(v.first, v.second, chunk), ref_inflate_run(v.first, v.second, chunk),
                  name + " chunk " + std::to_string(chunk));
    }
  }
}

TEST(ZlibErrors, Dictionaries) {
  const Bytes dict = text_bytes(2000, 15);
  const Bytes in = text_bytes(8000, 15);  // shares its start with the dictionary
  // A zlib stream with a preset dictionary, made by the reference.
  const RefZlib& r = ref();
  z_stream s{};
  ASSERT_EQ(r.deflateInit2_(&s, 6, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY, r.zlibVersion(),
                            sizeof(z_stream)),
            Z_OK);
  ASSERT_EQ(r.deflateSetDictionary(&s, dict.data(), static_cast<uInt>(dict.size())), Z_OK);
  Bytes stream(20000);
  s.next_in = const_cast<Bytef*>(in.data());
  s.avail_in = static_cast<uInt>(in.size());
  s.next_out = stream.data();
  s.avail_out = static_cast<uInt>(stream.size());
  ASSERT_EQ(r.deflate(&s, Z_FINISH), Z_STREAM_END);
  stream.resize(s.total_out);
  r.deflateEnd(&s);

  expect_same(nxz_inflate(stream, 15, 0, 0, &dict), ref_inflate_run(stream, 15, 0, 0, &dict),
              "right dictionary");
  EXPECT_EQ(nxz_inflate(stream, 15, 0, 0, &dict).out, in);
  const Bytes wrong = text_bytes(2000, 16);
  expect_same(nxz_inflate(stream, 15, 0, 0, &wrong), ref_inflate_run(stream, 15, 0, 0, &wrong),
              "wrong dictionary");
  expect_same(nxz_inflate(stream, 15), ref_inflate_run(stream, 15), "no dictionary");

  // Z_NEED_DICT carries the dictionary's id in adler.
  z_stream d{};
  ASSERT_EQ(inflateInit(&d), Z_OK);
  Bytes out(in.size());
  d.next_in = stream.data();
  d.avail_in = static_cast<uInt>(stream.size());
  d.next_out = out.data();
  d.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&d, Z_NO_FLUSH), Z_NEED_DICT);
  EXPECT_EQ(d.adler, r.adler32_z(1, dict.data(), dict.size()));
  EXPECT_EQ(inflateSetDictionary(&d, wrong.data(), static_cast<uInt>(wrong.size())), Z_DATA_ERROR);
  EXPECT_EQ(inflateSetDictionary(&d, dict.data(), static_cast<uInt>(dict.size())), Z_OK);
  EXPECT_EQ(inflate(&d, Z_NO_FLUSH), Z_STREAM_END);
  EXPECT_EQ(out, in);
  inflateEnd(&d);
}

// A distance reaching before the start of the stream, by 1 to 40 bytes,
// after output that is not a whole number of quadwords: zlib's verdict.
TEST(ZlibErrors, DistanceTooFarBackJustPastTheStart) {
  for (size_t lead = 1; lead < 40; ++lead) {
    for (size_t extra = 1; extra < 20; ++extra) {
      // Fixed-code block: `lead` literals 'a', then a match of length 3 at
      // distance lead + extra, built bit by bit.
      std::vector<int> bits;
      auto put = [&](uint32_t v, int n) {
        for (int i = 0; i < n; ++i) bits.push_back((v >> i) & 1);
      };
      auto put_rev = [&](uint32_t code, int n) {  // Huffman codes go MSB first
        for (int i = n - 1; i >= 0; --i) bits.push_back((code >> i) & 1);
      };
      put(1, 1);  // BFINAL
      put(1, 2);  // fixed
      for (size_t i = 0; i < lead; ++i) put_rev(0x30 + 'a', 8);
      put_rev(1, 7);  // length 3 (code 257)
      const uint32_t dist = static_cast<uint32_t>(lead + extra);
      // distance code and extra bits
      int code = 0;
      uint32_t base = 1;
      static const uint32_t kBase[] = {1,  2,  3,  4,  5,   7,   9,   13,  17,  25,
                                       33, 49, 65, 97, 129, 193, 257, 385, 513, 769};
      for (int i = 0; i < 20; ++i)
        if (kBase[i] <= dist) code = i, base = kBase[i];
      put_rev(static_cast<uint32_t>(code), 5);
      const int ebits = code < 4 ? 0 : code / 2 - 1;
      put(dist - base, ebits);
      put_rev(0, 7);  // end of block
      Bytes raw((bits.size() + 7) / 8);
      for (size_t i = 0; i < bits.size(); ++i)
        if (bits[i]) raw[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
      for (size_t chunk : {size_t{0}, size_t{1}, size_t{2}}) {
        expect_same(nxz_inflate(raw, -15, chunk), ref_inflate_run(raw, -15, chunk),
                    "lead " + std::to_string(lead) + " extra " + std::to_string(extra) + " chunk " +
                        std::to_string(chunk));
        if (HasFailure()) return;
      }
    }
  }
}

}  // namespace
}  // namespace nxz::test
