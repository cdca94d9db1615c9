#include "emulated/lz77_matcher.h"

#include <cstring>

namespace nxz::emu {

Lz77Matcher::Lz77Matcher()
    : head_(new uint32_t[kHashSize]()),
      prev_(new uint32_t[kWindowSize]()),
      fast_head_(new uint32_t[kFastHashSize]()) {}

Lz77Matcher& Lz77Matcher::for_this_thread() {
  // On the heap: 256 KiB of static TLS would not fit a preloaded library.
  thread_local std::unique_ptr<Lz77Matcher> matcher(new Lz77Matcher());
  return *matcher;
}

void Lz77Matcher::set_stamp_limit_for_testing(uint32_t limit) {
  for_this_thread().limit_for_next_job_ =
      limit == 0 ? kDefaultLimit : std::max(limit, 4 * kWindowSize);
}

void Lz77Matcher::clear() {
  std::memset(head_.get(), 0, kHashSize * sizeof(uint32_t));
  std::memset(prev_.get(), 0, kWindowSize * sizeof(uint32_t));
  std::memset(fast_head_.get(), 0, kFastHashSize * sizeof(uint32_t));
  next_free_ = kFirstStamp;
}

void Lz77Matcher::begin(const uint8_t* data, size_t first) {
  if (limit_ != limit_for_next_job_) {
    limit_ = limit_for_next_job_;
    clear();
  }
  if (next_free_ >= limit_) clear();
  data_ = data;
  origin_ = first - next_free_;
}

void Lz77Matcher::rebase(size_t pos) {
  // Shift every stamp down so that `pos` gets a stamp just above
  // kFirstStamp; entries that would go below zero were out of the window
  // anyway. A multiple of the window keeps each position's prev slot.
  const uint32_t delta = (view().stamp(pos) - kFirstStamp) & ~(kWindowSize - 1);
  auto shift = [delta](uint32_t* t, size_t n) {
    for (size_t i = 0; i < n; ++i) t[i] = t[i] > delta ? t[i] - delta : 0;
  };
  shift(head_.get(), kHashSize);
  shift(prev_.get(), kWindowSize);
  shift(fast_head_.get(), kFastHashSize);
  origin_ += delta;
}

}  // namespace nxz::emu
