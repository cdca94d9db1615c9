// 8 threads, each running many independent deflate and inflate streams of
// random sizes, levels, strategies, window bits, wrappers, flushes and call
// sizes, some streams reused through deflateReset/inflateReset, one-shot
// compress2/uncompress among them. Every stream: round trip through the
// library, compared byte for byte, its CRC-32 (library's and our own) and
// the system zlib's decoding of the deflate output.
//   thread_streams SECONDS_BUDGET [FILE...]    exit 0 when all is right
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "stream_util.h"

namespace {

std::atomic<long> g_failures{0}, g_streams{0}, g_bytes{0};
std::vector<Bytes> g_files;
RefZlib g_ref;

void fail(int t, long iter, const char* what, int a = 0, int b = 0) {
  if (g_failures.fetch_add(1) < 20)
    std::fprintf(stderr, "FAIL: thread %d stream %ld: %s (%d, %d)\n", t, iter, what, a, b);
}

struct Plan {
  int level, strategy, wbits, mem_level;
  int flush;  // used every flush_every bytes
  size_t flush_every, in_chunk, out_chunk;
};

int wbits_for_inflate(int wbits, std::mt19937_64& rng) {
  if (wbits > 15) return rng() % 2 ? 47 : wbits;                        // gzip: also auto-detect
  if (wbits > 0) return rng() % 3 == 0 ? 0 : (rng() % 2 ? wbits : 15);  // 0: from the header
  return wbits;
}

bool deflate_with(z_stream& z, const Bytes& in, const Plan& p, std::mt19937_64& rng, Bytes* out) {
  out->clear();
  size_t pos = 0, since_flush = 0;
  Bytes buf(p.out_chunk);
  for (;;) {
    const size_t n = std::min(in.size() - pos, p.in_chunk);
    int flush = Z_NO_FLUSH;
    const bool last = pos + n == in.size();
    if (last) {
      flush = Z_FINISH;
    } else if (p.flush_every && since_flush + n >= p.flush_every) {
      flush = p.flush;
      since_flush = 0;
    } else {
      since_flush += n;
    }
    z.next_in = const_cast<Bytef*>(in.data() + pos);
    z.avail_in = static_cast<uInt>(n);
    pos += n;
    int rc, calls = 0;
    do {
      if (++calls > 10000000) return false;
      z.next_out = buf.data();
      z.avail_out = static_cast<uInt>(buf.size());
      rc = deflate(&z, flush);
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) return false;
      out->insert(out->end(), buf.data(), buf.data() + (buf.size() - z.avail_out));
      // zlib: flush markers repeat unless avail_out > 6 after one; the out
      // chunk is at least 7, so go on while it is filled.
    } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    if (z.avail_in != 0) return false;
    if (last) return rc == Z_STREAM_END;
    (void)rng;
  }
}

bool inflate_with(z_stream& z, const Bytes& in, size_t in_chunk, size_t out_chunk, int flush,
                  Bytes* out) {
  out->clear();
  Bytes buf(out_chunk);
  size_t pos = 0;
  int idle = 0;
  for (;;) {
    if (z.avail_in == 0 && pos < in.size()) {
      const size_t n = std::min(in.size() - pos, in_chunk);
      z.next_in = const_cast<Bytef*>(in.data() + pos);
      z.avail_in = static_cast<uInt>(n);
      pos += n;
    }
    z.next_out = buf.data();
    z.avail_out = static_cast<uInt>(buf.size());
    const int rc = inflate(&z, flush);
    const size_t made = buf.size() - z.avail_out;
    out->insert(out->end(), buf.data(), buf.data() + made);
    if (rc == Z_STREAM_END) return pos == in.size() && z.avail_in == 0;
    if (rc != Z_OK && rc != Z_BUF_ERROR) return false;
    if (made == 0 && z.avail_in == 0 && pos == in.size()) {
      if (++idle > 8) return false;  // truncated: wants input past the end
    } else {
      idle = 0;
    }
  }
}

