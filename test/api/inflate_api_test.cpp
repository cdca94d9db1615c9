// The rest of the inflate API against the system zlib: block stops with
// their data_type bits, priming, sync points, copies, resets, window sizes,
// validation, inflateBack.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "api/api_test_util.h"
#include "nxz/stats.h"

namespace nxz::test {
namespace {

struct Stop {
  int rc;
  uLong total_in, total_out;
  int data_type;
  bool operator==(const Stop& o) const {
    return rc == o.rc && total_in == o.total_in && total_out == o.total_out &&
           data_type == o.data_type;
  }
};

// Runs a whole stream with `flush` (Z_BLOCK or Z_TREES), recording every stop.
template <typename Init, typename Inf, typename End>
std::vector<Stop> stops(Init init, Inf inf, End end, const Bytes& in, int flush, Bytes* out) {
  z_stream s{};
  EXPECT_EQ(init(&s), Z_OK);
  std::vector<Stop> v;
  out->assign(1 << 21, 0);
  s.next_in = const_cast<Bytef*>(in.data());
  s.avail_in = static_cast<uInt>(in.size());
  s.next_out = out->data();
  s.avail_out = static_cast<uInt>(out->size());
  for (int i = 0; i < 100000; ++i) {
    const int rc = inf(&s, flush);
    v.push_back({rc, s.total_in, s.total_out, s.data_type});
    if (rc != Z_OK) break;
  }
  out->resize(s.total_out);
  end(&s);
  return v;
}

TEST(ZlibInflateApi, BlockAndTreesStopsAsZlib) {
  const RefZlib& z = ref();
  for (const Sample& smp : samples()) {
    const Bytes in(smp.data.begin(), smp.data.begin() + std::min<size_t>(smp.data.size(), 300000));
    for (int wbits : {-15, 15, 31}) {
      const Bytes stream = ref_compress(in, 6, wbits);
      for (int flush : {Z_BLOCK, Z_TREES}) {
        Bytes a, b;
        const auto ours = stops([&](z_streamp s) { return inflateInit2(s, wbits); }, ::inflate,
                                ::inflateEnd, stream, flush, &a);
        const auto theirs = stops(
            [&](z_streamp s) {
              return z.inflateInit2_(s, wbits, z.zlibVersion(), sizeof(z_stream));
            },
            z.inflate, z.inflateEnd, stream, flush, &b);
        ASSERT_EQ(ours.size(), theirs.size()) << smp.name << " " << wbits << " " << flush;
        for (size_t i = 0; i < ours.size(); ++i)
          ASSERT_TRUE(ours[i] == theirs[i])
              << smp.name << " stop " << i << ": rc " << ours[i].rc << "/" << theirs[i].rc << " in "
              << ours[i].total_in << "/" << theirs[i].total_in << " out " << ours[i].total_out
              << "/" << theirs[i].total_out << " type " << ours[i].data_type << "/"
              << theirs[i].data_type;
        EXPECT_EQ(a, in);
      }
    }
  }
}

// Z_BLOCK as libcurl calls it: input as it arrives (in_chunk bytes), a
// fresh out_chunk-byte buffer per call, until the input is used and the
// buffer not filled. Records every block stop (data_type bit 128) and the
// end; the calls in between depend on how much a decoder reads ahead.
template <typename Init, typename Inf, typename End>
std::vector<Stop> fed_stops(Init init, Inf inf, End end, const Bytes& in, size_t in_chunk,
                            size_t out_chunk, Bytes* out) {
  z_stream s{};
  EXPECT_EQ(init(&s), Z_OK);
  std::vector<Stop> v;
  Bytes buf(out_chunk);
  out->clear();
  int rc = Z_OK;
  // After the input, calls without any until the end (a stop before the
  // trailer needs one more call).
  for (size_t at = 0, empty = 0; rc != Z_STREAM_END && empty < 3;) {
    const size_t n = std::min(in_chunk, in.size() - at);
    if (n == 0) ++empty;
    s.next_in = const_cast<Bytef*>(in.data() + at);
    s.avail_in = static_cast<uInt>(n);
    at += n;
    for (int guard = 0; guard < 1000000; ++guard) {
      s.next_out = buf.data();
      s.avail_out = static_cast<uInt>(buf.size());
      rc = inf(&s, Z_BLOCK);
      out->insert(out->end(), buf.data(), s.next_out);
      if ((rc == Z_OK && (s.data_type & 128)) || rc == Z_STREAM_END)
        v.push_back({rc, s.total_in, s.total_out, s.data_type});
      if (rc != Z_OK || (s.avail_in == 0 && s.avail_out != 0)) break;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END) {
      v.push_back({rc, s.total_in, s.total_out, s.data_type});
      break;
    }
  }
  end(&s);
  return v;
}

// Z_BLOCK runs on the accelerator (single-block requests), and every stop
// is zlib's: after the header, after each block's end-of-block code (with
// the bits of the last byte that belong to the next block, and 64 after
// the last block) and at the end, at the same total_in and total_out,
// however the input arrives and however small the output buffer.
TEST(ZlibInflateApi, BlockStopsOnTheAcceleratorAsZlibHoweverFed) {
  const RefZlib& z = ref();
  for (size_t k = 0; k < samples().size(); ++k) {
    const Sample& smp = samples()[k];
    const Bytes in(smp.data.begin(), smp.data.begin() + std::min<size_t>(smp.data.size(), 200000));
    const int level = std::vector<int>{6, 1, 0, 9}[k % 4];  // stored and fixed blocks too
    for (int wbits : {-15, 15, 31}) {
      const Bytes stream = ref_compress(in, level, wbits);
      struct Feed {
        size_t in, out;
      };
      for (const Feed f : {Feed{stream.size(), 1 << 20}, Feed{4096, 16384}, Feed{1500, 1000},
                           Feed{13, 65536}, Feed{5, 100}}) {
        nxz_stats before{}, after{};
        nxz_stats_get(&before);
        Bytes a, b;
        const auto ours = fed_stops([&](z_streamp s) { return inflateInit2(s, wbits); }, ::inflate,
                                    ::inflateEnd, stream, f.in, f.out, &a);
        nxz_stats_get(&after);
        const auto theirs = fed_stops(
            [&](z_streamp s) {
              return z.inflateInit2_(s, wbits, z.zlibVersion(), sizeof(z_stream));
            },
            z.inflate, z.inflateEnd, stream, f.in, f.out, &b);
        const std::string what = smp.name + " level " + std::to_string(level) + " wbits " +
                                 std::to_string(wbits) + " in " + std::to_string(f.in) + " out " +
                                 std::to_string(f.out);
        EXPECT_GT(after.jobs, before.jobs) << what << ": no accelerator request";
        EXPECT_GE(theirs.size(), 2u) << what;
        ASSERT_EQ(ours.size(), theirs.size()) << what;
        for (size_t i = 0; i < ours.size(); ++i)
          ASSERT_TRUE(ours[i] == theirs[i])
              << what << " stop " << i << ": rc " << ours[i].rc << "/" << theirs[i].rc << " in "
              << ours[i].total_in << "/" << theirs[i].total_in << " out " << ours[i].total_out
              << "/" << theirs[i].total_out << " type " << ours[i].data_type << "/"
              << theirs[i].data_type;
        EXPECT_EQ(a, in) << what;
        EXPECT_EQ(b, in) << what;
      }
    }
  }
}

// inflateCopy between two Z_BLOCK calls, while a block's end waits for its
// output to be delivered: the copy and the original stop where zlib stops.
TEST(ZlibInflateApi, CopyBetweenBlockStopsGoesOnAsZlib) {
  const RefZlib& z = ref();
  const Bytes in = text_bytes(300000, 77);
  const Bytes stream = ref_compress(in, 6, 15);
  auto run_rest = [](auto inf, z_streamp s, Bytes* out, std::vector<Stop>* v) {
    Bytes buf(3000);
    int rc;
    do {
      s->next_out = buf.data();
      s->avail_out = static_cast<uInt>(buf.size());
      rc = inf(s, Z_BLOCK);
      out->insert(out->end(), buf.data(), s->next_out);
      if (rc == Z_STREAM_END || (s->data_type & 128))
        v->push_back({rc, s->total_in, s->total_out, s->data_type});
    } while (rc == Z_OK);
    return rc;
  };
  for (int calls = 1; calls < 97; calls += 3) {  // some copies wait for a block's end
    z_stream a{}, r{};
    ASSERT_EQ(inflateInit(&a), Z_OK);
    ASSERT_EQ(z.inflateInit2_(&r, 15, z.zlibVersion(), sizeof(z_stream)), Z_OK);
    for (z_streamp s : {&a, &r}) {
      s->next_in = const_cast<Bytef*>(stream.data());
      s->avail_in = static_cast<uInt>(stream.size());
    }
    Bytes out_a, out_r, buf(3000);
    std::vector<Stop> va, vr;
    for (int i = 0; i < calls; ++i) {
      a.next_out = buf.data();
      a.avail_out = static_cast<uInt>(buf.size());
      ASSERT_EQ(inflate(&a, Z_BLOCK), Z_OK);
      out_a.insert(out_a.end(), buf.data(), a.next_out);
      if (a.data_type & 128) va.push_back({Z_OK, a.total_in, a.total_out, a.data_type});
      r.next_out = buf.data();
      r.avail_out = static_cast<uInt>(buf.size());
      ASSERT_EQ(z.inflate(&r, Z_BLOCK), Z_OK);
      out_r.insert(out_r.end(), buf.data(), r.next_out);
      if (r.data_type & 128) vr.push_back({Z_OK, r.total_in, r.total_out, r.data_type});
    }
    z_stream c{};
    ASSERT_EQ(inflateCopy(&c, &a), Z_OK);
    Bytes out_c = out_a;
    std::vector<Stop> vc = va;
    EXPECT_EQ(run_rest(::inflate, &a, &out_a, &va), Z_STREAM_END);
    EXPECT_EQ(run_rest(::inflate, &c, &out_c, &vc), Z_STREAM_END);
    EXPECT_EQ(run_rest(z.inflate, &r, &out_r, &vr), Z_STREAM_END);
    EXPECT_EQ(out_a, in);
    EXPECT_EQ(out_c, in);
    EXPECT_EQ(out_r, in);
    EXPECT_TRUE(va == vr) << calls << ": " << va.size() << " stops against zlib's " << vr.size();
    EXPECT_TRUE(vc == vr) << calls << ": the copy's " << vc.size() << " stops against zlib's "
                          << vr.size();
    inflateEnd(&a);
    inflateEnd(&c);
    z.inflateEnd(&r);
  }
}

// Z_BLOCK part-way through a stream the accelerator started.
TEST(ZlibInflateApi, BlockStopAfterTheAcceleratorStarted) {
  const Bytes in = text_bytes(400000, 41);
  const Bytes stream = ref_compress(in, 6, 15);
  for (size_t first : {size_t{10}, size_t{1000}, stream.size() / 2}) {
    z_stream s{};
    ASSERT_EQ(inflateInit(&s), Z_OK);
    Bytes out(in.size() + 10);
    s.next_in = const_cast<Bytef*>(stream.data());
    s.avail_in = static_cast<uInt>(first);
    s.next_out = out.data();
    s.avail_out = static_cast<uInt>(out.size());
    ASSERT_EQ(inflate(&s, Z_NO_FLUSH), Z_OK);
    s.avail_in = static_cast<uInt>(stream.size() - (s.next_in - stream.data()));
    int rc, blocks = 0;
    while ((rc = inflate(&s, Z_BLOCK)) == Z_OK) {
      ASSERT_LT(++blocks, 100000);
      if (s.data_type & 128) {
        EXPECT_LE(s.data_type & 7, 7);
      }
    }
    ASSERT_EQ(rc, Z_STREAM_END) << s.msg;
    EXPECT_EQ(Bytes(out.begin(), out.begin() + s.total_out), in);
    inflateEnd(&s);
  }
}

TEST(ZlibInflateApi, PrimeThenRawData) {
  const Bytes in = text_bytes(20000, 42);
  const Bytes stream = ref_compress(in, 6, -15);
  // Feed the first byte's bits through inflatePrime, the rest as input.
  for (int k : {1, 5, 8}) {
    z_stream s{};
    ASSERT_EQ(inflateInit2(&s, -15), Z_OK);
    ASSERT_EQ(inflatePrime(&s, k, stream[0] & ((1 << k) - 1)), Z_OK);
    // The byte's other bits follow as a second prime.
    if (k < 8) {
      ASSERT_EQ(inflatePrime(&s, 8 - k, stream[0] >> k), Z_OK);
    }
    Bytes out(in.size() + 10);
    s.next_in = const_cast<Bytef*>(stream.data() + 1);
    s.avail_in = static_cast<uInt>(stream.size() - 1);
    s.next_out = out.data();
    s.avail_out = static_cast<uInt>(out.size());
    ASSERT_EQ(inflate(&s, Z_FINISH), Z_STREAM_END) << k;
    out.resize(s.total_out);
    EXPECT_EQ(out, in);
    inflateEnd(&s);
  }
}

TEST(ZlibInflateApi, SyncFindsTheNextFullFlushAsZlib) {
  const RefZlib& z = ref();
  // A raw stream with full flushes, damaged near its start.
  const Bytes in = text_bytes(200000, 43);
  z_stream d{};
  ASSERT_EQ(z.deflateInit2_(&d, 6, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY, z.zlibVersion(),
                            sizeof(z_stream)),
            Z_OK);
  Bytes stream(300000);
  d.next_out = stream.data();
  d.avail_out = static_cast<uInt>(stream.size());
  for (size_t pos = 0; pos < in.size(); pos += 50000) {
    d.next_in = const_cast<Bytef*>(in.data() + pos);
    d.avail_in = 50000;
    ASSERT_EQ(z.deflate(&d, pos + 50000 < in.size() ? Z_FULL_FLUSH : Z_FINISH),
              pos + 50000 < in.size() ? Z_OK : Z_STREAM_END);
  }
  stream.resize(d.total_out);
  z.deflateEnd(&d);
  stream[20] ^= 0xff;
  auto run = [&](bool ours) {
    z_stream s{};
    const int init =
        ours ? inflateInit(&s) : z.inflateInit2_(&s, 15, z.zlibVersion(), sizeof(z_stream));
    EXPECT_EQ(init, Z_OK);
    Bytes out(in.size() + 10);
    s.next_in = stream.data();
    s.avail_in = static_cast<uInt>(stream.size());
    s.next_out = out.data();
    s.avail_out = static_cast<uInt>(out.size());
    std::vector<long> trace;
    for (int i = 0; i < 20; ++i) {
      int rc = ours ? inflate(&s, Z_NO_FLUSH) : z.inflate(&s, Z_NO_FLUSH);
      trace.push_back(rc);
      trace.push_back(static_cast<long>(s.total_in));
      if (rc == Z_DATA_ERROR) {
        rc = ours ? inflateSync(&s) : z.inflateSync(&s);
        trace.push_back(rc);
        trace.push_back(static_cast<long>(s.total_in));
        if (rc != Z_OK) break;
        continue;
      }
      if (rc != Z_OK) break;
    }
    trace.push_back(static_cast<long>(s.total_out));
    trace.push_back(std::memcmp(out.data() + 50000, in.data() + 50000, 150000) == 0);
    ours ? inflateEnd(&s) : z.inflateEnd(&s);
    return trace;
  };
  EXPECT_EQ(run(true), run(false));
}

// rsync -z: each token is deflated with Z_SYNC_FLUSH and sent without its
// trailing 00 00 ff ff; the receiver inflates it and asks inflateSyncPoint()
// whether it stopped just inside that stored block (zlib: 1), then feeds the
// four bytes back. The answers and the output must be zlib's, token after
// token, with the accelerator's part of the stream handed to software.
TEST(ZlibInflateApi, SyncPointAfterAStrippedSyncFlushAsZlib) {
  const RefZlib& z = ref();
  // Small files are one short token each; large ones, many pieces.
  for (const size_t token : {size_t{696}, size_t{20}, size_t{60000}}) {
    SCOPED_TRACE(token);
    const Bytes in = text_bytes(5 * token, 44), matched = text_bytes(5000, 45);
    z_stream d{};
    ASSERT_EQ(z.deflateInit2_(&d, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, z.zlibVersion(),
                              sizeof(z_stream)),
              Z_OK);
    std::vector<Bytes> tokens;
    for (size_t pos = 0; pos < in.size(); pos += token) {
      Bytes t(80000);
      d.next_in = const_cast<Bytef*>(in.data() + pos);
      d.avail_in = token;
      d.next_out = t.data();
      d.avail_out = static_cast<uInt>(t.size());
      ASSERT_EQ(z.deflate(&d, Z_SYNC_FLUSH), Z_OK);
      t.resize(t.size() - d.avail_out);
      ASSERT_GE(t.size(), 4u);
      ASSERT_EQ(Bytes(t.end() - 4, t.end()), (Bytes{0, 0, 0xff, 0xff}));
      t.resize(t.size() - 4);
      tokens.push_back(t);
      // The matched block the receiver will see joins the sender's history
      // too (rsync's Z_INSERT_ONLY; a raw stream's dictionary here).
      ASSERT_EQ(z.deflateSetDictionary(&d, matched.data(), static_cast<uInt>(matched.size())),
                Z_OK);
    }
    z.deflateEnd(&d);
    // rsync's receiver: pieces of at most 16383 bytes inflated with
    // Z_NO_FLUSH into a 32 KiB buffer (anything but Z_OK is fatal to it),
    // then Z_SYNC_FLUSH with no input (Z_OK or Z_BUF_ERROR), the sync point,
    // the four bytes back; and a matched block fed through a made-up stored
    // block header with Z_SYNC_FLUSH, to keep the window in step.
    auto run = [&](bool ours) {
      z_stream s{};
      auto inf = [&](int flush) { return ours ? inflate(&s, flush) : z.inflate(&s, flush); };
      EXPECT_EQ(ours ? inflateInit2(&s, -15)
                     : z.inflateInit2_(&s, -15, z.zlibVersion(), sizeof(z_stream)),
                Z_OK);
      Bytes out, buf(32 * 1024 + 48);
      std::vector<long> trace;
      auto drain = [&](int flush) {
        do {
          s.next_out = buf.data();
          s.avail_out = static_cast<uInt>(buf.size());
          trace.push_back(inf(flush));
          out.insert(out.end(), buf.data(), buf.data() + (buf.size() - s.avail_out));
        } while (trace.back() == Z_OK && (s.avail_in || s.avail_out == 0));
      };
      static const Bytes kMarker = {0, 0, 0xff, 0xff};
      for (const Bytes& t : tokens) {
        for (size_t at = 0; at < t.size(); at += 16383) {
          s.next_in = const_cast<Bytef*>(t.data() + at);
          s.avail_in = static_cast<uInt>(std::min<size_t>(16383, t.size() - at));
          drain(Z_NO_FLUSH);
        }
        drain(Z_SYNC_FLUSH);
        trace.push_back(ours ? inflateSyncPoint(&s) : z.inflateSyncPoint(&s));
        s.next_in = const_cast<Bytef*>(kMarker.data());
        s.avail_in = 4;
        drain(Z_SYNC_FLUSH);
        const uint8_t hdr[5] = {0, uint8_t(matched.size()), uint8_t(matched.size() >> 8),
                                uint8_t(~matched.size()), uint8_t(~matched.size() >> 8)};
        s.next_in = const_cast<Bytef*>(hdr);
        s.avail_in = 5;
        drain(Z_SYNC_FLUSH);
        s.next_in = const_cast<Bytef*>(matched.data());
        s.avail_in = static_cast<uInt>(matched.size());
        drain(Z_SYNC_FLUSH);
        trace.push_back(static_cast<long>(s.total_out));
      }
      ours ? inflateEnd(&s) : z.inflateEnd(&s);
      Bytes want;
      for (size_t pos = 0; pos < in.size(); pos += token) {
        want.insert(want.end(), in.begin() + long(pos), in.begin() + long(pos + token));
        want.insert(want.end(), matched.begin(), matched.end());
      }
      EXPECT_EQ(out, want) << (ours ? "nxz" : "zlib");
      return trace;
    };
    const std::vector<long> want = run(false);
    ASSERT_NE(std::find(want.begin(), want.end(), 1), want.end());  // zlib's sync points
    EXPECT_EQ(run(true), want);
  }
}

TEST(ZlibInflateApi, CopyResetWindowAndValidate) {
  const Bytes in = text_bytes(300000, 44);
  const Bytes stream = ref_compress(in, 6, 15);
  z_stream s{};
  ASSERT_EQ(inflateInit(&s), Z_OK);
  Bytes out(in.size());
  s.next_in = const_cast<Bytef*>(stream.data());
  s.avail_in = static_cast<uInt>(stream.size() / 2);
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  ASSERT_EQ(inflate(&s, Z_NO_FLUSH), Z_OK);
  z_stream c{};
  ASSERT_EQ(inflateCopy(&c, &s), Z_OK);
  Bytes out2(out);
  c.next_out = out2.data() + s.total_out;
  for (z_stream* x : {&s, &c}) {
    x->avail_in = static_cast<uInt>(stream.size() - (x->next_in - stream.data()));
    ASSERT_EQ(inflate(x, Z_FINISH), Z_STREAM_END);
  }
  EXPECT_EQ(out, in);
  EXPECT_EQ(out2, in);
  inflateEnd(&c);
  // Reset2 to a raw stream with a small window: a distance beyond it fails
  // as in zlib.
  const Bytes far = ref_compress(in, 6, -15);
  for (int wb : {-9, -12, -15}) {
    ASSERT_EQ(inflateReset2(&s, wb), Z_OK);  // (the stream itself is unused here)
    InflateResult mine = nxz_inflate(far, wb);
    InflateResult theirs = ref_inflate_run(far, wb);
    EXPECT_EQ(mine.rc, theirs.rc) << wb;
    EXPECT_EQ(mine.msg, theirs.msg) << wb;
    EXPECT_EQ(mine.out, theirs.out) << wb;
  }
  EXPECT_EQ(inflateReset2(&s, 7), Z_STREAM_ERROR);
  EXPECT_EQ(inflateReset2(&s, 48 + 15), Z_STREAM_ERROR);
  // Validation off: a bad check value passes.
  Bytes bad = stream;
  bad.back() ^= 1;
  ASSERT_EQ(inflateReset2(&s, 15), Z_OK);
  ASSERT_EQ(inflateValidate(&s, 0), Z_OK);
  s.next_in = bad.data();
  s.avail_in = static_cast<uInt>(bad.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&s, Z_FINISH), Z_STREAM_END);
  EXPECT_EQ(inflateUndermine(&s, 1), Z_DATA_ERROR);
  EXPECT_EQ(inflateMark(nullptr), -(1L << 16));
  EXPECT_NE(inflateCodesUsed(&s), static_cast<unsigned long>(-1));
  EXPECT_EQ(inflateEnd(&s), Z_OK);
}

TEST(ZlibInflateApi, GetDictionaryIsTheLastWindow) {
  const Bytes in = text_bytes(100000, 45);
  const Bytes stream = ref_compress(in, 6, -15);
  z_stream s{};
  ASSERT_EQ(inflateInit2(&s, -15), Z_OK);
  Bytes out(in.size());
  s.next_in = const_cast<Bytef*>(stream.data());
  s.avail_in = static_cast<uInt>(stream.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  ASSERT_EQ(inflate(&s, Z_FINISH), Z_STREAM_END);
  Bytes dict(32768);
  uInt n = 0;
  ASSERT_EQ(inflateGetDictionary(&s, dict.data(), &n), Z_OK);
  ASSERT_EQ(n, 32768u);
  EXPECT_TRUE(std::equal(dict.begin(), dict.end(), in.end() - 32768));
  inflateEnd(&s);
}

unsigned back_in(void* desc, unsigned char** buf) {
  auto* b = static_cast<std::pair<Bytes*, size_t>*>(desc);
  if (b->second >= b->first->size()) return 0;
  const size_t n = std::min<size_t>(777, b->first->size() - b->second);
  *buf = b->first->data() + b->second;
  b->second += n;
  return static_cast<unsigned>(n);
}
int back_out(void* desc, unsigned char* buf, unsigned len) {
  static_cast<Bytes*>(desc)->insert(static_cast<Bytes*>(desc)->end(), buf, buf + len);
  return 0;
}

TEST(ZlibInflateApi, InflateBack) {
  const Bytes in = text_bytes(100000, 46);
  Bytes stream = ref_compress(in, 6, -15);
  std::vector<unsigned char> window(1 << 15);
  z_stream s{};
  ASSERT_EQ(inflateBackInit(&s, 15, window.data()), Z_OK);
  std::pair<Bytes*, size_t> src{&stream, 0};
  Bytes out;
  s.next_in = nullptr;
  s.avail_in = 0;
  EXPECT_EQ(inflateBack(&s, back_in, &src, back_out, &out), Z_STREAM_END);
  EXPECT_EQ(out, in);
  stream[stream.size() / 2] ^= 0x55;
  src.second = 0;
  out.clear();
  const int rc = inflateBack(&s, back_in, &src, back_out, &out);
  EXPECT_TRUE(rc == Z_DATA_ERROR || rc == Z_STREAM_END);
  EXPECT_EQ(inflateBackEnd(&s), Z_OK);
}

TEST(ZlibInflateApi, MisuseIsStreamErrorOrVersionError) {
  z_stream s{};
  EXPECT_EQ(inflate(nullptr, Z_NO_FLUSH), Z_STREAM_ERROR);
  EXPECT_EQ(inflate(&s, Z_NO_FLUSH), Z_STREAM_ERROR);
  EXPECT_EQ(inflateInit_(&s, "2.0", sizeof(z_stream)), Z_VERSION_ERROR);
  EXPECT_EQ(inflateInit_(&s, ZLIB_VERSION, 3), Z_VERSION_ERROR);
  EXPECT_EQ(inflateInit2(&s, 16 + 7), Z_STREAM_ERROR);
  ASSERT_EQ(inflateInit(&s), Z_OK);
  EXPECT_EQ(deflate(&s, Z_NO_FLUSH), Z_STREAM_ERROR);
  EXPECT_EQ(deflateEnd(&s), Z_STREAM_ERROR);
  Bytes out(10);
  s.next_out = nullptr;
  EXPECT_EQ(inflate(&s, Z_NO_FLUSH), Z_STREAM_ERROR);
  s.next_out = out.data();
  s.avail_out = 10;
  EXPECT_EQ(inflate(&s, Z_NO_FLUSH), Z_BUF_ERROR);           // no input: no progress
  EXPECT_EQ(inflateGetHeader(&s, nullptr), Z_STREAM_ERROR);  // a zlib-only stream
  EXPECT_EQ(inflateEnd(&s), Z_OK);
  EXPECT_EQ(inflate(&s, Z_NO_FLUSH), Z_STREAM_ERROR);
  ASSERT_EQ(inflateInit2(&s, -15), Z_OK);
  gz_header h{};
  EXPECT_EQ(inflateGetHeader(&s, &h), Z_STREAM_ERROR);  // not a gzip stream
  inflateEnd(&s);
}

// Streams inflated in turns on one thread, in small pieces: each resume
// brings its block's table back, and the engine's reuse of the last table
// it built must never serve one stream's code to the other.
TEST(ZlibInflateApi, InterleavedStreamsInSmallPiecesKeepTheirOwnCodes) {
  const Bytes a_in = text_bytes(300000, 7), b_in = text_bytes(300000, 8);
  Bytes b_bin = b_in;  // a different symbol mix: other tables
  for (size_t i = 0; i < b_bin.size(); i += 3) b_bin[i] = static_cast<uint8_t>(b_bin[i] * 7);
  const Bytes streams[3] = {ref_compress(a_in, 6, 15), ref_compress(b_bin, 6, 15),
                            ref_compress(a_in, 9, 15)};
  const Bytes* want[3] = {&a_in, &b_bin, &a_in};
  for (const size_t piece : {size_t{512}, size_t{4096}}) {
    SCOPED_TRACE(piece);
    z_stream s[3] = {};
    Bytes out[3];
    size_t in_at[3] = {}, out_at[3] = {};
    bool done[3] = {};
    for (int k = 0; k < 3; ++k) {
      ASSERT_EQ(inflateInit(&s[k]), Z_OK);
      out[k].resize(want[k]->size() + 1);
    }
    for (int turns = 0; !(done[0] && done[1] && done[2]); ++turns) {
      ASSERT_LT(turns, 1000000);
      for (int k = 0; k < 3; ++k) {
        if (done[k]) continue;
        s[k].next_in = const_cast<Bytef*>(streams[k].data() + in_at[k]);
        s[k].avail_in = static_cast<uInt>(std::min(piece, streams[k].size() - in_at[k]));
        s[k].next_out = out[k].data() + out_at[k];
        s[k].avail_out = static_cast<uInt>(std::min(piece, out[k].size() - out_at[k]));
        const uInt in_before = s[k].avail_in, out_before = s[k].avail_out;
        const int rc = inflate(&s[k], Z_NO_FLUSH);
        ASSERT_TRUE(rc == Z_OK || rc == Z_STREAM_END)
            << k << ": " << rc << " " << (s[k].msg ? s[k].msg : "");
        in_at[k] += in_before - s[k].avail_in;
        out_at[k] += out_before - s[k].avail_out;
        done[k] = rc == Z_STREAM_END;
      }
    }
    for (int k = 0; k < 3; ++k) {
      out[k].resize(out_at[k]);
      EXPECT_TRUE(out[k] == *want[k]) << k;
      EXPECT_EQ(in_at[k], streams[k].size());
      inflateEnd(&s[k]);
    }
  }
}

}  // namespace
}  // namespace nxz::test
