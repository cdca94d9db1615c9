// Writes the crafted seed inputs of every fuzz target into
// test/fuzz/corpus/<target>/seed-*: each one a sequence of decision bytes
// laid out as that target reads them (see each target's
// LLVMFuzzerTestOneInput), followed by a small payload: generated text,
// random bytes, runs, or a slice of at most 2 KiB of a file of the shared
// corpus (../shared/corpus) when it is there. Deterministic: the same
// corpus gives the same seeds.
//
//   nxz_fuzz_seedgen OUT_DIR [CORPUS_DIR]
//
// Regression inputs (regress-*) are not made here: they are the inputs
// libFuzzer found, committed as they are.
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace {

using Bytes = std::vector<uint8_t>;
namespace fs = std::filesystem;

// Appends values in the byte order fuzz_input.h's Input reads them.
struct Seed {
  Bytes b;
  Seed& u8(unsigned v) {
    b.push_back(uint8_t(v));
    return *this;
  }
  Seed& u16(unsigned v) { return u8(v & 0xff).u8(v >> 8); }
  Seed& u32(uint32_t v) { return u16(v & 0xffff).u16(v >> 16); }
  Seed& bytes(const Bytes& x) {
    b.insert(b.end(), x.begin(), x.end());
    return *this;
  }
};

Bytes text(size_t n, uint32_t seed) {
  static const char* const kWords[] = {"the ",   "quick ", "brown ", "fox ",
                                       "jumps ", "over ",  "lazy ",  "dog ",
                                       "NX ",    "gzip ",  "\n",     "accelerator "};
  std::mt19937 rng(seed);
  Bytes b;
  while (b.size() < n) {
    for (const char* p = kWords[rng() % 12]; *p && b.size() < n; ++p) b.push_back(uint8_t(*p));
  }
  return b;
}

Bytes random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes b(n);
  for (auto& c : b) c = uint8_t(rng());
  return b;
}

// Payloads: generated ones, then slices of the shared corpus.
std::vector<Bytes> payloads(const fs::path& corpus) {
  std::vector<Bytes> v = {
      {}, text(1, 1), text(300, 2), random_bytes(700, 3), text(3000, 4), Bytes(2000, 'a')};
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(corpus, ec))
    if (e.is_regular_file() && e.path().filename() != "README.md") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    Bytes all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t n = std::min<size_t>(all.size(), 1024 + all.size() % 1024);
    const size_t from = all.size() / 3;
    if (from + n <= all.size()) v.emplace_back(all.begin() + from, all.begin() + from + n);
  }
  return v;
}

void write(const fs::path& dir, const std::string& name, const Seed& s) {
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary)
      .write(reinterpret_cast<const char*>(s.b.data()), std::streamsize(s.b.size()));
}

// Splits as fuzz_input.h reads them: a count byte, then sizes (2 or 4 bytes).
void splits(Seed& s, std::initializer_list<uint32_t> sizes, bool wide) {
  s.u8(unsigned(sizes.size() - 1));
  for (uint32_t v : sizes) wide ? s.u32(v) : s.u16(v);
}

void engine_seeds(const fs::path& out, const std::vector<Bytes>& data) {
  const fs::path dir = out / "engine_crb";
  int k = 0;
  // Good requests: every documented function, direct and indirect DDEs.
  for (unsigned fc = 0; fc < 5; ++fc) {
    for (unsigned shape : {0u, 3u}) {
      const Bytes& p = data[(2 + fc + shape) % data.size()];
      Seed s;
      s.u8(1).u8(fc).u32(0).u8(0).u8(6);
      Seed shapes;
      for (int dde = 0; dde < 2; ++dde) {
        shapes.u8(shape);
        for (unsigned i = 1; i < shape; ++i) shapes.u16(100 + 37 * i);
      }
      s.u8(unsigned(shapes.b.size())).bytes(shapes.b).bytes(p);
      write(dir, "seed-good-fc" + std::to_string(fc) + "-dde" + std::to_string(shape), s);
      ++k;
    }
  }
  // Raw requests: a CCW, limits, CPB words and a DHT, a target size.
  struct Raw {
    const char* name;
    unsigned mode, ccw, limits, source_kind;
    uint32_t histlen_qw, target;
  };
  const Raw raws[] = {
      {"decompress", 0, 0x10, 0, 1, 0, 8000},        {"decompress-limit", 0, 0x10, 1, 1, 0, 8000},
      {"decompress-single", 0, 0x12, 0, 1, 0, 9000}, {"resume", 0, 0x14, 0, 1, 2, 9000},
      {"corrupt", 0, 0x10, 0, 2, 0, 9000},           {"stored", 0, 0x10, 0, 3, 0, 9000},
      {"compress-dht", 0, 0x02, 0, 0, 0, 9000},      {"compress-resume", 0, 0x08, 0, 0, 1, 4000},
      {"short-target", 0, 0x00, 0, 0, 0, 10},        {"bad-fc", 0, 0x3f, 0, 0, 0, 100},
      {"limit-bit", 0, 0x11, 2, 1, 0, 9000},         {"wrap-limit", 0, 0x1e, 1, 0, 0, 9000},
      {"cold-page", 16, 0x10, 0, 1, 0, 9000},        {"no-residency", 8, 0x10, 0, 1, 0, 9000},
  };
  for (const Raw& r : raws) {
    Seed s;
    s.u8(r.mode | r.source_kind << 1).u8(r.ccw);
    s.u8(r.limits);
    if (r.limits & 1) s.u32(700);  // range(1, 70000): 4 bytes
    if (r.limits & 2) s.u32(300);
    Bytes words(16, 0);
    words[8] = uint8_t(r.histlen_qw >> 4);  // in_histlen in bits 20..31 of word 8 (BE)
    words[9] = uint8_t(r.histlen_qw << 4);
    s.bytes(words);
    s.u16(40).bytes(random_bytes(40, 9));  // a DHT of 40 bytes
    s.u32(r.target).u8(0).u8(6);
    Seed shapes;
    shapes.u8(0).u8(0);  // direct source and target
    s.u8(unsigned(shapes.b.size())).bytes(shapes.b).bytes(data[(k++) % data.size()]);
    write(dir, std::string("seed-raw-") + r.name, s);
  }
}

