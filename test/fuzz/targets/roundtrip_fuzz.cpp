// deflate() of libnxz.so with parameters, flushes, deflateParams changes and
// buffer splits chosen by the input; the system zlib (loaded privately)
// must decode every stream to the original bytes.
//
// Checked: every call's code is one deflate may give; a one-shot
// compression into deflateBound() bytes ends in that one call (zlib's
// promise for deflateBound); each completed Z_SYNC_FLUSH/Z_FULL_FLUSH point
// makes all input so far decodable from the output so far; the whole
// stream decodes (with its dictionary) to the input, and ends where the
// output does.
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "support/fuzz_input.h"
#include "support/fuzz_ref.h"

namespace {

using nxz::fuzz::Bytes;
using nxz::fuzz::Input;
using nxz::fuzz::Splits;

// Decodes `z` with the reference up to its end; `flush_point` true: `z` is
// a prefix ending at a sync flush, so everything it holds must come out
// without a stream end. Returns false on any other outcome.
bool ref_decode(const Bytes& z, size_t n, int bits, const Bytes* dict, bool flush_point,
                Bytes* out) {
  const nxz::fuzz::RefZlib& r = nxz::fuzz::ref();
  z_stream s{};
  // Decode with the largest window of the same wrapper (a smaller stream
  // window is always accepted).
  const int dbits = bits < 0 ? -15 : bits > 15 ? 31 : 15;
  if (nxz::fuzz::ref_inflate_init(&s, dbits) != Z_OK) nxz::fuzz::fail("ref inflateInit2");
  if (dict && bits < 0) r.inflateSetDictionary(&s, dict->data(), uInt(dict->size()));
  out->clear();
  s.next_in = const_cast<Bytef*>(z.data());
  s.avail_in = uInt(n);
  Bytes buf(1 << 16);
  int rc;
  for (;;) {
    s.next_out = buf.data();
    s.avail_out = uInt(buf.size());
    rc = r.inflate(&s, flush_point ? Z_SYNC_FLUSH : Z_NO_FLUSH);
    out->insert(out->end(), buf.data(), buf.data() + (buf.size() - s.avail_out));
    if (rc == Z_NEED_DICT && dict) {
      rc = r.inflateSetDictionary(&s, dict->data(), uInt(dict->size()));
      if (rc != Z_OK) break;
      continue;
    }
    if (rc != Z_OK) break;
    if (s.avail_in == 0 && s.avail_out != 0) break;
  }
  const bool ok = flush_point ? (rc == Z_OK || rc == Z_BUF_ERROR) && s.avail_in == 0
                              : rc == Z_STREAM_END && s.avail_in == 0;
  r.inflateEnd(&s);
  return ok;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  static const int kBits[] = {15, -15, 31, 9, -9, 25, 12, -12, 28, 8, -8, 24, 14, 10, 13, 11};
  const int level = static_cast<int>(in.range(0, 10)) - 1;  // -1 .. 9
  const int strategy = static_cast<int>(in.range(0, 4));
  const int bits = kBits[in.u8() % 16];
  const int mem_level = static_cast<int>(in.range(1, 9));
  const uint8_t opts = in.u8();
  const bool one_shot = opts & 1;
  const bool use_dict = (opts & 2) && bits < 16;
  Splits in_splits = Splits::read(in, 70000);
  Splits out_splits = Splits::read(in, 5000);
  uint8_t flushes[8];
  in.fill(flushes, sizeof flushes);
  // deflateParams before call `param_at[i]` with level/strategy from `param_to[i]`.
  uint8_t param_at[2], param_to[2];
  for (int i = 0; i < 2; ++i) param_at[i] = in.u8(), param_to[i] = in.u8();
  const Bytes dict = use_dict ? in.take(in.range(1, 2000)) : Bytes{};
  const Bytes payload = in.rest();

  z_stream s{};
  const int init = deflateInit2(&s, level, Z_DEFLATED, bits, mem_level, strategy);
  // The same parameters, and the same dictionary call, are valid for both
  // or for neither (zlib 1.2.9+ refuses window bits 8 for raw and gzip).
  z_stream r{};
  const int ref_init = nxz::fuzz::ref_deflate_init(&r, level, bits, mem_level, strategy);
  NXZ_FUZZ_CHECK(init == ref_init, "deflateInit2 code", init, ref_init);
  if (init != Z_OK) return 0;
  bool dict_ok = true;
  if (use_dict) {
    const int rc = deflateSetDictionary(&s, dict.data(), uInt(dict.size()));
    const int ref_rc = nxz::fuzz::ref().deflateSetDictionary(&r, dict.data(), uInt(dict.size()));
    NXZ_FUZZ_CHECK(rc == ref_rc, "deflateSetDictionary code", rc, ref_rc);
    dict_ok = rc == Z_OK;
  }
  nxz::fuzz::ref().deflateEnd(&r);
  Bytes z;
  struct Point {
    size_t out, in;
  };
  std::vector<Point> points;
  if (one_shot) {
    const uLong bound = deflateBound(&s, payload.size());
    z.resize(bound);
    s.next_in = const_cast<Bytef*>(payload.data());
    s.avail_in = uInt(payload.size());
    s.next_out = z.data();
    s.avail_out = uInt(bound);
    const int rc = deflate(&s, Z_FINISH);
    NXZ_FUZZ_CHECK(rc == Z_STREAM_END, "one Z_FINISH into deflateBound bytes did not end", rc,
                   long(bound));
    NXZ_FUZZ_CHECK(s.total_out <= bound, "beyond deflateBound", long(s.total_out), long(bound));
    z.resize(s.total_out);
  } else {
    Bytes buf(1 << 16);
    size_t pos = 0;
    int rc = Z_OK;
    int pending_finish = 0;
    for (int call = 0; call < 1 << 20; ++call) {
      for (int i = 0; i < 2; ++i) {
        if (param_at[i] != call || param_at[i] == 0) continue;
        const int lv = param_to[i] % 11 - 1, st = (param_to[i] >> 4) % 5;
        s.next_out = buf.data();
        s.avail_out = uInt(out_splits.next(buf.size()));
        const uInt before = s.avail_out;
        const int prc = deflateParams(&s, lv, st);
        // After Z_FINISH zlib answers Z_STREAM_ERROR when the change needs a
        // flush (deflate(Z_BLOCK) in the finish state).
        NXZ_FUZZ_CHECK(
            prc == Z_OK || prc == Z_BUF_ERROR || (pending_finish && prc == Z_STREAM_ERROR),
            "deflateParams code", prc);
        z.insert(z.end(), buf.data(), buf.data() + (before - s.avail_out));
      }
      if (s.avail_in == 0 && pos < payload.size()) {
        const size_t n = in_splits.next(payload.size() - pos);
        s.next_in = const_cast<Bytef*>(payload.data() + pos);
        s.avail_in = uInt(n);
        pos += n;
      }
      const bool all_given = pos == payload.size();
      static const int kFlush[] = {Z_NO_FLUSH,   Z_NO_FLUSH,      Z_NO_FLUSH, Z_SYNC_FLUSH,
                                   Z_FULL_FLUSH, Z_PARTIAL_FLUSH, Z_BLOCK,    Z_NO_FLUSH};
      int flush = kFlush[flushes[call % 8] % 8];
      if (all_given && s.avail_in == 0 && (flushes[call % 8] & 0x80 || pending_finish))
        flush = Z_FINISH;
      if (all_given && s.avail_in == 0 && call > 64) flush = Z_FINISH;  // end eventually
      if (flush == Z_FINISH) pending_finish = 1;
      s.next_out = buf.data();
      const uInt space = uInt(out_splits.next(buf.size()));
      s.avail_out = space;
      const uLong tin = s.total_in;
      rc = deflate(&s, flush);
      NXZ_FUZZ_CHECK(rc == Z_OK || rc == Z_BUF_ERROR || rc == Z_STREAM_END, "deflate code", rc,
                     flush);
      NXZ_FUZZ_CHECK(s.total_in >= tin, "total_in went back");
      z.insert(z.end(), buf.data(), buf.data() + (space - s.avail_out));
      NXZ_FUZZ_CHECK(s.total_out == z.size(), "total_out differs from the output",
                     long(s.total_out), long(z.size()));
      if (rc == Z_STREAM_END) break;
      // A flush is complete when it left output space unused.
      if ((flush == Z_SYNC_FLUSH || flush == Z_FULL_FLUSH) && s.avail_out != 0 && points.size() < 3)
        points.push_back({z.size(), size_t(s.total_in)});
    }
    NXZ_FUZZ_CHECK(rc == Z_STREAM_END, "the stream never ended", rc);
  }
  NXZ_FUZZ_CHECK(s.total_in == payload.size(), "total_in", long(s.total_in), long(payload.size()));
  const int end = deflateEnd(&s);
  NXZ_FUZZ_CHECK(end == Z_OK, "deflateEnd", end);

  Bytes back;
  const Bytes* d = use_dict && dict_ok ? &dict : nullptr;
  NXZ_FUZZ_CHECK(ref_decode(z, z.size(), bits, d, false, &back),
                 "the reference zlib cannot decode the stream");
  NXZ_FUZZ_CHECK(back == payload, "the stream decodes to other bytes", long(back.size()),
                 long(payload.size()));
  for (const Point& pt : points) {
    NXZ_FUZZ_CHECK(ref_decode(z, pt.out, bits, d, true, &back), "a flush point does not decode");
    NXZ_FUZZ_CHECK(back.size() == pt.in && std::equal(back.begin(), back.end(), payload.begin()),
                   "a flush point does not give all input before it", long(back.size()),
                   long(pt.in));
  }
  return 0;
}
