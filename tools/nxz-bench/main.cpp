// nxz-bench: compression ratio and throughput of nxz next to the system zlib
// and the fastest software DEFLATE codecs, with every stream verified.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "checksums.h"
#include "codecs.h"
#include "common/checksum_impl.h"
#include "inputs.h"
#include "machine.h"
#include "measure.h"
#include "options.h"
#include "plot.h"
#include "progress.h"
#include "report.h"

namespace nxz::bench {
namespace {

constexpr int kExitMismatch = 1;
constexpr int kExitUsage = 2;
constexpr int kExitEngineError = 3;
constexpr int kExitOutput = 4;
// zlib's levels end at 9; libdeflate's go on to 12.
constexpr int kZlibMaxLevel = 9;

using Factory = std::function<std::unique_ptr<Codec>(std::string* error)>;

// One row of every table. Codecs keep per-stream state, so a row makes one
// instance per thread that uses it. A "decode" row times only its own
// codec, decompressing the streams of the row `encoder` names.
struct Entry {
  std::string codec, level, mode;
  Factory make;
  int encoder = -1;
  bool baseline = false;
  std::vector<std::unique_ptr<Codec>> instances;
  std::string error;  // why no instance could be made

  // The first n instances, or false (and `error`) when one cannot be made.
  bool ensure(size_t n) {
    while (error.empty() && instances.size() < n) {
      std::string why;
      auto c = make(&why);
      if (!c) error = why.empty() ? "not available" : why;
      instances.push_back(std::move(c));
    }
    return error.empty();
  }
};

Factory always(std::function<std::unique_ptr<Codec>()> f) {
  return [f](std::string*) { return f(); };
}

std::string size_label(size_t n) {
  if (n % (1 << 20) == 0) return std::to_string(n >> 20) + "M";
  if (n % 1024 == 0) return std::to_string(n >> 10) + "K";
  return std::to_string(n);
}

// ISA-L's levels are 0-3 (1 its fast default): the list's levels up to 3,
// and its best, 3, standing for any higher one.
std::vector<int> isal_levels(const std::vector<int>& levels) {
  std::vector<int> out;
  for (int l : levels) {
    const int mapped = std::min(l, 3);
    if (std::find(out.begin(), out.end(), mapped) == out.end()) out.push_back(mapped);
  }
  return out;
}

std::vector<Entry> make_entries(const Options& o) {
  std::vector<Entry> list;
  auto add = [&](std::string codec, std::string level, std::string mode, Factory make) {
    Entry e;
    e.codec = std::move(codec);
    e.level = std::move(level);
    e.mode = std::move(mode);
    e.make = std::move(make);
    list.push_back(std::move(e));
    return static_cast<int>(list.size() - 1);
  };
  int engine = -1;
  if (o.wants("nxz")) {
    const nxz_backend b = o.backend;
    engine = add("nxz", "fht", "engine", [b](std::string* e) { return make_engine(b, e); });
    add("nxz", "fht+drv", "driver", [b](std::string* e) { return make_driver(b, false, e); });
    add("nxz", "dht", "driver", [b](std::string* e) { return make_driver(b, true, e); });
    // Through the zlib API, as programs call it: one-shot at each level,
    // and streaming at the default level with each buffer size.
    for (int level : o.levels)
      if (level <= kZlibMaxLevel)
        add("nxz", std::to_string(level), "api",
            [level](std::string* e) { return make_api(level, 0, e); });
    for (size_t buffer : o.stream_buffers)
      add("nxz", "6", "stream " + size_label(buffer),
          [buffer](std::string* e) { return make_api(6, buffer, e); });
  }
  int baseline = -1;
  // Other compressors' streams that the zlib API is timed decoding: what
  // programs hand it (the decompression target names them).
  std::vector<std::pair<std::string, int>> foreign;
  for (int level : o.levels)
    if ((o.wants("zlib") || level == 6) && level <= kZlibMaxLevel) {
      const int i = add("zlib", std::to_string(level), "software",
                        always([level] { return make_zlib(level); }));
      if (level == 6) baseline = i;
      foreign.emplace_back("zlib-" + std::to_string(level), i);
    }
  if (baseline < 0) {
    baseline = add("zlib", "6", "software", always([] { return make_zlib(6); }));
    foreign.emplace_back("zlib-6", baseline);
  }
  list[static_cast<size_t>(baseline)].baseline = true;
  if (o.wants("libdeflate") && have_libdeflate())
    for (int level : o.levels) {
      const int i = add("libdeflate", std::to_string(level), "software",
                        always([level] { return make_libdeflate(level); }));
      if (level == 6) foreign.emplace_back("ldef-6", i);
    }
  if (o.wants("isal") && have_isal())
    for (int level : isal_levels(o.levels))
      add("isal", std::to_string(level), "software", always([level] { return make_isal(level); }));
  // The engine's own streams use fixed codes only; programs mostly hand it
  // other compressors' dynamic-Huffman streams, so time that too.
  if (engine >= 0) {
    const int d = add("nxz", "zlib-6", "decode", list[static_cast<size_t>(engine)].make);
    list[static_cast<size_t>(d)].encoder = baseline;
    if (!o.levels.empty())
      for (const auto& [label, encoder] : foreign) {
        const int a = add("nxz", label, "api dec",
                          [](std::string* e) { return make_api(6, 0, e); });
        list[static_cast<size_t>(a)].encoder = encoder;
      }
  }
  return list;
}

uint64_t total_bytes(const std::vector<Input>& inputs) {
  uint64_t n = 0;
  for (const auto& in : inputs) n += in.data.size();
  return n;
}

// Measures every entry on `inputs` once per thread count of `runs`, into
// that run's RowSet. All the runs' passes are interleaved in the same
// rounds (row A on 1 thread, A on N threads, B on 1, ...), so that the
// scaling compares passes timed under the same load. False and *fatal on a
// verification failure.
bool run_set(const Options& o, std::vector<Entry>& entries, const std::string& label,
             const std::vector<Input>& inputs, const std::vector<std::pair<int, RowSet*>>& runs,
             bool corrupt, Progress* progress, std::string* fatal) {
  const std::vector<Chunk> chunks = make_chunks(inputs, o.chunk);
  for (const auto& [threads, set] : runs) {
    set->label = label;
    set->files = inputs.size();
    set->bytes = total_bytes(inputs);
    set->chunks = chunks.size();
    set->rows.assign(entries.size(), Measurement{});  // Trials point into it: no resizing
  }
  std::vector<Trial> trials;
  for (size_t i = 0; i < entries.size(); ++i) {
    for (const auto& [threads, set] : runs) {
      Entry& e = entries[i];
      Measurement& m = set->rows[i];
      m.codec = e.codec;
      m.level = e.level;
      m.mode = e.mode;
      m.threads = threads;
      if (e.baseline) set->baseline = static_cast<int>(i);
      const size_t n = static_cast<size_t>(threads);
      Entry* enc = e.encoder >= 0 ? &entries[static_cast<size_t>(e.encoder)] : &e;
      // A decode row's streams are made once, by its encoder's first
      // instance. Runs share instances: passes never overlap.
      if (!e.ensure(n) || !enc->ensure(enc == &e ? n : 1)) {
        m.compress_error = !e.error.empty() ? e.error : enc->error;
        continue;
      }
      std::vector<Codec*> encoders, decoders;
      for (size_t t = 0; t < n; ++t) {
        decoders.push_back(e.instances[t].get());
        encoders.push_back(enc == &e ? e.instances[t].get() : enc->instances[0].get());
      }
      trials.emplace_back(&m, encoders, decoders, enc == &e, chunks);
      if (corrupt && trials.size() == 1) trials.back().corrupt_for_test();
    }
  }
  return run_interleaved(trials, o.timing, progress, fatal);
}

bool any_errors(const std::vector<Measurement>& rows) {
  for (const auto& m : rows)
    if (!m.compress_error.empty() || !m.decompress_error.empty()) return true;
  return false;
}

bool write_json_file(const std::string& path, const Report& r) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return false;
  write_json(f, r);
  return std::fclose(f) == 0;
}

int run(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  Report r;
  r.machine = describe_machine();
  r.chunk = o.chunk;
  r.timing = o.timing;
  r.threads = o.threads;
  std::vector<Input> inputs;
  if (o.paths.empty()) {
    inputs = default_inputs(&r.source);
  } else {
    std::string err;
    if (!load_paths(o.paths, &inputs, &err)) {
      std::fprintf(stderr, "nxz-bench: %s\n", err.c_str());
      return kExitUsage;
    }
    r.source = "command line";
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "nxz-bench: no input data (all files empty or missing)\n");
    return kExitUsage;
  }
  for (const auto& in : inputs) r.inputs.emplace_back(in.name, in.data.size());

