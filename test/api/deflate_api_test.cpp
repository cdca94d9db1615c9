// The rest of the deflate API, each against zlib's documented behaviour
// and read back by the system zlib.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>

#include "api/api_test_util.h"

namespace nxz::test {
namespace {

struct Stream {
  z_stream s{};
  Bytes out;
  explicit Stream(size_t cap = 1 << 20) : out(cap) {
    s.next_out = out.data();
    s.avail_out = static_cast<uInt>(out.size());
  }
  int feed(const Bytes& in, int flush) {
    s.next_in = const_cast<Bytef*>(in.data());
    s.avail_in = static_cast<uInt>(in.size());
    return deflate(&s, flush);
  }
  Bytes produced() const { return Bytes(out.begin(), out.begin() + s.total_out); }
};

TEST(ZlibDeflate, ParamsMidStreamKeepEveryPart) {
  const Bytes a = text_bytes(100000, 31), b = random_bytes(50000, 32), c = text_bytes(70000, 33);
  const int plans[][2] = {
      {6, Z_DEFAULT_STRATEGY}, {1, Z_DEFAULT_STRATEGY},  // the fast effort's window
      {0, Z_DEFAULT_STRATEGY}, {1, Z_HUFFMAN_ONLY},     {9, Z_FIXED}, {6, Z_RLE},
      {6, Z_DEFAULT_STRATEGY}};
  for (const auto& p1 : plans) {
    for (const auto& p2 : plans) {
      Stream st;
      ASSERT_EQ(deflateInit(&st.s, p1[0]), Z_OK);
      ASSERT_EQ(deflateParams(&st.s, p1[0], p1[1]), Z_OK);  // before any data: no flush
      ASSERT_EQ(st.feed(a, Z_NO_FLUSH), Z_OK);
      ASSERT_EQ(deflateParams(&st.s, p2[0], p2[1]), Z_OK);
      ASSERT_EQ(st.feed(b, Z_NO_FLUSH), Z_OK);
      ASSERT_EQ(deflateParams(&st.s, p1[0], p1[1]), Z_OK);
      ASSERT_EQ(st.feed(c, Z_FINISH), Z_STREAM_END);
      ASSERT_EQ(deflateEnd(&st.s), Z_OK);
      Bytes back, all = a;
      all.insert(all.end(), b.begin(), b.end());
      all.insert(all.end(), c.begin(), c.end());
      ASSERT_EQ(ref_inflate(st.produced(), 15, &back), Z_STREAM_END);
      ASSERT_EQ(back, all) << p1[0] << "/" << p1[1] << " -> " << p2[0] << "/" << p2[1];
    }
  }
}

// Levels 1-3 run on the emulated machine's fast matching effort, 4-9 on its
// default one (api_window.h): within each group the output is the same,
// between them it differs, and each decodes with the system zlib. On the
// corpus the fast levels' output is no larger than zlib -1's.
TEST(ZlibDeflate, FastLevelsHaveTheirOwnEffort) {
  size_t ours[10] = {}, zlib1 = 0;
  for (const Sample& smp : samples()) {
    SCOPED_TRACE(smp.name);
    Bytes by_level[10];
    for (int level = 1; level <= 9; ++level) {
      // Raw streams: a zlib header would name the level.
      Stream st(compressBound(smp.data.size()));
      ASSERT_EQ(deflateInit2(&st.s, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
      ASSERT_EQ(st.feed(smp.data, Z_FINISH), Z_STREAM_END);
      ASSERT_EQ(deflateEnd(&st.s), Z_OK);
      Bytes back;
      ASSERT_EQ(ref_inflate(st.produced(), -15, &back), Z_STREAM_END);
      ASSERT_EQ(back, smp.data);
      ours[level] += st.s.total_out;
      by_level[level] = st.produced();
    }
    EXPECT_EQ(by_level[1], by_level[3]);
    EXPECT_EQ(by_level[4], by_level[9]);
    if (by_level[6].size() < smp.data.size() * 9 / 10) {  // not stored
      EXPECT_NE(by_level[1], by_level[6]);
    }
    zlib1 += ref_compress(smp.data, 1, -15).size();
  }
  EXPECT_LT(ours[6], ours[1]);
  EXPECT_LE(ours[1], zlib1);
  std::printf("raw deflate of the samples: level 1 %zu, level 6 %zu, zlib -1 %zu bytes\n", ours[1],
              ours[6], zlib1);
}

TEST(ZlibDeflate, ParamsWithoutRoomIsBufError) {
  const Bytes a = random_bytes(100000, 34);
  z_stream s{};
  ASSERT_EQ(deflateInit(&s, 6), Z_OK);
  Bytes out(10);
  s.next_in = const_cast<Bytef*>(a.data());
  s.avail_in = static_cast<uInt>(a.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  ASSERT_EQ(deflate(&s, Z_NO_FLUSH), Z_OK);
  // Switching to software needs the pending block out: 10 bytes are not enough.
  EXPECT_EQ(deflateParams(&s, 1, Z_HUFFMAN_ONLY), Z_BUF_ERROR);
  deflateEnd(&s);
}

// A software stream's flush into a small buffer, repeated with no new input
// until the buffer is not filled (java.util.zip's Deflater does this), must
// hand over all of its output; and deflateParams, called again while it
// answers Z_BUF_ERROR, must get there. Both stalled: a repeated flush was
// refused as useless while the private zlib still held output.
TEST(ZlibDeflate, SoftwareOutputLeftInsideIsHandedOverOnTheSameFlush) {
  const Bytes a = text_bytes(5000, 35);
  for (const int flush : {Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_PARTIAL_FLUSH, Z_BLOCK}) {
    for (const int strategy : {Z_DEFAULT_STRATEGY, Z_HUFFMAN_ONLY}) {
      z_stream s{};
      ASSERT_EQ(
          deflateInit2(&s, strategy == Z_DEFAULT_STRATEGY ? 0 : 6, Z_DEFLATED, 15, 8, strategy),
          Z_OK);
      Bytes out(a.size() * 2 + 100);
      s.next_in = const_cast<Bytef*>(a.data());
      s.avail_in = static_cast<uInt>(a.size());
      s.next_out = out.data();
      int calls = 0;
      do {
        s.avail_out = 7;
        ASSERT_EQ(deflate(&s, flush), Z_OK) << flush << "/" << strategy << " call " << calls;
      } while (s.avail_out == 0 && ++calls < 10000);
      ASSERT_EQ(s.avail_in, 0u);
      // Everything given so far decodes from what came out.
      Bytes so_far(out.begin(), out.begin() + s.total_out);
      if (flush != Z_BLOCK) {
        const InflateResult r = ref_inflate_run(so_far, 15, 0, 0, nullptr, Z_SYNC_FLUSH);
        EXPECT_EQ(r.out, a) << flush << "/" << strategy;
      }
      // Back to the accelerator's parameters, Java's way: again while Z_BUF_ERROR.
      s.next_in = const_cast<Bytef*>(a.data());
      s.avail_in = static_cast<uInt>(a.size());
      int rc;
      calls = 0;
      do {
        s.avail_out = 7;
        rc = deflateParams(&s, 6, Z_DEFAULT_STRATEGY);
      } while (rc == Z_BUF_ERROR && ++calls < 10000);
      ASSERT_EQ(rc, Z_OK) << flush << "/" << strategy;
      s.avail_in = static_cast<uInt>(a.data() + a.size() - s.next_in);
      s.avail_out = static_cast<uInt>(out.data() + out.size() - s.next_out);
      ASSERT_EQ(deflate(&s, Z_FINISH), Z_STREAM_END);
      ASSERT_EQ(deflateEnd(&s), Z_OK);
      Bytes back, twice = a;
      twice.insert(twice.end(), a.begin(), a.end());
      ASSERT_EQ(ref_inflate(Bytes(out.begin(), out.begin() + s.total_out), 15, &back),
                Z_STREAM_END);
      EXPECT_EQ(back, twice) << flush << "/" << strategy;
    }
  }
}

// deflateParams called again and again while it answers Z_BUF_ERROR, with
// a window of a few bytes each time (the soak's small-window plans), from
// every kind of stream to every other: what came before and after the
// change decodes, byte for byte. A switch from software to the accelerator
// lost bytes this way (soak seed ae135afb39210885). The same driver runs
// the system zlib first, so that the test's own loop is known good.
struct DeflateCalls {
  decltype(&::deflateInit2_) init;
  decltype(&::deflate) deflate;
  decltype(&::deflateParams) params;
  decltype(&::deflateEnd) end;
};

std::string params_through_window(const DeflateCalls& z, const Bytes& a, int level1, int strategy1,
                                  int level2, int strategy2, size_t window, int wbits, Bytes* out) {
  z_stream s{};
  if (z.init(&s, level1, Z_DEFLATED, wbits, 2, strategy1, ZLIB_VERSION, int(sizeof s)) != Z_OK)
    return "init";
  Bytes buf(window);
  auto take = [&] {
    out->insert(out->end(), buf.data(), buf.data() + (window - s.avail_out));
    s.next_out = buf.data();
    s.avail_out = static_cast<uInt>(window);
  };
  s.next_out = buf.data();
  s.avail_out = static_cast<uInt>(window);
  size_t pos = 0;
  bool changed = false;
  int rc = Z_OK;
  long tries = 0;
  while (rc != Z_STREAM_END) {
    if (!changed && pos >= a.size() / 2) {
      changed = true;
      do {
        rc = z.params(&s, level2, strategy2);
        take();
      } while (rc == Z_BUF_ERROR && ++tries < 1000000);
      if (rc != Z_OK) return "deflateParams " + std::to_string(rc);
    }
    const size_t n = std::min<size_t>(4096, a.size() - pos);
    s.next_in = const_cast<Bytef*>(a.data() + pos);
    s.avail_in = static_cast<uInt>(n);
    pos += n;
    const int flush = pos == a.size() ? Z_FINISH : Z_NO_FLUSH;
    do {
      rc = z.deflate(&s, flush);
      take();
      if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END)
        return "deflate " + std::to_string(rc);
    } while (rc != Z_STREAM_END && (s.avail_in > 0 || flush == Z_FINISH) && ++tries < 10000000);
  }
  return z.end(&s) == Z_OK ? "" : "deflateEnd";
}

TEST(ZlibDeflate, ParamsRetriedThroughATinyWindowKeepEveryByte) {
  const Bytes a = text_bytes(12866, 36);
  const int plans[][2] = {{0, Z_DEFAULT_STRATEGY}, {5, Z_FILTERED}, {1, Z_HUFFMAN_ONLY},
                          {6, Z_DEFAULT_STRATEGY}, {9, Z_FIXED},    {2, Z_RLE}};
  const DeflateCalls ours{&::deflateInit2_, &::deflate, &::deflateParams, &::deflateEnd};
  const DeflateCalls system{ref().deflateInit2_, ref().deflate, ref().deflateParams,
                            ref().deflateEnd};
  for (const auto& p1 : plans) {
    for (const auto& p2 : plans) {
      for (const size_t window : {size_t{1}, size_t{8}, size_t{61}}) {
        for (const int wbits : {-15, 15}) {
          for (const DeflateCalls* z : {&system, &ours}) {
            SCOPED_TRACE(testing::Message() << (z == &ours ? "nxz " : "system zlib ") << p1[0]
                                            << "/" << p1[1] << " -> " << p2[0] << "/" << p2[1]
                                            << " window " << window << " wbits " << wbits);
            Bytes out, back;
            ASSERT_EQ(params_through_window(*z, a, p1[0], p1[1], p2[0], p2[1], window, wbits, &out),
                      "");
            EXPECT_EQ(ref_inflate(out, wbits, &back), Z_STREAM_END);
            EXPECT_EQ(back, a);
          }
        }
      }
    }
  }
}

TEST(ZlibDeflate, DictionaryIdAndReadBack) {
  const Bytes dict = text_bytes(3000, 35), in = text_bytes(20000, 35);
  for (int wbits : {15, -15}) {
    Stream st;
    ASSERT_EQ(deflateInit2(&st.s, 6, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    ASSERT_EQ(deflateSetDictionary(&st.s, dict.data(), static_cast<uInt>(dict.size())), Z_OK);
    if (wbits > 0) {
      EXPECT_EQ(st.s.adler, adler32(1, dict.data(), static_cast<uInt>(dict.size())));
    }
    Bytes got(40000);
    uInt got_len = 0;
    ASSERT_EQ(deflateGetDictionary(&st.s, got.data(), &got_len), Z_OK);
    EXPECT_EQ(Bytes(got.begin(), got.begin() + got_len), dict);
    ASSERT_EQ(st.feed(in, Z_FINISH), Z_STREAM_END);
    ASSERT_EQ(deflateEnd(&st.s), Z_OK);
    const Bytes stream = st.produced();
    const InflateResult r = ref_inflate_run(stream, wbits, 0, 0, &dict);
    if (wbits < 0) {
      // A raw stream's dictionary is set up front by the reader.
      const RefZlib& z = ref();
      z_stream i{};
      ASSERT_EQ(z.inflateInit2_(&i, -15, z.zlibVersion(), sizeof(z_stream)), Z_OK);
      ASSERT_EQ(z.inflateSetDictionary(&i, dict.data(), static_cast<uInt>(dict.size())), Z_OK);
      Bytes back(in.size() + 10);
      i.next_in = const_cast<Bytef*>(stream.data());
      i.avail_in = static_cast<uInt>(stream.size());
      i.next_out = back.data();
      i.avail_out = static_cast<uInt>(back.size());
      ASSERT_EQ(z.inflate(&i, Z_FINISH), Z_STREAM_END);
      back.resize(i.total_out);
      EXPECT_EQ(back, in);
      z.inflateEnd(&i);
    } else {
      EXPECT_EQ(r.rc, Z_STREAM_END) << r.msg;
      EXPECT_EQ(r.out, in);
    }
  }
  // Not on a gzip stream, nor on a zlib stream once started.
  z_stream g{};
  ASSERT_EQ(deflateInit2(&g, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
  EXPECT_EQ(deflateSetDictionary(&g, dict.data(), 10), Z_STREAM_ERROR);
  deflateEnd(&g);
}

TEST(ZlibDeflate, GzipHeaderFieldsReadBackByBothInflaters) {
  const Bytes in = text_bytes(10000, 36);
  unsigned char extra[] = {'A', 'B', 4, 0, 1, 2, 3, 4};
  unsigned char name[] = "file.txt";
  unsigned char comment[] = "a comment";
  gz_header h{};
  h.text = 1;
  h.time = 0x12345678;
  h.os = 3;
  h.extra = extra;
  h.extra_len = sizeof extra;
  h.name = name;
  h.comment = comment;
  h.hcrc = 1;
  Stream st;
  ASSERT_EQ(deflateInit2(&st.s, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
  ASSERT_EQ(deflateSetHeader(&st.s, &h), Z_OK);
  const uLong bound = deflateBound(&st.s, in.size());
  ASSERT_EQ(st.feed(in, Z_FINISH), Z_STREAM_END);
  EXPECT_LE(st.s.total_out, bound);
  ASSERT_EQ(deflateEnd(&st.s), Z_OK);
  const Bytes stream = st.produced();
  for (bool use_ref : {true, false}) {
    gz_header got{};
    unsigned char gx[32], gn[32], gc[32];
    got.extra = gx;
    got.extra_max = sizeof gx;
    got.name = gn;
    got.name_max = sizeof gn;
    got.comment = gc;
    got.comm_max = sizeof gc;
    const RefZlib& z = ref();
    z_stream i{};
    Bytes back(in.size() + 10);
    if (use_ref) {
      ASSERT_EQ(z.inflateInit2_(&i, 31, z.zlibVersion(), sizeof(z_stream)), Z_OK);
      ASSERT_EQ(z.inflateGetHeader(&i, &got), Z_OK);
    } else {
      ASSERT_EQ(inflateInit2(&i, 31), Z_OK);
      ASSERT_EQ(inflateGetHeader(&i, &got), Z_OK);
    }
    i.next_in = const_cast<Bytef*>(stream.data());
    i.avail_in = static_cast<uInt>(stream.size());
    i.next_out = back.data();
    i.avail_out = static_cast<uInt>(back.size());
    ASSERT_EQ(use_ref ? z.inflate(&i, Z_FINISH) : inflate(&i, Z_FINISH), Z_STREAM_END) << use_ref;
    EXPECT_EQ(got.done, 1);
    EXPECT_EQ(got.text, 1);
    EXPECT_EQ(got.time, 0x12345678u);
    EXPECT_EQ(got.os, 3);
    EXPECT_EQ(got.xflags, 2);  // level 9
    EXPECT_EQ(got.hcrc, 1);
    EXPECT_EQ(got.extra_len, sizeof extra);
    EXPECT_EQ(std::memcmp(gx, extra, sizeof extra), 0);
    EXPECT_STREQ(reinterpret_cast<char*>(gn), "file.txt");
    EXPECT_STREQ(reinterpret_cast<char*>(gc), "a comment");
    back.resize(i.total_out);
    EXPECT_EQ(back, in);
    use_ref ? z.inflateEnd(&i) : inflateEnd(&i);
  }
}

TEST(ZlibDeflate, PrimePendingCopyResetEnd) {
  const Bytes in = text_bytes(50000, 37);
  // deflatePrime: three bits before a raw stream, read back after priming
  // the reference's inflater with the same bits.
  {
    Stream st;
    ASSERT_EQ(deflateInit2(&st.s, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
    ASSERT_EQ(deflatePrime(&st.s, 3, 5), Z_OK);
    ASSERT_EQ(st.feed(in, Z_FINISH), Z_STREAM_END);
    deflateEnd(&st.s);
    const RefZlib& z = ref();
    z_stream i{};
    ASSERT_EQ(z.inflateInit2_(&i, -15, z.zlibVersion(), sizeof(z_stream)), Z_OK);
    const Bytes stream = st.produced();
    ASSERT_EQ(stream[0] & 7, 5);
    // Drop the 3 primed bits: prime the reader with the byte's other 5.
    ASSERT_EQ(z.inflatePrime(&i, 5, stream[0] >> 3), Z_OK);
    Bytes back(in.size() + 10);
    i.next_in = const_cast<Bytef*>(stream.data() + 1);
    i.avail_in = static_cast<uInt>(stream.size() - 1);
    i.next_out = back.data();
    i.avail_out = static_cast<uInt>(back.size());
    ASSERT_EQ(z.inflate(&i, Z_FINISH), Z_STREAM_END);
    back.resize(i.total_out);
    EXPECT_EQ(back, in);
    z.inflateEnd(&i);
  }
  // deflatePending with a small output buffer, deflateCopy mid-stream.
  {
    z_stream s{};
    ASSERT_EQ(deflateInit(&s, 6), Z_OK);
    Bytes small(16);
    s.next_in = const_cast<Bytef*>(in.data());
    s.avail_in = static_cast<uInt>(in.size());
    s.next_out = small.data();
    s.avail_out = static_cast<uInt>(small.size());
    ASSERT_EQ(deflate(&s, Z_SYNC_FLUSH), Z_OK);
    unsigned pending = 0;
    int bits = -1;
    ASSERT_EQ(deflatePending(&s, &pending, &bits), Z_OK);
    EXPECT_GT(pending, 0u);
    EXPECT_EQ(bits, 0);
    z_stream c{};
    ASSERT_EQ(deflateCopy(&c, &s), Z_OK);
    // Both finish, each to a valid stream of all of the input.
    for (z_stream* x : {&s, &c}) {
      Bytes rest(200000);
      Bytes got(small.begin(), small.end());
      x->next_out = rest.data();
      x->avail_out = static_cast<uInt>(rest.size());
      ASSERT_EQ(deflate(x, Z_FINISH), Z_STREAM_END);
      got.insert(got.end(), rest.begin(), rest.begin() + (rest.size() - x->avail_out));
      Bytes back;
      ASSERT_EQ(ref_inflate(got, 15, &back), Z_STREAM_END);
      EXPECT_EQ(back, in);
      EXPECT_EQ(deflateEnd(x), Z_OK);
    }
  }
  // deflateEnd mid-stream answers Z_DATA_ERROR; deflateReset starts over.
  {
    Stream st;
    ASSERT_EQ(deflateInit(&st.s, 6), Z_OK);
    ASSERT_EQ(st.feed(in, Z_NO_FLUSH), Z_OK);
    ASSERT_EQ(deflateReset(&st.s), Z_OK);
    EXPECT_EQ(st.s.total_in, 0u);
    st.s.next_out = st.out.data();
    st.s.avail_out = static_cast<uInt>(st.out.size());
    ASSERT_EQ(st.feed(in, Z_FINISH), Z_STREAM_END);
    Bytes back;
    ASSERT_EQ(ref_inflate(st.produced(), 15, &back), Z_STREAM_END);
    EXPECT_EQ(back, in);
    ASSERT_EQ(deflateResetKeep(&st.s), Z_OK);
    ASSERT_EQ(st.feed(in, Z_NO_FLUSH), Z_OK);
    EXPECT_EQ(deflateEnd(&st.s), Z_DATA_ERROR);
    z_stream fresh{};
    ASSERT_EQ(deflateInit(&fresh, 6), Z_OK);
    EXPECT_EQ(deflateEnd(&fresh), Z_OK);
    EXPECT_EQ(deflateTune(nullptr, 1, 2, 3, 4), Z_STREAM_ERROR);
  }
}

TEST(ZlibDeflate, FinishInOneCallWithBoundSpace) {
  for (const Sample& smp : samples()) {
    for (int wbits : {-15, 15, 31, 9, -9}) {
      for (int level : {0, 1, 6, 9}) {
        for (int strategy : {Z_DEFAULT_STRATEGY, Z_HUFFMAN_ONLY, Z_FIXED}) {
          z_stream s{};
          ASSERT_EQ(deflateInit2(&s, level, Z_DEFLATED, wbits, 8, strategy), Z_OK);
          const uLong bound = deflateBound(&s, smp.data.size());
          EXPECT_LE(bound, deflateBound(nullptr, smp.data.size()) + 18);
          Bytes out(bound);
          s.next_in = const_cast<Bytef*>(smp.data.data());
          s.avail_in = static_cast<uInt>(smp.data.size());
          s.next_out = out.data();
          s.avail_out = static_cast<uInt>(out.size());
          ASSERT_EQ(deflate(&s, Z_FINISH), Z_STREAM_END)
              << smp.name << " wbits " << wbits << " level " << level;
          deflateEnd(&s);
        }
      }
    }
    // compressBound() bounds compress() of anything.
    Bytes out(compressBound(smp.data.size()));
    uLongf n = out.size();
    ASSERT_EQ(compress(out.data(), &n, smp.data.data(), smp.data.size()), Z_OK);
    EXPECT_EQ(compressBound(smp.data.size()), ref().compressBound(smp.data.size()));
  }
  const Bytes incompressible = random_bytes(1 << 20, 38);
  Bytes out(compressBound(incompressible.size()));
  uLongf n = out.size();
  ASSERT_EQ(compress2(out.data(), &n, incompressible.data(), incompressible.size(), 1), Z_OK);
}

TEST(ZlibDeflate, TotalsAdlerAndDataType) {
  const Bytes text = text_bytes(30000, 39);
  for (int wbits : {-15, 15, 31}) {
    Stream st;
    ASSERT_EQ(deflateInit2(&st.s, 6, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    st.s.adler = 0x5555;  // a raw stream leaves adler alone... after init
    const uLong before = st.s.adler;
    ASSERT_EQ(st.feed(text, Z_FINISH), Z_STREAM_END);
    uLong want = before;
    if (wbits == 15) want = adler32(1, text.data(), static_cast<uInt>(text.size()));
    if (wbits == 31) want = crc32(0, text.data(), static_cast<uInt>(text.size()));
    EXPECT_EQ(st.s.adler, want);
    EXPECT_EQ(st.s.total_in, text.size());
    EXPECT_EQ(st.s.data_type, Z_TEXT);
    deflateEnd(&st.s);
  }
}

// zlib's rule (deflate.h, detect_data_type): a byte of 0-6, 14-25 or 28-31
// makes the data binary; otherwise one of 9, 10, 13 or 32-255 makes it text.
// Each byte value is placed in text at offsets that fall at every place of
// an 8-byte word and in the scalar tail.
TEST(ZlibDeflate, DataTypeFollowsZlibsByteClasses) {
  auto data_type_of = [](const Bytes& in) {
    Stream st;
    EXPECT_EQ(deflateInit(&st.s, 6), Z_OK);
    EXPECT_EQ(st.feed(in, Z_FINISH), Z_STREAM_END);
    const int t = st.s.data_type;
    deflateEnd(&st.s);
    return t;
  };
  for (int c = 0; c < 256; ++c) {
    const bool blocked = c <= 6 || (c >= 14 && c <= 25) || (c >= 28 && c <= 31);
    for (size_t at : {size_t{0}, size_t{5}, size_t{8}, size_t{4099}, size_t{9998}}) {
      Bytes in(9999, 'a');
      in[at] = static_cast<uint8_t>(c);
      ASSERT_EQ(data_type_of(in), blocked ? Z_BINARY : Z_TEXT) << "byte " << c << " at " << at;
    }
  }
  // Only bytes neither class names: binary, as in zlib.
  Bytes neutral(1000);
  for (size_t i = 0; i < neutral.size(); ++i)
    neutral[i] = static_cast<uint8_t>("\x07\x08\x0b\x0c\x1a\x1b"[i % 6]);
  EXPECT_EQ(data_type_of(neutral), Z_BINARY);
  neutral[999] = '\t';
  EXPECT_EQ(data_type_of(neutral), Z_TEXT);
}

TEST(ZlibDeflate, MisuseIsStreamError) {
  z_stream s{};
  EXPECT_EQ(deflate(nullptr, Z_NO_FLUSH), Z_STREAM_ERROR);
  EXPECT_EQ(deflate(&s, Z_NO_FLUSH), Z_STREAM_ERROR);
  EXPECT_EQ(deflateEnd(&s), Z_STREAM_ERROR);
  EXPECT_EQ(deflateInit2(&s, 10, Z_DEFLATED, 15, 8, 0), Z_STREAM_ERROR);
  EXPECT_EQ(deflateInit2(&s, 6, Z_DEFLATED, 16 + 8, 8, 0), Z_STREAM_ERROR);
  EXPECT_EQ(deflateInit2(&s, 6, Z_DEFLATED, -8, 8, 0), Z_STREAM_ERROR);
  EXPECT_EQ(deflateInit2(&s, 6, Z_DEFLATED, 15, 10, 0), Z_STREAM_ERROR);
  EXPECT_EQ(deflateInit_(&s, 6, "2.0.0", sizeof(z_stream)), Z_VERSION_ERROR);
  EXPECT_EQ(deflateInit_(&s, 6, ZLIB_VERSION, sizeof(z_stream) - 8), Z_VERSION_ERROR);
  ASSERT_EQ(deflateInit(&s, 6), Z_OK);
  // An inflate call on a deflate stream.
  EXPECT_EQ(inflate(&s, Z_NO_FLUSH), Z_STREAM_ERROR);
  EXPECT_EQ(inflateEnd(&s), Z_STREAM_ERROR);
  Bytes out(100);
  s.next_out = out.data();
  s.avail_out = 0;
  EXPECT_EQ(deflate(&s, Z_NO_FLUSH), Z_BUF_ERROR);
  EXPECT_STREQ(s.msg, "buffer error");
  s.avail_out = 100;
  EXPECT_EQ(deflate(&s, 99), Z_STREAM_ERROR);
  EXPECT_EQ(deflate(&s, Z_FINISH), Z_STREAM_END);
  EXPECT_EQ(deflate(&s, Z_NO_FLUSH), Z_STREAM_ERROR);  // after Z_FINISH only Z_FINISH
  EXPECT_EQ(deflate(&s, Z_FINISH), Z_STREAM_END);
  EXPECT_EQ(deflateEnd(&s), Z_OK);
  EXPECT_EQ(deflate(&s, Z_FINISH), Z_STREAM_ERROR);  // used after End
}

}  // namespace
}  // namespace nxz::test
