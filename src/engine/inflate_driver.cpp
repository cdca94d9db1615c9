#include "engine/inflate_driver.h"

#include <algorithm>
#include <cstring>

#include "engine/stats.h"

namespace nxz::engine {
namespace {

constexpr size_t kPad = 16;
constexpr size_t kWindow = nx::kHistoryWindow;
constexpr size_t kWinMax = 2 * kWindow;
constexpr size_t kBuffer = 256 * 1024;    // internal target for small caller buffers
constexpr size_t kDirectMin = 64 * 1024;  // caller space worth decoding into directly
constexpr size_t kMaxRatio = 1032;        // DEFLATE cannot expand more than this

}  // namespace

Inflater::Inflater(nxz_window* w, const DriverConfig& cfg)
    : job_(std::make_unique<Job>(w, cfg)),
      win_(kPad + kWinMax, 0),
      buf_(kBuffer),
      max_request_(max_request_bytes(w)) {}

void Inflater::reset() {
  started_ = ended_ = false;
  crc_ = 0;
  adler_ = 1;
  win_len_ = 0;
  carry_.clear();
  pend_.clear();
  pend_pos_ = 0;
  ratio_ = 4;
  msg_ = "";
}

void Inflater::remember(const uint8_t* p, size_t n) {
  uint8_t* base = win_.data() + kPad;
  if (n >= kWindow) {
    std::memcpy(base, p + n - kWindow, kWindow);
    win_len_ = kWindow;
    return;
  }
  if (win_len_ + n > kWinMax) {
    const size_t keep = std::min(win_len_, kWindow);
    std::memmove(base, base + win_len_ - keep, keep);
    win_len_ = keep;
  }
  std::memcpy(base + win_len_, p, n);
  win_len_ += n;
}

void Inflater::deliver(uint8_t** out, size_t* out_len) {
  const size_t k = std::min(pending(), *out_len);
  if (!k) return;
  std::memcpy(*out, pend_.data() + pend_pos_, k);
  pend_pos_ += k;
  *out += k;
  *out_len -= k;
}

Status Inflater::run(const uint8_t** in, size_t* in_len, uint8_t** out, size_t* out_len) {
  deliver(out, out_len);
  while (*out_len > 0 && !ended_ && pending() == 0) {
    const size_t in_before = *in_len, out_before = *out_len, carry_before = carry_.size();
    const Status s = step(in, in_len, out, out_len);
    if (s != Status::kOk) return s;
    deliver(out, out_len);
    if (*in_len == in_before && *out_len == out_before && carry_.size() == carry_before &&
        pending() == 0)
      break;  // needs more input
  }
  return Status::kOk;
}

Status Inflater::step(const uint8_t** in, size_t* in_len, uint8_t** out, size_t* out_len) {
  const size_t avail = carry_.size() + *in_len;
  if (avail == 0) return Status::kOk;
  bool direct = *out_len >= kDirectMin;
  // Room for the history in the request, and output for what it holds.
  const size_t max_source = max_request_ - kWindow - kPad;
  size_t s =
      std::min({avail, max_source, std::max<size_t>((direct ? *out_len : kBuffer) / ratio_, 512)});
  nx::Cpb& cpb = job_->cpb();
  for (;;) {
    uint8_t* target = direct ? *out : buf_.data();
    const size_t cap = direct ? *out_len : kBuffer;
    // §5: history is all output so far up to 32 KiB, rounded up to whole
    // quadwords by extending it at the front (the zero pad is readable).
    const size_t hist = started_ ? std::min(win_len_, kWindow) : 0;
    const uint32_t qw = static_cast<uint32_t>((hist + 15) / 16);
    const size_t hb = size_t{qw} * 16;
    const size_t from_carry = std::min(s, carry_.size());
    const Piece src[3] = {{win_.data() + kPad + win_len_ - hb, hb},
                          {carry_.data(), from_carry},
                          {*in, s - from_carry}};
    const Piece dst{target, cap};
    job_->set_source(src, 3);
    job_->set_target(&dst, 1);
    if (started_) cpb.set_in_histlen_subc(qw, cpb.in_subc());
    const JobStatus js = job_->run(started_ ? nx::kFcDecompressResume : nx::kFcDecompress);
    if (js == JobStatus::kFaultLimit && s > 1) {
      s = std::max<size_t>(1, s / 2);  // §8.7: repeated faults shrink the request
      count(counters().resubmits);
      continue;
    }
    if (js != JobStatus::kComplete) {
      msg_ = js == JobStatus::kTimeout ? "accelerator request timed out"
                                       : "accelerator request failed";
      return Status::kError;
    }
    const uint8_t cc = job_->cc();
    if (cc == nx::kCcTargetSpace) {
      // §5: nothing of a full-target request is usable; ask for less.
      count(counters().resubmits);
      if (direct && s <= 4096) {
        direct = false;  // the caller's space is too small even for that
      } else if (s > 1) {
        s /= 2;
      } else {
        msg_ = "output does not fit the decompression buffer";
        return Status::kError;
      }
      continue;
    }
    if (job_->terminated() || (cc != nx::kCcSuccess && cc != nx::kCcPartial)) {
      switch (cc) {
        case nx::kCcDataError:
          msg_ = "invalid code, block type or stored length";
          return Status::kDataError;
        case nx::kCcDistance:
          msg_ = "invalid distance too far back";
          return Status::kDataError;
        case nx::kCcDhtInvalid:
          msg_ = "invalid dynamic block header";
          return Status::kDataError;
        default:
          msg_ = "accelerator error";
          return Status::kError;
      }
    }
    const size_t spbc = cpb.out_spbc_decompress();
    const size_t subc = cpb.out_subc();
    const size_t tpbc = job_->tpbc();
    const bool final_done = cc == nx::kCcSuccess || cpb.out_sfbt() == nx::kSfbtFinalDone;
    // Bytes of (carry, input) consumed: up to the first unprocessed bit, or
    // after the final block up to its last byte (what follows is not ours).
    const size_t unread = final_done ? subc / 8 : (subc + 7) / 8;
    const size_t used = spbc - hb - unread;
    if (used == 0 && tpbc == 0 && !final_done) {
      const size_t grown = std::min({avail, max_source, s * 2 + 512});
      if (grown > s) {  // an item longer than this request: offer more
        s = grown;
        continue;
      }
      // Everything offered is one incomplete item: keep it for later.
      carry_.insert(carry_.end(), *in, *in + *in_len);
      *in += *in_len;
      *in_len = 0;
      return Status::kOk;
    }
    if (used <= carry_.size()) {
      carry_.erase(carry_.begin(), carry_.begin() + static_cast<ptrdiff_t>(used));
    } else {
      const size_t u = used - carry_.size();
      carry_.clear();
      *in += u;
      *in_len -= u;
    }
    remember(target, tpbc);
    if (direct) {
      *out += tpbc;
      *out_len -= tpbc;
    } else {
      pend_.assign(target, target + tpbc);
      pend_pos_ = 0;
    }
    if (used && tpbc / used >= ratio_) ratio_ = std::min(kMaxRatio, tpbc / used + 1);
    // §5: the output quadwords are the next request's inputs.
    std::memmove(cpb.raw, cpb.raw + nx::kCpbResumeCopyFrom, nx::kCpbResumeCopyBytes);
    crc_ = cpb.in_crc();
    adler_ = cpb.in_adler();
    started_ = true;
    ended_ = final_done;
    return Status::kOk;
  }
}

}  // namespace nxz::engine
