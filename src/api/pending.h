// Output a stream has produced but not yet handed over: the caller's
// avail_out may be smaller than a request's output, and what is produced
// must not depend on it.
#pragma once

#include <cstring>

#include "api/zlib_api.h"

namespace nxz::api {

class Pending {
 public:
  size_t size() const { return len_ - pos_; }
  bool empty() const { return pos_ == len_; }
  // Room for n more bytes at tail(); false when zalloc fails.
  bool reserve(z_streamp strm, size_t n);
  uint8_t* tail() { return buf_ + len_; }
  void commit(size_t n) { len_ += n; }
  bool append(z_streamp strm, const void* p, size_t n);
  const uint8_t* data() const { return buf_ + pos_; }
  // Copies what fits into next_out, counting total_out.
  void drain(z_streamp strm);
  void clear() { pos_ = len_ = 0; }
  void release(z_streamp strm);
  // Moves what is pending to a new buffer and gives up the old one without
  // freeing it: an abandoned accelerator request may still write there.
  bool abandon(z_streamp strm);
  // The last n bytes produced (n <= len of the current contents).
  const uint8_t* last(size_t n) const { return buf_ + len_ - n; }
  size_t produced() const { return len_; }
  // A deep copy into `to` (another stream's allocator).
  bool copy_to(z_streamp to_strm, Pending* to) const;

 private:
  uint8_t* buf_ = nullptr;
  size_t cap_ = 0, pos_ = 0, len_ = 0;
};

}  // namespace nxz::api
