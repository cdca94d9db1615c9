// A program built against the system zlib (it links libz.so.1) that drives
// every path nxz sends to software. Run under LD_PRELOAD=libnxz.so it proves
// that nxz's software codec is a private copy: were it the process's
// libz.so.1, whose internal calls are bound to nxz's interposed exports,
// these calls would recurse or hand one library's state to the other.
// Each result is checked against the system zlib loaded privately here.
#include <dlfcn.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

using Bytes = std::vector<unsigned char>;
int failures = 0, checks = 0;

void check(bool ok, const std::string& what) {
  ++checks;
  if (!ok) {
    ++failures;
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
  }
}

struct Ref {
  decltype(&::inflateInit2_) inflateInit2_;
  decltype(&::inflate) inflate;
  decltype(&::inflateEnd) inflateEnd;
  decltype(&::zlibVersion) zlibVersion;
};

Ref load_ref() {
  Ref r{};
  void* h = dlmopen(LM_ID_NEWLM, NXZ_SYSTEM_ZLIB, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    std::fprintf(stderr, "cannot load %s\n", NXZ_SYSTEM_ZLIB);
    std::exit(2);
  }
  r.inflateInit2_ = reinterpret_cast<decltype(r.inflateInit2_)>(dlsym(h, "inflateInit2_"));
  r.inflate = reinterpret_cast<decltype(r.inflate)>(dlsym(h, "inflate"));
  r.inflateEnd = reinterpret_cast<decltype(r.inflateEnd)>(dlsym(h, "inflateEnd"));
  r.zlibVersion = reinterpret_cast<decltype(r.zlibVersion)>(dlsym(h, "zlibVersion"));
  return r;
}

Bytes text(size_t n, unsigned seed) {
  static const char* const w[] = {"alpha ", "beta ", "gamma ", "delta\n", "zlib ", "nx "};
  std::mt19937 rng(seed);
  Bytes b;
  while (b.size() < n)
    for (const char* p = w[rng() % 6]; *p && b.size() < n; ++p) b.push_back(*p);
  return b;
}

// The reference's verdict on a stream: its output, or empty on error.
bool ref_decodes(const Ref& r, const Bytes& s, int wbits, const Bytes& want) {
  z_stream z{};
  if (r.inflateInit2_(&z, wbits, r.zlibVersion(), sizeof z) != Z_OK) return false;
  Bytes out(want.size() + 16);
  z.next_in = const_cast<Bytef*>(s.data());
  z.avail_in = static_cast<uInt>(s.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = r.inflate(&z, Z_FINISH);
  out.resize(z.total_out);
  r.inflateEnd(&z);
  return rc == Z_STREAM_END && out == want;
}

Bytes deflate_with(int level, int wbits, int strategy, const Bytes& in, bool prime = false) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, wbits, 8, strategy) != Z_OK) return {};
  if (prime) deflatePrime(&z, 0, 0);
  Bytes out(deflateBound(&z, in.size()));
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : Bytes{};
}

Bytes inflate_with(int wbits, const Bytes& in, int flush, int* rc_out) {
  z_stream z{};
  Bytes out;
  if (inflateInit2(&z, wbits) != Z_OK) return out;
  out.resize(1 << 22);
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  int rc;
  do rc = inflate(&z, flush);
  while (rc == Z_OK && flush == Z_BLOCK);
  *rc_out = rc;
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

}  // namespace

