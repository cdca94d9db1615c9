// Differential round trips: nxz's deflate read by the system zlib, the
// system zlib's streams read by nxz's inflate, across wrappers, levels,
// strategies, window sizes, flushes and buffer patterns.
#include <gtest/gtest.h>

#include <algorithm>

#include "api/api_test_util.h"

namespace nxz::test {
namespace {

struct Wrapper {
  const char* name;
  int deflate_bits;  // windowBits for deflateInit2
  int inflate_bits;  // the matching inflateInit2 windowBits
};
const Wrapper kWrappers[] = {{"raw", -15, -15}, {"zlib", 15, 15}, {"gzip", 31, 31}};

Bytes prefix(const Bytes& b, size_t n) {
  return Bytes(b.begin(), b.begin() + std::min(n, b.size()));
}

TEST(ZlibRoundTrip, CorpusEveryWrapperAndLevelBothWays) {
  for (const Sample& smp : samples()) {
    for (const Wrapper& w : kWrappers) {
      for (int level : {0, 1, 6, 9}) {
        SCOPED_TRACE(smp.name + " " + w.name + " level " + std::to_string(level));
        DeflateRun r;
        r.level = level;
        r.window_bits = w.deflate_bits;
        const Bytes ours = nxz_deflate(smp.data, r);
        Bytes back;
        ASSERT_EQ(ref_inflate(ours, w.inflate_bits, &back), Z_STREAM_END);
        ASSERT_EQ(back, smp.data);
        ASSERT_LE(ours.size(), deflateBound(nullptr, smp.data.size()));

        const Bytes theirs = ref_compress(smp.data, level, w.deflate_bits);
        InflateResult res = nxz_inflate(theirs, w.inflate_bits);
        ASSERT_EQ(res.rc, Z_STREAM_END) << res.msg;
        ASSERT_EQ(res.out, smp.data);
        EXPECT_EQ(res.total_in, theirs.size());
        if (w.deflate_bits > 0) {  // and auto-detection of zlib or gzip
          res = nxz_inflate(theirs, 47);
          ASSERT_EQ(res.rc, Z_STREAM_END) << res.msg;
          ASSERT_EQ(res.out, smp.data);
        }
      }
    }
  }
}

TEST(ZlibRoundTrip, StrategiesWindowsAndMemLevels) {
  const Bytes& data = samples().front().data;
  const Bytes in = prefix(data, 200000);
  for (int strategy : {Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED}) {
    for (int wbits : {9, 12, 15}) {
      for (int level : {1, 6, 9}) {
        for (int mem : {1, 8, 9}) {
          SCOPED_TRACE("strategy " + std::to_string(strategy) + " wbits " + std::to_string(wbits) +
                       " level " + std::to_string(level) + " mem " + std::to_string(mem));
          DeflateRun r;
          r.level = level;
          r.window_bits = wbits;
          r.strategy = strategy;
          r.mem_level = mem;
          const Bytes ours = nxz_deflate(in, r);
          Bytes back;
          ASSERT_EQ(ref_inflate(ours, wbits, &back), Z_STREAM_END);
          ASSERT_EQ(back, in);
          // The reference's stream in the same window, read by nxz.
          const Bytes theirs = ref_compress(in, level, wbits, strategy, mem);
          const InflateResult res = nxz_inflate(theirs, wbits);
          ASSERT_EQ(res.rc, Z_STREAM_END) << res.msg;
          ASSERT_EQ(res.out, in);
        }
      }
    }
  }
}

// Software-path streams are the system zlib's raw deflate inside nxz's own
// wrapper: the same bytes as the system zlib.
TEST(ZlibRoundTrip, SoftwarePathOutputIsTheSystemZlibs) {
  const Bytes in = prefix(samples().front().data, 100000);
  for (int wbits : {9, 14, 9 + 16, -12}) {
    DeflateRun r;
    r.window_bits = wbits;
    EXPECT_EQ(nxz_deflate(in, r), ref_compress(in, 6, wbits)) << wbits;
  }
  for (int strategy : {Z_HUFFMAN_ONLY, Z_RLE}) {
    DeflateRun r;
    r.strategy = strategy;
    EXPECT_EQ(nxz_deflate(in, r), ref_compress(in, 6, 15, strategy)) << strategy;
  }
  DeflateRun r0;
  r0.level = 0;
  EXPECT_EQ(nxz_deflate(in, r0), ref_compress(in, 0, 15));
}

// The compressed bytes depend on the input and the flush points only.
TEST(ZlibRoundTrip, OutputIndependentOfCallSplits) {
  for (const Sample& smp : samples()) {
    const Bytes in = prefix(smp.data, 300000);
    for (int wbits : {-15, 15, 31}) {
      DeflateRun whole;
      whole.window_bits = wbits;
      const Bytes expect = nxz_deflate(in, whole);
      for (auto [ic, oc] : {std::pair<size_t, size_t>{7, 0},
                            {13, 4096},
                            {4096, 7},
                            {0, 1},
                            {65536, 13},
                            {200001, 0}}) {
        SCOPED_TRACE(smp.name + " wbits " + std::to_string(wbits) + " in " + std::to_string(ic) +
                     " out " + std::to_string(oc));
        DeflateRun r = whole;
        r.in_chunk = ic;
        r.out_chunk = oc;
        ASSERT_EQ(nxz_deflate(in, r), expect);
      }
    }
    // compress2() is a stream too.
    Bytes c(compressBound(in.size()));
    uLongf n = c.size();
    ASSERT_EQ(compress2(c.data(), &n, in.data(), in.size(), Z_DEFAULT_COMPRESSION), Z_OK);
    c.resize(n);
    DeflateRun one_byte;
    one_byte.in_chunk = 1;
    const Bytes small = prefix(in, 40000);
    Bytes c2(compressBound(small.size()));
    uLongf n2 = c2.size();
    ASSERT_EQ(compress2(c2.data(), &n2, small.data(), small.size(), 6), Z_OK);
    c2.resize(n2);
    EXPECT_EQ(nxz_deflate(small, one_byte), c2) << smp.name;
    DeflateRun dflt;
    EXPECT_EQ(nxz_deflate(in, dflt), c) << smp.name;
  }
}

// After every flush other than Z_NO_FLUSH, the output so far decodes to
// all of the input so far.
TEST(ZlibRoundTrip, EveryFlushMakesAllInputDecodable) {
  const RefZlib& z = ref();
  const Bytes in = prefix(samples().back().data, 150000);
  for (int flush : {Z_PARTIAL_FLUSH, Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_BLOCK}) {
    for (size_t every : {size_t{1}, size_t{1000}, size_t{4096}, size_t{70000}}) {
      SCOPED_TRACE("flush " + std::to_string(flush) + " every " + std::to_string(every));
      const Bytes data = every == 1 ? prefix(in, 3000) : in;
      z_stream d{};
      ASSERT_EQ(deflateInit2(&d, 6, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
      z_stream r{};
      ASSERT_EQ(z.inflateInit2_(&r, 15, z.zlibVersion(), sizeof(z_stream)), Z_OK);
      // A flush costs a few bytes (a stored block for one byte): room for all.
      Bytes comp(deflateBound(&d, data.size()) + 16 * (data.size() / every + 2));
      Bytes back(data.size() + 16);
      r.next_out = back.data();
      r.avail_out = static_cast<uInt>(back.size());
      size_t fed = 0, handed = 0;
      d.next_out = comp.data();
      d.avail_out = static_cast<uInt>(comp.size());
      while (fed < data.size()) {
        const size_t n = std::min(every, data.size() - fed);
        d.next_in = const_cast<Bytef*>(data.data() + fed);
        d.avail_in = static_cast<uInt>(n);
        ASSERT_EQ(deflate(&d, flush), Z_OK);
        ASSERT_EQ(d.avail_in, 0u);
        fed += n;
        // Hand the new output to the reference and require all input back.
        r.next_in = comp.data() + handed;
        r.avail_in = static_cast<uInt>(d.total_out - handed);
        const int rc = z.inflate(&r, Z_SYNC_FLUSH);
        ASSERT_TRUE(rc == Z_OK || rc == Z_BUF_ERROR) << rc;
        handed = d.total_out - r.avail_in;
        ASSERT_EQ(r.total_out, fed);
      }
      d.next_in = nullptr;
      ASSERT_EQ(deflate(&d, Z_FINISH), Z_STREAM_END);
      EXPECT_EQ(deflateEnd(&d), Z_OK);
      r.next_in = comp.data() + handed;
      r.avail_in = static_cast<uInt>(d.total_out - handed);
      ASSERT_EQ(z.inflate(&r, Z_FINISH), Z_STREAM_END);
      ASSERT_TRUE(std::equal(data.begin(), data.end(), back.begin()));
      z.inflateEnd(&r);
    }
  }
}

TEST(ZlibRoundTrip, SyncFlushEndsWithTheEmptyStoredBlock) {
  const Bytes in = text_bytes(5000, 9);
  z_stream d{};
  ASSERT_EQ(deflateInit2(&d, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
  Bytes out(10000);
  d.next_in = const_cast<Bytef*>(in.data());
  d.avail_in = static_cast<uInt>(in.size());
  d.next_out = out.data();
  d.avail_out = static_cast<uInt>(out.size());
  ASSERT_EQ(deflate(&d, Z_SYNC_FLUSH), Z_OK);
  const size_t n = d.total_out;
  ASSERT_GE(n, 4u);
  EXPECT_EQ(Bytes(out.begin() + n - 4, out.begin() + n), (Bytes{0x00, 0x00, 0xff, 0xff}));
  // A second flush with nothing new: no progress possible.
  EXPECT_EQ(deflate(&d, Z_SYNC_FLUSH), Z_BUF_ERROR);
  deflateEnd(&d);
}

TEST(ZlibInflate, EveryBufferRegime) {
  for (const Sample& smp : samples()) {
    const Bytes in = prefix(smp.data, 120000);
    for (const Wrapper& w : kWrappers) {
      const Bytes stream = ref_compress(in, 6, w.deflate_bits);
      for (auto [ic, oc] : {std::pair<size_t, size_t>{1, 1},
                            {7, 13},
                            {13, 7},
                            {4096, 4096},
                            {1, 0},
                            {0, 1},
                            {0, 0}}) {
        if ((ic == 1 || oc == 1) && smp.data.size() > 0 && in.size() > 30000) {
          // one byte at a time over a shorter piece: the same paths, less time
        }
        const Bytes part = (ic == 1 || oc == 1) ? prefix(in, 30000) : in;
        const Bytes s2 = (ic == 1 || oc == 1) ? ref_compress(part, 6, w.deflate_bits) : stream;
        SCOPED_TRACE(smp.name + " " + w.name + " in " + std::to_string(ic) + " out " +
                     std::to_string(oc));
        const InflateResult res = nxz_inflate(s2, w.inflate_bits, ic, oc);
        ASSERT_EQ(res.rc, Z_STREAM_END) << res.msg;
        ASSERT_EQ(res.out, part);
        EXPECT_EQ(res.total_in, s2.size());
      }
    }
  }
}

// Bytes after the end of a stream stay in next_in (CPython's unused_data,
// git's packs), for every wrapper and any split.
TEST(ZlibInflate, BytesAfterTheEndStayUnread) {
  const Bytes tail = {'T', 'R', 'A', 'I', 'L', 'E', 'R'};
  for (const Wrapper& w : kWrappers) {
    for (const Sample& smp : samples()) {
      Bytes stream = ref_compress(prefix(smp.data, 50000), 6, w.deflate_bits);
      stream.insert(stream.end(), tail.begin(), tail.end());
      for (size_t ic : {size_t{0}, size_t{1}, size_t{5}, size_t{4096}}) {
        SCOPED_TRACE(smp.name + " " + w.name + " in " + std::to_string(ic));
        const InflateResult ours = nxz_inflate(stream, w.inflate_bits, ic);
        const InflateResult theirs = ref_inflate_run(stream, w.inflate_bits, ic);
        ASSERT_EQ(ours.rc, Z_STREAM_END) << ours.msg;
        EXPECT_EQ(ours.total_in, theirs.total_in);
        EXPECT_EQ(ours.avail_in, tail.size());
        EXPECT_EQ(ours.out, theirs.out);
      }
    }
  }
}

TEST(ZlibInflate, StreamEndIsRepeatedAndTotalsStay) {
  const Bytes in = text_bytes(20000, 5);
  const Bytes stream = ref_compress(in, 6, 15);
  z_stream s{};
  ASSERT_EQ(inflateInit(&s), Z_OK);
  Bytes out(in.size() + 10);
  s.next_in = const_cast<Bytef*>(stream.data());
  s.avail_in = static_cast<uInt>(stream.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  ASSERT_EQ(inflate(&s, Z_NO_FLUSH), Z_STREAM_END);
  EXPECT_EQ(s.total_out, in.size());
  EXPECT_EQ(s.adler, adler32(1, in.data(), static_cast<uInt>(in.size())));
  ASSERT_EQ(inflate(&s, Z_NO_FLUSH), Z_STREAM_END);
  EXPECT_EQ(s.total_out, in.size());
  EXPECT_EQ(s.total_in, stream.size());
  EXPECT_EQ(inflateEnd(&s), Z_OK);
}

}  // namespace
}  // namespace nxz::test

namespace nxz::test {
namespace {

// Data that expands a hundred- to a thousandfold, read through every size
// of output buffer: a request's output overflows small targets again and
// again (cc 13), and must still make progress (CPython's test_zlib found a
// livelock here).
TEST(ZlibInflate, HighlyCompressibleDataThroughSmallBuffers) {
  const Bytes xs(1 << 20, 'x');
  Bytes zeros_then_text(600000, 0);
  const Bytes t = text_bytes(50000, 91);
  zeros_then_text.insert(zeros_then_text.end(), t.begin(), t.end());
  for (const Bytes* in : {&xs, static_cast<const Bytes*>(&zeros_then_text)}) {
    for (int level : {1, 6, 9}) {
      DeflateRun r;
      r.level = level;
      const Bytes ours = nxz_deflate(*in, r);
      const Bytes theirs = ref_compress(*in, level, 15);
      for (const Bytes* stream : {&ours, &theirs}) {
        for (size_t out_chunk : {size_t{100}, size_t{5147}, size_t{16384}, size_t{65536}}) {
          for (size_t in_chunk : {size_t{0}, size_t{7}}) {
            SCOPED_TRACE("level " + std::to_string(level) + " out " + std::to_string(out_chunk) +
                         " in " + std::to_string(in_chunk));
            const InflateResult res = nxz_inflate(*stream, 15, in_chunk, out_chunk);
            ASSERT_EQ(res.rc, Z_STREAM_END) << res.msg;
            ASSERT_TRUE(res.out == *in);
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace nxz::test

namespace nxz::test {
namespace {

// Decompression in place: the compressed data at the end of the output
// buffer, as boot loaders and some archivers lay it out. zlib writes only
// what it reports, so the input ahead of the output survives; so must it
// here, although a request may write its whole target.
template <typename Init, typename Inflate, typename End>
int inflate_in_place(Init init, Inflate inf, End end, const Bytes& stream, size_t out_size,
                     Bytes* result) {
  Bytes buf(out_size);
  const size_t at = buf.size() - stream.size();
  std::copy(stream.begin(), stream.end(), buf.begin() + static_cast<ptrdiff_t>(at));
  z_stream s{};
  EXPECT_EQ(init(&s), Z_OK);
  s.next_in = buf.data() + at;
  s.next_out = buf.data();
  s.avail_out = static_cast<uInt>(buf.size());
  // Input a little at a time, output space all of it.
  int rc = Z_OK;
  for (size_t fed = 0; rc == Z_OK;) {
    if (s.avail_in == 0 && fed < stream.size()) {
      s.avail_in = static_cast<uInt>(std::min<size_t>(1000, stream.size() - fed));
      fed += s.avail_in;
    }
    rc = inf(&s, Z_NO_FLUSH);
  }
  result->assign(buf.begin(), buf.begin() + static_cast<ptrdiff_t>(s.total_out));
  end(&s);
  return rc;
}

TEST(ZlibInflate, InPlaceBufferKeepsTheInputAheadOfTheOutput) {
  const RefZlib& z = ref();
  int layouts = 0;
  for (const Sample& smp : samples()) {
    const Bytes stream = ref_compress(smp.data, 6, 15);
    const size_t size = smp.data.size() + 16;  // the output ends just before the input did
    if (stream.size() > size) continue;
    Bytes theirs, ours;
    const int ref_rc = inflate_in_place(
        [&](z_streamp s) { return z.inflateInit2_(s, 15, z.zlibVersion(), sizeof(z_stream)); },
        z.inflate, z.inflateEnd, stream, size, &theirs);
    if (ref_rc != Z_STREAM_END) continue;  // a layout zlib itself cannot decode in place
    ++layouts;
    const int rc = inflate_in_place([](z_streamp s) { return inflateInit(s); }, ::inflate,
                                    ::inflateEnd, stream, size, &ours);
    ASSERT_EQ(rc, Z_STREAM_END) << smp.name;
    ASSERT_TRUE(ours == smp.data) << smp.name;
  }
  EXPECT_GT(layouts, 0);
}

}  // namespace
}  // namespace nxz::test
