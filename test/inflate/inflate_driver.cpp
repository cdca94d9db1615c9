#include "inflate/inflate_driver.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace nxz::test {

emu::InflateResult run_inflate_job(const uint8_t* src, size_t n, Bytes* output, size_t out_capacity,
                                   const ResumeState& state, size_t tpbc_limit, bool single_block) {
  // §5: the history is all output so far when less than 32 KiB, otherwise
  // the last 32 KiB; the engine places it right before the target.
  const size_t hist_len = std::min<size_t>(output->size(), 32768);
  Bytes buf(hist_len + out_capacity);
  std::copy(output->end() - static_cast<ptrdiff_t>(hist_len), output->end(), buf.begin());
  emu::InflateInput in;
  in.src = src;
  in.src_len = n;
  in.hist_len = hist_len;
  in.out = buf.data() + hist_len;
  in.out_capacity = out_capacity;
  in.tpbc_limit = tpbc_limit;
  in.single_block = single_block;
  in.resume = state.resume;
  in.in_subc = state.subc;
  in.in_sfbt = state.sfbt;
  in.in_rembytecnt = state.rembytecnt;
  in.in_dhtlen = state.dhtlen;
  in.in_dht = state.dht;
  emu::InflateResult r = emu::inflate_job(in);
  if (r.cc == 0 || r.cc == 3)
    output->insert(output->end(), in.out, in.out + std::min(r.tpbc, out_capacity));
  return r;
}

namespace {

std::string describe(size_t job, const emu::InflateResult& r, const std::string& what) {
  return "job " + std::to_string(job) + ": " + what + " (cc " + std::to_string(r.cc) + " sfbt " +
         std::to_string(r.sfbt) + " spbc " + std::to_string(r.spbc) + " subc " +
         std::to_string(r.subc) + " tpbc " + std::to_string(r.tpbc) + ")";
}

}  // namespace

DriveOutcome drive_inflate(const Bytes& stream, size_t expected_size, const DrivePlan& plan) {
  DriveOutcome d;
  ResumeState state;
  size_t off = 0;       // next job's first source byte in the stream
  size_t prev_end = 0;  // previous job's source end
  for (size_t job = 0;; ++job) {
    if (job > 4 * stream.size() + 1000) {
      d.error = "too many jobs";
      return d;
    }
    size_t end = plan.source_end ? plan.source_end(prev_end) : stream.size();
    end = std::min(end, stream.size());
    if (end <= off && off < stream.size()) end = off + 1;  // a job needs >= 1 source byte
    const size_t limit = plan.limit ? plan.limit(d.output.size()) : 0;
    const size_t n = end - off;
    const size_t remaining = expected_size - std::min(expected_size, d.output.size());
    const size_t capacity =
        plan.out_capacity ? plan.out_capacity : std::max<size_t>(std::min(remaining, n * 1032), 1);
    const emu::InflateResult r = run_inflate_job(stream.data() + off, n, &d.output, capacity, state,
                                                 limit, plan.single_block);
    d.jobs.push_back(r);
    if (r.cc != 0 && r.cc != 3) {
      d.error = describe(job, r, "unexpected completion code");
      return d;
    }
    if (r.termination || r.partial != (r.cc == 3)) {
      d.error = describe(job, r, "ce bits wrong");
      return d;
    }
    const size_t start_bit = state.resume ? (8 - state.subc % 8) % 8 : 0;
    if (r.spbc > n || r.subc > r.spbc * 8 || r.spbc * 8 - r.subc < start_bit) {
      d.error = describe(job, r, "position outside the job's source");
      return d;
    }
    const size_t stop = r.spbc * 8 - r.subc;  // within this job's source
    d.stop_bits.push_back(off * 8 + stop);

    if (r.sfbt == 0) {
      // The final block ended: everything read beyond it is padding.
      if (r.cc != 0 || r.subc > 7 || (stop + 7) / 8 + off != stream.size()) {
        d.error = describe(job, r, "final block did not end at the stream's end");
      }
      return d;
    }
    // §5 stopping rules: which one applies, and its spbc/subc.
    const bool exhausted = r.spbc == n;
    const bool by_limit = limit != 0 && r.tpbc >= limit && r.spbc == (stop + 7) / 8;
    const bool by_block =
        plan.single_block && r.sfbt == 0xE && r.spbc == std::min(n, (stop + 7) / 8 + 8);
    if (!exhausted && !by_limit && !by_block) {
      d.error = describe(job, r, "stopped for no reason the contract gives");
      return d;
    }
    if (by_limit && !exhausted) {
      const bool stored = (r.sfbt & 0xE) == 0x8;
      if (r.tpbc >= limit + (stored ? 1 : 258)) {
        d.error = describe(job, r, "went past the byte-count limit by more than one item");
        return d;
      }
    }
    if ((r.sfbt & 0xE) == 0x8 && r.subc != 0) {
      d.error = describe(job, r, "stored-block stop not on a byte boundary");
      return d;
    }
    if ((r.sfbt & 0xE) == 0xC && (r.dhtlen < 26 || r.dhtlen > 2283)) {
      d.error = describe(job, r, "dhtlen out of range");
      return d;
    }
    const bool no_progress = stop == start_bit;
    if (no_progress && end == stream.size()) {
      d.error = describe(job, r, "no progress with the whole stream given");
      return d;
    }
    // §5: the next source starts at byte spbc - ((subc + 7) >> 3), in_subc =
    // subc mod 8; the CPB output fields become the inputs.
    off += r.spbc - ((r.subc + 7) >> 3);
    state.resume = true;
    state.subc = r.subc % 8;
    state.sfbt = r.sfbt;
    state.rembytecnt = r.rembytecnt;
    state.dhtlen = r.dhtlen;
    std::memcpy(state.dht, r.dht, sizeof state.dht);
    prev_end = end;
  }
}

std::vector<size_t> zlib_block_ends(const Bytes& raw, std::vector<size_t>* out_offsets) {
  std::vector<size_t> ends;
  std::vector<size_t> offsets;
  z_stream s{};
  if (inflateInit2(&s, -15) != Z_OK) return ends;
  s.next_in = const_cast<Bytef*>(raw.data());
  s.avail_in = static_cast<uInt>(raw.size());
  Bytes buf(1 << 16);
  for (;;) {
    s.next_out = buf.data();
    s.avail_out = static_cast<uInt>(buf.size());
    const int rc = inflate(&s, Z_BLOCK);
    // data_type: unused bits in the last byte read, +128 right after an
    // end-of-block code.
    const size_t at = s.total_in * 8 - static_cast<size_t>(s.data_type & 7);
    if (rc == Z_STREAM_END) {
      // Z_BLOCK already stopped right after the final block's end; by now
      // zlib has also dropped the padding bits, so `at` is not the end.
      if (ends.empty()) {
        ends.push_back(at);
        offsets.push_back(s.total_out);
      }
      break;
    }
    if (rc != Z_OK) {
      ends.clear();
      offsets.clear();
      break;
    }
    if ((s.data_type & 128) && (ends.empty() || ends.back() != at)) {
      ends.push_back(at);
      offsets.push_back(s.total_out);
    }
  }
  inflateEnd(&s);
  if (out_offsets) *out_offsets = offsets;
  return ends;
}

}  // namespace nxz::test