void worker(int t, std::chrono::steady_clock::time_point deadline, long min_streams) {
  std::mt19937_64 rng(0x6e787a00u + static_cast<unsigned>(t));
  z_stream dz{}, iz{};
  bool dz_live = false, iz_live = false;
  int dz_wbits = 0, dz_mem = 0;
  int iz_wbits = 0;
  for (long iter = 0; iter < min_streams || std::chrono::steady_clock::now() < deadline; iter++) {
    static const size_t sizes[] = {0, 1, 100, 5000, 70000, 131072, 131073, 300000, 700000};
    size_t n = sizes[rng() % 9];
    if (rng() % 2) n = rng() % (n + 1);
    const Bytes data = make_data(rng, n, g_files);
    const uint32_t crc = plain_crc32(data.data(), data.size());
    if (static_cast<uint32_t>(crc32(0, data.data(), static_cast<uInt>(data.size()))) != crc)
      fail(t, iter, "crc32() differs from the plain CRC-32");

    if (rng() % 8 == 0) {  // one-shot calls
      uLongf clen = compressBound(static_cast<uLong>(data.size()));
      Bytes comp(clen), back(data.size() + 1);
      const int level = static_cast<int>(rng() % 10);
      if (compress2(comp.data(), &clen, data.data(), static_cast<uLong>(data.size()), level) !=
          Z_OK) {
        fail(t, iter, "compress2", level);
        continue;
      }
      comp.resize(clen);
      uLongf blen = static_cast<uLongf>(back.size());
      if (uncompress(back.data(), &blen, comp.data(), clen) != Z_OK || blen != data.size() ||
          std::memcmp(back.data(), data.data(), blen) != 0)
        fail(t, iter, "uncompress of compress2", level);
      Bytes ref;
      if (g_ref.ok && (!g_ref.decode(comp, 15, &ref) || ref != data))
        fail(t, iter, "the system zlib on compress2's output", level);
      g_streams++;
      g_bytes += static_cast<long>(data.size());
      continue;
    }

    Plan p{};
    p.level = static_cast<int>(rng() % 11) - 1;  // -1: Z_DEFAULT_COMPRESSION
    static const int strategies[] = {
        Z_DEFAULT_STRATEGY, Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED};
    p.strategy = strategies[rng() % 6];
    static const int wb[] = {15, 15, -15, 31, 9, 12, -10, 14, 25};
    p.wbits = wb[rng() % 9];
    p.mem_level = 1 + static_cast<int>(rng() % 9);
    static const int flushes[] = {Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_PARTIAL_FLUSH, Z_BLOCK};
    p.flush = flushes[rng() % 4];
    p.flush_every = rng() % 3 == 0 ? 0 : 1 + rng() % 200000;
    // Calls of a few bytes on small streams only (time).
    const bool tiny = n <= 20000 && rng() % 2;
    p.in_chunk = tiny ? 1 + rng() % 64 : 1 + rng() % 400000;
    p.out_chunk = tiny || rng() % 4 == 0 ? 7 + rng() % 64 : 7 + rng() % 400000;

    // A new stream, or the last one reset (deflateReset keeps its parameters).
    if (dz_live && rng() % 3 == 0) {
      p.wbits = dz_wbits;
      p.mem_level = dz_mem;
      if (deflateReset(&dz) != Z_OK || deflateParams(&dz, p.level, p.strategy) != Z_OK) {
        fail(t, iter, "deflateReset/deflateParams");
        deflateEnd(&dz);
        dz_live = false;
        continue;
      }
    } else {
      if (dz_live) deflateEnd(&dz);
      dz = z_stream{};
      if (deflateInit2(&dz, p.level, Z_DEFLATED, p.wbits, p.mem_level, p.strategy) != Z_OK) {
        fail(t, iter, "deflateInit2", p.level, p.wbits);
        dz_live = false;
        continue;
      }
      dz_live = true;
      dz_wbits = p.wbits;
      dz_mem = p.mem_level;
    }
    const uLong bound = deflateBound(&dz, static_cast<uLong>(data.size()));
    Bytes comp;
    if (!deflate_with(dz, data, p, rng, &comp)) {
      fail(t, iter, "deflate", p.level, p.wbits);
      continue;
    }
    if (dz.total_in != data.size() || dz.total_out != comp.size())
      fail(t, iter, "deflate totals", static_cast<int>(dz.total_in),
           static_cast<int>(dz.total_out));
    // (zlib 1.2.13's own bound is short for level 0: not checked there.)
    if (comp.size() > bound && p.flush_every == 0 && p.level != 0)
      fail(t, iter, "deflateBound exceeded", static_cast<int>(comp.size()), p.strategy);
    if (p.wbits > 15 && comp.size() >= 8) {
      const uint32_t trailer = comp[comp.size() - 8] | comp[comp.size() - 7] << 8 |
                               comp[comp.size() - 6] << 16 |
                               static_cast<uint32_t>(comp[comp.size() - 5]) << 24;
      if (trailer != crc) fail(t, iter, "gzip trailer CRC-32");
    }
    Bytes ref;
    if (g_ref.ok && (!g_ref.decode(comp, p.wbits, &ref) || ref != data))
      fail(t, iter, "the system zlib on deflate's output", p.level, p.wbits);

    const int iw = wbits_for_inflate(p.wbits, rng);
    if (iz_live && iw == iz_wbits && rng() % 2) {
      // zlib: a window size read from a header (0) stays after inflateReset.
      if ((iw == 0 || rng() % 2 ? inflateReset2(&iz, iw) : inflateReset(&iz)) != Z_OK)
        fail(t, iter, "inflateReset");
    } else {
      if (iz_live) inflateEnd(&iz);
      iz = z_stream{};
      if (inflateInit2(&iz, iw) != Z_OK) {
        fail(t, iter, "inflateInit2", iw);
        iz_live = false;
        continue;
      }
      iz_live = true;
      iz_wbits = iw;
    }
    Bytes back;
    const bool itiny = comp.size() <= 20000 && rng() % 2;
    const size_t ic = itiny ? 1 + rng() % 32 : 1 + rng() % 300000;
    const size_t oc = itiny || rng() % 4 == 0 ? 1 + rng() % 100 : 1 + rng() % 300000;
    static const int iflush[] = {Z_NO_FLUSH, Z_NO_FLUSH, Z_SYNC_FLUSH, Z_FINISH, Z_BLOCK};
    const int ifl = iflush[rng() % 5];
    if (!inflate_with(iz, comp, ic, oc, ifl == Z_FINISH ? Z_NO_FLUSH : ifl, &back)) {
      fail(t, iter, "inflate", iw, ifl);
      inflateEnd(&iz);
      iz_live = false;
      continue;
    }
    if (back != data)
      fail(t, iter, "inflate gave other bytes", static_cast<int>(back.size()),
           static_cast<int>(data.size()));
    if (plain_crc32(back.data(), back.size()) != crc) fail(t, iter, "CRC-32 of the output");
    if (p.wbits > 15 && iz.adler != crc) fail(t, iter, "inflate's adler field (gzip: CRC-32)");
    g_streams++;
    g_bytes += static_cast<long>(data.size());
  }
  if (dz_live) deflateEnd(&dz);
  if (iz_live) inflateEnd(&iz);
}

}  // namespace

int main(int argc, char** argv) {
  const double budget = argc > 1 ? std::atof(argv[1]) : 10;
  g_files = read_files(argc, argv, 2);
  if (!g_ref.ok) std::fprintf(stderr, "note: no private system zlib; round trips only\n");
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<long>(budget * 1000));
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; t++) threads.emplace_back(worker, t, deadline, 10L);
  for (auto& th : threads) th.join();
  std::printf("thread_streams: 8 threads, %ld streams, %.1f MB, %ld failures\n", g_streams.load(),
              g_bytes.load() / 1e6, g_failures.load());
  return g_failures == 0 && g_streams > 0 ? 0 : 1;
}
