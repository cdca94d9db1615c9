// nxz-bench: compression ratio and throughput of nxz next to the system zlib
// and the fastest software DEFLATE codecs, with every stream verified.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "codecs.h"
#include "common/checksum_impl.h"
#include "inputs.h"
#include "measure.h"
#include "report.h"

namespace nxz::bench {
namespace {

constexpr int kExitMismatch = 1;
constexpr int kExitUsage = 2;
constexpr int kExitEngineError = 3;

const char kUsage[] = R"(usage: nxz-bench [options] [FILE|DIR ...]

Measures DEFLATE compression ratio and compress/decompress throughput of nxz
(the accelerator through nxz_accel; the emulated engine unless --backend says
otherwise) next to the system zlib, libdeflate and ISA-L, on the same data in
the same run. Every input is cut into independent chunks, each compressed as
one raw DEFLATE stream. nxz rows: "fht" is one fixed-Huffman accelerator job
per chunk; "fht+drv" and "dht" go through the library's request driver (fixed
codes, or dynamic tables built from symbol counts). Every stream is checked
by decompressing it with the same codec and with the system zlib; any
mismatch stops the run with exit status 1.

With no FILE or DIR, the corpus ($NXZ_CORPUS_DIR, else the build's
../shared/corpus) is used, or, without one, files every Debian system has.

options:
  --repeat N        at least N timed passes per measurement (default 3)
  --min-time S      and at least S seconds of them (default 0.5); the
                    fastest pass is reported
  --level LIST      software codec levels, e.g. 1,6 (default 1,6; ISA-L
                    takes 0-3). zlib -6 is always measured: every row is
                    also shown relative to it
  --chunk SIZE      chunk size, e.g. 65536, 256K, 1M; 0 = whole files
                    (default 256K)
  --codecs LIST     any of nxz,zlib,libdeflate,isal (default all built in)
  --backend B       nxz backend: emulated, nx or auto (default emulated)
  --per-file        a table per input file, then the total
  --csv             machine-readable output
  --strict          exit with status 3 when the engine reported an error
  --quiet           no progress lines on stderr
  --help            this text

Throughput is uncompressed bytes per second (MB = 10^6 bytes) in both
directions; ratio is uncompressed / compressed size.
)";

struct Options {
  TimingOptions timing;
  std::vector<int> levels{1, 6};
  size_t chunk = 256 * 1024;
  std::vector<std::string> codecs{"nxz", "zlib", "libdeflate", "isal"};
  nxz_backend backend = NXZ_BACKEND_EMULATED;
  bool per_file = false;
  bool csv = false;
  bool strict = false;
  std::vector<std::string> paths;
};

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
  if (v * mult > 0xffffffffull) usage_error("chunk too large (at most 4 GiB - 1): " + s);
  return static_cast<size_t>(v * mult);
}

Options parse(int argc, char** argv) {
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
    } else if (a == "--level") {
      o.levels.clear();
      for (const auto& l : split(value(i))) {
        const long long v = parse_int(l, "level");
        if (v > 12) usage_error("bad level: " + l);
        o.levels.push_back(static_cast<int>(v));
      }
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
    } else if (a == "--per-file") {
      o.per_file = true;
    } else if (a == "--csv") {
      o.csv = true;
    } else if (a == "--strict") {
      o.strict = true;
    } else if (a == "--quiet" || a == "-q") {
      o.timing.progress = false;
    } else {
      usage_error("unknown option: " + a);
    }
  }
  return o;
}

bool wants(const Options& o, const char* codec) {
  for (const auto& c : o.codecs)
    if (c == codec) return true;
  return false;
}

// One row to measure, or the reason it cannot be (then reported as a row).
// A normal row compresses and decompresses with one codec; a cross row
// times only `decoder` on the streams `encoder` made.
struct Entry {
  std::unique_ptr<Codec> owned;
  Codec* encoder = nullptr;
  Codec* decoder = nullptr;
  Measurement unavailable;
  bool is_baseline = false;
};

Entry own(std::unique_ptr<Codec> c, bool is_baseline = false) {
  Entry e;
  e.encoder = e.decoder = c.get();
  e.owned = std::move(c);
  e.is_baseline = is_baseline;
  return e;
}

