// The Inflater's modes for a stream layer: single-block stepping (§3 codes
// 0x12/0x16), a preset history (a dictionary, resumed at a block header,
// §5), and exact errors for distances before the start of the stream.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <thread>

#include "engine/inflate_driver.h"
#include "nxz/stats.h"
#include "support/test_support.h"

namespace nxz::test {
namespace {

nxz_window* open_window() {
  nxz_emu_config cfg{};
  cfg.synchronous = 1;
  cfg.faults = "residency=off";
  nxz_window* w = nullptr;
  EXPECT_EQ(nxz_accel_open(NXZ_BACKEND_EMULATED, &cfg, &w), 0);
  return w;
}

Bytes raw_deflate(const Bytes& in, int level, const Bytes* dict = nullptr, int flush_every = 0) {
  z_stream s{};
  EXPECT_EQ(deflateInit2(&s, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
  if (dict) deflateSetDictionary(&s, dict->data(), static_cast<uInt>(dict->size()));
  Bytes out(deflateBound(&s, in.size()) + in.size() / 10 + 64);
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  size_t pos = 0;
  const size_t step = flush_every ? flush_every : in.size();
  while (pos < in.size()) {
    const size_t n = std::min(step, in.size() - pos);
    s.next_in = const_cast<Bytef*>(in.data() + pos);
    s.avail_in = static_cast<uInt>(n);
    pos += n;
    EXPECT_EQ(deflate(&s, pos == in.size() ? Z_FINISH : Z_FULL_FLUSH),
              pos == in.size() ? Z_STREAM_END : Z_OK);
  }
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

// zlib's Z_BLOCK stops at the start of every block after the first (a raw
// stream's first block is decoded straight away), i.e. blocks - 1.
int zlib_blocks(const Bytes& stream) {
  z_stream s{};
  inflateInit2(&s, -15);
  Bytes out(1 << 24);
  s.next_in = const_cast<Bytef*>(stream.data());
  s.avail_in = static_cast<uInt>(stream.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  int blocks = 0, rc;
  while ((rc = inflate(&s, Z_BLOCK)) == Z_OK)
    if ((s.data_type & 128) && !(s.data_type & 64)) ++blocks;
  inflateEnd(&s);
  return blocks;
}

TEST(Contract3SingleBlock, InflaterStopsAtEveryBlockBoundary) {
  nxz_window* w = open_window();
  const Bytes in = text_like(400000, 3);
  for (const Bytes& stream : {raw_deflate(in, 6), raw_deflate(in, 1, nullptr, 30000)}) {
    engine::Inflater inf(w);
    inf.set_single_block(true);
    Bytes out(in.size() + 16);
    const uint8_t* ip = stream.data();
    size_t il = stream.size();
    uint8_t* op = out.data();
    size_t ol = out.size();
    int stops = 0;
    for (int guard = 0; guard < 10000 && !inf.done(); ++guard) {
      ASSERT_EQ(inf.run(&ip, &il, &op, &ol), engine::Status::kOk) << inf.message();
      if (inf.at_block_boundary()) ++stops;
    }
    ASSERT_TRUE(inf.done());
    out.resize(out.size() - ol);
    EXPECT_EQ(out, in);
    // Each block's end is one stop, the last one the stream's end.
    EXPECT_EQ(stops, zlib_blocks(stream) + 1);
    EXPECT_GT(stops, 1);
  }
  nxz_accel_close(w);
}

// §5's "no progress" is counted in bits: a request that only decodes an
// end-of-block code inside its first byte (no output, no whole byte used)
// has made progress, and single-block mode stops right after it. Counted
// in bytes, such a request looked fruitless and the stream stalled there
// for good (many short fixed blocks fed a few bytes at a time meet it).
TEST(Contract5NoProgress, AnEndOfBlockInsideTheFirstByteIsProgress) {
  nxz_window* w = open_window();
  const Bytes in = text_like(30000, 9);
  const Bytes stream = raw_deflate(in, 4, nullptr, 37);
  for (size_t chunk : {1, 2, 3, 5, 8, 11, 16}) {
    engine::Inflater inf(w);
    inf.set_single_block(true);
    Bytes out(in.size() + 16);
    uint8_t* op = out.data();
    size_t ol = out.size();
    size_t pos = 0;
    int idle = 0;
    while (!inf.done() && idle < 4) {
      const size_t n = std::min(chunk, stream.size() - pos);
      const uint8_t* ip = stream.data() + pos;
      size_t il = n;
      const size_t ol_before = ol;
      ASSERT_EQ(inf.run(&ip, &il, &op, &ol), engine::Status::kOk) << inf.message();
      pos += n - il;
      idle = n == 0 && ol == ol_before ? idle + 1 : 0;
    }
    ASSERT_TRUE(inf.done()) << "chunk " << chunk << ": stalled at input " << pos << " of "
                            << stream.size() << ", output " << out.size() - ol;
    out.resize(out.size() - ol);
    EXPECT_EQ(out, in) << chunk;
  }
  nxz_accel_close(w);
}

TEST(Contract5PresetHistory, DictionaryBecomesTheFirstRequestsHistory) {
  nxz_window* w = open_window();
  for (size_t dict_len : {size_t{1}, size_t{15}, size_t{16}, size_t{1000}, size_t{40000}}) {
    const Bytes dict = text_like(dict_len, 4);
    Bytes in = text_like(100000, 4);  // shares words with the dictionary
    const Bytes stream = raw_deflate(in, 6, &dict);
    for (bool exact : {false, true}) {
      engine::Inflater inf(w);
      inf.set_exact_errors(exact);
      inf.set_history(dict.data(), dict.size());
      Bytes out(in.size() + 16);
      const uint8_t* ip = stream.data();
      size_t il = stream.size();
      uint8_t* op = out.data();
      size_t ol = out.size();
      const engine::Status st = inf.run(&ip, &il, &op, &ol);
      if (exact && st == engine::Status::kDataError) {
        // A dictionary not a multiple of 16 bytes is trimmed for the
        // engine: a match into the trimmed bytes is left to software.
        EXPECT_NE(dict_len % 16, 0u);
        continue;
      }
      ASSERT_EQ(st, engine::Status::kOk) << inf.message() << " dict " << dict_len;
      ASSERT_TRUE(inf.done());
      out.resize(out.size() - ol);
      EXPECT_EQ(out, in) << "dict " << dict_len << " exact " << exact;
    }
  }
  nxz_accel_close(w);
}

// A fixed-code block: `lead` literals, then a 3-byte match at distance
// lead + extra (too far back by `extra`), then end of block.
Bytes too_far(size_t lead, uint32_t extra) {
  std::vector<int> bits;
  auto put = [&](uint32_t v, int n) {
    for (int i = 0; i < n; ++i) bits.push_back((v >> i) & 1);
  };
  auto put_code = [&](uint32_t code, int n) {
    for (int i = n - 1; i >= 0; --i) bits.push_back((code >> i) & 1);
  };
  put(1, 1);
  put(1, 2);
  for (size_t i = 0; i < lead; ++i) put_code(0x30 + 'a', 8);
  put_code(1, 7);  // length 3
  const uint32_t dist = static_cast<uint32_t>(lead) + extra;
  static const uint32_t kBase[] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97};
  int code = 0;
  for (int i = 0; i < 14; ++i)
    if (kBase[i] <= dist) code = i;
  put_code(static_cast<uint32_t>(code), 5);
  put(dist - kBase[code], code < 4 ? 0 : code / 2 - 1);
  put_code(0, 7);
  Bytes raw((bits.size() + 7) / 8);
  for (size_t i = 0; i < bits.size(); ++i)
    if (bits[i]) raw[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
  return raw;
}

// Decodes `raw` in exact mode one input byte at a time, so that later
// requests resume with a short history; the output so far in *out.
engine::Status run_exact_bytewise(engine::Inflater& inf, const Bytes& raw, Bytes* out) {
  inf.set_exact_errors(true);
  out->assign(1000, 0);
  const uint8_t* ip = raw.data();
  uint8_t* op = out->data();
  size_t ol = out->size();
  engine::Status st = engine::Status::kOk;
  for (size_t i = 0; i < raw.size() && st == engine::Status::kOk; ++i) {
    size_t il = 1;
    st = inf.run(&ip, &il, &op, &ol);
  }
  out->resize(static_cast<size_t>(op - out->data()));
  return st;
}

// §5: the history a resume gets is the output so far; when that is not a
// whole number of quadwords, a distance just before the stream's start
// must not decode as the padding's zeros. Exact mode reports it.
TEST(Contract5History, DistanceBeforeTheStreamStartIsAnErrorInExactMode) {
  nxz_window* w = open_window();
  for (size_t lead = 1; lead < 40; ++lead) {
    for (uint32_t extra = 1; extra < 17; ++extra) {
      const Bytes raw = too_far(lead, extra);
      engine::Inflater inf(w);
      Bytes out;
      const engine::Status st = run_exact_bytewise(inf, raw, &out);
      EXPECT_EQ(st, engine::Status::kDataError) << "lead " << lead << " extra " << extra;
      EXPECT_STREQ(inf.message(), "invalid distance too far back");
    }
  }
  nxz_accel_close(w);
}

// The valid counterpart: a distance that reaches exactly the first byte of
// the output, met by a request whose history is trimmed to whole
// quadwords. The padded retry must prove that no output came from the pad
// and decode it on the accelerator, not fail it (which sent every such
// stream to software for its whole rest).
TEST(Contract5History, DistanceToTheStreamStartDecodesInExactMode) {
  nxz_window* w = open_window();
  for (size_t lead = 1; lead < 40; ++lead) {
    const Bytes raw = too_far(lead, 0);
    engine::Inflater inf(w);
    Bytes out;
    ASSERT_EQ(run_exact_bytewise(inf, raw, &out), engine::Status::kOk)
        << "lead " << lead << ": " << inf.message();
    EXPECT_TRUE(inf.done()) << "lead " << lead;
    EXPECT_EQ(out, Bytes(lead + 3, 'a')) << "lead " << lead;
  }
  nxz_accel_close(w);
}

// Input handed over 4 KiB at a time: a request that was offered all of it
// and stopped inside an item leaves a few bytes that it has seen to be too
// short; they wait for the next input instead of being offered alone again
// (two fruitless requests per call before). About one request per call.
TEST(InflaterRequests, ShortLeftoversWaitForMoreInput) {
  nxz_window* w = open_window();
  const Bytes text = corpus("lcet10.txt");
  ASSERT_FALSE(text.empty());
  const Bytes z = raw_deflate(text, 6);
  nxz_stats before{}, after{};
  nxz_stats_get(&before);
  engine::Inflater inf(w);
  Bytes out(text.size() + 16);
  // As zlib's callers do: more input only once all given is taken.
  const uint8_t* ip = z.data();
  size_t il = 0, in_pos = 0, done = 0, refills = 0;
  for (int guard = 0; guard < 1000000 && !inf.done(); ++guard) {
    if (il == 0 && in_pos < z.size()) {
      ip = z.data() + in_pos;
      il = std::min<size_t>(4096, z.size() - in_pos);
      in_pos += il;
      ++refills;
    }
    uint8_t* op = out.data() + done;
    size_t ol = std::min<size_t>(4096, out.size() - done);
    const size_t ol_before = ol;
    ASSERT_EQ(inf.run(&ip, &il, &op, &ol), engine::Status::kOk) << inf.message();
    done += ol_before - ol;
  }
  ASSERT_TRUE(inf.done());
  out.resize(done);
  EXPECT_EQ(out, text);
  nxz_stats_get(&after);
  const uint64_t requests = after.jobs - before.jobs;
  std::printf("%zu inputs of 4 KiB, %llu requests\n", refills,
              static_cast<unsigned long long>(requests));
  EXPECT_LE(requests, refills + 4);
  nxz_accel_close(w);
}

}  // namespace
}  // namespace nxz::test

namespace nxz::test {
namespace {

// Decodes `stream` handing the Inflater `step` bytes of output space at a
// time (small steps go through its target buffer).
Bytes decode_in_steps(engine::Inflater& inf, const Bytes& stream, size_t expect, size_t step) {
  Bytes out(expect + 16);
  const uint8_t* ip = stream.data();
  size_t il = stream.size();
  size_t done = 0;
  for (int guard = 0; guard < 100000 && !inf.done(); ++guard) {
    uint8_t* op = out.data() + done;
    size_t ol = std::min(step, out.size() - done);
    const size_t before = ol;
    EXPECT_EQ(inf.run(&ip, &il, &op, &ol), engine::Status::kOk) << inf.message();
    done += before - ol;
  }
  EXPECT_TRUE(inf.done());
  out.resize(done);
  return out;
}

// Finished streams give their target buffer and history to the thread's
// next stream instead of back to malloc: each stream still decodes
// exactly, two live streams never share one, and what the thread keeps is
// bounded.
TEST(InflaterBuffers, StreamsOnAThreadPassTheirBuffersOn) {
  std::thread([] {
    EXPECT_EQ(engine::Inflater::spare_bytes_for_testing(), 0u);
    nxz_window* w = open_window();
    const Bytes ones(300000, 0xff);
    const Bytes text = text_like(300000, 5);
    const Bytes dict(text.begin() + 1000, text.begin() + 1021);  // 21 bytes: a padded history
    const Bytes z_ones = raw_deflate(ones, 6), z_text = raw_deflate(text, 6);
    const Bytes z_dict = raw_deflate(text, 6, &dict);
    {
      engine::Inflater a(w);
      EXPECT_EQ(decode_in_steps(a, z_ones, ones.size(), 4096), ones);
      a.reset();
    }
    const size_t kept = engine::Inflater::spare_bytes_for_testing();
    EXPECT_GT(kept, 32768u);
    EXPECT_LE(kept, (256 + 64) * 1024u);
    {
      // Two live streams, interleaved: one takes the spares, the other
      // allocates its own.
      engine::Inflater b(w), c(w);
      c.set_history(dict.data(), dict.size());
      Bytes out_b(text.size() + 16), out_c(text.size() + 16);
      const uint8_t *ib = z_text.data(), *ic = z_dict.data();
      size_t lb = z_text.size(), lc = z_dict.size(), db = 0, dc = 0;
      for (int guard = 0; guard < 100000 && !(b.done() && c.done()); ++guard) {
        uint8_t* ob = out_b.data() + db;
        size_t sb = std::min<size_t>(4096, out_b.size() - db), was_b = sb;
        ASSERT_EQ(b.run(&ib, &lb, &ob, &sb), engine::Status::kOk) << b.message();
        db += was_b - sb;
        uint8_t* oc = out_c.data() + dc;
        size_t sc = std::min<size_t>(3000, out_c.size() - dc), was_c = sc;
        ASSERT_EQ(c.run(&ic, &lc, &oc, &sc), engine::Status::kOk) << c.message();
        dc += was_c - sc;
      }
      ASSERT_TRUE(b.done() && c.done());
      out_b.resize(db);
      out_c.resize(dc);
      EXPECT_EQ(out_b, text);
      EXPECT_EQ(out_c, text);
    }
    EXPECT_LE(engine::Inflater::spare_bytes_for_testing(), (256 + 64) * 1024u);
    {
      engine::Inflater d(w);
      EXPECT_EQ(decode_in_steps(d, z_text, text.size(), 1000), text);
    }
    nxz_accel_close(w);
  }).join();
}

}  // namespace
}  // namespace nxz::test
