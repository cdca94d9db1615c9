// nxzip's command line: gzip's options, plus the parallel and library ones.
#ifndef NXZIP_OPTIONS_H
#define NXZIP_OPTIONS_H

#include <cstddef>
#include <string>
#include <vector>

namespace nxzip {

enum class Mode { kCompress, kDecompress, kTest, kList };

struct Options {
  Mode mode = Mode::kCompress;
  bool to_stdout = false;  // -c
  bool keep = false;       // -k
  bool force = false;      // -f
  bool recursive = false;  // -r
  int verbosity = 1;       // -q: 0, -v: 2 (and more)
  // -N / -n: store (compress) or restore (decompress) the original name and
  // mtime. gzip's defaults: store when compressing, do not restore.
  bool name_set = false;
  bool name = true;
  std::string suffix = ".gz";  // -S
  int level = 6;               // -1 .. -9
  unsigned processes = 0;      // -p; 0 until parsed: the online cores
  size_t block = size_t{1} << 20;
  std::string backend;  // --backend, empty: the library's setting
  bool stats = false;   // --stats
  std::vector<std::string> files;

  // Whether the header's name and mtime are written (compress) or used (decompress).
  bool use_name() const { return name_set ? name : mode == Mode::kCompress; }
};

// Parses argv. Prints the usage error, help or version itself and exits
// (status 1 for a bad command line, 0 for --help / --version).
Options parse_options(int argc, char** argv);

}  // namespace nxzip

#endif  // NXZIP_OPTIONS_H
