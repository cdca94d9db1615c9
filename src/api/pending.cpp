#include "api/pending.h"

#include <algorithm>

#include "engine/job.h"

namespace nxz::api {

bool Pending::reserve(z_streamp strm, size_t n) {
  if (pos_ == len_) pos_ = len_ = 0;
  if (cap_ - len_ >= n) return true;
  if (pos_ > 0 && cap_ - (len_ - pos_) >= n) {  // room after moving the rest down
    std::memmove(buf_, buf_ + pos_, len_ - pos_);
    len_ -= pos_;
    pos_ = 0;
    return true;
  }
  const size_t want = std::max(len_ - pos_ + n, cap_ * 2);
  auto* p = static_cast<uint8_t*>(stream_alloc(strm, want));
  if (!p) return false;
  if (len_ > pos_) std::memcpy(p, buf_ + pos_, len_ - pos_);
  stream_free(strm, buf_);
  buf_ = p;
  cap_ = want;
  len_ -= pos_;
  pos_ = 0;
  return true;
}

bool Pending::append(z_streamp strm, const void* p, size_t n) {
  if (!reserve(strm, n)) return false;
  if (n) std::memcpy(buf_ + len_, p, n);
  len_ += n;
  return true;
}

void Pending::drain(z_streamp strm) {
  const size_t k = std::min<size_t>(size(), strm->avail_out);
  if (!k) return;
  std::memcpy(strm->next_out, buf_ + pos_, k);
  strm->next_out += k;
  strm->avail_out -= static_cast<uInt>(k);
  strm->total_out += k;
  pos_ += k;
  if (pos_ == len_) pos_ = len_ = 0;
}

void Pending::release(z_streamp strm) {
  stream_free(strm, buf_);
  buf_ = nullptr;
  cap_ = pos_ = len_ = 0;
}

bool Pending::abandon(z_streamp strm) {
  auto* p = static_cast<uint8_t*>(stream_alloc(strm, cap_ ? cap_ : 1));
  if (!p) return false;
  if (len_ > pos_) std::memcpy(p, buf_ + pos_, len_ - pos_);
  // The request may still write it, and only this stream's zfree could free
  // it later: kept for good, its pages given back now.
  engine::keep_forever(buf_, cap_);
  buf_ = p;
  len_ -= pos_;
  pos_ = 0;
  return true;
}

bool Pending::copy_to(z_streamp to_strm, Pending* to) const {
  *to = Pending{};
  if (!cap_) return true;
  to->buf_ = static_cast<uint8_t*>(stream_alloc(to_strm, cap_));
  if (!to->buf_) return false;
  std::memcpy(to->buf_, buf_, len_);
  to->cap_ = cap_;
  to->pos_ = pos_;
  to->len_ = len_;
  return true;
}

}  // namespace nxz::api
