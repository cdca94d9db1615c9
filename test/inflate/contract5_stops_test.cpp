// Contract §5 (and §6, §7): exact CPB/CSB expectations of the DEFLATE
// decoder for hand-built and zlib-built streams: where it stops, what it
// reports, and the completion codes of bad data.
#include <gtest/gtest.h>

#include <cstring>

#include "emulated/inflate_core.h"
#include "inflate/inflate_driver.h"
#include "inflate/inflate_stream_builder.h"

namespace nxz::test {
namespace {

using emu::InflateInput;
using emu::InflateResult;

struct Job {
  Bytes history;
  Bytes target;
  InflateInput in;

  Job(const Bytes& src, size_t capacity, const Bytes& hist = {}) : history(hist) {
    target.assign(hist.size() + capacity, 0);
    std::copy(hist.begin(), hist.end(), target.begin());
    in.src = src.data();
    in.src_len = src.size();
    in.hist_len = hist.size();
    in.out = target.data() + hist.size();
    in.out_capacity = capacity;
  }
  InflateResult run() { return emu::inflate_job(in); }
  Bytes output(const InflateResult& r) const { return Bytes(in.out, in.out + r.tpbc); }
};

Bytes text(const char* s) { return Bytes(s, s + std::strlen(s)); }

// "ab" in a final fixed block: 3 + 8 + 8 + 7 = 26 bits.
Bytes fixed_ab() {
  BitWriter w;
  w.header(true, 1);
  w.fixed_litlen('a');
  w.fixed_litlen('b');
  w.fixed_litlen(256);
  return w.bytes;
}

TEST(Contract5Inflate, EmptySourceIsNoProgressAtABlockHeader) {
  Bytes none;
  Job job(none, 16);
  const InflateResult r = job.run();
  EXPECT_EQ(r.cc, 3);
  EXPECT_TRUE(r.partial);
  EXPECT_FALSE(r.termination);
  EXPECT_EQ(r.sfbt, 0xEu);
  EXPECT_EQ(r.spbc, 0u);
  EXPECT_EQ(r.subc, 0u);
  EXPECT_EQ(r.tpbc, 0u);
}

TEST(Contract5Inflate, ExactStreamEndsWithCc0AndPadBits) {
  const Bytes s = fixed_ab();
  Job job(s, 16);
  const InflateResult r = job.run();
  EXPECT_EQ(r.cc, 0);
  EXPECT_FALSE(r.partial);
  EXPECT_EQ(r.sfbt, 0u);
  EXPECT_EQ(r.spbc, 4u);
  EXPECT_EQ(r.subc, 6u);  // 32 - 26
  EXPECT_EQ(job.output(r), text("ab"));
}

TEST(Contract5Inflate, SourceEndingInsideACodeRewindsToItsFirstBit) {
  const Bytes s = fixed_ab();
  const Bytes first2(s.begin(), s.begin() + 2);  // 16 bits: header, 'a', 5 bits of 'b'
  Job job(first2, 16);
  const InflateResult r = job.run();
  EXPECT_EQ(r.cc, 3);
  EXPECT_EQ(r.sfbt, 0xBu);  // fixed block, BFINAL
  EXPECT_EQ(r.spbc, 2u);
  EXPECT_EQ(r.subc, 5u);
  EXPECT_EQ(job.output(r), text("a"));

  // The driver resumes at byte spbc - ceil(subc/8) = 1 with in_subc 5.
  Bytes out = text("a");
  ResumeState st;
  st.resume = true;
  st.subc = 5;
  st.sfbt = 0xB;
  const InflateResult r2 = run_inflate_job(s.data() + 1, s.size() - 1, &out, 16, st);
  EXPECT_EQ(r2.cc, 0);
  EXPECT_EQ(r2.spbc, 3u);
  EXPECT_EQ(r2.subc, 6u);
  EXPECT_EQ(out, text("ab"));
}

TEST(Contract5Inflate, ResumeStartsInsideTheFirstByte) {
  // Two header bits only: BFINAL is known, BTYPE is not.
  const Bytes s = fixed_ab();
  ResumeState st;
  st.resume = true;
  st.subc = 2;  // only bits 6 and 7 of src[0] are left
  st.sfbt = 0xE;
  BitWriter w;
  w.put(0, 6);
  w.put(1, 1);  // BFINAL = 1
  w.put(1, 1);  // first BTYPE bit
  Bytes out;
  const InflateResult r = run_inflate_job(w.bytes.data(), 1, &out, 16, st);
  EXPECT_EQ(r.cc, 3);
  EXPECT_EQ(r.sfbt, 0xFu);
  EXPECT_EQ(r.spbc, 1u);
  EXPECT_EQ(r.subc, 2u);
  EXPECT_EQ(r.tpbc, 0u);
}

TEST(Contract5Inflate, IncompleteStoredHeaderIsAHeaderStop) {
  BitWriter w;
  w.stored_header(true, 5, static_cast<uint16_t>(~5));
  w.put_bytes(text("hello"));
  const Bytes cut(w.bytes.begin(), w.bytes.begin() + 3);
  Job job(cut, 16);
  const InflateResult r = job.run();
  EXPECT_EQ(r.cc, 3);
  EXPECT_EQ(r.sfbt, 0xFu);
  EXPECT_EQ(r.spbc, 3u);
  EXPECT_EQ(r.subc, 24u);
  EXPECT_EQ(r.tpbc, 0u);
}

TEST(Contract5Inflate, SourceEndingInsideStoredDataReportsBytesLeft) {
  BitWriter w;
  w.stored_header(false, 11, static_cast<uint16_t>(~11));
  w.put_bytes(text("hello world"));
  const Bytes cut(w.bytes.begin(), w.bytes.begin() + 8);
  Job job(cut, 64);
  const InflateResult r = job.run();
  EXPECT_EQ(r.cc, 3);
  EXPECT_EQ(r.sfbt, 0x8u);
  EXPECT_EQ(r.rembytecnt, 8u);
  EXPECT_EQ(r.spbc, 8u);
  EXPECT_EQ(r.subc, 0u);
  EXPECT_EQ(job.output(r), text("hel"));
}

TEST(Contract5Inflate, NonFinalBlockEndingOnAByteBoundary) {
  BitWriter w;
  w.stored_header(false, 3, static_cast<uint16_t>(~3));
  w.put_bytes(text("abc"));
  Job job(w.bytes, 64);
  const InflateResult r = job.run();
  EXPECT_EQ(r.cc, 3);
  EXPECT_EQ(r.sfbt, 0xEu);
  EXPECT_EQ(r.spbc, 8u);
  EXPECT_EQ(r.subc, 0u);
  EXPECT_EQ(job.output(r), text("abc"));
}

TEST(Contract7Inflate, Btype11IsCc66) {
  BitWriter w;
  w.header(true, 3);
  w.put(0, 13);
  Job job(w.bytes, 16);
  const InflateResult r = job.run();
  EXPECT_EQ(r.cc, 66);
  EXPECT_TRUE(r.termination);
  EXPECT_FALSE(r.partial);
}

TEST(Contract7Inflate, StoredLenNotComplementOfNlenIsCc66) {
  BitWriter w;
  w.stored_header(true, 3, static_cast<uint16_t>(~4));
  w.put_bytes(text("abc"));
  Job job(w.bytes, 16);
  const InflateResult r = job.run();
  EXPECT_EQ(r.cc, 66);
  EXPECT_TRUE(r.termination);
}

TEST(Contract7Inflate, FixedCodesWithoutMeaningAreCc66) {
  for (unsigned sym : {286u, 287u}) {
    BitWriter w;
    w.header(true, 1);
    w.fixed_litlen('x');
    w.fixed_litlen(sym);
    w.put(0, 16);
    Job job(w.bytes, 16);
    EXPECT_EQ(job.run().cc, 66) << sym;
  }
  for (unsigned d : {30u, 31u}) {
    BitWriter w;
    w.header(true, 1);
    w.fixed_litlen('x');
    w.fixed_litlen(257);
    w.fixed_dist(d);
    w.put(0, 24);
    Job job(w.bytes, 16);
    EXPECT_EQ(job.run().cc, 66) << d;
  }
}

// A dynamic block whose literal/length code is 'a' = 0, EOB = 10, length 3
// (symbol 257) = 11, with the given distance code lengths.
BitWriter dynamic_a_block(const std::vector<uint8_t>& dist_lengths) {
  std::vector<uint8_t> litlen(258, 0);
  litlen['a'] = 1;
  litlen[256] = 2;
  litlen[257] = 2;
  BitWriter w;
  w.dynamic_header(true, litlen, dist_lengths);
  return w;
}

TEST(Contract7Inflate, CodeMissingFromAnIncompleteDistanceCodeIsCc66) {
  // One distance code of length 1: codeword 0 is distance 1, 1 is undefined.
  BitWriter ok = dynamic_a_block({1});
  ok.put_code(0, 1);  // 'a'
  ok.put_code(3, 2);  // length 3
  ok.put_code(0, 1);  // distance 1
  ok.put_code(2, 2);  // EOB
  Job good(ok.bytes, 16);
  InflateResult r = good.run();
  EXPECT_EQ(r.cc, 0);
  EXPECT_EQ(good.output(r), text("aaaa"));

  BitWriter bad = dynamic_a_block({1});
  bad.put_code(0, 1);
  bad.put_code(3, 2);
  bad.put_code(1, 1);  // the undefined distance codeword
  bad.put(0, 16);
  Job job(bad.bytes, 16);
  r = job.run();
  EXPECT_EQ(r.cc, 66);
  EXPECT_TRUE(r.termination);

  // No distance code at all: any length code is undefined data.
  BitWriter none = dynamic_a_block({0});
  none.put_code(0, 1);
  none.put_code(3, 2);
  none.put(0, 16);
  Job job2(none.bytes, 16);
  EXPECT_EQ(job2.run().cc, 66);
}

TEST(Contract7Inflate, DistanceBeyondOutputAndHistoryIsCc67) {
  BitWriter w;
  w.header(true, 1);
  w.fixed_litlen('a');
  w.fixed_litlen(257);  // length 3
  w.fixed_dist(1);      // distance 2
  w.fixed_litlen(256);
  Job no_history(w.bytes, 16);
  InflateResult r = no_history.run();
  EXPECT_EQ(r.cc, 67);
  EXPECT_TRUE(r.termination);

  // One byte of history makes distance 2 reachable.
  Job with_history(w.bytes, 16, text("z"));
  r = with_history.run();
  EXPECT_EQ(r.cc, 0);
  EXPECT_EQ(with_history.output(r), text("azaz"));
}

TEST(Contract7Inflate, DynamicHeaderWithHlit30IsCc68) {
  for (unsigned hlit : {30u, 31u}) {
    BitWriter w;
    w.header(true, 2);
    w.put(hlit, 5);
    w.put(0, 5);
    w.put(15, 4);
    w.put(0, 8);  // the header is cut short: the bad count alone decides
    Job job(w.bytes, 16);
    const InflateResult r = job.run();
    EXPECT_EQ(r.cc, 68) << hlit;
    EXPECT_TRUE(r.termination);
  }
  BitWriter w;  // HDIST = 30 (31 distance codes)
  w.header(true, 2);
  w.put(0, 5);
  w.put(30, 5);
  w.put(15, 4);
  w.put(0, 8);
  Job job(w.bytes, 16);
  EXPECT_EQ(job.run().cc, 68);
}

TEST(Contract7Inflate, TargetTooSmallIsCc13) {
  const Bytes data = text_like(20000, 7);
  for (int level : {0, 1, 6}) {
    const Bytes z = zlib_compress(data, level);
    Job exact(z, data.size());
    InflateResult r = exact.run();
    EXPECT_EQ(r.cc, 0) << level;
    EXPECT_EQ(exact.output(r), data);
    for (size_t cap : {size_t{1}, data.size() / 2, data.size() - 1}) {
      Job small(z, cap);
      r = small.run();
      EXPECT_EQ(r.cc, 13) << level << " " << cap;
      EXPECT_TRUE(r.termination);
    }
  }
}

TEST(Contract5Inflate, ZlibTrailerAfterTheStreamGivesSubc32To39) {
  const Bytes data = text_like(5000, 3);
  const Bytes raw = zlib_compress(data, 6, -15);
  const Bytes zlib = zlib_compress(data, 6, 15);
  ASSERT_EQ(zlib.size(), raw.size() + 6);
  // The zlib body (no 2-byte header) followed by its 4-byte Adler-32.
  const Bytes body_and_trailer(zlib.begin() + 2, zlib.end());
  Job job(body_and_trailer, data.size());
  const InflateResult r = job.run();
  EXPECT_EQ(r.cc, 3);
  EXPECT_TRUE(r.partial);
  EXPECT_EQ(r.sfbt, 0u);
  EXPECT_EQ(r.spbc, body_and_trailer.size());
  EXPECT_GE(r.subc, 32u);
  EXPECT_LE(r.subc, 39u);
  EXPECT_EQ((r.spbc * 8 - r.subc + 7) / 8, raw.size());
  EXPECT_EQ(job.output(r), data);
}

TEST(Contract5Inflate, GzipTrailerGivesSubc64To71AndReadsAtMost8BytesAhead) {
  const Bytes data = text_like(5000, 4);
  const Bytes raw = zlib_compress(data, 6, -15);
  const Bytes gz = zlib_compress(data, 6, 31);
  ASSERT_EQ(gz.size(), raw.size() + 18);
  const Bytes body(gz.begin() + 10, gz.end());  // 10-byte header without options
  Job job(body, data.size());
  InflateResult r = job.run();
  EXPECT_EQ(r.cc, 3);
  EXPECT_EQ(r.sfbt, 0u);
  EXPECT_EQ(r.spbc, body.size());
  EXPECT_GE(r.subc, 64u);
  EXPECT_LE(r.subc, 71u);

  Bytes more = body;
  more.insert(more.end(), 100, 0xAB);  // e.g. the next gzip member
  Job job2(more, data.size());
  r = job2.run();
  EXPECT_EQ(r.cc, 3);
  EXPECT_EQ(r.sfbt, 0u);
  EXPECT_EQ(r.spbc, raw.size() + 8);
  EXPECT_EQ(r.spbc * 8 - r.subc, zlib_block_ends(raw).back());
}

TEST(Contract5Inflate, SingleBlockJobStopsAfterOneBlock) {
  // Two blocks: a full flush ends the first with an empty stored block.
  BitWriter w;
  w.header(false, 1);
  w.fixed_litlen('a');
  w.fixed_litlen(256);  // 3 + 8 + 7 = 18 bits
  w.header(true, 1);
  w.fixed_litlen('b');
  w.fixed_litlen(256);
  Bytes s = w.bytes;
  s.insert(s.end(), 20, 0);  // more source than the stream
  Job job(s, 16);
  job.in.single_block = true;
  InflateResult r = job.run();
  EXPECT_EQ(r.cc, 3);
  EXPECT_EQ(r.sfbt, 0xEu);
  EXPECT_EQ(r.spbc, 3u + 8u);  // ceil(18 / 8) + 8 bytes read ahead
  EXPECT_EQ(r.subc, 11u * 8 - 18);
  EXPECT_EQ(job.output(r), text("a"));

  // Resuming it decodes the (final) second block.
  Bytes out = text("a");
  ResumeState st;
  st.resume = true;
  st.subc = r.subc % 8;
  st.sfbt = r.sfbt;
  const size_t from = r.spbc - ((r.subc + 7) >> 3);
  EXPECT_EQ(from, 2u);
  r = run_inflate_job(s.data() + from, s.size() - from, &out, 16, st, 0, true);
  EXPECT_EQ(r.cc, 3);  // the padding bytes after it are more than 7 bits
  EXPECT_EQ(r.sfbt, 0u);
  EXPECT_EQ(out, text("ab"));
}

TEST(Contract6Inflate, ByteCountLimitStopsInsideAStoredBlockExactly) {
  const Bytes data = random_bytes(100, 1);
  BitWriter w;
  w.stored_header(true, 100, static_cast<uint16_t>(~100));
  w.put_bytes(data);
  Job job(w.bytes, 200);
  job.in.tpbc_limit = 10;
  const InflateResult r = job.run();
  EXPECT_EQ(r.cc, 3);
  EXPECT_EQ(r.sfbt, 0x9u);
  EXPECT_EQ(r.rembytecnt, 90u);
  EXPECT_EQ(r.spbc, 15u);
  EXPECT_EQ(r.subc, 0u);
  EXPECT_EQ(r.tpbc, 10u);
}

TEST(Contract6Inflate, ByteCountLimitStopsAfterTheItemThatReachesIt) {
  BitWriter w;
  w.header(true, 1);
  w.fixed_litlen('a');
  w.fixed_litlen(258);  // length 4
  w.fixed_dist(0);      // distance 1
  w.fixed_litlen('b');
  w.fixed_litlen(256);
  Job one(w.bytes, 16);
  one.in.tpbc_limit = 1;
  InflateResult r = one.run();
  EXPECT_EQ(r.cc, 3);
  EXPECT_EQ(r.sfbt, 0xBu);
  EXPECT_EQ(r.tpbc, 1u);
  EXPECT_EQ(r.spbc, 2u);  // 11 bits used
  EXPECT_EQ(r.subc, 5u);

  Job two(w.bytes, 16);
  two.in.tpbc_limit = 2;  // the match overshoots the limit: it is one item
  r = two.run();
  EXPECT_EQ(r.cc, 3);
  EXPECT_EQ(r.tpbc, 5u);
  EXPECT_EQ(r.spbc * 8 - r.subc, 3u + 8 + 7 + 5);
  EXPECT_LE(r.subc, 7u);

  Job last(w.bytes, 16);
  last.in.tpbc_limit = 6;  // reached by the last literal: the block ends there
  r = last.run();
  EXPECT_EQ(r.cc, 0);
  EXPECT_EQ(r.sfbt, 0u);
  EXPECT_EQ(last.output(r), text("aaaaab"));
}

TEST(Contract5Inflate, InvalidInDhtOnResumeIsCc68) {
  // Take a real dynamic block's header from a suspended job, then spoil it.
  const Bytes data = text_like(50000, 9);
  const Bytes z = zlib_compress(data, 6);
  const Bytes cut(z.begin(), z.begin() + z.size() / 2);
  Job job(cut, data.size());
  const InflateResult r = job.run();
  ASSERT_EQ(r.cc, 3);
  ASSERT_EQ(r.sfbt & 0xE, 0xCu);

  const size_t from = r.spbc - ((r.subc + 7) >> 3);
  auto resume = [&](const uint8_t* dht, uint32_t dhtlen) {
    Bytes out(job.output(r));
    ResumeState st;
    st.resume = true;
    st.subc = r.subc % 8;
    st.sfbt = r.sfbt;
    st.dhtlen = dhtlen;
    std::memcpy(st.dht, dht, sizeof st.dht);
    return run_inflate_job(z.data() + from, z.size() - from, &out, data.size(), st);
  };
  EXPECT_EQ(resume(r.dht, r.dhtlen).cc, 0);
  EXPECT_EQ(resume(r.dht, r.dhtlen + 1).cc, 68);
  EXPECT_EQ(resume(r.dht, r.dhtlen - 1).cc, 68);
  uint8_t spoiled[288];
  std::memcpy(spoiled, r.dht, sizeof spoiled);
  spoiled[0] |= 0x1F;  // HLIT = 31
  const InflateResult bad = resume(spoiled, r.dhtlen);
  EXPECT_EQ(bad.cc, 68);
  EXPECT_TRUE(bad.termination);
}

TEST(Contract5Inflate, PresetDictionaryDecodesWithItAsHistory) {
  const Bytes dict = text_like(40000, 11);  // longer than the window
  const Bytes data = text_like(30000, 11);  // shares the dictionary's words
  z_stream s{};
  ASSERT_EQ(deflateInit2(&s, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
  ASSERT_EQ(deflateSetDictionary(&s, dict.data(), static_cast<uInt>(dict.size())), Z_OK);
  Bytes z(deflateBound(&s, data.size()));
  s.next_in = const_cast<Bytef*>(data.data());
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = z.data();
  s.avail_out = static_cast<uInt>(z.size());
  ASSERT_EQ(deflate(&s, Z_FINISH), Z_STREAM_END);
  z.resize(s.total_out);
  deflateEnd(&s);

  Job with(z, data.size(), dict);  // all 40000 bytes: only the last 32 KiB matter
  InflateResult r = with.run();
  EXPECT_EQ(r.cc, 0);
  EXPECT_EQ(with.output(r), data);

  const Bytes tail(dict.end() - 32768, dict.end());
  Job window(z, data.size(), tail);
  r = window.run();
  EXPECT_EQ(r.cc, 0);
  EXPECT_EQ(window.output(r), data);

  Job without(z, data.size());
  EXPECT_EQ(without.run().cc, 67);
}

}  // namespace
}  // namespace nxz::test
