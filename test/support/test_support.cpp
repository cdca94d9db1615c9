#include "support/test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

namespace nxz::test {

std::string corpus_dir() {
  const char* d = std::getenv("NXZ_CORPUS_DIR");
  if (d && *d) return d;
#ifdef NXZ_CORPUS_DIR
  return NXZ_CORPUS_DIR;
#else
  return "../shared/corpus";
#endif
}

std::vector<std::string> corpus_files() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(corpus_dir(), ec)) {
    if (!e.is_regular_file()) continue;
    const std::string name = e.path().filename().string();
    if (name == "README.md") continue;
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

Bytes read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

Bytes corpus(const std::string& name) { return read_file(corpus_dir() + "/" + name); }

Bytes random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

Bytes text_like(size_t n, uint32_t seed) {
  static const char* words[] = {"the ",  "quick ", "brown ", "fox ", "jumps ",
                                "over ", "lazy ",  "dog ",   "and ", "NX ",
                                "gzip ", "block ", "\n",     "of ",  "data, "};
  std::mt19937 rng(seed);
  Bytes b;
  b.reserve(n);
  while (b.size() < n) {
    const char* w = words[rng() % 15];
    for (const char* p = w; *p && b.size() < n; ++p) b.push_back(static_cast<uint8_t>(*p));
  }
  return b;
}

Bytes zlib_compress(const Bytes& in, int level, int window_bits, int mem_level, int strategy) {
  z_stream s{};
  if (deflateInit2(&s, level, Z_DEFLATED, window_bits, mem_level, strategy) != Z_OK) return {};
  Bytes out(deflateBound(&s, in.size()) + 64);
  s.next_in = const_cast<Bytef*>(in.data());
  s.avail_in = static_cast<uInt>(in.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&s, Z_FINISH);
  out.resize(s.total_out);
  deflateEnd(&s);
  if (rc != Z_STREAM_END) return {};
  return out;
}

bool zlib_inflate_raw(const uint8_t* in, size_t n, Bytes* out, std::string* err,
                      const Bytes& dictionary) {
  z_stream s{};
  if (inflateInit2(&s, -15) != Z_OK) return false;
  if (!dictionary.empty())
    inflateSetDictionary(&s, dictionary.data(), static_cast<uInt>(dictionary.size()));
  out->clear();
  s.next_in = const_cast<Bytef*>(in);
  s.avail_in = static_cast<uInt>(n);
  uint8_t buf[65536];
  int rc;
  do {
    s.next_out = buf;
    s.avail_out = sizeof buf;
    rc = inflate(&s, Z_NO_FLUSH);
    out->insert(out->end(), buf, buf + (sizeof buf - s.avail_out));
  } while (rc == Z_OK && (s.avail_in > 0 || s.avail_out == 0));
  // A stream must end exactly where its input does: bytes after the final
  // block are someone else's (or garbage a codec appended).
  const bool ok = rc == Z_STREAM_END && s.avail_in == 0;
  if (!ok && err) {
    *err = rc == Z_STREAM_END ? std::to_string(s.avail_in) + " bytes follow the end of the stream"
                              : (s.msg ? s.msg : ("rc " + std::to_string(rc)));
  }
  inflateEnd(&s);
  return ok;
}

Request::Request() {
  rb = static_cast<nx::RequestBlock*>(std::aligned_alloc(2048, sizeof(nx::RequestBlock)));
  std::memset(rb, 0, sizeof *rb);
  src_list = static_cast<nx::Dde*>(std::aligned_alloc(16, 256 * sizeof(nx::Dde)));
  dst_list = static_cast<nx::Dde*>(std::aligned_alloc(16, 256 * sizeof(nx::Dde)));
  std::memset(src_list, 0, 256 * sizeof(nx::Dde));
  std::memset(dst_list, 0, 256 * sizeof(nx::Dde));
}

Request::~Request() {
  std::free(rb);
  std::free(src_list);
  std::free(dst_list);
}

void Request::reset(uint8_t fc) {
  std::memset(&rb->crb, 0, sizeof rb->crb);
  std::memset(&rb->csb, 0, sizeof rb->csb);
  std::memset(rb->cpb.raw + nx::kCpbOutAdler, 0, nx::kCpbSize - nx::kCpbOutAdler);
  rb->crb.set_function(fc);
  rb->crb.set_csb(&rb->csb);
}

bool run(nxz_window* w, Request& r) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (nxz_accel_paste(w, &r.rb->crb) != NXZ_PASTE_ACCEPTED) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  const auto* flags = reinterpret_cast<const std::atomic<uint8_t>*>(&r.rb->csb.raw[0]);
  while (!(flags->load(std::memory_order_acquire) & nx::kCsbValid)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

EmuWindow::EmuWindow(const nxz_emu_config* cfg) {
  int rc = nxz_accel_open(NXZ_BACKEND_EMULATED, cfg, &w);
  EXPECT_EQ(rc, 0);
}

EmuWindow::~EmuWindow() {
  if (w) nxz_accel_close(w);
}

}  // namespace nxz::test
