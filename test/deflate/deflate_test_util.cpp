#include "deflate/deflate_test_util.h"

#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>

namespace nxz::test {

namespace {
std::atomic<emu::MatchEffort> g_effort{emu::MatchEffort::kLazy};
}  // namespace

void set_job_effort(emu::MatchEffort effort) { g_effort = effort; }
emu::MatchEffort job_effort() { return g_effort; }

JobRun run_job(const JobSpec& spec) {
  static const Bytes kEmpty;
  const Bytes& hist = spec.history ? *spec.history : kEmpty;
  const Bytes& src = spec.source ? *spec.source : kEmpty;
  const size_t total = hist.size() + src.size();
  std::unique_ptr<uint8_t[]> data(new uint8_t[std::max<size_t>(total, 1)]);
  if (!hist.empty()) std::memcpy(data.get(), hist.data(), hist.size());
  if (!src.empty()) std::memcpy(data.get() + hist.size(), src.data(), src.size());

  const size_t cap = spec.capacity ? spec.capacity : src.size() * 2 + 1024;
  constexpr size_t kGuard = 64;
  constexpr uint8_t kGuardByte = 0xE7;
  Bytes out(cap + kGuard, kGuardByte);

  emu::DeflateInput in;
  in.data = data.get();
  in.hist_len = hist.size();
  in.len = src.size();
  in.counts = spec.counts;
  in.effort = g_effort;
  if (spec.dht) {
    in.dht = true;
    in.in_dht = spec.dht->bytes;
    in.in_dhtlen = spec.dht->bits;
  }
  in.out = out.data();
  in.out_capacity = cap;

  JobRun run;
  run.r = emu::deflate_job(in);
  run.guard_ok = std::all_of(out.begin() + static_cast<long>(cap), out.end(),
                             [](uint8_t b) { return b == kGuardByte; });
  out.resize(run.r.cc == 0 ? run.r.out_bytes : 0);
  run.out = std::move(out);
  return run;
}

Decoded inflate_one_block(const Bytes& block, const Bytes& dictionary) {
  Decoded d;
  z_stream s{};
  if (inflateInit2(&s, -15) != Z_OK) return d;
  if (!dictionary.empty() &&
      inflateSetDictionary(&s, dictionary.data(), static_cast<uInt>(dictionary.size())) != Z_OK) {
    d.err = "dictionary";
    inflateEnd(&s);
    return d;
  }
  s.next_in = const_cast<Bytef*>(block.data());
  s.avail_in = static_cast<uInt>(block.size());
  uint8_t buf[1 << 16];
  // Z_BLOCK returns at each block boundary; data_type then says whether the
  // block just ended (128), whether it was the last (64) and how many bits of
  // the last input byte are unused (low 3 bits).
  for (int guard = 0; guard < 1 << 20; ++guard) {
    s.next_out = buf;
    s.avail_out = sizeof buf;
    const int rc = inflate(&s, Z_BLOCK);
    d.out.insert(d.out.end(), buf, buf + (sizeof buf - s.avail_out));
    if (rc != Z_OK && rc != Z_STREAM_END) {
      d.err = s.msg ? s.msg : "rc " + std::to_string(rc);
      break;
    }
    if ((s.data_type & 128) && (s.data_type & 64)) {
      d.ok = true;
      d.final_block = true;
      break;
    }
    if (s.avail_in == 0 && s.avail_out != 0) {
      d.err = "block incomplete";
      break;
    }
  }
  d.bytes_used = s.total_in;
  d.unused_bits = s.data_type & 7;
  inflateEnd(&s);
  return d;
}

}  // namespace nxz::test