void inflate_seeds(const fs::path& out, const std::vector<Bytes>& data) {
  const fs::path dir = out / "inflate";
  int k = 0;
  for (unsigned bits = 0; bits < 16; ++bits) {
    for (unsigned source : {1u, 0u}) {
      Seed s;
      s.u8(bits).u8(source << 2).u8(6).u8(6);
      splits(s, {0}, false);
      splits(s, {k % 2 ? 100u : 0u}, false);
      s.u8(0).u32(0).bytes(data[(k++) % data.size()]);
      write(dir, "seed-bits" + std::to_string(bits) + (source ? "-stream" : "-raw"), s);
    }
  }
  struct Var {
    const char* name;
    unsigned bits, opts, level, fl;
    std::initializer_list<uint32_t> in, out;
  };
  const Var vars[] = {
      {"block", 1, 0x04 | 2, 6, 0, {7}, {0}},
      {"trees", 0, 0x04 | 2 | 0x40, 6, 0x5, {0}, {50}},
      {"dict-zlib", 1, 0x04 | 1, 6, 0, {0}, {0}},
      {"dict-wrong", 1, 0x04 | 1 | 0x20, 6, 0, {0}, {0}},
      {"dict-raw", 0, 0x04 | 1, 9, 0, {3, 5}, {1, 2000}},
      {"corrupt", 2, 0x08, 6, 0, {0}, {0}},
      {"truncated", 3, 0x0c, 1, 0, {1}, {0}},
      {"fixed", 1, 0x04, 0x36, 0, {0}, {0}},
      {"stored", 2, 0x04, 0, 0, {13}, {17}},
      {"auto-gzip", 3, 0x04 | 0x80, 6, 0, {0}, {0}},
      {"finish", 1, 0x04, 6, 0xff, {0}, {0}},
      {"sync", 1, 0x04, 6, 0xaa, {64, 1}, {9}},
  };
  for (const Var& v : vars) {
    Seed s;
    s.u8(v.bits).u8(v.opts).u8(v.level).u8(3 + v.level % 7);
    splits(s, v.in, false);
    splits(s, v.out, false);
    s.u8(v.fl).u32(0x12345u * unsigned(k));
    if (v.opts & 1) s.u16(200).bytes(text(200, 4));  // the dictionary shares text with data
    s.bytes(data[(k++) % data.size()]);
    write(dir, std::string("seed-") + v.name, s);
  }
}

void roundtrip_seeds(const fs::path& out, const std::vector<Bytes>& data) {
  const fs::path dir = out / "roundtrip";
  int k = 0;
  for (unsigned level = 0; level <= 10; level += 2) {
    for (unsigned bits = 0; bits < 16; bits += 5) {
      for (unsigned one_shot : {0u, 1u}) {
        Seed s;
        s.u8(level).u8((level / 2) % 5).u8(bits).u8(7).u8(one_shot);
        splits(s, {k % 3 ? 0u : 1000u}, true);
        splits(s, {k % 4 ? 0u : 200u}, false);
        for (int i = 0; i < 8; ++i) s.u8(i == 7 ? 0x80 : 0);
        s.u8(0).u8(0).u8(0).u8(0);
        s.bytes(data[(k++) % data.size()]);
        write(dir,
              "seed-l" + std::to_string(level) + "-b" + std::to_string(bits) +
                  (one_shot ? "-oneshot" : "-stream"),
              s);
      }
    }
  }
  struct Var {
    const char* name;
    unsigned opts;
    uint8_t flushes[8];
    uint8_t params[4];
  };
  const Var vars[] = {
      {"flushes", 0, {0, 3, 0, 4, 5, 6, 3, 0x80}, {0, 0, 0, 0}},
      {"params", 0, {0, 3, 0, 0, 0, 3, 0, 0x80}, {2, 0x12, 4, 0x07}},
      {"params-soft", 0, {3, 3, 3, 3, 3, 3, 3, 0x80}, {1, 0x25, 3, 0x03}},
      {"dict", 2, {0, 0, 0, 0, 0, 0, 0, 0x80}, {0, 0, 0, 0}},
  };
  for (const Var& v : vars) {
    Seed s;
    s.u8(7).u8(0).u8(0).u8(8).u8(v.opts);
    splits(s, {300, 1}, true);
    splits(s, {0, 40}, false);
    for (uint8_t f : v.flushes) s.u8(f);
    for (uint8_t p : v.params) s.u8(p);
    if (v.opts & 2) s.u16(500).bytes(text(500, 4));
    s.bytes(data[(k++) % data.size()]);
    write(dir, std::string("seed-") + v.name, s);
  }
}

