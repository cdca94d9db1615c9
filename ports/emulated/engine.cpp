#include "emulated/engine.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <vector>

#include "common/checksum.h"
#include "emulated/dde_list.h"
#include "emulated/deflate_core.h"
#include "emulated/inflate_core.h"

namespace nxz::emu {
namespace {

template <typename T>
T* at(uint64_t addr) {
  return reinterpret_cast<T*>(static_cast<uintptr_t>(addr));
}

// What a job ends with, before it is written to the CSB.
struct Completion {
  uint8_t cc = nx::kCcSuccess;
  uint8_t ce = 0;
  uint32_t tpbc = 0;
  uint64_t addr = 0;
};

Completion terminate(uint8_t cc, uint64_t addr = 0) { return {cc, nx::kCeTermination, 0, addr}; }

// A 64-bit mixer (the splitmix64 finaliser): junk that looks random but is
// a pure function of its input, so that a failing run can be repeated.
uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Jobs run so far in this process: with the CSB address, the junk seed, so
// that a request resubmitted unchanged gets different junk each time.
std::atomic<uint64_t> g_job_counter{0};

// Buffers reused across jobs on the same thread: a job may be megabytes.
struct Scratch {
  std::vector<uint8_t> source;
  std::vector<uint8_t> target;
};
thread_local Scratch t_scratch;

// A thread keeps at most this much scratch between jobs: enough for any
// request the driver makes (1 MiB plus history), while one job on a huge
// target does not pin its size for the thread's lifetime.
constexpr size_t kScratchKeep = 4u << 20;

void trim_scratch() {
  if (t_scratch.source.capacity() > kScratchKeep) std::vector<uint8_t>().swap(t_scratch.source);
  if (t_scratch.target.capacity() > kScratchKeep) std::vector<uint8_t>().swap(t_scratch.target);
}

// §6: FC bit 0x01 forces the low register; otherwise the high one applies
// unless higher-priority work is queued.
uint32_t byte_count_limit(uint8_t fc, const EngineConfig& cfg) {
  if ((fc & nx::kFcLowLimitBit) || cfg.priority_queued) return cfg.limit_low;
  return cfg.limit_high;
}

// Everything one job needs, parsed from the CRB; the functions below fill in
// `done` or `fault`.
struct Job {
  uint8_t fc;
  const EngineConfig& cfg;
  MemoryProbe* probe;
  nx::Cpb* cpb;
  SegmentList src;
  SegmentList dst;
  DdeStatus st;   // records a translation fault
  uint64_t seed;  // of the junk this job leaves in its target
};

bool faulted(const Job& j) { return j.st.faulted; }

// Writes `len` bytes of output to the target; direct when they are already there.
bool emit(Job& j, const uint8_t* data, size_t len) {
  return scatter(j.dst, data, len, j.probe, &j.st);
}

// The output buffer a job writes into: the target itself when that is one
// segment and no probe needs to see the writes first, else a scratch buffer.
uint8_t* output_buffer(Job& j, size_t front) {
  if ((!j.probe || j.probe->accepts_all()) && j.dst.segs.size() == 1 && front == 0)
    return at<uint8_t>(j.dst.segs[0].addr);
  t_scratch.target.resize(front + j.dst.total);
  return t_scratch.target.data() + front;
}

// Junk for the bits of a compression job's last byte above out_tebc, which
// the contract leaves undefined (§4); never all zero, so that software that
// forgets to mask them is caught every time.
uint8_t junk_above_tebc(uint64_t seed, unsigned tebc) {
  const auto high = static_cast<uint8_t>(0xffu << tebc);
  const auto junk = static_cast<uint8_t>(mix64(seed ^ 0x7ebc) & high);
  return junk ? junk : 0x80;
}

// Stores junk in target bytes [from, from + n) (clipped to the target),
// skipping any piece the probe would not let the engine write quietly.
void scribble(const Job& j, size_t from, size_t n) {
  // A target list may describe more than the DDE's byte count offers.
  if (from >= j.dst.total) return;
  n = std::min(n, j.dst.total - from);
  uint64_t state = j.seed;
  size_t base = 0;
  for (const Segment& s : j.dst.segs) {
    const size_t lo = std::max(from, base), hi = std::min(from + n, base + s.len);
    if (lo < hi) {
      const uint64_t addr = s.addr + (lo - base);
      if (!j.probe || j.probe->writable_quietly(addr, hi - lo)) {
        uint8_t* p = at<uint8_t>(addr);
        for (size_t i = 0; i < hi - lo; ++i) {
          if (i % 8 == 0) state = mix64(state);
          p[i] = static_cast<uint8_t>(state >> (8 * (i % 8)));
        }
      }
    }
    base += s.len;
    if (base >= from + n) break;
  }
}

bool write_cpb_outputs(Job& j, size_t first, size_t len) {
  return probe_range(j.probe, reinterpret_cast<uintptr_t>(j.cpb->raw + first), len, true, &j.st);
}

Completion run_wrap(Job& j) {
  size_t n = j.src.total;
  Completion c;
  const uint32_t limit = byte_count_limit(j.fc, j.cfg);
  if (limit && n > limit) {
    n = limit;
    c.cc = nx::kCcPartial;
    c.ce = nx::kCePartial;
  }
  if (n > j.dst.total) return terminate(nx::kCcTargetSpace);
  const uint8_t* data = gather(j.src, n, j.probe, &t_scratch.source, &j.st);
  if (!data || !emit(j, data, n)) return {};
  if (!write_cpb_outputs(j, nx::kCpbOutAdler, 8) ||
      !write_cpb_outputs(j, nx::kCpbOutSpbcCompress, 4))
    return {};
  nx::store_be32(j.cpb->raw + nx::kCpbOutAdler, adler32(1, data, n));
  nx::store_le32(j.cpb->raw + nx::kCpbOutCrc, crc32(0, data, n));
  nx::store_be32(j.cpb->raw + nx::kCpbOutSpbcCompress, static_cast<uint32_t>(n));
  c.tpbc = static_cast<uint32_t>(n);
  return c;
}

Completion run_compress(Job& j) {
  const bool resume = nx::fc_compress_resume(j.fc);
  const size_t hist = resume ? size_t{j.cpb->in_histlen()} * 16 : 0;
  size_t total = j.src.total;
  // §4: history must leave something to compress.
  if (total <= hist) return terminate(nx::kCcPartial);
  Completion c;
  const uint32_t limit = byte_count_limit(j.fc, j.cfg);
  if (limit && total > limit) {
    // §6: history counts against the limit. Interpretation (the contract
    // does not say what a limit at or below the history does): the job
    // still compresses one byte past the history rather than none, so that
    // every suspended job makes progress and software never loops on it.
    total = limit > hist ? limit : hist + 1;
    if (total < j.src.total) {
      c.cc = nx::kCcPartial;
      c.ce = nx::kCePartial;
    }
  }
  const uint8_t* data = gather(j.src, total, j.probe, &t_scratch.source, &j.st);
  if (!data) return {};

  DeflateInput in;
  in.data = data;
  in.hist_len = hist;
  in.len = total - hist;
  in.dht = nx::fc_compress_dht(j.fc);
  in.in_dht = j.cpb->in_dht();
  in.in_dhtlen = j.cpb->in_dhtlen();
  in.counts = nx::fc_compress_counts(j.fc);
  in.effort = j.cfg.effort;
  in.out = output_buffer(j, 0);
  in.out_capacity = j.dst.total;
  const DeflateResult r = deflate_job(in);
  if (r.cc != nx::kCcSuccess) return terminate(r.cc);
  if (r.tebc) in.out[r.out_bytes - 1] |= junk_above_tebc(j.seed, r.tebc);
  if (!emit(j, in.out, r.out_bytes)) return {};

  const uint8_t* payload = data + hist;
  const uint32_t adler = adler32(resume ? j.cpb->in_adler() : 1, payload, in.len);
  const uint32_t crc = crc32(resume ? j.cpb->in_crc() : 0, payload, in.len);
  const size_t spbc_at = nx::Cpb::spbc_offset(j.fc);
  if (!write_cpb_outputs(j, nx::kCpbOutAdler, 12) || !write_cpb_outputs(j, spbc_at, 4)) return {};
  if (in.counts && !write_cpb_outputs(j, nx::kCpbOutLzCount, 4 * nx::kLzCountSymbols)) return {};
  nx::store_be32(j.cpb->raw + nx::kCpbOutAdler, adler);
  nx::store_le32(j.cpb->raw + nx::kCpbOutCrc, crc);
  nx::store_be32(j.cpb->raw + nx::kCpbOutWord392, uint32_t{r.tebc} << 16);
  nx::store_be32(j.cpb->raw + spbc_at, static_cast<uint32_t>(total));
  if (in.counts) {
    for (size_t i = 0; i < nx::kLzCountSymbols; ++i) {
      const uint32_t v = r.lzcount[i] < nx::kLzCountMax ? r.lzcount[i] : nx::kLzCountMax;
      nx::store_be32(j.cpb->raw + nx::kCpbOutLzCount + 4 * i, v);
    }
  }
  c.tpbc = static_cast<uint32_t>(r.out_bytes);
  // §4: expansion is judged against everything read, history included, and
  // only for a job that completed (a suspended one reports cc 3).
  if (c.cc == nx::kCcSuccess && r.out_bytes > total) c.cc = nx::kCcExpansion;
  return c;
}

Completion run_decompress(Job& j) {
  const bool resume = nx::fc_decompress_resume(j.fc);
  const size_t hist = resume ? size_t{j.cpb->in_histlen()} * 16 : 0;
  if (resume && j.src.total <= hist) return terminate(nx::kCcPartial);
  // The decoder sees the history directly in front of its output: in
  // place when the history's last window ends where a one-segment target
  // begins (a driver that keeps both in one buffer, as zlib's window), else
  // copied in front of a scratch output. Source pages are probed in order,
  // history first.
  const size_t window = hist < nx::kHistoryWindow ? hist : nx::kHistoryWindow;
  const bool quiet = !j.probe || j.probe->accepts_all();
  const uint8_t* hist_at = window ? contiguous(j.src, hist - window, window) : nullptr;
  InflateInput in;
  if (quiet && hist_at && j.dst.segs.size() == 1 &&
      hist_at + window == at<uint8_t>(j.dst.segs[0].addr)) {
    in.out = at<uint8_t>(j.dst.segs[0].addr);
  } else {
    if (!probe_source(j.src, 0, hist - window, j.probe, &j.st)) return {};
    in.out = output_buffer(j, window);
    if (window && !copy_range(j.src, hist - window, window, in.out - window, j.probe, &j.st))
      return {};
  }
  const uint8_t* data = gather(j.src, hist, j.src.total - hist, j.probe, &t_scratch.source, &j.st);
  if (!data) return {};
  in.src = data;
  in.src_len = j.src.total - hist;
  in.hist_len = window;
  in.out_capacity = j.dst.total;
  in.tpbc_limit = byte_count_limit(j.fc, j.cfg);
  in.single_block = nx::fc_decompress_single(j.fc);
  in.resume = resume;
  if (resume) {
    in.in_subc = j.cpb->in_subc();
    in.in_sfbt = j.cpb->in_sfbt();
    in.in_rembytecnt = j.cpb->in_rembytecnt();
    in.in_dhtlen = j.cpb->in_dhtlen();
    in.in_dht = j.cpb->in_dht();
  }
  const InflateResult r = inflate_job(in);
  if (r.termination) return terminate(r.cc);
  if (!emit(j, in.out, r.tpbc)) return {};

  if (!write_cpb_outputs(j, nx::kCpbOutAdler, nx::kCpbOutSpbcDecompress + 4 - nx::kCpbOutAdler))
    return {};
  const uint32_t adler = adler32(resume ? j.cpb->in_adler() : 1, in.out, r.tpbc);
  const uint32_t crc = crc32(resume ? j.cpb->in_crc() : 0, in.out, r.tpbc);
  uint8_t* cpb = j.cpb->raw;
  nx::store_be32(cpb + nx::kCpbOutAdler, adler);
  nx::store_le32(cpb + nx::kCpbOutCrc, crc);
  nx::store_be32(cpb + nx::kCpbOutWord392, r.subc & 0xffff);
  uint32_t low = 0;
  if ((r.sfbt & 0xe) == nx::kSfbtStored) low = r.rembytecnt & 0xffff;
  if ((r.sfbt & 0xe) == nx::kSfbtDynamic) {
    low = r.dhtlen & 0xfff;
    std::memcpy(cpb + nx::kCpbOutDht, r.dht, nx::kCpbDhtBytes);
  }
  nx::store_be32(cpb + nx::kCpbOutWord396, (r.sfbt & 0xf) << 16 | low);
  nx::store_be32(cpb + nx::kCpbOutSpbcDecompress, static_cast<uint32_t>(r.spbc + hist));
  Completion c;
  c.cc = r.cc;
  c.ce = r.partial ? nx::kCePartial : 0;
  c.tpbc = static_cast<uint32_t>(r.tpbc);
  return c;
}

// §2: the 128-byte CRB itself, before any memory is read.
uint8_t check_crb(const nx::Crb& crb) {
  if (crb.ccw() & ~uint32_t{nx::kFcMask}) return nx::kCcCrbInvalid;
  if (nx::load_be32(crb.raw + nx::kCrbReserved4) != 0) return nx::kCcCrbInvalid;
  const uint64_t flags = crb.csb_word() & nx::kCsbAddrFlagsMask;
  if (flags & nx::kCsbFlagReserved) return nx::kCcCrbInvalid;
  if ((flags & nx::kCsbFlagC) && (crb.raw[nx::kCrbCcbMethodByte] & 7) != nx::kCcbMethodInterrupt)
    return nx::kCcCrbInvalid;
  if (!nx::fc_is_valid(crb.function_code())) return nx::kCcFunction;
  return nx::kCcSuccess;
}

}  // namespace

void csb_image(uint8_t out[nx::kCsbSize], uint8_t cc, uint8_t ce, uint32_t tpbc, uint64_t addr) {
  out[0] = 0;  // flags: V comes last, every other bit is 0
  out[1] = 0;  // cs
  out[2] = cc;
  out[3] = ce;
  nx::store_be32(out + 4, tpbc);
  nx::store_be64(out + 8, addr);
}

void write_csb(uint64_t csb_addr, uint8_t cc, uint8_t ce, uint32_t tpbc, uint64_t addr) {
  uint8_t image[nx::kCsbSize];
  csb_image(image, cc, ce, tpbc, addr);
  uint8_t* csb = at<uint8_t>(csb_addr);
  std::memcpy(csb + 1, image + 1, nx::kCsbSize - 1);
  // The valid byte is written last, after everything else is visible.
  reinterpret_cast<std::atomic<uint8_t>*>(csb)->store(nx::kCsbValid, std::memory_order_release);
}

Outcome execute_crb(const nx::Crb& crb_in, const EngineConfig& cfg, MemoryProbe* probe) {
  const nx::Crb crb = crb_in;  // by value, as paste takes it
  const uint64_t csb_addr = crb.csb_address();
  Outcome fault;
  fault.faulted = true;
  if (csb_addr == 0) return fault;  // no CSB to report through: a fault at 0

  const uint64_t seed =
      mix64(csb_addr ^ mix64(g_job_counter.fetch_add(1, std::memory_order_relaxed)));
  Job j{crb.function_code(), cfg, probe, at<nx::Cpb>(csb_addr + nx::kCsbSize), {}, {}, {}, seed};
  Completion c;
  bool ran = false;  // a coding function ran, so its target may hold junk
  if (const uint8_t cc = check_crb(crb); cc != nx::kCcSuccess) {
    c = terminate(cc);
  } else {
    // Inputs the function reads from the CPB (§2; DHT and resume codes may
    // read all 19 input quadwords whatever in_dhtlen says).
    const bool reads_cpb = (nx::fc_is_compress(j.fc) && (j.fc & 0x0a)) ||
                           (nx::fc_is_decompress(j.fc) && nx::fc_decompress_resume(j.fc));
    DdeStatus s = parse_dde(crb.source(), true, cfg.dde_limit, probe, &j.src);
    if (!s.faulted && s.cc == nx::kCcSuccess)
      s = parse_dde(crb.target(), false, cfg.dde_limit, probe, &j.dst);
    if (s.faulted) {
      j.st = s;
    } else if (s.cc != 0) {
      c = terminate(s.cc, s.addr);
    } else if (reads_cpb && !probe_range(probe, reinterpret_cast<uintptr_t>(j.cpb->raw),
                                         nx::kCpbInDht + nx::kCpbDhtBytes, false, &j.st)) {
    } else if (nx::fc_is_wrap(j.fc)) {
      // Wrap leaves the rest of its target alone: a plain copy has no
      // reason to store more, and no driver reads past it (see engine.h).
      c = run_wrap(j);
    } else if (nx::fc_is_compress(j.fc)) {
      c = run_compress(j);
      ran = true;
    } else {
      c = run_decompress(j);
      ran = true;
    }
  }
  if (ran && !faulted(j)) {
    // Only [0, tpbc) is meaningful (see engine.h); after a termination
    // nothing is, and the target may be partly written (§4, §5).
    if (c.ce & nx::kCeTermination)
      scribble(j, 0, kJunkBytes);
    else
      scribble(j, c.tpbc, kJunkBytes);
  }
  if (!faulted(j)) {
    DdeStatus st;
    if (!probe_range(probe, csb_addr, nx::kCsbSize, true, &st)) j.st = st;
  }
  trim_scratch();
  if (faulted(j)) {
    fault.fault_addr = j.st.fault_addr;
    fault.fault_write = j.st.fault_write;
    return fault;
  }
  write_csb(csb_addr, c.cc, static_cast<uint8_t>(c.ce | nx::kCeTpbcValid), c.tpbc, c.addr);
  return {};
}

}  // namespace nxz::emu
