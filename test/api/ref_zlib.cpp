#include "api/ref_zlib.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

namespace nxz::test {

const RefZlib& ref() {
  static const RefZlib r = [] {
    RefZlib z{};
    void* h = dlmopen(LM_ID_NEWLM, NXZ_SYSTEM_ZLIB, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      std::fprintf(stderr, "cannot load the reference zlib %s: %s\n", NXZ_SYSTEM_ZLIB, dlerror());
      std::abort();
    }
#define NXZ_REF_LOAD(f)                                    \
  z.f = reinterpret_cast<decltype(&::f)>(dlsym(h, #f));    \
  if (!z.f) {                                              \
    std::fprintf(stderr, "reference zlib lacks %s\n", #f); \
    std::abort();                                          \
  }
    NXZ_REF_FUNCTIONS(NXZ_REF_LOAD)
#undef NXZ_REF_LOAD
    return z;
  }();
  return r;
}

Bytes text_bytes(size_t n, uint32_t seed) {
  static const char* const kWords[] = {
      "the ",         "quick ",       "brown ", "fox ", "jumps ", "over ",   "lazy ", "dog ",
      "compression ", "accelerator ", "\n",     "NX ",  "GZIP ",  "POWER9 ", "zlib ", "stream "};
  std::mt19937 rng(seed);
  Bytes b;
  b.reserve(n);
  while (b.size() < n) {
    const char* w = kWords[rng() % 16];
    for (const char* p = w; *p && b.size() < n; ++p) b.push_back(static_cast<uint8_t>(*p));
  }
  return b;
}

Bytes random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes b(n);
  for (auto& c : b) c = static_cast<uint8_t>(rng());
  return b;
}

const std::vector<Sample>& samples() {
  static const std::vector<Sample> s = [] {
    std::vector<Sample> v;
    const char* env = std::getenv("NXZ_CORPUS_DIR");
    const std::filesystem::path dir = env && *env ? env : NXZ_CORPUS_DIR;
    std::error_code ec;
    if (std::filesystem::is_directory(dir, ec)) {
      for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (!e.is_regular_file() || e.path().filename() == "README.md") continue;
        std::ifstream f(e.path(), std::ios::binary);
        Bytes data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        v.push_back({e.path().filename().string(), std::move(data)});
      }
    }
    if (v.empty()) {  // no corpus: stand-ins of the same kinds
      v.push_back({"text", text_bytes(300000, 1)});
      v.push_back({"random", random_bytes(100000, 2)});
      Bytes mixed = text_bytes(150000, 3);
      const Bytes r = random_bytes(50000, 4);
      mixed.insert(mixed.begin() + 70000, r.begin(), r.end());
      v.push_back({"mixed", mixed});
    }
    std::sort(v.begin(), v.end(), [](const Sample& a, const Sample& b) { return a.name < b.name; });
    return v;
  }();
  return s;
}

Bytes ref_compress(const Bytes& in, int level, int window_bits, int strategy, int mem_level) {
  const RefZlib& z = ref();
  z_stream s{};
  if (z.deflateInit2_(&s, level, Z_DEFLATED, window_bits, mem_level, strategy, z.zlibVersion(),
                      sizeof(z_stream)) != Z_OK)
    std::abort();
  Bytes out(z.deflateBound(&s, in.size()) + 64);
  s.next_in = const_cast<Bytef*>(in.data());
  s.avail_in = static_cast<uInt>(in.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  if (z.deflate(&s, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(s.total_out);
  z.deflateEnd(&s);
  return out;
}

int ref_inflate(const Bytes& in, int window_bits, Bytes* out, const Bytes* dict) {
  const RefZlib& z = ref();
  z_stream s{};
  if (z.inflateInit2_(&s, window_bits, z.zlibVersion(), sizeof(z_stream)) != Z_OK) std::abort();
  // A raw stream never asks for its dictionary: it is given up front.
  if (dict && window_bits < 0 &&
      z.inflateSetDictionary(&s, dict->data(), static_cast<uInt>(dict->size())) != Z_OK)
    std::abort();
  out->clear();
  s.next_in = const_cast<Bytef*>(in.data());
  s.avail_in = static_cast<uInt>(in.size());
  uint8_t buf[65536];
  int rc;
  do {
    s.next_out = buf;
    s.avail_out = sizeof buf;
    rc = z.inflate(&s, Z_NO_FLUSH);
    if (rc == Z_NEED_DICT && dict) {
      rc = z.inflateSetDictionary(&s, dict->data(), static_cast<uInt>(dict->size()));
      if (rc == Z_OK) continue;
    }
    out->insert(out->end(), buf, buf + (sizeof buf - s.avail_out));
  } while (rc == Z_OK);
  z.inflateEnd(&s);
  return rc;
}

}  // namespace nxz::test