void gz_seeds(const fs::path& out, const std::vector<Bytes>& data) {
  const fs::path dir = out / "gz_reader";
  int k = 0;
  // Operation triples: op, arg, arg2 (see gz_reader_fuzz.cpp's switch).
  const std::vector<Bytes> scripts = {
      {0, 100, 0, 3, 80, 0, 4, 0, 0, 7, 10, 0, 0, 200, 1},
      {3, 255, 0, 3, 255, 0, 4, 0, 0, 6, 'x', 0, 4, 0, 0, 8, 0, 0, 0, 50, 0},
      {7, 50, 1, 7, 200, 0x80 | 1, 2, 10, 0x20, 10, 0, 0, 7, 0, 2, 9, 0, 0},
      {1, 0xff, 0x1f, 11, 0, 0, 0, 1, 0},
  };
  for (unsigned opts : {0u, 1u, 4u, 5u, 4u | 8u, 4u | 16u, 4u | 32u, 2u | 4u}) {
    for (const Bytes& sc : scripts) {
      Seed s;
      s.u8(opts);
      if (opts & 2) s.u8(3);
      s.u8(unsigned(sc.size() / 3)).bytes(sc).bytes(data[(k++) % data.size()]);
      write(dir, "seed-o" + std::to_string(opts) + "-s" + std::to_string(k % 4), s);
    }
  }
}

void driver_seeds(const fs::path& out, const std::vector<Bytes>& data) {
  const fs::path dir = out / "driver_faults";
  int k = 0;
  struct Var {
    const char* name;
    unsigned opts, fault, busy, late, hwerr, limits;
  };
  const Var vars[] = {
      {"fht-clean", 0, 0, 0, 0, 0, 0},          {"dht-faults", 2, 30, 20, 0, 0, 3},
      {"fht-limit", 0, 10, 0, 0, 0, 8 | 1},     {"dht-hwerr", 2, 5, 5, 0, 0xf0, 2},
      {"inflate-clean", 1, 0, 0, 0, 0, 0},      {"inflate-faults", 1, 50, 30, 0x85, 0, 4},
      {"inflate-exact", 3, 20, 0, 0, 0, 0},     {"inflate-single", 5, 20, 10, 0, 0, 0},
      {"inflate-limit", 1, 10, 0, 0, 0, 8 | 2}, {"inflate-corrupt", 0x19, 10, 0, 0, 0, 0},
      {"inflate-dict", 0x21, 10, 0, 0, 0, 0},   {"inflate-async", 0xc1, 20, 10, 0, 0, 1},
      {"deflate-async", 0xc2, 20, 10, 0, 0, 1}, {"inflate-hwerr", 1, 0, 0, 0, 0xf0, 0},
  };
  for (const Var& v : vars) {
    for (int split = 0; split < 2; ++split) {
      Seed s;
      s.u8(v.opts).u16(unsigned(7 + k)).u8(v.fault).u8(v.busy).u8(v.late).u8(v.hwerr).u8(v.limits);
      if (v.limits & 8) s.u16(3000);
      if (split) {
        splits(s, {100, 7, 3000}, false);
        splits(s, {1000, 1, 64}, false);
      } else {
        splits(s, {0}, false);
        splits(s, {0}, false);
      }
      s.u8(6).u32(0x9876543u * unsigned(k + 1));
      if (v.opts & 0x20) s.u16(300).bytes(text(300, 4));
      s.bytes(data[(k++) % data.size()]);
      write(dir, std::string("seed-") + v.name + (split ? "-split" : ""), s);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR [CORPUS_DIR]\n", argv[0]);
    return 2;
  }
  const fs::path out = argv[1];
  const std::vector<Bytes> data = payloads(argc > 2 ? argv[2] : "");
  engine_seeds(out, data);
  inflate_seeds(out, data);
  roundtrip_seeds(out, data);
  gz_seeds(out, data);
  driver_seeds(out, data);
  return 0;
}
