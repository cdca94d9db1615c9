#include "emulated/dde_list.h"

#include <cstring>

namespace nxz::emu {

bool probe_range(MemoryProbe* probe, uint64_t addr, size_t len, bool write, DdeStatus* st) {
  if (!probe || len == 0) return true;
  uint64_t fault = 0;
  if (probe->accessible(addr, len, write, &fault)) return true;
  st->faulted = true;
  st->fault_addr = fault;
  st->fault_write = write;
  return false;
}

DdeStatus parse_dde(const nx::Dde& dde, bool is_source, uint32_t dde_limit, MemoryProbe* probe,
                    SegmentList* out) {
  DdeStatus st;
  out->segs.clear();
  out->total = 0;
  // A zero count is a source error (cc 14) but a target one (cc 13) (§2).
  const uint8_t empty_cc = is_source ? nx::kCcSourceDde : nx::kCcTargetSpace;
  if (!dde.reserved_clear()) {
    st.cc = nx::kCcDdeReserved;
    return st;
  }
  const uint32_t count = dde.byte_count();
  if (dde.count() == 0) {
    if (count == 0) st.cc = empty_cc;
    out->segs.push_back({dde.address(), count});
    out->total = count;
    return st;
  }
  if (dde.count() > dde_limit) {
    st.cc = nx::kCcSourceDde;
    return st;
  }
  const uint64_t list = dde.address();
  if (list & 0xf) {
    st.cc = nx::kCcDdeAlignment;
    st.addr = list;
    return st;
  }
  if (count == 0) {
    st.cc = empty_cc;
    return st;
  }
  if (!probe_range(probe, list, size_t{dde.count()} * nx::kDdeSize, false, &st)) return st;
  const auto* entries = reinterpret_cast<const nx::Dde*>(static_cast<uintptr_t>(list));
  uint64_t sum = 0;
  for (unsigned i = 0; i < dde.count(); ++i) {
    const nx::Dde& e = entries[i];
    if (!e.reserved_clear()) {
      st.cc = nx::kCcDdeReserved;
      return st;
    }
    if (e.count() != 0) {
      st.cc = nx::kCcDdeNested;
      return st;
    }
    if (e.byte_count() == 0) continue;  // an empty piece describes nothing
    out->segs.push_back({e.address(), e.byte_count()});
    sum += e.byte_count();
  }
  if (is_source && count > sum) {
    st.cc = nx::kCcDdeSourceCount;
    return st;
  }
  // A source processes `count` bytes; a target offers at most the list's sum.
  out->total = static_cast<size_t>(count < sum ? count : sum);
  return st;
}

namespace {

// The pieces of bytes [from, from + len) of `src`, in order: calls
// f(addr, n) for each; stops at the first f that returns false.
template <class F>
bool for_each_piece(const SegmentList& src, size_t from, size_t len, F f) {
  size_t base = 0;
  for (const Segment& s : src.segs) {
    if (len == 0) break;
    if (from < base + s.len) {
      const size_t skip = from > base ? from - base : 0;
      const size_t n = s.len - skip < len ? s.len - skip : len;
      if (!f(s.addr + skip, n)) return false;
      from += n;
      len -= n;
    }
    base += s.len;
  }
  return true;
}

}  // namespace

const uint8_t* contiguous(const SegmentList& src, size_t from, size_t len) {
  uint64_t first = 0, next = 0;
  const bool one = for_each_piece(src, from, len, [&](uint64_t addr, size_t n) {
    if (next != 0 && addr != next) return false;
    if (next == 0) first = addr;
    next = addr + n;
    return true;
  });
  return one && next != 0 ? reinterpret_cast<const uint8_t*>(static_cast<uintptr_t>(first))
                          : nullptr;
}

bool probe_source(const SegmentList& src, size_t from, size_t len, MemoryProbe* probe,
                  DdeStatus* st) {
  return for_each_piece(src, from, len, [&](uint64_t addr, size_t n) {
    return probe_range(probe, addr, n, false, st);
  });
}

const uint8_t* gather(const SegmentList& src, size_t from, size_t len, MemoryProbe* probe,
                      std::vector<uint8_t>* scratch, DdeStatus* st) {
  // Pieces that follow each other in memory (the driver's history just
  // before its input) are read in place, as one; pages are probed in the
  // same order either way.
  if (const uint8_t* p = contiguous(src, from, len))
    return probe_source(src, from, len, probe, st) ? p : nullptr;
  if (scratch->size() < len) scratch->resize(len);
  return copy_range(src, from, len, scratch->data(), probe, st) ? scratch->data() : nullptr;
}

bool copy_range(const SegmentList& src, size_t from, size_t len, uint8_t* out, MemoryProbe* probe,
                DdeStatus* st) {
  size_t done = 0;
  return for_each_piece(src, from, len, [&](uint64_t addr, size_t n) {
    if (!probe_range(probe, addr, n, false, st)) return false;
    std::memcpy(out + done, reinterpret_cast<const void*>(static_cast<uintptr_t>(addr)), n);
    done += n;
    return true;
  });
}

bool scatter(const SegmentList& dst, const uint8_t* data, size_t len, MemoryProbe* probe,
             DdeStatus* st) {
  size_t done = 0;
  for (const Segment& s : dst.segs) {
    if (done == len) break;
    const size_t n = s.len < len - done ? s.len : len - done;
    if (!probe_range(probe, s.addr, n, true, st)) return false;
    auto* p = reinterpret_cast<uint8_t*>(static_cast<uintptr_t>(s.addr));
    if (p != data + done) std::memmove(p, data + done, n);
    done += n;
  }
  return true;
}

}  // namespace nxz::emu
