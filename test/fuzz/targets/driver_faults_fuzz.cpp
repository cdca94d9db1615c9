// The request driver (src/engine: Deflater, Inflater) on an emulated
// window whose fault injection (translation faults, busy pastes, late
// completions, hardware errors), credits, byte-count limit and VAS mode are
// chosen by the input, over buffer splits chosen by the input. Faults must
// never change the result: compression decodes (system zlib) to the input,
// decompression of zlib's stream gives the input; only an injected hardware
// error may end a run, and then with Status::kError.
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "engine/deflate_driver.h"
#include "engine/inflate_driver.h"
#include "nxz/accel.h"
#include "support/fuzz_input.h"

namespace {

using nxz::engine::Deflater;
using nxz::engine::Inflater;
using nxz::engine::Status;
using nxz::fuzz::Bytes;
using nxz::fuzz::Input;
using nxz::fuzz::Splits;

Bytes zlib_raw(const Bytes& data, int level, const Bytes* dict) {
  z_stream s{};
  if (deflateInit2(&s, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    nxz::fuzz::fail("deflateInit2");
  if (dict) deflateSetDictionary(&s, dict->data(), uInt(dict->size()));
  Bytes out(deflateBound(&s, data.size()) + 16);
  s.next_in = const_cast<uint8_t*>(data.data());
  s.avail_in = uInt(data.size());
  s.next_out = out.data();
  s.avail_out = uInt(out.size());
  if (deflate(&s, Z_FINISH) != Z_STREAM_END) nxz::fuzz::fail("zlib deflate");
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

// zlib's raw decoding of `z` (with `dict`); true for a whole stream.
bool zlib_inflate(const Bytes& z, const Bytes* dict, Bytes* out) {
  z_stream s{};
  if (inflateInit2(&s, -15) != Z_OK) nxz::fuzz::fail("inflateInit2");
  if (dict) inflateSetDictionary(&s, dict->data(), uInt(dict->size()));
  out->clear();
  s.next_in = const_cast<uint8_t*>(z.data());
  s.avail_in = uInt(z.size());
  uint8_t buf[65536];
  int rc;
  do {
    s.next_out = buf;
    s.avail_out = sizeof buf;
    rc = inflate(&s, Z_NO_FLUSH);
    out->insert(out->end(), buf, buf + (sizeof buf - s.avail_out));
  } while (rc == Z_OK);
  inflateEnd(&s);
  return rc == Z_STREAM_END;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  const uint8_t opts = in.u8();
  const bool decompress = opts & 1;
  const bool dht = opts & 2;    // compression: dynamic tables
  const bool exact = opts & 2;  // decompression: exact errors
  const bool single = opts & 4;
  const bool corrupt = (opts & 0x18) == 0x18;
  const bool use_dict = opts & 0x20;
  const bool async = (opts & 0xc0) == 0xc0;
  // The fault specification.
  const uint16_t seed = in.u16();
  const uint8_t fault = in.u8(), busy = in.u8(), late = in.u8(), hwerr = in.u8();
  const uint8_t limits = in.u8();
  char spec[200];
  std::snprintf(spec, sizeof spec, "seed=%u,fault=%g,busy=%g,late=%g:1us,maxinject=%u%s",
                unsigned(seed), (fault % 100) / 110.0, (busy % 100) / 200.0,
                (late & 0x80) ? (late % 100) / 400.0 : 0.0, 1u + (limits >> 5),
                (hwerr & 0xf0) == 0xf0 ? ",hwerr=0.05" : "");
  const bool hwerrs = (hwerr & 0xf0) == 0xf0;
  nxz_emu_config cfg{};
  cfg.synchronous = !async;
  cfg.faults = spec;
  cfg.credits = 1 + (limits & 7);
  if (limits & 8) cfg.limit_high = in.range(1, 40000);  // cc 3 suspensions
  Splits in_splits = Splits::read(in, 20000);
  Splits out_splits = Splits::read(in, 20000);
  const int level = int(in.range(0, 9));
  const uint32_t where = in.u32();
  const Bytes dict = use_dict ? in.take(in.range(1, 40000)) : Bytes{};
  const Bytes payload = in.rest();

  nxz_window* w = nullptr;
  const int rc = nxz_accel_open(NXZ_BACKEND_EMULATED, &cfg, &w);
  NXZ_FUZZ_CHECK(rc == 0, "nxz_accel_open", rc);

  if (!decompress) {
    Deflater d(w, dht);
    Bytes z;
    size_t pos = 0;
    Status st = Status::kOk;
    // Input in pieces; each piece's call sees up to 32 KiB of history.
    do {
      const size_t n = in_splits.next(payload.size() - pos);
      const bool final = pos + n == payload.size();
      size_t off = 0;
      for (;;) {
        const size_t cap = nxz::engine::deflate_bound(n - off);
        const size_t at = z.size();
        const uint8_t* p = payload.data() + pos + off;
        const size_t hist = std::min<size_t>(pos + off, 32768);
        z.resize(at + cap);
        size_t took = 0, made = 0;
        st = d.compress(p - hist, hist, p, n - off, final, z.data() + at, cap, &took, &made);
        z.resize(at + (st == Status::kOk ? made : 0));
        if (st != Status::kOk) break;
        off += took;
        // Done with the piece; the last one must also have ended the stream.
        if (off == n && (n > 0 || made > 0 || !final)) break;
        NXZ_FUZZ_CHECK(took > 0 || made > 0, "compression makes no progress");
      }
      if (st != Status::kOk) break;
      pos += n;
    } while (pos < payload.size());
    NXZ_FUZZ_CHECK(st == Status::kOk || (hwerrs && st == Status::kError),
                   "compression failed without an injected hardware error", int(st));
    if (st == Status::kOk) {
      Bytes back;
      NXZ_FUZZ_CHECK(zlib_inflate(z, nullptr, &back), "compressed stream does not decode");
      NXZ_FUZZ_CHECK(back == payload, "compressed stream decodes to other bytes", long(back.size()),
                     long(payload.size()));
    }
  } else {
    Bytes z = zlib_raw(payload, level, use_dict ? &dict : nullptr);
    if (corrupt && !z.empty()) z[where % z.size()] ^= uint8_t(1u << (where >> 29));
    Bytes expect;
    const bool valid = zlib_inflate(z, use_dict ? &dict : nullptr, &expect);
    Inflater inf(w);
    inf.set_exact_errors(exact);
    inf.set_single_block(single);
    if (use_dict) inf.set_history(dict.data(), dict.size());
    Bytes out, buf(1 << 17);
    const uint8_t* p = z.data();
    size_t avail = 0, given = 0;
    Status st = Status::kOk;
    int idle = 0;
    for (int call = 0; call < 1 << 20 && !inf.done() && idle < 3; ++call) {
      if (avail == 0 && given < z.size()) {
        avail = in_splits.next(z.size() - given);
        given += avail;
      }
      uint8_t* q = buf.data();
      const size_t space = out_splits.next(buf.size());
      size_t m = space;
      const size_t before = avail;
      st = inf.run(&p, &avail, &q, &m);
      out.insert(out.end(), buf.data(), buf.data() + (space - m));
      if (st != Status::kOk) break;
      idle = (before == avail && m == space && given == z.size()) ? idle + 1 : 0;
    }
    if (!corrupt || valid) {
      if (!(hwerrs && st == Status::kError)) {
        if (st != Status::kOk || !inf.done())
          std::fprintf(stderr, "driver: %s (%s)\n", inf.message(), spec);
        // With exact errors a request that may have met a distance the
        // engine had no history for ends in kDataError, for the zlib layer's
        // software decoder to judge (inflate_driver.h): allowed, but what
        // came out before must be right.
        NXZ_FUZZ_CHECK(st == Status::kOk || (exact && st == Status::kDataError),
                       "a valid stream failed", int(st));
        NXZ_FUZZ_CHECK(
            out.size() <= expect.size() && std::equal(out.begin(), out.end(), expect.begin()),
            "output before the stop differs", long(out.size()), long(expect.size()));
        if (st == Status::kOk) {
          NXZ_FUZZ_CHECK(inf.done(), "a valid stream did not end");
          NXZ_FUZZ_CHECK(out == expect, "decompressed bytes differ", long(out.size()),
                         long(expect.size()));
        }
      }
    } else if (st == Status::kOk && inf.done()) {
      // zlib rejects the stream; the driver may accept only what its
      // documented padding allows (a distance reaching before the start).
      NXZ_FUZZ_CHECK(!exact, "exact errors accepted a stream zlib rejects");
    }
  }
  nxz_accel_close(w);
  return 0;
}
