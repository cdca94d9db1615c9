#include "soak/soak_job.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>

#include "api/ref_zlib.h"

namespace nxz::soak {
namespace {

size_t draw_size(std::mt19937_64& rng) {
  const unsigned bucket = rng() % 100;
  if (bucket < 25) return rng() % 1024;
  if (bucket < 65) return rng() % (64 * 1024);
  if (bucket < 95) return rng() % (512 * 1024);
  return rng() % (2 * 1024 * 1024);
}

// Tiny splits are what break streaming code; whole buffers are what most
// programs pass. Never so small that a large stream takes minutes.
size_t draw_chunk(std::mt19937_64& rng, size_t size) {
  size_t c;
  switch (rng() % 5) {
    case 0:
      c = 1 + rng() % 64;
      break;
    case 1:
      c = 4096;
      break;
    case 2:
      c = 16384 + rng() % 1000;
      break;
    case 3:
      c = 65536 + rng() % 70000;
      break;
    default:
      c = std::max<size_t>(size, 1);
      break;
  }
  return std::max({c, size / 4096, size_t{1}});
}

std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}

}  // namespace

DataPool DataPool::make() {
  DataPool p;
  for (const test::Sample& s : test::samples()) {
    if (!s.data.empty()) p.sources.push_back(s.data);
  }
  p.sources.push_back(test::text_bytes(1 << 20, 71));
  p.sources.push_back(test::random_bytes(1 << 20, 72));
  Bytes runs;  // long matches and runs: the RLE and far-distance paths
  for (int i = 0; i < 4096; ++i) runs.insert(runs.end(), 1 + i % 300, uint8_t('a' + i % 7));
  p.sources.push_back(std::move(runs));
  return p;
}

Bytes DataPool::slice(std::mt19937_64& rng, size_t n) const {
  const Bytes& src = sources[rng() % sources.size()];
  Bytes out;
  out.reserve(n);
  while (out.size() < n) {  // sources shorter than n are repeated
    const size_t at = rng() % src.size();
    const size_t take = std::min(n - out.size(), src.size() - at);
    out.insert(out.end(), src.begin() + long(at), src.begin() + long(at + take));
  }
  return out;
}

StreamPlan StreamPlan::draw(std::mt19937_64& rng) {
  StreamPlan p{};
  const int bits = 9 + int(rng() % 7);
  const unsigned wrapper = rng() % 3;
  p.window_bits = wrapper == 0 ? -bits : wrapper == 1 ? bits : 16 + bits;
  p.level = int(rng() % 11) - 1;
  const unsigned st = rng() % 10;
  p.strategy = st < 6 ? Z_DEFAULT_STRATEGY : int(st) - 5;  // filtered, huffman, rle, fixed
  p.mem_level = 1 + int(rng() % 9);
  p.dictionary = wrapper != 2 && rng() % 7 == 0;
  p.size = draw_size(rng);
  p.in_chunk = draw_chunk(rng, p.size);
  p.out_chunk = draw_chunk(rng, p.size);
  static const int kFlushes[] = {Z_PARTIAL_FLUSH, Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_BLOCK};
  p.flush_every = rng() % 2 ? 0 : 1 + int(rng() % 8);
  p.flush = kFlushes[rng() % 4];
  // zlib's manual: a flush needs avail_out above six, or a buffer filled by
  // its marker brings another marker on the next call, without end (zlib
  // does the same).
  if (p.flush_every) p.out_chunk = std::max<size_t>(p.out_chunk, 7);
  p.params_change = rng() % 7 == 0;
  return p;
}

std::string StreamPlan::describe() const {
  char b[200];
  std::snprintf(b, sizeof b,
                "windowBits %d level %d strategy %d memLevel %d dict %d size %zu in %zu out %zu "
                "flush %d every %d params %d",
                window_bits, level, strategy, mem_level, dictionary, size, in_chunk, out_chunk,
                flush, flush_every, params_change);
  return b;
}

