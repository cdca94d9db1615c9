#include "options.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace nxz::bench {
namespace {

constexpr int kExitUsage = 2;

const char kUsage[] = R"(usage: nxz-bench [options] [FILE|DIR ...]

Measures DEFLATE compression ratio and compress/decompress throughput of nxz
next to the system zlib, libdeflate and ISA-L, on the same data in the same
run. Every input is cut into independent chunks, each compressed as one raw
DEFLATE stream. nxz rows (the emulated engine unless --backend says
otherwise):
  engine  "fht": one fixed-Huffman accelerator job per chunk (nxz_accel)
  driver  "fht+drv", "dht": the library's request driver (fixed codes, or
          dynamic tables built from symbol counts)
  api     libnxz.so through the zlib API, one deflate()/inflate() call per
          chunk (compress2/uncompress-like), at each level
  stream  the zlib API fed --stream SIZE bytes of input and output at a time
  decode  nxz decompressing zlib -6's dynamic-Huffman streams
Every stream is checked by decompressing it with the same codec and with the
system zlib, and every checksum against zlib's; any mismatch stops the run
with exit status 1, never a number.

Rows are timed interleaved: one pass of every row, then again, --repeat
times; the median pass is reported with its spread ((max - min) / median).

With no FILE or DIR, the corpus ($NXZ_CORPUS_DIR, else the build's
../shared/corpus) is used, or, without one, files every Debian system has.

options:
  --repeat N        timed passes per row and direction (default 5)
  --min-time S      seconds per row and direction over all its passes
                    (default 0.5); a pass repeats the data to last S/N
  --levels LIST     software codec levels, e.g. 1,6,9 (default 1,6,9);
  --level LIST      the same. zlib -6 is always measured: every row is also
                    shown relative to it. Levels 10-12 are libdeflate's
                    only; ISA-L has levels 0-3: it takes the list's levels
                    up to 3, and its level 3 for any above
  --stream LIST     buffer sizes of the streaming rows, e.g. 4K or 4K,64K
                    (default 4K,64K; 0 = no streaming rows)
  --chunk SIZE      chunk size, e.g. 65536, 256K, 1M; 0 = whole files
                    (default 256K)
  --codecs LIST     any of nxz,zlib,libdeflate,isal (default all built in)
  --backend B       nxz backend: emulated, nx or auto (default emulated)
  --threads N       also measure every row on N threads, each compressing
                    and decompressing its own share of the chunks: aggregate
                    MB/s and the scaling over 1 thread (default 1: not done)
  --checksums       crc32/adler32 throughput rows at 4K, 64K, 1M (default)
  --no-checksums    leave them out
  --per-file        a table per input file, then the total
  --csv             machine-readable rows instead of the tables
  --json            JSON on stdout instead of the tables (schema in
  --json=FILE       tools/nxz-bench/README.md); with =FILE, written there too
  --plot FILE.svg   an SVG chart: compression speed against ratio, every row
  --strict          exit with status 3 when the engine reported an error
  --quiet           no progress line on stderr (shown only on a terminal)
  --test-mismatch   corrupt one stream on purpose (for testing the tool:
                    the run must stop with status 1)
  --help            this text

Throughput is uncompressed bytes per second (MB = 10^6 bytes) in both
directions; ratio is uncompressed / compressed size.
)";

[[noreturn]] void usage_error(const std::string& why) {
  std::fprintf(stderr, "nxz-bench: %s\n(try nxz-bench --help)\n", why.c_str());
  std::exit(kExitUsage);
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = s.find(',', start);
    const size_t end = comma == std::string::npos ? s.size() : comma;
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

long long parse_int(const std::string& s, const char* what) {
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno || end == s.c_str() || *end || v < 0)
    usage_error(std::string("bad ") + what + ": " + s);
  return v;
}

