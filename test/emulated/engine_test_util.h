// Small job runners for the engine tests: one compression or decompression
// CRB through the public accelerator interface, and the contract §5 resume
// loop written out the way software must drive it.
#pragma once

#include <gtest/gtest.h>

#include <cstring>

#include "support/test_support.h"

namespace nxz::test {

struct JobOut {
  uint8_t cc = 0, ce = 0;
  uint32_t tpbc = 0;
  Bytes out;
};

// One direct-DDE job with `fc`; `target` bytes of space.
inline JobOut run_job(nxz_window* w, Request& r, uint8_t fc, const uint8_t* src, size_t n,
                      size_t target, uint32_t histlen_qw = 0) {
  r.reset(fc);
  r.cpb().set_in_histlen_subc(histlen_qw, 0);
  JobOut j;
  j.out.assign(target + 64, 0xa5);  // guard bytes after the target
  r.crb().source().set_direct(src, static_cast<uint32_t>(n));
  r.crb().target().set_direct(j.out.data(), static_cast<uint32_t>(target));
  EXPECT_TRUE(run(w, r));
  j.cc = r.csb().cc();
  j.ce = r.csb().ce();
  j.tpbc = r.csb().tpbc();
  for (size_t i = target; i < j.out.size(); ++i) EXPECT_EQ(j.out[i], 0xa5) << "write past target";
  j.out.resize(target);
  if (!(j.ce & nx::kCeTermination)) j.out.resize(j.tpbc);
  return j;
}

// Decompresses the raw DEFLATE stream `z` by feeding it in pieces of the
// given sizes (cycled), resuming per contract §5: the CPB output quadwords
// 24..42 become input quadwords 0..18, the history is the last 32 KiB of
// output, and the next source starts at spbc - histlen*16 - ceil(subc/8).
// Returns the final completion code; `out` receives everything decoded.
inline int resume_decode(nxz_window* w, Request& r, const Bytes& z, const std::vector<size_t>& feed,
                         Bytes* out, size_t target_space = 1 << 20, int max_jobs = 1000000) {
  out->clear();
  size_t pos = 0, k = 0, grow = 0;
  bool first = true;
  Bytes src;
  for (int jobs = 0; jobs < max_jobs; ++jobs) {
    size_t take = feed[k++ % feed.size()] + grow;
    if (take > z.size() - pos) take = z.size() - pos;
    // History: the last 32 KiB of output, rounded up to whole quadwords by
    // extending it at the front with any readable bytes (§5).
    const size_t hist = first ? 0 : std::min<size_t>(out->size(), nx::kHistoryWindow);
    const uint32_t hist_qw = static_cast<uint32_t>((hist + 15) / 16);
    const size_t from_out = std::min<size_t>(size_t{hist_qw} * 16, out->size());
    src.assign(size_t{hist_qw} * 16 - from_out, 0);
    src.insert(src.end(), out->end() - static_cast<ptrdiff_t>(from_out), out->end());
    src.insert(src.end(), z.begin() + static_cast<ptrdiff_t>(pos),
               z.begin() + static_cast<ptrdiff_t>(pos + take));
    if (take == 0) return -3;  // the stream ended without its final block

    const uint8_t fc = first ? nx::kFcDecompress : nx::kFcDecompressResume;
    if (!first) {
      // §5: the output quadwords were laid out to be copied back as inputs.
      std::memmove(r.cpb().raw, r.cpb().raw + nx::kCpbResumeCopyFrom, nx::kCpbResumeCopyBytes);
      r.cpb().set_in_histlen_subc(hist_qw, r.cpb().in_subc());
    }
    // reset() clears only the CRB, CSB and CPB outputs.
    r.reset(fc);
    Bytes dst(target_space);
    r.crb().source().set_direct(src.data(), static_cast<uint32_t>(src.size()));
    r.crb().target().set_direct(dst.data(), static_cast<uint32_t>(dst.size()));
    if (!run(w, r)) return -2;
    const uint8_t cc = r.csb().cc();
    if (r.csb().ce() & nx::kCeTermination) return cc;
    out->insert(out->end(), dst.begin(), dst.begin() + r.csb().tpbc());
    const uint32_t spbc = r.cpb().out_spbc_decompress();
    const uint32_t subc = r.cpb().out_subc();
    const uint64_t next = nx::next_source_offset(spbc, first ? 0 : hist_qw, subc);
    EXPECT_LE(next, take);
    pos += next;
    // A job that made no progress needs a longer piece next time (§5).
    const bool stuck = next == 0 && r.csb().tpbc() == 0;
    if (stuck && pos + take == z.size()) return -3;  // truncated stream
    grow = stuck ? take : 0;
    first = false;
    if (cc == nx::kCcSuccess) return 0;
    if (r.cpb().out_sfbt() == nx::kSfbtFinalDone) return 0;  // trailer follows the stream
  }
  return -4;
}

}  // namespace nxz::test
