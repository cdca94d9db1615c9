// nxz-bench's command line.
#pragma once

#include <string>
#include <vector>

#include "measure.h"
#include "nxz/accel.h"

namespace nxz::bench {

struct Options {
  TimingOptions timing;
  bool progress = true;
  std::vector<int> levels{1, 6, 9};
  std::vector<size_t> stream_buffers{4096, 65536};  // --stream; empty: no streaming rows
  size_t chunk = 256 * 1024;
  std::vector<std::string> codecs{"nxz", "zlib", "libdeflate", "isal"};
  nxz_backend backend = NXZ_BACKEND_EMULATED;
  int threads = 1;
  bool checksums = true;
  bool per_file = false;
  bool csv = false;
  bool json = false;      // JSON on stdout instead of the table
  std::string json_file;  // JSON written here as well as the table
  std::string plot_file;
  bool strict = false;
  bool test_mismatch = false;
  std::vector<std::string> paths;

  bool wants(const char* codec) const;
};

// Exits with status 2 and a message on a bad command line, 0 after --help.
Options parse_options(int argc, char** argv);

}  // namespace nxz::bench
