// Reading DDEs as the engine does (contract §2): a direct DDE or an indirect
// list of direct DDEs becomes a list of memory segments; gathering copies the
// source segments into one buffer and scattering writes an output buffer back
// across the target segments. Every access goes through the MemoryProbe first
// so that an inaccessible page becomes a translation fault at that page.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "emulated/engine.h"
#include "nx/nx.h"

namespace nxz::emu {

struct Segment {
  uint64_t addr;
  size_t len;
};

struct SegmentList {
  std::vector<Segment> segs;
  size_t total = 0;  // bytes described (source: the count to process)
};

// Result of DDE parsing: a completion code (0 = fine), an address for the
// codes that carry one, or a translation fault while reading a list.
struct DdeStatus {
  uint8_t cc = 0;
  uint64_t addr = 0;
  bool faulted = false;
  uint64_t fault_addr = 0;
  bool fault_write = false;
};

// Parses the CRB's source (is_source) or target DDE into `out`.
DdeStatus parse_dde(const nx::Dde& dde, bool is_source, uint32_t dde_limit, MemoryProbe* probe,
                    SegmentList* out);

// Probes `len` bytes at `addr`; on failure fills `st` with the fault.
bool probe_range(MemoryProbe* probe, uint64_t addr, size_t len, bool write, DdeStatus* st);

// Makes bytes [from, from + len) of `src` readable as one contiguous block:
// the memory itself when its pieces follow each other there, else a copy
// into `scratch`. Returns nullptr after a fault (recorded in `st`).
const uint8_t* gather(const SegmentList& src, size_t from, size_t len, MemoryProbe* probe,
                      std::vector<uint8_t>* scratch, DdeStatus* st);
inline const uint8_t* gather(const SegmentList& src, size_t len, MemoryProbe* probe,
                             std::vector<uint8_t>* scratch, DdeStatus* st) {
  return gather(src, 0, len, probe, scratch, st);
}

// Bytes [from, from + len) of `src` when they lie in one stretch of
// memory (nullptr otherwise, or for none). Probes nothing.
const uint8_t* contiguous(const SegmentList& src, size_t from, size_t len);

// Probes bytes [from, from + len) of `src` for reading. False after a fault.
bool probe_source(const SegmentList& src, size_t from, size_t len, MemoryProbe* probe,
                  DdeStatus* st);

// Copies bytes [from, from + len) of `src` to `out`. False after a fault.
bool copy_range(const SegmentList& src, size_t from, size_t len, uint8_t* out, MemoryProbe* probe,
                DdeStatus* st);

// Writes `len` bytes from `data` across the target segments (len must not
// exceed dst.total). Returns false after a fault (recorded in `st`).
bool scatter(const SegmentList& dst, const uint8_t* data, size_t len, MemoryProbe* probe,
             DdeStatus* st);

}  // namespace nxz::emu