bool ours_deflate(const StreamPlan& p, const Bytes& in, const Bytes& dict, Bytes* out,
                  std::string* why) {
  z_stream s{};
  if (int rc = deflateInit2(&s, p.level, Z_DEFLATED, p.window_bits, p.mem_level, p.strategy);
      rc != Z_OK) {
    *why = "deflateInit2 " + std::to_string(rc);
    return false;
  }
  out->clear();
  Bytes window(p.out_chunk);
  bool ok = true;
  // One call, its output appended; the window is offered afresh each time.
  auto call = [&](int flush) {
    s.next_out = window.data();
    s.avail_out = static_cast<uInt>(window.size());
    const int rc = deflate(&s, flush);
    out->insert(out->end(), window.data(), window.data() + (window.size() - s.avail_out));
    return rc;
  };
  if (p.dictionary && deflateSetDictionary(&s, dict.data(), uInt(dict.size())) != Z_OK) {
    *why = "deflateSetDictionary";
    ok = false;
  }
  // Far more than any stream of this input: a deflate that never stops
  // must fail its job, not eat the machine's memory.
  const size_t runaway = 2 * deflateBound(&s, uLong(in.size())) + (1 << 20);
  size_t pos = 0;
  int piece = 0;
  bool changed = false;
  while (ok) {
    if (p.params_change && !changed && pos >= in.size() / 2) {
      changed = true;
      const int level = (p.level + 5) % 10, strategy = (p.strategy + 1) % 5;
      int rc, tries = 0;
      do {
        s.next_out = window.data();
        s.avail_out = static_cast<uInt>(window.size());
        rc = deflateParams(&s, level, strategy);
        out->insert(out->end(), window.data(), window.data() + (window.size() - s.avail_out));
      } while (rc == Z_BUF_ERROR && ++tries < 100000);
      if (rc != Z_OK) {
        *why = "deflateParams " + std::to_string(rc);
        ok = false;
        break;
      }
    }
    const size_t n = std::min(p.in_chunk, in.size() - pos);
    s.next_in = const_cast<uint8_t*>(in.data() + pos);
    s.avail_in = static_cast<uInt>(n);
    pos += n;
    const bool last = pos == in.size();
    const int flush = last                                              ? Z_FINISH
                      : (p.flush_every && ++piece % p.flush_every == 0) ? p.flush
                                                                        : Z_NO_FLUSH;
    int rc;
    do {
      rc = call(flush);
      if (out->size() > runaway) break;
      if (rc == Z_STREAM_END) break;
      if (rc != Z_OK && rc != Z_BUF_ERROR) break;
      // No room was the only way to stop short of the goal.
      if (rc == Z_BUF_ERROR && s.avail_out > 0) break;
    } while (s.avail_out == 0 || s.avail_in > 0 || (last && rc != Z_STREAM_END));
    if (out->size() > runaway) {
      *why = "deflate gave " + std::to_string(out->size()) + " bytes and did not stop";
      ok = false;
      break;
    }
    if (last) {
      if (rc != Z_STREAM_END) {
        *why = "deflate(Z_FINISH) " + std::to_string(rc);
        ok = false;
      }
      break;
    }
    if ((rc != Z_OK && rc != Z_BUF_ERROR) || s.avail_in > 0) {
      *why = "deflate " + std::to_string(rc) + " with " + std::to_string(s.avail_in) + " left";
      ok = false;
    }
  }
  deflateEnd(&s);
  return ok;
}

