#include "measure.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <limits>

namespace nxz::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Runs `pass` until both the pass count and the total time reach their
// minimums and returns the fastest pass: on a shared machine the fastest
// run is the one least disturbed by others. A failing pass stops at once.
template <typename Pass>
double fastest_pass(const TimingOptions& opt, Pass pass, Status* st) {
  double best = std::numeric_limits<double>::infinity();
  double total = 0;
  for (int n = 0; n < opt.repeat || total < opt.min_time; ++n) {
    const auto t0 = Clock::now();
    *st = pass();
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (!st->ok) return 0;
    best = std::min(best, s);
    total += s;
  }
  return best;
}

std::string where(size_t index, const Chunk& c) {
  return "chunk " + std::to_string(index) + " (" + *c.input + " bytes " + std::to_string(c.offset) +
         ".." + std::to_string(c.offset + c.size) + ")";
}

}  // namespace

bool measure(Codec& codec, const std::vector<Chunk>& chunks, const TimingOptions& opt,
             Measurement* m, std::string* fatal) {
  return measure_pair(codec, codec, true, chunks, opt, m, fatal);
}

bool measure_pair(Codec& encoder, Codec& decoder, bool time_compress,
                  const std::vector<Chunk>& chunks, const TimingOptions& opt, Measurement* m,
                  std::string* fatal) {
  m->codec = decoder.name();
  m->level = &encoder == &decoder ? encoder.level() : encoder.name() + "-" + encoder.level();
  const std::string label = m->codec + " " + m->level;

  // Each chunk's stream gets its own slot so that all stay available for the
  // decompression passes.
  std::vector<size_t> slot(chunks.size() + 1, 0), comp_len(chunks.size(), 0);
  size_t largest = 0;
  for (size_t i = 0; i < chunks.size(); ++i) {
    slot[i + 1] = slot[i] + encoder.bound(chunks[i].size);
    largest = std::max(largest, chunks[i].size);
    m->in_bytes += chunks[i].size;
  }
  std::vector<uint8_t> comp(slot.back()), plain(largest ? largest : 1);

  auto compress_all = [&]() -> Status {
    for (size_t i = 0; i < chunks.size(); ++i) {
      Status st = encoder.compress(chunks[i].data, chunks[i].size, comp.data() + slot[i],
                                   slot[i + 1] - slot[i], &comp_len[i]);
      if (!st.ok) {
        st.error += st.engine ? "" : " at " + where(i, chunks[i]);
        return st;
      }
    }
    return {};
  };
  auto decompress_all = [&]() -> Status {
    for (size_t i = 0; i < chunks.size(); ++i) {
      Status st =
          decoder.decompress(comp.data() + slot[i], comp_len[i], plain.data(), chunks[i].size);
      if (!st.ok) return st;
    }
    return {};
  };

  // Verification first: a figure for a wrong result is worthless.
  if (opt.progress) std::fprintf(stderr, "nxz-bench: %-14s verifying\n", label.c_str());
  Status st = compress_all();
  if (!st.ok) {
    if (!st.engine) {
      *fatal = label + ": compression failed: " + st.error;
      return false;
    }
    m->compress_error = st.error;
    return true;
  }
  bool decompress_ok = true;
  for (size_t i = 0; i < chunks.size(); ++i) {
    m->out_bytes += comp_len[i];
    const uint8_t* stream = comp.data() + slot[i];
    st = zlib_verify(stream, comp_len[i], chunks[i].data, chunks[i].size);
    if (!st.ok) {
      *fatal = label + ": its stream for " + where(i, chunks[i]) +
               " does not inflate to the input with the system zlib: " + st.error;
      return false;
    }
    if (!decompress_ok) continue;
    std::memset(plain.data(), 0, chunks[i].size);
    st = decoder.decompress(stream, comp_len[i], plain.data(), chunks[i].size);
    if (!st.ok && st.engine) {
      m->decompress_error = st.error;
      decompress_ok = false;
      continue;
    }
    if (!st.ok) {
      *fatal = label + ": decompression of " + where(i, chunks[i]) + " failed: " + st.error;
      return false;
    }
    if (std::memcmp(plain.data(), chunks[i].data, chunks[i].size) != 0) {
      *fatal = label + ": decompression of " + where(i, chunks[i]) +
               " reported success but differs from the input";
      return false;
    }
  }

  if (time_compress) {
    if (opt.progress) std::fprintf(stderr, "nxz-bench: %-14s compressing\n", label.c_str());
    m->compress_seconds = fastest_pass(opt, compress_all, &st);
    if (!st.ok) {
      if (!st.engine) {
        *fatal = label + ": compression failed while timing: " + st.error;
        return false;
      }
      m->compress_error = st.error;
      return true;
    }
  }
  uint64_t timed_bytes = 0;
  for (size_t len : comp_len) timed_bytes += len;
  if (timed_bytes != m->out_bytes) {
    // The decompression passes read what the last timed pass wrote.
    *fatal = label + ": output changed between runs (" + std::to_string(m->out_bytes) + " then " +
             std::to_string(timed_bytes) + " bytes)";
    return false;
  }
  if (decompress_ok) {
    if (opt.progress) std::fprintf(stderr, "nxz-bench: %-14s decompressing\n", label.c_str());
    m->decompress_seconds = fastest_pass(opt, decompress_all, &st);
    if (!st.ok) {
      if (!st.engine) {
        *fatal = label + ": decompression failed while timing: " + st.error;
        return false;
      }
      m->decompress_error = st.error;
    }
  }
  return true;
}

}  // namespace nxz::bench
