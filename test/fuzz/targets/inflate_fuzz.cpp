// inflate() of libnxz.so against the system zlib (loaded privately) on the
// same input, fed in the same pieces with the same output spaces, flushes
// and dictionary. What zlib specifies must be equal: inflateInit2's code,
// the final code, the output bytes, total_in, msg, and the check value at
// the end; with Z_BLOCK/Z_TREES from the first call also every stop (a
// call that returns with data_type bit 128: after the header, after each
// end-of-block code, and with Z_TREES after each block header) and every
// error: its code, totals and data_type. The calls between stops, other
// data_type bits and the per-call split of the work are not compared: the
// accelerator takes larger steps than zlib (README "What differs from
// zlib").
//
// The input is either the raw bytes (mostly garbage: error paths) or a
// stream the reference makes from the payload (matching wrapper, window
// and dictionary), maybe corrupted at one byte or truncated.
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "support/fuzz_input.h"
#include "support/fuzz_ref.h"

namespace {

using nxz::fuzz::Bytes;
using nxz::fuzz::Input;
using nxz::fuzz::Splits;

struct Zlib {
  int (*init)(z_stream*, int);
  int (*inflate)(z_stream*, int);
  int (*set_dict)(z_stream*, const Bytef*, uInt);
  int (*end)(z_stream*);
};

int ours_init(z_stream* s, int bits) { return inflateInit2(s, bits); }

struct Stop {
  int rc;
  uLong total_in, total_out;
  int data_type;
  bool operator==(const Stop&) const = default;
};

struct Result {
  int init_rc = Z_OK;
  int rc = Z_OK;
  int dict_rc = Z_OK;
  Bytes out;
  uLong total_in = 0, adler = 0;
  std::string msg;
  std::vector<Stop> stops;
};

struct Plan {
  int window_bits;
  Splits in_splits, out_splits;
  bool block_mode;  // Z_BLOCK or Z_TREES on every call
  int flushes[4];   // per-call flush, cycled (when not block_mode)
  const Bytes* dict;
  bool raw;
};

Result run(const Zlib& z, const Bytes& in, Plan p) {
  Result r;
  z_stream s{};
  r.init_rc = z.init(&s, p.window_bits);
  if (r.init_rc != Z_OK) return r;
  if (p.raw && p.dict) r.dict_rc = z.set_dict(&s, p.dict->data(), uInt(p.dict->size()));
  Bytes buf(1 << 16);
  size_t pos = 0;
  int idle = 0;
  for (int call = 0; call < 1 << 20 && idle < 3; ++call) {
    if (s.avail_in == 0 && pos < in.size()) {
      const size_t n = p.in_splits.next(in.size() - pos);
      s.next_in = const_cast<Bytef*>(in.data() + pos);
      s.avail_in = uInt(n);
      pos += n;
    }
    const size_t space = p.out_splits.next(buf.size());
    s.next_out = buf.data();
    s.avail_out = uInt(space);
    const uLong tin = s.total_in, tout = s.total_out;
    const int flush = p.flushes[call % 4];
    const int rc = z.inflate(&s, flush);
    r.out.insert(r.out.end(), buf.data(), buf.data() + (space - s.avail_out));
    r.rc = rc;
    // data_type is compared at stops (Z_OK, Z_STREAM_END) only: after an
    // error zlib's value is its internal state, which README "What differs
    // from zlib" leaves unspecified (nxz parses headers itself).
    const bool more = rc == Z_OK || rc == Z_BUF_ERROR;
    if (p.block_mode && (!more || (s.data_type & 128)))
      r.stops.push_back(
          {rc, s.total_in, s.total_out, rc == Z_OK || rc == Z_STREAM_END ? s.data_type : -1});
    if (rc == Z_NEED_DICT && p.dict && !p.raw) {
      r.dict_rc = z.set_dict(&s, p.dict->data(), uInt(p.dict->size()));
      if (r.dict_rc != Z_OK) break;
      continue;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) break;
    idle = s.total_in == tin && s.total_out == tout && pos == in.size() ? idle + 1 : 0;
  }
  r.total_in = s.total_in;
  r.adler = s.adler;
  r.msg = s.msg ? s.msg : "";
  z.end(&s);
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  // windowBits: raw, zlib, gzip, auto, with small windows and invalid ones.
  static const int kBits[] = {-15, 15, 31, 47, -9, 9, 25, 41, -12, 12, 0, 16, 32, 8, -8, 7};
  const int bits = kBits[in.u8() % 16];
  const uint8_t opts = in.u8();
  const bool use_dict = opts & 1;
  const bool block_mode = opts & 2;
  const unsigned source = (opts >> 2) & 3;  // 0 raw bytes, 1 good, 2 corrupt, 3 truncated
  const uint8_t level = in.u8();
  const int cbits = 9 + in.u8() % 7;
  Plan p{};
  p.window_bits = bits;
  p.raw = bits < 0;
  p.in_splits = Splits::read(in, 5000);
  p.out_splits = Splits::read(in, 5000);
  p.block_mode = block_mode;
  const uint8_t fl = in.u8();
  for (int i = 0; i < 4; ++i) {
    static const int kFlush[] = {Z_NO_FLUSH, Z_NO_FLUSH, Z_SYNC_FLUSH, Z_FINISH};
    p.flushes[i] = block_mode ? ((opts & 0x40) && ((fl >> i) & 1) ? Z_TREES : Z_BLOCK)
                              : kFlush[(fl >> (2 * i)) & 3];
  }
  const uint32_t where = in.u32();
  const Bytes dict = use_dict ? in.take(in.range(1, 300)) : Bytes{};
  p.dict = use_dict ? &dict : nullptr;
  const Bytes payload = in.rest();

  Bytes stream = payload;
  if (source != 0) {
    // The reference's stream for this wrapper: zlib for bits 0..15 and
    // auto, gzip for 16..31, raw below 0.
    int wrap_bits = bits < 0 ? -cbits : (bits >= 16 && bits < 32) ? 16 + cbits : cbits;
    if (bits >= 32 && (opts & 0x80)) wrap_bits = 16 + cbits;  // auto over gzip
    const bool gzip = wrap_bits > 15;
    const nxz::fuzz::RefZlib& z = nxz::fuzz::ref();
    z_stream s{};
    if (nxz::fuzz::ref_deflate_init(&s, level % 10, wrap_bits, 8,
                                    (level & 0x30) == 0x30 ? Z_FIXED : Z_DEFAULT_STRATEGY) != Z_OK)
      nxz::fuzz::fail("ref deflateInit2");
    if (use_dict && !gzip) {
      // The stream's dictionary: the same bytes, or others when the input
      // says so (Z_DATA_ERROR "incorrect ... dictionary" paths).
      Bytes d = dict;
      if (opts & 0x20) d.push_back(0x55);
      z.deflateSetDictionary(&s, d.data(), uInt(d.size()));
    }
    stream.assign(z.deflateBound(&s, payload.size()) + 64, 0);
    s.next_in = const_cast<Bytef*>(payload.data());
    s.avail_in = uInt(payload.size());
    s.next_out = stream.data();
    s.avail_out = uInt(stream.size());
    if (z.deflate(&s, Z_FINISH) != Z_STREAM_END) nxz::fuzz::fail("ref deflate");
    stream.resize(s.total_out);
    z.deflateEnd(&s);
    if (source == 2 && !stream.empty())
      stream[where % stream.size()] ^= static_cast<uint8_t>(1u << (where >> 24) % 8);
    if (source == 3) stream.resize(where % (stream.size() + 1));
  }

  const nxz::fuzz::RefZlib& rz = nxz::fuzz::ref();
  const Zlib ours{ours_init, ::inflate, ::inflateSetDictionary, ::inflateEnd};
  const Zlib theirs{nxz::fuzz::ref_inflate_init, rz.inflate, rz.inflateSetDictionary,
                    rz.inflateEnd};
  const Result a = run(ours, stream, p);
  const Result b = run(theirs, stream, p);
  NXZ_FUZZ_CHECK(a.init_rc == b.init_rc, "inflateInit2 code", a.init_rc, b.init_rc);
  if (a.init_rc != Z_OK) return 0;
  if (a.rc != b.rc || a.msg != b.msg)
    std::fprintf(stderr, "rc %d msg '%s' vs reference rc %d msg '%s'\n", a.rc, a.msg.c_str(), b.rc,
                 b.msg.c_str());
  NXZ_FUZZ_CHECK(a.dict_rc == b.dict_rc, "inflateSetDictionary code", a.dict_rc, b.dict_rc);
  NXZ_FUZZ_CHECK(a.rc == b.rc, "final code", a.rc, b.rc);
  NXZ_FUZZ_CHECK(a.msg == b.msg, "msg");
  NXZ_FUZZ_CHECK(a.out.size() == b.out.size(), "output size", long(a.out.size()),
                 long(b.out.size()));
  NXZ_FUZZ_CHECK(a.out == b.out, "output bytes");
  NXZ_FUZZ_CHECK(a.total_in == b.total_in, "total_in", long(a.total_in), long(b.total_in));
  if (a.rc == Z_STREAM_END)
    NXZ_FUZZ_CHECK(a.adler == b.adler, "check value at the end", long(a.adler), long(b.adler));
  if (block_mode) {
    if (a.stops.size() != b.stops.size())
      for (size_t i = 0; i < std::max(a.stops.size(), b.stops.size()); ++i) {
        const Stop none{0, 0, 0, -2};
        const Stop& x = i < a.stops.size() ? a.stops[i] : none;
        const Stop& y = i < b.stops.size() ? b.stops[i] : none;
        std::fprintf(stderr, "stop %zu: rc %d/%d in %lu/%lu out %lu/%lu type %d/%d\n", i, x.rc,
                     y.rc, x.total_in, y.total_in, x.total_out, y.total_out, x.data_type,
                     y.data_type);
      }
    NXZ_FUZZ_CHECK(a.stops.size() == b.stops.size(), "number of stops", long(a.stops.size()),
                   long(b.stops.size()));
    for (size_t i = 0; i < a.stops.size(); ++i) {
      if (!(a.stops[i] == b.stops[i]))
        std::fprintf(stderr, "stop %zu: rc %d/%d in %lu/%lu out %lu/%lu type %d/%d\n", i,
                     a.stops[i].rc, b.stops[i].rc, a.stops[i].total_in, b.stops[i].total_in,
                     a.stops[i].total_out, b.stops[i].total_out, a.stops[i].data_type,
                     b.stops[i].data_type);
      NXZ_FUZZ_CHECK(a.stops[i] == b.stops[i], "a Z_BLOCK stop differs", long(i));
    }
  }
  return 0;
}
