#include "api/api_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace nxz::test {

Bytes nxz_deflate(const Bytes& in, const DeflateRun& r) {
  z_stream s{};
  EXPECT_EQ(deflateInit2(&s, r.level, Z_DEFLATED, r.window_bits, r.mem_level, r.strategy), Z_OK);
  Bytes out;
  const size_t out_chunk = r.out_chunk ? r.out_chunk : deflateBound(&s, in.size()) + 64;
  Bytes buf(out_chunk);
  size_t pos = 0, since_flush = 0;
  for (;;) {
    size_t n = in.size() - pos;
    if (r.in_chunk) n = std::min(n, r.in_chunk);
    if (r.flush_every) n = std::min(n, r.flush_every - since_flush);
    const bool last = pos + n == in.size();
    int flush = Z_NO_FLUSH;
    if (last)
      flush = Z_FINISH;
    else if (r.flush_every && since_flush + n == r.flush_every)
      flush = r.flush;
    s.next_in = const_cast<Bytef*>(in.data() + pos);
    s.avail_in = static_cast<uInt>(n);
    int rc;
    do {
      s.next_out = buf.data();
      s.avail_out = static_cast<uInt>(buf.size());
      const uLong tin = s.total_in, tout = s.total_out;
      rc = deflate(&s, flush);
      EXPECT_TRUE(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR) << rc;
      if (rc == Z_BUF_ERROR) {
        EXPECT_EQ(s.total_in, tin);
        EXPECT_EQ(s.total_out, tout);
      }
      EXPECT_GE(s.total_in, tin);
      out.insert(out.end(), buf.data(), buf.data() + (buf.size() - s.avail_out));
      if (rc != Z_OK && rc != Z_BUF_ERROR) break;
      if (rc == Z_BUF_ERROR) break;
    } while (s.avail_out == 0 || s.avail_in > 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    pos += n;
    since_flush = flush == r.flush ? 0 : since_flush + n;
    if (last) {
      EXPECT_EQ(rc, Z_STREAM_END);
      break;
    }
  }
  EXPECT_EQ(s.total_in, in.size());
  EXPECT_EQ(s.total_out, out.size());
  EXPECT_EQ(deflateEnd(&s), Z_OK);
  return out;
}

namespace {

template <typename Init, typename Inflate, typename SetDict, typename End>
InflateResult inflate_with(Init init, Inflate inf, SetDict set_dict, End end, const Bytes& in,
                           size_t in_chunk, size_t out_chunk, const Bytes* dict, int flush) {
  InflateResult res;
  z_stream s{};
  EXPECT_EQ(init(&s), Z_OK);
  Bytes buf(out_chunk ? out_chunk : std::max<size_t>(in.size() * 8, 1 << 16));
  size_t pos = 0;
  int rc = Z_OK;
  for (int idle = 0; idle < 3;) {
    if (s.avail_in == 0) {
      const size_t n = in_chunk ? std::min(in_chunk, in.size() - pos) : in.size() - pos;
      s.next_in = const_cast<Bytef*>(in.data() + pos);
      s.avail_in = static_cast<uInt>(n);
      pos += n;
    }
    s.next_out = buf.data();
    s.avail_out = static_cast<uInt>(buf.size());
    const uLong tin = s.total_in, tout = s.total_out;
    rc = inf(&s, flush);
    res.out.insert(res.out.end(), buf.data(), buf.data() + (buf.size() - s.avail_out));
    if (rc == Z_NEED_DICT && dict) {
      rc = set_dict(&s, dict->data(), static_cast<uInt>(dict->size()));
      if (rc != Z_OK) break;
      continue;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) break;
    // Stop once no progress is possible with all input given.
    if (s.total_in == tin && s.total_out == tout && pos == in.size() && s.avail_in == 0) ++idle;
    if (rc == Z_BUF_ERROR && pos == in.size() && s.avail_out != 0) break;
  }
  res.rc = rc;
  res.total_in = s.total_in;
  res.avail_in = s.avail_in + (in.size() - pos);
  res.msg = s.msg ? s.msg : "";
  end(&s);
  return res;
}

}  // namespace

InflateResult nxz_inflate(const Bytes& in, int window_bits, size_t in_chunk, size_t out_chunk,
                          const Bytes* dict, int flush) {
  return inflate_with([&](z_streamp s) { return inflateInit2(s, window_bits); }, ::inflate,
                      ::inflateSetDictionary, ::inflateEnd, in, in_chunk, out_chunk, dict, flush);
}

InflateResult ref_inflate_run(const Bytes& in, int window_bits, size_t in_chunk, size_t out_chunk,
                              const Bytes* dict, int flush) {
  const RefZlib& z = ref();
  return inflate_with(
      [&](z_streamp s) {
        return z.inflateInit2_(s, window_bits, z.zlibVersion(), static_cast<int>(sizeof(z_stream)));
      },
      z.inflate, z.inflateSetDictionary, z.inflateEnd, in, in_chunk, out_chunk, dict, flush);
}

}  // namespace nxz::test