size_t parse_size(const std::string& s) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (errno || end == s.c_str() || s[0] == '-') usage_error("bad size: " + s);
  const std::string unit = end;
  unsigned long long mult = 1;
  if (unit == "K" || unit == "k" || unit == "KiB")
    mult = 1024;
  else if (unit == "M" || unit == "m" || unit == "MiB")
    mult = 1024 * 1024;
  else if (!unit.empty())
    usage_error("bad size unit: " + s);
  if (v * mult > 0xffffffffull) usage_error("size too large (at most 4 GiB - 1): " + s);
  return static_cast<size_t>(v * mult);
}

}  // namespace

bool Options::wants(const char* codec) const {
  for (const auto& c : codecs)
    if (c == codec) return true;
  return false;
}

Options parse_options(int argc, char** argv) {
  Options o;
  auto value = [&](int& i) -> std::string {
    if (i + 1 >= argc) usage_error(std::string(argv[i]) + " needs a value");
    return argv[++i];
  };
  bool only_paths = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (only_paths || a.empty() || a[0] != '-') {
      o.paths.push_back(a);
    } else if (a == "--") {
      only_paths = true;
    } else if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (a == "--repeat") {
      o.timing.repeat = static_cast<int>(parse_int(value(i), "repeat count"));
      if (o.timing.repeat < 1) usage_error("--repeat must be at least 1");
    } else if (a == "--min-time") {
      const std::string v = value(i);
      char* end = nullptr;
      o.timing.min_time = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end || o.timing.min_time < 0) usage_error("bad time: " + v);
    } else if (a == "--level" || a == "--levels") {
      o.levels.clear();
      for (const auto& l : split(value(i))) {
        const long long v = parse_int(l, "level");
        if (v > 12) usage_error("bad level: " + l);
        o.levels.push_back(static_cast<int>(v));
      }
      if (o.levels.empty()) usage_error(a + " needs at least one level");
    } else if (a == "--stream") {
      o.stream_buffers.clear();
      for (const auto& s : split(value(i)))
        if (s != "none")
          if (const size_t n = parse_size(s)) o.stream_buffers.push_back(n);
    } else if (a == "--chunk") {
      o.chunk = parse_size(value(i));
    } else if (a == "--codecs") {
      o.codecs = split(value(i));
      for (const auto& c : o.codecs)
        if (c != "nxz" && c != "zlib" && c != "libdeflate" && c != "isal")
          usage_error("unknown codec: " + c);
    } else if (a == "--backend") {
      const std::string b = value(i);
      if (b == "emulated")
        o.backend = NXZ_BACKEND_EMULATED;
      else if (b == "nx")
        o.backend = NXZ_BACKEND_NX;
      else if (b == "auto")
        o.backend = NXZ_BACKEND_AUTO;
      else
        usage_error("unknown backend: " + b);
    } else if (a == "--threads") {
      const long long n = parse_int(value(i), "thread count");
      if (n < 1 || n > 1024) usage_error("--threads takes 1 to 1024");
      o.threads = static_cast<int>(n);
    } else if (a == "--checksums") {
      o.checksums = true;
    } else if (a == "--no-checksums") {
      o.checksums = false;
    } else if (a == "--per-file") {
      o.per_file = true;
    } else if (a == "--csv") {
      o.csv = true;
    } else if (a == "--json") {
      o.json = true;
    } else if (a.rfind("--json=", 0) == 0) {
      o.json_file = a.substr(7);
      if (o.json_file.empty()) usage_error("--json= needs a file name");
    } else if (a == "--plot") {
      o.plot_file = value(i);
    } else if (a == "--strict") {
      o.strict = true;
    } else if (a == "--quiet" || a == "-q") {
      o.progress = false;
    } else if (a == "--test-mismatch") {
      o.test_mismatch = true;
    } else {
      usage_error("unknown option: " + a);
    }
  }
  if (o.csv && o.json) usage_error("--csv and --json both want stdout");
  return o;
}

}  // namespace nxz::bench