bool ours_inflate(const StreamPlan& p, const Bytes& in, const Bytes& dict, Bytes* out,
                  std::string* why) {
  // zlib and gzip streams also through automatic detection, now and then.
  const int bits = p.window_bits > 0 && p.size % 3 == 0 ? 47 : p.window_bits;
  z_stream s{};
  if (inflateInit2(&s, bits) != Z_OK) {
    *why = "inflateInit2";
    return false;
  }
  if (p.dictionary && bits < 0 &&
      inflateSetDictionary(&s, dict.data(), uInt(dict.size())) != Z_OK) {
    *why = "inflateSetDictionary (raw)";
    inflateEnd(&s);
    return false;
  }
  out->clear();
  Bytes window(p.out_chunk);
  size_t pos = 0;
  bool ok = false;
  for (;;) {
    if (s.avail_in == 0 && pos < in.size()) {
      const size_t n = std::min(p.in_chunk, in.size() - pos);
      s.next_in = const_cast<uint8_t*>(in.data() + pos);
      s.avail_in = static_cast<uInt>(n);
      pos += n;
    }
    s.next_out = window.data();
    s.avail_out = static_cast<uInt>(window.size());
    int rc = inflate(&s, Z_NO_FLUSH);
    out->insert(out->end(), window.data(), window.data() + (window.size() - s.avail_out));
    if (out->size() > p.size) {  // more than was compressed: wrong, and maybe endless
      *why = "inflate gave more bytes than were compressed";
      break;
    }
    if (rc == Z_NEED_DICT && p.dictionary) {
      rc = inflateSetDictionary(&s, dict.data(), uInt(dict.size()));
      if (rc == Z_OK) continue;
    }
    if (rc == Z_STREAM_END) {
      ok = s.avail_in == 0 && pos == in.size();
      if (!ok) *why = "inflate ended before its input";
      break;
    }
    if (rc == Z_BUF_ERROR && (s.avail_in > 0 || pos < in.size() || s.avail_out == 0)) continue;
    if (rc != Z_OK) {
      *why = "inflate " + std::to_string(rc) + (s.msg ? std::string(": ") + s.msg : "");
      break;
    }
  }
  inflateEnd(&s);
  return ok;
}

bool run_stream_job(uint64_t seed, const DataPool& pool, Counters& c, std::string* why,
                    bool corrupt) {
  std::mt19937_64 rng(seed);
  const StreamPlan p = StreamPlan::draw(rng);
  const Bytes in = pool.slice(rng, p.size);
  const Bytes dict = p.dictionary ? pool.slice(rng, 1 + rng() % 32768) : Bytes{};
  auto failed = [&](const std::string& what) {
    *why = "seed " + hex(seed) + ": " + what + " (" + p.describe() + ")";
    c.mismatches.fetch_add(1);
    return false;
  };
  std::string reason;
  Bytes packed, back;
  // Ours compresses; the system zlib and ours must both give the input back.
  if (!ours_deflate(p, in, dict, &packed, &reason)) return failed("ours deflate: " + reason);
  if (corrupt && !packed.empty()) packed[rng() % packed.size()] ^= 0x10;
  const int rc = test::ref_inflate(packed, p.window_bits, &back, p.dictionary ? &dict : nullptr);
  if (rc != Z_STREAM_END || back != in)
    return failed("system zlib cannot decode ours (rc " + std::to_string(rc) + ")");
  if (!ours_inflate(p, packed, dict, &back, &reason)) return failed("ours inflate: " + reason);
  if (back != in) return failed("ours inflate of ours gives other bytes");
  // The system zlib compresses (no dictionary there); ours decodes.
  if (!p.dictionary) {
    const int level = p.level < 0 ? 6 : p.level;
    packed = test::ref_compress(in, level, p.window_bits, p.strategy, p.mem_level);
    if (!ours_inflate(p, packed, dict, &back, &reason))
      return failed("ours inflate of zlib's: " + reason);
    if (back != in) return failed("ours inflate of zlib's gives other bytes");
  }
  c.jobs.fetch_add(1, std::memory_order_relaxed);
  c.bytes.fetch_add(2 * in.size(), std::memory_order_relaxed);
  return true;
}

}  // namespace nxz::soak
