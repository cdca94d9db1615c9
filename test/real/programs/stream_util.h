// Shared by the programs of test/real/fork_threads.sh: compiled against the
// system <zlib.h> and linked with -lz, so that LD_PRELOAD=libnxz.so takes
// every zlib call; the reference is the system zlib loaded privately with
// dlmopen (a new link-map namespace, which the preload does not reach).
#pragma once

#include <dlfcn.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using Bytes = std::vector<unsigned char>;

// CRC-32 computed here, bit by bit: the library's crc32() is under test too.
inline uint32_t plain_crc32(const unsigned char* p, size_t n, uint32_t crc = 0) {
  crc = ~crc;
  for (size_t i = 0; i < n; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

// The system zlib in a namespace of its own.
struct RefZlib {
  decltype(&::inflateInit2_) init2 = nullptr;
  decltype(&::inflate) inflate = nullptr;
  decltype(&::inflateEnd) end = nullptr;
  decltype(&::zlibVersion) version = nullptr;
  bool ok = false;
  RefZlib() {
    for (const char* name :
         {"libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/libz.so.1"}) {
      void* h = dlmopen(LM_ID_NEWLM, name, RTLD_NOW | RTLD_LOCAL);
      if (!h) continue;
      init2 = reinterpret_cast<decltype(init2)>(dlsym(h, "inflateInit2_"));
      inflate = reinterpret_cast<decltype(inflate)>(dlsym(h, "inflate"));
      end = reinterpret_cast<decltype(end)>(dlsym(h, "inflateEnd"));
      version = reinterpret_cast<decltype(version)>(dlsym(h, "zlibVersion"));
      ok = init2 && inflate && end && version;
      if (ok) return;
    }
  }
  // Decodes a whole stream; false unless it ends exactly at the input's end.
  bool decode(const Bytes& in, int wbits, Bytes* out) const {
    z_stream z{};
    if (init2(&z, wbits, version(), static_cast<int>(sizeof(z_stream))) != Z_OK) return false;
    out->clear();
    unsigned char buf[65536];
    z.next_in = const_cast<Bytef*>(in.data());
    z.avail_in = static_cast<uInt>(in.size());
    int rc;
    do {
      z.next_out = buf;
      z.avail_out = sizeof buf;
      rc = inflate(&z, Z_NO_FLUSH);
      out->insert(out->end(), buf, buf + (sizeof buf - z.avail_out));
    } while (rc == Z_OK);
    end(&z);
    return rc == Z_STREAM_END && z.avail_in == 0;
  }
};

// Test data: slices of the given files, text-like and random bytes.
inline Bytes make_data(std::mt19937_64& rng, size_t n, const std::vector<Bytes>& files) {
  Bytes d(n);
  const int kind = static_cast<int>(rng() % 4);
  if (kind == 0 && !files.empty()) {
    const Bytes& f = files[rng() % files.size()];
    if (!f.empty())
      for (size_t i = 0, at = rng() % f.size(); i < n; i++, at = (at + 1) % f.size()) d[i] = f[at];
    return d;
  }
  if (kind == 1) {
    for (auto& b : d) b = static_cast<unsigned char>(rng());
    return d;
  }
  static const char* words[] = {"nxz ",   "deflate ", "inflate ", "the ",         "window ",
                                "block ", "\n",       "0123 ",    "accelerator ", "zlib "};
  size_t i = 0;
  while (i < n) {
    const char* w = words[rng() % 10];
    for (size_t k = 0; w[k] && i < n; k++) d[i++] = static_cast<unsigned char>(w[k]);
  }
  if (kind == 3)  // runs
    for (size_t k = 0; k + 1000 < n; k += 5000) std::memset(&d[k], 'z', 1000);
  return d;
}

inline std::vector<Bytes> read_files(int argc, char** argv, int first) {
  std::vector<Bytes> out;
  for (int i = first; i < argc; i++) {
    FILE* f = std::fopen(argv[i], "rb");
    if (!f) continue;
    Bytes b;
    unsigned char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) b.insert(b.end(), buf, buf + n);
    std::fclose(f);
    out.push_back(std::move(b));
  }
  return out;
}
