#include "emulated/vas_fault_fifo.h"

#include <cstring>

namespace nxz::emu {

FaultFifo::FaultFifo(uint32_t entries)
    : size_(entries),
      slots_(new nx::Crb[entries]),
      meta_(new FifoMeta[entries]),
      credits_(entries) {
  for (uint32_t i = 0; i < size_; ++i) {
    std::memset(slots_[i].raw, 0, nx::kCrbSize);
    invalidate(&slots_[i]);
  }
}

bool FaultFifo::is_invalid(const nx::Crb& e) {
  return nx::load_be32(e.raw + nx::kStampPswid) == nx::kFifoInvalidPswid &&
         (e.ccw() & nx::kFifoInvalidCcwBit);
}

void FaultFifo::invalidate(nx::Crb* e) {
  nx::store_be32(e->raw + nx::kStampPswid, nx::kFifoInvalidPswid);
  nx::store_be32(e->raw + nx::kCrbCcw, e->ccw() | nx::kFifoInvalidCcwBit);
}

void FaultFifo::write_locked(const nx::Crb& entry, const FifoMeta& meta, uint32_t* slot,
                             uint32_t* depth) {
  --credits_;
  *slot = write_;
  // A credit guarantees the slot was read: slots are consumed in order.
  slots_[write_] = entry;
  meta_[write_] = meta;
  write_ = (write_ + 1) % size_;
  *depth = ++unread_;
}

void FaultFifo::paste(const nx::Crb& entry, const FifoMeta& meta, bool* waited, uint32_t* slot,
                      uint32_t* depth) {
  std::unique_lock lk(mu_);
  *waited = credits_ == 0;
  credit_cv_.wait(lk, [&] { return credits_ > 0; });
  write_locked(entry, meta, slot, depth);
}

bool FaultFifo::try_paste(const nx::Crb& entry, const FifoMeta& meta, uint32_t* slot,
                          uint32_t* depth) {
  std::lock_guard lk(mu_);
  if (credits_ == 0) return false;
  write_locked(entry, meta, slot, depth);
  return true;
}

bool FaultFifo::read_next(nx::Crb* entry, FifoMeta* meta, uint32_t* slot) {
  std::lock_guard lk(mu_);
  nx::Crb& s = slots_[read_];
  if (is_invalid(s)) return false;
  *entry = s;
  *meta = meta_[read_];
  *slot = read_;
  invalidate(&s);
  read_ = (read_ + 1) % size_;
  --unread_;
  return true;
}

void FaultFifo::return_credit() {
  {
    std::lock_guard lk(mu_);
    ++credits_;
  }
  credit_cv_.notify_one();
}

uint32_t FaultFifo::credits() const {
  std::lock_guard lk(mu_);
  return credits_;
}

uint32_t FaultFifo::depth() const {
  std::lock_guard lk(mu_);
  return unread_;
}

uint32_t FaultFifo::write_index() const {
  std::lock_guard lk(mu_);
  return write_;
}

nx::Crb FaultFifo::peek(uint32_t back) const {
  std::lock_guard lk(mu_);
  return slots_[(write_ + size_ - 1 - back % size_) % size_];
}

}  // namespace nxz::emu