  const bool tables = !o.csv && !o.json;
  if (tables) {
    std::printf("nxz-bench: %s (%s, %u CPUs), %s\n", r.machine.cpu_model.c_str(),
                r.machine.arch.c_str(), r.machine.cpus, r.machine.date.c_str());
    std::printf(
        "inputs from %s; chunks of %zu bytes%s; median of %d interleaved passes, >= %.2f s "
        "per row and direction\n",
        r.source.c_str(), o.chunk, o.chunk ? "" : " (whole files)", o.timing.repeat,
        o.timing.min_time);
    std::printf("nxz checksums: crc32 %s, adler32 %s\n", checksum_detail::crc32_selected_name(),
                checksum_detail::adler32_selected_name());
  } else if (o.csv) {
    print_csv_header(stdout);
  }
  std::fflush(stdout);

  Progress progress(o.progress);
  std::vector<Entry> entries = make_entries(o);
  std::string fatal;
  auto failed = [&] {
    progress.clear();
    std::fprintf(stderr, "nxz-bench: VERIFICATION FAILED: %s\n", fatal.c_str());
    return kExitMismatch;
  };
  auto show = [&](const RowSet& set) {
    if (tables) print_table(stdout, set);
    if (o.csv) print_csv(stdout, set, o.chunk);
    std::fflush(stdout);
  };
  if (o.per_file) {
    for (auto& in : inputs) {
      // Moved in and back out: the per-file set needs no copy of the data.
      std::vector<Input> one;
      one.push_back(std::move(in));
      r.sets.emplace_back();
      const bool ok = run_set(o, entries, one[0].name, one, {{1, &r.sets.back()}}, o.test_mismatch,
                              &progress, &fatal);
      in = std::move(one[0]);
      if (!ok) return failed();
      show(r.sets.back());
    }
  }
  r.sets.emplace_back();
  RowSet threaded;
  std::vector<std::pair<int, RowSet*>> runs{{1, &r.sets.back()}};
  if (o.threads > 1) runs.emplace_back(o.threads, &threaded);
  if (!run_set(o, entries, "total", inputs, runs, o.test_mismatch, &progress, &fatal))
    return failed();
  show(r.sets.back());
  if (o.threads > 1) {
    r.threaded = std::move(threaded.rows);
    if (tables) print_threads(stdout, r.total(), r.threaded, o.threads);
  }
  if (o.checksums) {
    if (!measure_checksums(inputs, o.timing, &progress, &r.checksums, &fatal)) return failed();
    if (tables) print_checksums(stdout, r.checksums);
  }
  std::fflush(stdout);

  int status = 0;
  if (o.json) write_json(stdout, r);
  if (!o.json_file.empty() && !write_json_file(o.json_file, r)) {
    std::fprintf(stderr, "nxz-bench: cannot write %s\n", o.json_file.c_str());
    status = kExitOutput;
  }
  if (!o.plot_file.empty()) {
    if (!write_plot(o.plot_file, r)) {
      std::fprintf(stderr, "nxz-bench: cannot write %s\n", o.plot_file.c_str());
      status = kExitOutput;
    } else if (tables) {
      std::printf("\nchart: %s\n", o.plot_file.c_str());
    }
  }
  bool engine_error = false;
  for (const auto& set : r.sets) engine_error = engine_error || any_errors(set.rows);
  engine_error = engine_error || any_errors(r.threaded);
  if (engine_error) {
    std::fprintf(stderr, "nxz-bench: the engine reported errors (see the table)%s\n",
                 o.strict ? "" : "; use --strict to fail on them");
    if (o.strict && status == 0) status = kExitEngineError;
  }
  return status;
}

}  // namespace
}  // namespace nxz::bench

int main(int argc, char** argv) { return nxz::bench::run(argc, argv); }