std::vector<Entry> make_codecs(const Options& o) {
  std::vector<Entry> list;
  Codec* engine = nullptr;
  if (wants(o, "nxz")) {
    std::string err;
    Entry e = own(make_engine(o.backend, &err));
    if (!e.owned) e.unavailable = {"nxz", "fht", 0, 0, 0, 0, err, ""};
    engine = e.owned.get();
    list.push_back(std::move(e));
    for (bool dynamic : {false, true}) {
      Entry d = own(make_driver(o.backend, dynamic, &err));
      if (!d.owned) d.unavailable = {"nxz", dynamic ? "dht" : "fht+drv", 0, 0, 0, 0, err, ""};
      list.push_back(std::move(d));
    }
    // Through the zlib API, as programs call it: one-shot at each level,
    // and streaming with 4 KiB and 64 KiB buffers at the default level.
    for (int level : o.levels) {
      Entry a = own(make_api(level, 0, &err));
      if (!a.owned) a.unavailable = {"nxz-api", std::to_string(level), 0, 0, 0, 0, err, ""};
      list.push_back(std::move(a));
    }
    for (size_t buffer : {size_t{4096}, size_t{65536}}) {
      Entry a = own(make_api(6, buffer, &err));
      if (!a.owned)
        a.unavailable = {"nxz-api", "6 s" + std::to_string(buffer / 1024) + "K", 0, 0, 0, 0, err,
                         ""};
      list.push_back(std::move(a));
    }
  }
  Codec* baseline = nullptr;
  for (int level : o.levels) {
    if (wants(o, "zlib") || level == 6) {
      list.push_back(own(make_zlib(level), level == 6));
      if (level == 6) baseline = list.back().owned.get();
    }
  }
  if (!baseline) {
    list.push_back(own(make_zlib(6), true));
    baseline = list.back().owned.get();
  }
  for (int level : o.levels)
    if (wants(o, "libdeflate") && have_libdeflate())
      if (auto c = make_libdeflate(level)) list.push_back(own(std::move(c)));
  // ISA-L's levels are not zlib's: its level 1 is its fast default, the
  // counterpart of the others' fast levels.
  for (int level : o.levels)
    if (wants(o, "isal") && have_isal())
      if (auto c = make_isal(level)) list.push_back(own(std::move(c)));
  // The engine's own streams use fixed codes only; programs mostly hand it
  // other compressors' dynamic-Huffman streams, so time that too.
  if (engine) {
    Entry cross;
    cross.encoder = baseline;
    cross.decoder = engine;
    list.push_back(std::move(cross));
  }
  return list;
}

uint64_t total_bytes(const std::vector<Input>& inputs) {
  uint64_t n = 0;
  for (const auto& in : inputs) n += in.data.size();
  return n;
}

// Measures every codec on `inputs` and prints the result. False on a
// verification failure (already reported).
bool run_set(const Options& o, std::vector<Entry>& codecs, const std::string& label,
             const std::vector<Input>& inputs, bool* engine_error) {
  const std::vector<Chunk> chunks = make_chunks(inputs, o.chunk);
  std::vector<Measurement> rows;
  const Measurement* baseline = nullptr;
  size_t baseline_index = 0;
  for (auto& e : codecs) {
    if (!e.encoder) {
      rows.push_back(e.unavailable);
      *engine_error = true;
      continue;
    }
    Measurement m;
    std::string fatal;
    if (!measure_pair(*e.encoder, *e.decoder, e.encoder == e.decoder, chunks, o.timing, &m,
                      &fatal)) {
      std::fprintf(stderr, "nxz-bench: VERIFICATION FAILED on %s: %s\n", label.c_str(),
                   fatal.c_str());
      return false;
    }
    if (!m.compress_error.empty() || !m.decompress_error.empty()) *engine_error = true;
    if (e.is_baseline) baseline_index = rows.size() + 1;
    rows.push_back(std::move(m));
  }
  if (baseline_index) baseline = &rows[baseline_index - 1];
  if (o.csv) {
    print_csv(stdout, label, o.chunk, rows, baseline);
  } else {
    std::printf("\n%s: %zu file%s, %llu bytes, %zu chunk%s\n", label.c_str(), inputs.size(),
                inputs.size() == 1 ? "" : "s", static_cast<unsigned long long>(total_bytes(inputs)),
                chunks.size(), chunks.size() == 1 ? "" : "s");
    print_table(stdout, rows, baseline);
  }
  std::fflush(stdout);
  return true;
}

int run(int argc, char** argv) {
  const Options o = parse(argc, argv);
  std::vector<Input> inputs;
  std::string source;
  if (o.paths.empty()) {
    inputs = default_inputs(&source);
  } else {
    std::string err;
    if (!load_paths(o.paths, &inputs, &err)) usage_error(err);
    source = "command line";
  }
  if (inputs.empty()) usage_error("no input data (all files empty or missing)");

  std::vector<Entry> codecs = make_codecs(o);
  if (!o.csv) {
    std::printf(
        "nxz-bench: inputs from %s; chunks of %zu bytes%s; fastest of >= %d passes "
        "and >= %.2f s\n",
        source.c_str(), o.chunk, o.chunk ? "" : " (whole files)", o.timing.repeat,
        o.timing.min_time);
    std::printf("checksums: crc32 %s, adler32 %s\n", checksum_detail::crc32_selected_name(),
                checksum_detail::adler32_selected_name());
  } else {
    print_csv_header(stdout);
  }

  bool engine_error = false;
  if (o.per_file) {
    for (auto& in : inputs) {
      // Moved in and back out: the per-file set needs no copy of the data.
      std::vector<Input> one;
      one.push_back(std::move(in));
      const bool ok = run_set(o, codecs, one[0].name, one, &engine_error);
      in = std::move(one[0]);
      if (!ok) return kExitMismatch;
    }
  }
  if (!run_set(o, codecs, "total", inputs, &engine_error)) return kExitMismatch;
  if (engine_error) {
    std::fprintf(stderr, "nxz-bench: the engine reported errors (see the table)%s\n",
                 o.strict ? "" : "; use --strict to fail on them");
    if (o.strict) return kExitEngineError;
  }
  return 0;
}

}  // namespace
}  // namespace nxz::bench

int main(int argc, char** argv) { return nxz::bench::run(argc, argv); }
