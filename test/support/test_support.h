// Helpers shared by the test binaries: corpus access, system-zlib reference
// codecs, and a synchronous way to run one CRB on the emulated engine.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

#include "nx/nx.h"
#include "nxz/accel.h"

namespace nxz::test {

using Bytes = std::vector<uint8_t>;

// The corpus directory (NXZ_CORPUS_DIR), and its files sorted by name.
std::string corpus_dir();
std::vector<std::string> corpus_files();
Bytes read_file(const std::string& path);
// A named corpus file's contents; the test is skipped by the caller if empty.
Bytes corpus(const std::string& name);

// Deterministic pseudo-random bytes with a given compressibility mix.
Bytes random_bytes(size_t n, uint32_t seed);
Bytes text_like(size_t n, uint32_t seed);

// System zlib reference. window_bits < 0 = raw, 8..15 = zlib, 16+ = gzip.
Bytes zlib_compress(const Bytes& in, int level, int window_bits = -15, int mem_level = 8,
                    int strategy = Z_DEFAULT_STRATEGY);
// Raw inflate of `in`; returns false (and sets *err) on any zlib error, an
// incomplete stream, or bytes left over after the stream's end.
bool zlib_inflate_raw(const uint8_t* in, size_t n, Bytes* out, std::string* err = nullptr,
                      const Bytes& dictionary = {});

// One request block (CRB, CSB, CPB) plus room for DDE lists.
struct Request {
  nx::RequestBlock* rb;
  nx::Dde* src_list;  // 256 entries, 16-aligned
  nx::Dde* dst_list;  // 256 entries
  Request();
  ~Request();
  Request(const Request&) = delete;
  Request& operator=(const Request&) = delete;
  nx::Crb& crb() { return rb->crb; }
  nx::Csb& csb() { return rb->csb; }
  nx::Cpb& cpb() { return rb->cpb; }
  // Clears CRB, CSB and CPB outputs and points the CRB at the CSB.
  void reset(uint8_t fc);
};

// Pastes the request's CRB on `w` and waits for the CSB's valid bit.
// Returns false on a timeout (10 s).
bool run(nxz_window* w, Request& r);

// Opens an emulated window (asserting success) and closes it at scope exit.
struct EmuWindow {
  nxz_window* w = nullptr;
  explicit EmuWindow(const nxz_emu_config* cfg = nullptr);
  ~EmuWindow();
  operator nxz_window*() const { return w; }
};

}  // namespace nxz::test
