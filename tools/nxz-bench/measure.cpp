#include "measure.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <thread>

namespace nxz::bench {
namespace {

using Clock = std::chrono::steady_clock;

std::string where(size_t index, const Chunk& c) {
  return "chunk " + std::to_string(index) + " (" + *c.input + " bytes " + std::to_string(c.offset) +
         ".." + std::to_string(c.offset + c.size) + ")";
}

// The first failure among the threads, if any.
Status first_failure(const std::vector<Status>& all) {
  for (const Status& st : all)
    if (!st.ok) return st;
  return {};
}

}  // namespace

double Samples::median() const {
  if (mbps.empty()) return 0;
  std::vector<double> s = mbps;
  std::sort(s.begin(), s.end());
  const size_t h = s.size() / 2;
  return s.size() % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

double Samples::min() const {
  return mbps.empty() ? 0 : *std::min_element(mbps.begin(), mbps.end());
}

double Samples::max() const {
  return mbps.empty() ? 0 : *std::max_element(mbps.begin(), mbps.end());
}

double Samples::spread_pct() const {
  const double med = median();
  return med > 0 ? (max() - min()) / med * 100 : 0;
}

Trial::Trial(Measurement* m, std::vector<Codec*> encoders, std::vector<Codec*> decoders,
             bool time_compress, const std::vector<Chunk>& chunks)
    : m_(m),
      enc_(std::move(encoders)),
      dec_(std::move(decoders)),
      time_compress_(time_compress),
      chunks_(chunks) {
  m_->threads = static_cast<int>(dec_.size());
  // Largest chunks first, each to the thread with the fewest bytes so far:
  // the threads finish together, so the wall clock measures all of them.
  std::vector<size_t> order(chunks.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return chunks[a].size > chunks[b].size; });
  shares_.resize(dec_.size());
  std::vector<uint64_t> load(dec_.size(), 0);
  for (size_t i : order) {
    const size_t t = static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    shares_[t].chunks.push_back(i);
    shares_[t].largest = std::max(shares_[t].largest, chunks[i].size);
    load[t] += chunks[i].size;
  }
  for (auto& s : shares_) std::sort(s.chunks.begin(), s.chunks.end());
  // Each chunk's stream gets its own slot, so that all stay available for
  // the decompression passes and threads never share one.
  slot_.assign(chunks.size() + 1, 0);
  comp_len_.assign(chunks.size(), 0);
  for (size_t i = 0; i < chunks.size(); ++i) {
    slot_[i + 1] = slot_[i] + enc_[0]->bound(chunks[i].size);
    m_->in_bytes += chunks[i].size;
  }
  comp_.resize(slot_.back());
  plain_.resize(dec_.size());
  last_chunk_.assign(dec_.size(), SIZE_MAX);
  for (size_t t = 0; t < dec_.size(); ++t)
    plain_[t].resize(std::max<size_t>(shares_[t].largest, 1));
}

template <typename Fn>
double Trial::on_threads(Fn fn) {
  const auto t0 = Clock::now();
  if (dec_.size() == 1) {
    fn(size_t{0});
  } else {
    std::vector<std::thread> pool;
    for (size_t t = 0; t < dec_.size(); ++t) pool.emplace_back(fn, t);
    for (auto& th : pool) th.join();
  }
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

Status Trial::compress_share(size_t t) {
  Codec& enc = *enc_[t];
  for (size_t i : shares_[t].chunks) {
    const Chunk& c = chunks_[i];
    Status st = enc.compress(c.data, c.size, comp_.data() + slot_[i], slot_[i + 1] - slot_[i],
                             &comp_len_[i]);
    if (!st.ok) {
      st.error += st.engine ? "" : " at " + where(i, c);
      return st;
    }
  }
  return {};
}

Status Trial::decompress_share(size_t t, int loops) {
  Codec& dec = *dec_[t];
  for (int n = 0; n < loops; ++n) {
    for (size_t i : shares_[t].chunks) {
      Status st =
          dec.decompress(comp_.data() + slot_[i], comp_len_[i], plain_[t].data(), chunks_[i].size);
      if (!st.ok) return st;
      last_chunk_[t] = i;
    }
  }
  return {};
}

// An engine error is the row's (reported, the run goes on); any other
// failure ends the run.
bool Trial::handle(const Status& st, bool compress, const char* when, std::string* fatal) {
  if (st.ok) return true;
  if (!st.engine) {
    *fatal = label() + ": " + (compress ? "compression" : "decompression") + " failed" + when +
             ": " + st.error;
    return false;
  }
  (compress ? m_->compress_error : m_->decompress_error) = st.error;
  if (compress) compress_loops_ = 0;
  decompress_loops_ = 0;
  return true;
}

bool Trial::prepare(const TimingOptions& opt, std::string* fatal) {
  const size_t threads = dec_.size();
  const bool shared_encoder = !time_compress_;  // streams made once, by one encoder
  std::vector<Status> st(threads);
  // Verification first: a figure for a wrong result is worthless. A row
  // that times compression makes its streams on every thread, as the timed
  // passes will.
  const double comp_s = on_threads([&](size_t t) {
    if (shared_encoder && t == 0) {
      for (size_t s = 0; s < threads && st[0].ok; ++s) st[0] = compress_share(s);
      return;
    }
    if (!shared_encoder) st[t] = compress_share(t);
  });
  if (!handle(first_failure(st), true, "", fatal)) return false;
  if (!m_->compress_error.empty()) return true;
  if (corrupt_ && !comp_len_.empty() && comp_len_[0] > 0)
    comp_[slot_[0] + comp_len_[0] / 2] ^= 0x10;

  m_->out_bytes = 0;
  for (size_t i = 0; i < chunks_.size(); ++i) {
    m_->out_bytes += comp_len_[i];
    const Status z =
        zlib_verify(comp_.data() + slot_[i], comp_len_[i], chunks_[i].data, chunks_[i].size);
    if (!z.ok) {
      *fatal = label() + ": its stream for " + where(i, chunks_[i]) +
               " does not inflate to the input with the system zlib: " + z.error;
      return false;
    }
  }
  // Each thread decodes and checks its own share with its own decoder.
  std::vector<std::string> wrong(threads);
  on_threads([&](size_t t) {
    for (size_t i : shares_[t].chunks) {
      std::memset(plain_[t].data(), 0, chunks_[i].size);
      st[t] = dec_[t]->decompress(comp_.data() + slot_[i], comp_len_[i], plain_[t].data(),
                                  chunks_[i].size);
      if (!st[t].ok) {
        st[t].error += st[t].engine ? "" : " at " + where(i, chunks_[i]);
        return;
      }
      if (std::memcmp(plain_[t].data(), chunks_[i].data, chunks_[i].size) != 0) {
        wrong[t] = where(i, chunks_[i]);
        return;
      }
    }
  });
  for (const auto& w : wrong)
    if (!w.empty()) {
      *fatal = label() + ": decompression of " + w + " reported success but differs from the input";
      return false;
    }
  const bool decode_ok = first_failure(st).ok;
  if (!handle(first_failure(st), false, "", fatal)) return false;

  // Each timed pass repeats the whole set often enough to last its share
  // of min_time: short passes would measure the clock and the scheduler.
  const double per_pass = opt.min_time / std::max(opt.repeat, 1);
  auto loops_for = [&](double seconds) {
    if (seconds <= 0) return per_pass > 0 ? 1000 : 1;  // below the clock's resolution
    return static_cast<int>(std::clamp(std::ceil(per_pass / seconds), 1.0, 1e6));
  };
  if (time_compress_) compress_loops_ = loops_for(comp_s);
  if (decode_ok) {
    // The untimed warm-up pass, which also sizes the timed ones.
    const double s = on_threads([&](size_t t) { st[t] = decompress_share(t, 1); });
    if (!handle(first_failure(st), false, " while warming up", fatal)) return false;
    if (first_failure(st).ok) decompress_loops_ = loops_for(s);
  }
  return true;
}

bool Trial::pass(bool compress, std::string* fatal) {
  const size_t threads = dec_.size();
  std::vector<Status> st(threads);
  const int loops = compress ? compress_loops_ : decompress_loops_;
  if (loops == 0) return true;
  const double s = on_threads([&](size_t t) {
    if (!compress) {
      st[t] = decompress_share(t, loops);
      return;
    }
    for (int n = 0; n < loops && st[t].ok; ++n) st[t] = compress_share(t);
  });
  if (!handle(first_failure(st), compress, " while timing", fatal)) return false;
  if (!first_failure(st).ok) return true;  // an engine error, now in the row
  if (compress) {
    // The decompression passes read what this pass wrote.
    uint64_t bytes = 0;
    for (size_t len : comp_len_) bytes += len;
    if (bytes != m_->out_bytes) {
      *fatal = label() + ": output changed between runs (" + std::to_string(m_->out_bytes) +
               " then " + std::to_string(bytes) + " bytes)";
      return false;
    }
  } else {
    for (size_t t = 0; t < threads; ++t) {
      const size_t i = last_chunk_[t];
      if (i != SIZE_MAX && std::memcmp(plain_[t].data(), chunks_[i].data, chunks_[i].size) != 0) {
        *fatal = label() + ": a timed decompression of " + where(i, chunks_[i]) +
                 " differs from the input";
        return false;
      }
    }
  }
  (compress ? m_->compress : m_->decompress)
      .mbps.push_back(s > 0 ? double(m_->in_bytes) * loops / s / 1e6 : 0);
  return true;
}

bool run_interleaved(std::vector<Trial>& trials, const TimingOptions& opt, Progress* progress,
                     std::string* fatal) {
  progress->begin("verifying", static_cast<int>(trials.size()));
  for (auto& t : trials) {
    const Measurement& m = t.result();
    progress->step(m.codec + " " + m.level + " " + m.mode);
    if (!t.prepare(opt, fatal)) return false;
  }
  progress->begin("timing", opt.repeat * static_cast<int>(trials.size()));
  for (int round = 1; round <= opt.repeat; ++round) {
    for (auto& t : trials) {
      const Measurement& m = t.result();
      progress->step("round " + std::to_string(round) + ", " + m.codec + " " + m.level + " " +
                     m.mode);
      for (bool compress : {true, false})
        if (t.timed(compress) && !t.pass(compress, fatal)) return false;
    }
  }
  progress->clear();
  return true;
}

}  // namespace nxz::bench