int main() {
  const Ref ref = load_ref();
  if (std::getenv("NXZ_EXPECT_PRELOAD")) {
    Dl_info info{};
    dladdr(reinterpret_cast<void*>(&deflateInit2_), &info);
    check(info.dli_fname && std::strstr(info.dli_fname, "libnxz"),
          std::string("deflateInit2_ comes from ") + (info.dli_fname ? info.dli_fname : "?"));
  }
  const Bytes in = text(200000, 1);
  // Compression paths that are software's.
  for (int wbits : {9, 10, 12, 14, -9, -14, 9 + 16}) {
    check(ref_decodes(ref, deflate_with(6, wbits, Z_DEFAULT_STRATEGY, in), wbits, in),
          "deflate windowBits " + std::to_string(wbits));
  }
  for (int strategy : {Z_HUFFMAN_ONLY, Z_RLE}) {
    check(ref_decodes(ref, deflate_with(6, 15, strategy, in), 15, in),
          "deflate strategy " + std::to_string(strategy));
  }
  check(ref_decodes(ref, deflate_with(0, 15, Z_DEFAULT_STRATEGY, in), 15, in), "deflate level 0");
  check(ref_decodes(ref, deflate_with(6, -15, Z_DEFAULT_STRATEGY, in, true), -15, in),
        "deflatePrime");
  // Switching mid-stream both ways.
  {
    z_stream z{};
    deflateInit(&z, 6);
    Bytes out(deflateBound(&z, in.size()) + 100);
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    for (int part = 0; part < 4; ++part) {
      z.next_in = const_cast<Bytef*>(in.data() + part * 50000);
      z.avail_in = 50000;
      deflate(&z, part == 3 ? Z_FINISH : Z_NO_FLUSH);
      deflateParams(&z, part % 2 ? 6 : 1, part % 2 ? Z_DEFAULT_STRATEGY : Z_HUFFMAN_ONLY);
    }
    out.resize(z.total_out);
    deflateEnd(&z);
    check(ref_decodes(ref, out, 15, in), "deflateParams between engine and software");
  }
  // Decompression paths that are software's.
  const Bytes z9 = deflate_with(6, 9, Z_DEFAULT_STRATEGY, in);
  int rc = 0;
  check(inflate_with(9, z9, Z_NO_FLUSH, &rc) == in && rc == Z_STREAM_END, "inflate windowBits 9");
  const Bytes z15 = deflate_with(6, 15, Z_DEFAULT_STRATEGY, in);
  check(inflate_with(15, z15, Z_BLOCK, &rc) == in && rc == Z_STREAM_END, "inflate Z_BLOCK");
  Bytes bad = z15;
  bad[bad.size() / 2] ^= 0x40;
  inflate_with(15, bad, Z_NO_FLUSH, &rc);
  check(rc == Z_DATA_ERROR, "a corrupt stream is Z_DATA_ERROR");
  // One-shot calls and checksums.
  Bytes c(compressBound(in.size()));
  uLongf clen = c.size();
  check(compress2(c.data(), &clen, in.data(), in.size(), 9) == Z_OK, "compress2");
  c.resize(clen);
  Bytes back(in.size());
  uLongf blen = back.size();
  check(uncompress(back.data(), &blen, c.data(), c.size()) == Z_OK && back == in, "uncompress");
  check(crc32(0, in.data(), static_cast<uInt>(in.size())) != 0, "crc32");
  // The gz* file API.
  char path[] = "/tmp/nxz-probe-XXXXXX";
  const int fd = mkstemp(path);
  close(fd);
  gzFile w = gzopen(path, "wb6");
  check(w != nullptr, "gzopen");
  if (w) {
    check(gzwrite(w, in.data(), static_cast<unsigned>(in.size())) == static_cast<int>(in.size()),
          "gzwrite");
    check(gzprintf(w, "%s %d\n", "end", 42) > 0, "gzprintf");
    check(gzclose(w) == Z_OK, "gzclose");
    gzFile r = gzopen(path, "rb");
    Bytes got(in.size() + 100);
    const int n = gzread(r, got.data(), static_cast<unsigned>(got.size()));
    got.resize(n > 0 ? n : 0);
    Bytes want = in;
    for (const char* p = "end 42\n"; *p; ++p) want.push_back(*p);
    check(got == want, "gzread returns what was written");
    gzclose(r);
  }
  unlink(path);
  std::printf("%d passed, %d failed\n", checks - failures, failures);
  return failures ? 1 : 0;
}
