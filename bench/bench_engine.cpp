// Google Benchmark: compression and decompression throughput of the
// accelerator (the emulated engine through nxz_accel) next to the system
// zlib, libdeflate and ISA-L, one benchmark per corpus file. Each file is
// cut into 1 MiB chunks (corpus files are smaller, so one job each).
//
// Bytes processed are uncompressed bytes in both directions; the "ratio"
// counter is uncompressed / compressed size. Times are wall-clock: the
// emulated engine may run on its own thread, whose work the benchmark
// thread's CPU time would not show.
#include <benchmark/benchmark.h>

#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "codecs.h"
#include "inputs.h"

namespace nxz::bench {
namespace {

constexpr size_t kChunk = 1 << 20;

using Factory = std::function<std::unique_ptr<Codec>(std::string*)>;

struct Prepared {
  std::unique_ptr<Codec> codec;
  std::vector<Chunk> chunks;
  std::vector<std::vector<uint8_t>> streams;  // one per chunk
  std::vector<uint8_t> scratch;
  uint64_t in_bytes = 0, out_bytes = 0;
  std::string error;
};

// Opens the codec, compresses every chunk once and checks each stream with
// the codec itself and the system zlib; sets `error` when anything fails.
Prepared prepare(const Factory& make, const Input& input) {
  Prepared p;
  p.codec = make(&p.error);
  if (!p.codec) return p;
  append_chunks(input, kChunk, &p.chunks);
  size_t largest = 1;
  for (const Chunk& c : p.chunks) {
    largest = std::max(largest, c.size);
    std::vector<uint8_t> out(p.codec->bound(c.size));
    size_t len = 0;
    Status st = p.codec->compress(c.data, c.size, out.data(), out.size(), &len);
    if (st.ok) st = zlib_verify(out.data(), len, c.data, c.size);
    if (!st.ok) {
      p.error = "compress: " + st.error;
      return p;
    }
    out.resize(len);
    p.in_bytes += c.size;
    p.out_bytes += len;
    p.streams.push_back(std::move(out));
  }
  p.scratch.resize(largest);
  for (size_t i = 0; i < p.chunks.size(); ++i) {
    Status st = p.codec->decompress(p.streams[i].data(), p.streams[i].size(), p.scratch.data(),
                                    p.chunks[i].size);
    if (st.ok && std::memcmp(p.scratch.data(), p.chunks[i].data, p.chunks[i].size) != 0)
      st = Status::failure("output differs from the input");
    if (!st.ok) {
      p.error = "decompress: " + st.error;
      return p;
    }
  }
  return p;
}

void set_counters(benchmark::State& state, const Prepared& p) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * p.in_bytes));
  state.counters["ratio"] = p.out_bytes ? double(p.in_bytes) / double(p.out_bytes) : 0;
}

void bench_compress(benchmark::State& state, Factory make, std::shared_ptr<const Input> input) {
  Prepared p = prepare(make, *input);
  if (!p.codec || p.error.rfind("compress", 0) == 0) {
    state.SkipWithError(p.error.c_str());
    return;
  }
  std::vector<uint8_t> out(
      p.codec->bound(kChunk > input->data.size() ? input->data.size() : kChunk));
  for (auto _ : state) {
    for (const Chunk& c : p.chunks) {
      size_t len = 0;
      const Status st = p.codec->compress(c.data, c.size, out.data(), out.size(), &len);
      if (!st.ok) {
        state.SkipWithError(st.error.c_str());
        return;
      }
      benchmark::DoNotOptimize(len);
    }
  }
  set_counters(state, p);
}

void bench_decompress(benchmark::State& state, Factory make, std::shared_ptr<const Input> input) {
  Prepared p = prepare(make, *input);
  if (!p.codec || !p.error.empty()) {
    state.SkipWithError(p.error.c_str());
    return;
  }
  for (auto _ : state) {
    for (size_t i = 0; i < p.chunks.size(); ++i) {
      const Status st = p.codec->decompress(p.streams[i].data(), p.streams[i].size(),
                                            p.scratch.data(), p.chunks[i].size);
      if (!st.ok) {
        state.SkipWithError(st.error.c_str());
        return;
      }
    }
    benchmark::ClobberMemory();
  }
  set_counters(state, p);
}

struct Named {
  std::string label;
  Factory make;
};

std::vector<Named> codecs() {
  std::vector<Named> list;
  list.push_back({"nxz-emulated-fht",
                  [](std::string* err) { return make_engine(NXZ_BACKEND_EMULATED, err); }});
  for (int level : {1, 6})
    list.push_back(
        {"zlib-" + std::to_string(level), [level](std::string*) { return make_zlib(level); }});
  if (have_libdeflate())
    for (int level : {1, 6})
      list.push_back({"libdeflate-" + std::to_string(level),
                      [level](std::string*) { return make_libdeflate(level); }});
  if (have_isal()) list.push_back({"isal-1", [](std::string*) { return make_isal(1); }});
  return list;
}

void register_codec_benchmarks() {
  std::string source;
  for (auto& in : default_inputs(&source)) {
    auto input = std::make_shared<const Input>(std::move(in));
    for (const auto& c : codecs()) {
      benchmark::RegisterBenchmark(("compress/" + c.label + "/" + input->name).c_str(),
                                   bench_compress, c.make, input)
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
      benchmark::RegisterBenchmark(("decompress/" + c.label + "/" + input->name).c_str(),
                                   bench_decompress, c.make, input)
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
    }
  }
  benchmark::AddCustomContext("inputs", source);
}

}  // namespace
}  // namespace nxz::bench

int main(int argc, char** argv) {
  nxz::bench::register_codec_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
