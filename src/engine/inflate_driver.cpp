#include "engine/inflate_driver.h"

#include <algorithm>
#include <cstring>

#include "common/bit_writer.h"
#include "engine/stats.h"

namespace nxz::engine {
namespace {

constexpr size_t kPad = 16;  // zeros before the history: room to round it up
constexpr size_t kWindow = nx::kHistoryWindow;
// History kept before trimming back to 32 KiB, when output is appended to
// it (caller's space): the slack saves a 32 KiB move per request when
// requests produce little output.
constexpr size_t kWinMax = kWindow + 16 * 1024;
// The internal target when the caller's space is small: sized to what the
// request is expected to produce, at most this.
constexpr size_t kBufferSmall = 32 * 1024;
constexpr size_t kBufferMax = 256 * 1024;
// The buffer grows up to this when a request's output does not fit: more
// than any item can produce from the smallest input that completes it.
constexpr size_t kBufferLimit = 4u << 20;
// Caller space worth decoding into directly: below it a request's output
// is mostly spent on cc 13 retries, so it goes through the buffer.
constexpr size_t kDirectMin = 64 * 1024;
constexpr size_t kDirectSmallest = 4096;  // below this source, stop shrinking in place
// The most of the caller's space one request is given: more is never
// needed for a request's source, and a port may have to stage its target.
constexpr size_t kDirectMax = 8u << 20;
constexpr size_t kMaxRatio = 1032;  // DEFLATE cannot expand more than this
constexpr size_t kMinSource = 512;  // smallest first offer of input
// Input left over by a request that was offered all there was and stopped
// for lack of it is at most a dynamic header (2285 bits) and a few bytes.
constexpr size_t kStarvedMax = 320;

// A thread's spare window: a stream holds one only while it has data in it
// (servers keep many idle streams), and gives it back here for the next
// stream on the thread. Freeing and growing it anew for every stream made
// malloc trim and refault the heap: half the time of 4 KiB streaming over
// 256 KiB streams. One is kept, at most kSpareMax.
struct Spares {
  std::vector<uint8_t> win;
};
constexpr size_t kSlideAt = 2 * kWindow;
constexpr size_t kSpareMax = kPad + kSlideAt + kBufferMax;
Spares& spares() {
  thread_local Spares s;
  return s;
}

// Moves `v` into `spare` when it is larger and not oversized; `v` ends
// empty either way.
void give_back(std::vector<uint8_t>& v, std::vector<uint8_t>& spare, size_t largest) {
  if (v.size() > spare.size() && v.size() <= largest) spare.swap(v);
  std::vector<uint8_t>().swap(v);
}

// `v` (empty) takes the spare, when it has one.
void take_spare(std::vector<uint8_t>& v, std::vector<uint8_t>& spare) {
  if (v.empty() && !spare.empty()) v.swap(spare);
}

// Bit `pos` of an LSB-first bit string.
uint32_t bit_at(const uint8_t* p, size_t pos) { return (p[pos / 8] >> (pos % 8)) & 1; }

}  // namespace

Inflater::Inflater(nxz_window* w, const DriverConfig& cfg)
    : w_(w), cfg_(cfg), job_(std::make_unique<Job>(w, cfg)), max_request_(max_request_bytes(w)) {}

Inflater::~Inflater() { release_buffers(); }

void Inflater::release_buffers() {
  pend_at_ = pend_len_ = pend_pos_ = 0;
  // The pad of a window stays zero (nothing writes it), as its next
  // stream needs.
  give_back(win_, spares().win, kSpareMax);
  win_len_ = 0;
}

void Inflater::keep_only_history() {
  const size_t keep = std::min(win_len_, kWindow);
  if (win_.size() <= kPad + kWinMax) return;
  std::vector<uint8_t> small(kPad + keep);
  std::memcpy(small.data() + kPad, win_.data() + kPad + win_len_ - keep, keep);
  give_back(win_, spares().win, kSpareMax);
  win_.swap(small);
  win_len_ = keep;
  pend_at_ = pend_len_ = pend_pos_ = 0;
}

void Inflater::abandon_window() {
  // A request that timed out may still write the window after the
  // history: the window is held until it is over, and the history goes on
  // in a copy.
  std::vector<uint8_t> copy(win_.begin(), win_.begin() + static_cast<ptrdiff_t>(kPad + win_len_));
  hold(job_->abandoned(), std::move(win_));
  win_ = std::move(copy);
}

void Inflater::take_all_input(const uint8_t** in, size_t* in_len) {
  carry_.insert(carry_.end(), *in, *in + *in_len);
  *in += *in_len;
  *in_len = 0;
}

size_t Inflater::spare_bytes_for_testing() { return spares().win.size(); }

void Inflater::reset() {
  started_ = ended_ = block_end_ = stopped_ = false;
  crc_ = 0;
  adler_ = 1;
  // A finished stream keeps no buffers: servers hold many idle streams.
  std::vector<uint8_t>().swap(carry_);
  release_buffers();
  ratio_ = 4;
  msg_ = "";
}

void Inflater::set_history(const uint8_t* p, size_t n) {
  reset();
  remember(p, n);
  // The first request resumes at a block header with this history.
  nx::Cpb& cpb = job_->cpb();
  cpb.set_in_crc(0);
  cpb.set_in_adler(1);
  cpb.set_in_histlen_subc(0, 0);
  cpb.set_in_sfbt_rembytecnt(nx::kSfbtHeader, 0);
  started_ = true;
}

void Inflater::stop_after_block(const uint8_t** in, size_t* in_len) {
  if (pending()) return;  // the stop comes with the block's last output
  block_end_ = false;
  stopped_ = true;
  // zlib has read the byte that holds the block's last bits: so is it
  // taken here, and the next request starts from it.
  if (job_->cpb().in_subc() && carry_.empty() && *in_len) {
    carry_.push_back(**in);
    ++*in;
    --*in_len;
  }
}

int Inflater::stop_bits() const {
  if (!started_ || !(ended_ || at_block_boundary())) return 0;
  return static_cast<int>(job_->cpb().in_subc());
}

bool Inflater::in_final_block() const {
  return started_ && !ended_ && (job_->cpb().in_sfbt() & nx::kSfbtBfinal);
}

bool Inflater::at_block_boundary() const {
  if (ended_) return true;
  if (!started_) return true;  // a stream starts with a block header
  const uint32_t sfbt = job_->cpb().in_sfbt();
  return sfbt == nx::kSfbtHeader || sfbt == nx::kSfbtHeaderFinal;
}

size_t Inflater::history_len() const { return started_ ? std::min(win_len_, kWindow) : 0; }

void Inflater::remember(const uint8_t* p, size_t n) {
  if (n == 0) return;  // p may be null then (memcpy's arguments must not be)
  take_spare(win_, spares().win);
  if (win_.size() < kPad + std::min(win_len_ + n, kWinMax))
    win_.resize(kPad + std::min(std::max(win_len_ + n, 2 * win_len_), kWinMax));
  uint8_t* base = win_.data() + kPad;
  if (n >= kWindow) {
    std::memcpy(base, p + n - kWindow, kWindow);
    win_len_ = kWindow;
    return;
  }
  if (win_len_ + n > kWinMax) {
    const size_t keep = std::min(win_len_, kWindow - n);  // n < kWindow here
    std::memmove(base, base + win_len_ - keep, keep);
    win_len_ = keep;
  }
  std::memcpy(base + win_len_, p, n);
  win_len_ += n;
}

void Inflater::deliver(uint8_t** out, size_t* out_len) {
  const size_t k = std::min(pending(), *out_len);
  if (!k) return;
  std::memcpy(*out, win_.data() + pend_at_ + pend_pos_, k);
  pend_pos_ += k;
  *out += k;
  *out_len -= k;
}

uint8_t* Inflater::window_target(size_t cap) {
  take_spare(win_, spares().win);
  // History beyond kSlideAt moves back to its last 32 KiB: at most one
  // byte moved per byte of output, as appending to a separate history did.
  uint8_t* base = win_.empty() ? nullptr : win_.data() + kPad;
  if (win_len_ > kSlideAt) {
    std::memmove(base, base + win_len_ - kWindow, kWindow);
    win_len_ = kWindow;
  }
  const size_t need = kPad + win_len_ + cap;
  if (win_.size() < need)
    win_.resize(std::max(need, std::min(2 * win_.size(), kPad + kSlideAt + cap)));
  return win_.data() + kPad + win_len_;
}

Status Inflater::run(const uint8_t** in, size_t* in_len, uint8_t** out, size_t* out_len) {
  deliver(out, out_len);
  starved_ = stopped_ = false;
  if (!single_) block_end_ = false;
  if (block_end_) {  // a block ended in an earlier call: stop once its output is out
    stop_after_block(in, in_len);
    return Status::kOk;
  }
  while (*out_len > 0 && !ended_ && pending() == 0 && !starved_) {
    const size_t in_before = *in_len, out_before = *out_len, carry_before = carry_.size();
    const Status s = step(in, in_len, out, out_len);
    if (s != Status::kOk) return s;
    deliver(out, out_len);
    if (*in_len == in_before && *out_len == out_before && carry_.size() == carry_before &&
        pending() == 0)
      break;  // needs more input
    if (block_end_) {
      stop_after_block(in, in_len);
      break;
    }
  }
  if (ended_ && pending() == 0) {
    // A finished stream needs no room for targets; its history stays for
    // inflateGetDictionary, as zlib's window does.
    keep_only_history();
  }
  return Status::kOk;
}

// One request: plan its size, submit, judge the answer, commit or retry.
Status Inflater::step(const uint8_t** in, size_t* in_len, uint8_t** out, size_t* out_len) {
  const size_t avail = carry_.size() + *in_len;
  if (avail == 0) return Status::kOk;
  Plan p = plan(*in_len, *out_len);
  for (;;) {
    size_t hb = 0;
    const JobStatus js = submit(p, *in, *out, *out_len, &hb);
    Status fail = Status::kOk;
    switch (classify(js, &p, avail, hb, &fail)) {
      case Verdict::kRetry:
        count(counters().resubmits);
        continue;
      case Verdict::kFail:
        return fail;
      case Verdict::kNeedInput:
        // Everything offered is one incomplete item: keep it for later.
        take_all_input(in, in_len);
        return Status::kOk;
      case Verdict::kCommit: {
        if (p.check_pad && !pad_unused(p, *in, *out, *out_len)) {
          msg_ = "invalid distance too far back";
          return Status::kDataError;
        }
        commit(p, hb, in, in_len, out, out_len);
        // Offered everything and stopped inside an item for lack of input:
        // what is left has been seen to be too short, so it is kept for the
        // next input instead of being offered again alone (two such
        // fruitless requests per call were half the requests of 4 KiB
        // streaming). A byte-count limit stops with more left than this.
        const size_t left = carry_.size() + *in_len;
        if (p.source == avail && job_->cc() == nx::kCcPartial && !ended_ && !block_end_ &&
            left <= kStarvedMax) {
          take_all_input(in, in_len);
          starved_ = true;
        }
        return Status::kOk;
      }
    }
  }
}

// How much input to offer and where the output goes. The source is sized
// from the output/input ratio seen so far, so that the target rarely runs
// out (cc 13 wastes the whole request), and it leaves the request room for
// 32 KiB of history under the platform's limit.
Inflater::Plan Inflater::plan(size_t in_len, size_t out_len) const {
  const size_t avail = carry_.size() + in_len;
  Plan p{};
  p.direct = out_len >= kDirectMin;
  const size_t max_source = max_request_ - kWindow - kPad;
  // Through the buffer, a request makes a few times what the caller takes
  // per call: enough to amortise a request, little memory per stream.
  p.cap =
      p.direct ? std::min(out_len, kDirectMax) : std::clamp(4 * out_len, kBufferSmall, kBufferMax);
  p.source = std::min({avail, max_source, std::max(p.cap / ratio_, kMinSource)});
  return p;
}

JobStatus Inflater::submit(const Plan& p, const uint8_t* in, uint8_t* out, size_t out_len,
                           size_t* hb_out) {
  // §5: the history is all output so far up to 32 KiB, in whole quadwords.
  // A shorter one is trimmed at the front (a distance into the trimmed
  // bytes then fails with cc 67 for a careful look), or, when asked,
  // extended over the zero pad, as the contract allows.
  const size_t hist = history_len();
  size_t hb = hist & ~size_t{15};
  if (hb != hist && p.pad_front) hb += 16;
  *hb_out = hb;
  (void)out_len;  // the plan's cap is within it
  // The window's target first: it may move the history.
  uint8_t* target = p.direct ? out : window_target(p.cap);
  const size_t cap = p.cap;
  const size_t from_carry = std::min(p.source, carry_.size());
  const uint8_t* hist_at = win_.empty() ? nullptr : win_.data() + kPad + win_len_ - hb;
  const Piece src[3] = {{hist_at, hb}, {carry_.data(), from_carry}, {in, p.source - from_carry}};
  const Piece dst{target, cap};
  job_->set_source(src, 3);
  job_->set_target(&dst, 1);
  nx::Cpb& cpb = job_->cpb();
  if (started_) cpb.set_in_histlen_subc(static_cast<uint32_t>(hb / 16), cpb.in_subc());
  if (single_) return job_->run(started_ ? nx::kFcDecompressSingleResume : nx::kFcDecompressSingle);
  return job_->run(started_ ? nx::kFcDecompressResume : nx::kFcDecompress);
}

// After a request with its short history padded has succeeded: whether
// any of its output came from the pad, which would be a distance beyond
// the start of the stream (zlib's "invalid distance too far back"). The
// same request runs again with every pad byte changed: the output is the
// same exactly when no byte of it depended on the pad. This costs one more
// request, only when a distance reached into the first 15 bytes of a
// stream's output or beyond (the trimmed history's cc 67), so that valid
// streams stay on the accelerator and invalid ones still fail as in zlib.
bool Inflater::pad_unused(const Plan& p, const uint8_t* in, uint8_t* out, size_t out_len) {
  const size_t tpbc = job_->tpbc();
  const uint8_t* first_out = p.direct ? out : win_.data() + kPad + win_len_;
  const std::vector<uint8_t> first(first_out, first_out + tpbc);
  uint8_t cpb_out[nx::kCpbResumeCopyBytes];
  std::memcpy(cpb_out, job_->cpb().raw + nx::kCpbResumeCopyFrom, sizeof cpb_out);
  std::memset(win_.data(), 0xff, kPad);
  size_t hb = 0;
  const JobStatus js = submit(p, in, out, out_len, &hb);
  // (A false answer below only sends the request to software.)
  if (js == JobStatus::kTimeout && !p.direct) abandon_window();
  std::memset(win_.data(), 0, kPad);
  const uint8_t* again = p.direct ? out : win_.data() + kPad + win_len_;
  return js == JobStatus::kComplete && !job_->terminated() && job_->tpbc() == tpbc &&
         std::memcmp(job_->cpb().raw + nx::kCpbResumeCopyFrom, cpb_out, sizeof cpb_out) == 0 &&
         std::memcmp(again, first.data(), tpbc) == 0;
}

Inflater::Verdict Inflater::classify(JobStatus js, Plan* p, size_t avail, size_t hb, Status* fail) {
  if (js == JobStatus::kFaultLimit && p->source > 1) {
    p->source = std::max<size_t>(1, p->source / 2);  // §8.7: fewer pages per request
    return Verdict::kRetry;
  }
  if (js != JobStatus::kComplete) {
    msg_ =
        js == JobStatus::kTimeout ? "accelerator request timed out" : "accelerator request failed";
    if (js == JobStatus::kTimeout && !p->direct) abandon_window();
    *fail = Status::kError;
    return Verdict::kFail;
  }
  const uint8_t cc = job_->cc();
  if (cc == nx::kCcTargetSpace) {
    // §5: nothing of a full-target request is usable. Through the buffer,
    // give it more room first: offering less input instead could undercut
    // the smallest whole item and make no progress, and growing back would
    // meet the same full target again. The caller's space is what it is:
    // less input there, and the buffer once a small input still overflows.
    // The ratio seen was too low for this data.
    ratio_ = std::min(kMaxRatio, ratio_ * 2);
    if (!p->direct && p->cap < kBufferLimit) {
      p->cap = std::min(p->cap * 2, kBufferLimit);
    } else if (p->direct && p->source <= kDirectSmallest) {
      p->direct = false;
      p->cap = kBufferMax;
    } else if (p->source > 1) {
      p->source /= 2;
    } else {
      msg_ = "output does not fit the decompression buffer";
      *fail = Status::kError;
      return Verdict::kFail;
    }
    return Verdict::kRetry;
  }
  if (job_->terminated() || (cc != nx::kCcSuccess && cc != nx::kCcPartial)) {
    *fail = Status::kDataError;
    switch (cc) {
      case nx::kCcDataError:
        msg_ = "invalid code, block type or stored length";
        return Verdict::kFail;
      case nx::kCcDistance:
        if (hb < history_len()) {
          // It may have reached into the trimmed bytes: padded, it gets
          // them; with exact errors, a reach into the pad itself must then
          // still be found (pad_unused).
          p->pad_front = true;
          p->check_pad = exact_;
          return Verdict::kRetry;
        }
        msg_ = "invalid distance too far back";
        return Verdict::kFail;
      case nx::kCcDhtInvalid:
        msg_ = "invalid dynamic block header";
        return Verdict::kFail;
      default:
        count(counters().hw_errors);
        msg_ = "accelerator error";
        *fail = Status::kError;
        return Verdict::kFail;
    }
  }
  const nx::Cpb& cpb = job_->cpb();
  const bool final_done = cc == nx::kCcSuccess || cpb.out_sfbt() == nx::kSfbtFinalDone;
  // §5 "no progress", counted in bits: not one bit of the source was
  // used. (A request may use bits and no whole byte: an end-of-block code
  // inside the first byte, which single-block mode stops right after.)
  const size_t skipped = started_ ? (8 - cpb.in_subc()) % 8 : 0;
  const bool no_bits = (cpb.out_spbc_decompress() - hb) * 8 == cpb.out_subc() + skipped;
  if (no_bits && job_->tpbc() == 0 && !final_done) {
    // An item longer than what was offered.
    const size_t max_source = max_request_ - kWindow - kPad;
    const size_t grown = std::min({avail, max_source, p->source * 2 + kMinSource});
    if (grown > p->source) {
      p->source = grown;
      return Verdict::kRetry;
    }
    return Verdict::kNeedInput;
  }
  return Verdict::kCommit;
}

void Inflater::commit(const Plan& p, size_t hb, const uint8_t** in, size_t* in_len, uint8_t** out,
                      size_t* out_len) {
  nx::Cpb& cpb = job_->cpb();
  const size_t tpbc = job_->tpbc();
  const bool final_done = job_->cc() == nx::kCcSuccess || cpb.out_sfbt() == nx::kSfbtFinalDone;
  // Bytes of (carry, input) consumed: up to the first unprocessed bit, or
  // after the final block up to its last byte (what follows is not ours).
  const size_t unread = final_done ? cpb.out_subc() / 8 : (cpb.out_subc() + 7) / 8;
  const size_t used = cpb.out_spbc_decompress() - hb - unread;
  if (used <= carry_.size()) {
    carry_.erase(carry_.begin(), carry_.begin() + static_cast<ptrdiff_t>(used));
  } else {
    const size_t u = used - carry_.size();
    carry_.clear();
    *in += u;
    *in_len -= u;
  }
  if (p.direct) {
    remember(*out, tpbc);
    *out += tpbc;
    *out_len -= tpbc;
  } else {
    // Decoded in place after the history: it is history now, and is
    // delivered from there before the next request.
    pend_at_ = kPad + win_len_;
    pend_len_ = tpbc;
    pend_pos_ = 0;
    win_len_ += tpbc;
  }
  if (used && tpbc / used >= ratio_) ratio_ = std::min(kMaxRatio, tpbc / used + 1);
  // §5: the output quadwords are the next request's inputs.
  std::memmove(cpb.raw, cpb.raw + nx::kCpbResumeCopyFrom, nx::kCpbResumeCopyBytes);
  crc_ = cpb.in_crc();
  adler_ = cpb.in_adler();
  started_ = true;
  ended_ = final_done;
  block_end_ = single_ && !ended_ && at_block_boundary();
}

Inflater::Handoff Inflater::handoff(const uint8_t* caller_in, size_t caller_len) const {
  Handoff h{};
  const size_t hist = history_len();
  h.history = hist ? win_.data() + kPad + win_len_ - hist : nullptr;
  h.history_len = hist;
  h.input = carry_.data();
  h.input_len = carry_.size();
  if (!started_ || ended_) return h;
  // The next request's resume state (§5 table): rebuild the bits a raw
  // decoder needs to be where the engine is, i.e. the current block's
  // header when inside a block, then the unprocessed bits of the partly
  // used first byte.
  const nx::Cpb& cpb = job_->cpb();
  const uint32_t sfbt = cpb.in_sfbt();
  const uint32_t bfinal = sfbt & nx::kSfbtBfinal;
  // At most 3 header bits, the table (2283 bits) and 7 bits of a byte.
  uint8_t bits[nx::kCpbDhtBytes + 16] = {};
  BitWriter b(bits, sizeof bits);
  switch (sfbt & ~nx::kSfbtBfinal) {
    case nx::kSfbtStored: {
      const uint32_t rem = cpb.in_rembytecnt();
      b.put(bfinal, 1);
      b.put(0, 2);
      b.put(0, 5);  // to the byte boundary, as the stored header is
      b.put(rem, 16);
      b.put(~rem & 0xffff, 16);
      break;
    }
    case nx::kSfbtFixed:
      b.put(bfinal, 1);
      b.put(1, 2);
      break;
    case nx::kSfbtDynamic: {
      b.put(bfinal, 1);
      b.put(2, 2);
      const uint32_t n = cpb.in_dhtlen();
      for (uint32_t i = 0; i < n; ++i) b.put(bit_at(cpb.in_dht(), i), 1);
      break;
    }
    default:  // at a block header: the header bits are still in the input
      break;
  }
  const uint32_t k = cpb.in_subc();  // bits of the first byte still to process; 0 = all
  if (k) {
    const uint8_t first = !carry_.empty() ? carry_[0] : (caller_len ? caller_in[0] : 0);
    b.put(first >> (8 - k), k);
    if (!carry_.empty()) {
      ++h.input;
      --h.input_len;
    } else {
      h.skip_caller = 1;
    }
  }
  const size_t nbits = b.bit_count();
  b.finish();
  h.prime_bits = static_cast<int>(nbits % 8);
  for (int i = 0; i < h.prime_bits; ++i) h.prime_value |= bit_at(bits, i) << i;
  for (size_t pos = h.prime_bits; pos < nbits; pos += 8) {
    uint8_t byte = 0;
    for (int i = 0; i < 8; ++i) byte |= static_cast<uint8_t>(bit_at(bits, pos + i) << i);
    h.prefix.push_back(byte);
  }
  return h;
}

std::unique_ptr<Inflater> Inflater::clone() const {
  auto c = std::make_unique<Inflater>(w_, cfg_);
  c->started_ = started_;
  c->ended_ = ended_;
  c->exact_ = exact_;
  c->single_ = single_;
  c->block_end_ = block_end_;
  c->stopped_ = stopped_;
  c->crc_ = crc_;
  c->adler_ = adler_;
  c->win_.assign(win_.begin(),
                 win_.begin() + static_cast<ptrdiff_t>(win_.empty() ? 0 : kPad + win_len_));
  c->win_len_ = win_len_;
  c->carry_ = carry_;
  c->pend_at_ = pend_at_;
  c->pend_len_ = pend_len_;
  c->pend_pos_ = pend_pos_;
  c->ratio_ = ratio_;
  c->msg_ = msg_;
  std::memcpy(c->job_->cpb().raw, job_->cpb().raw, nx::kCpbResumeCopyBytes);
  return c;
}

}  // namespace nxz::engine
