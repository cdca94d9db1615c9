// The gz* file API (zlib's own, on the private copy): files written here
// are read by the system zlib and the other way round, with appends,
// concatenated members, transparent reads, seeks, formatted I/O and errors.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "api/api_test_util.h"

namespace nxz::test {
namespace {

struct TempFile {
  std::string path;
  TempFile() {
    char p[] = "/tmp/nxz-gz-XXXXXX";
    close(mkstemp(p));
    path = p;
  }
  ~TempFile() { unlink(path.c_str()); }
  Bytes read() const {
    std::ifstream f(path, std::ios::binary);
    return Bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  }
  void write(const Bytes& b) const {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  }
};

Bytes gz_read_all(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  EXPECT_NE(f, nullptr);
  Bytes out;
  unsigned char buf[4096];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
  EXPECT_EQ(n, 0);
  EXPECT_EQ(gzclose(f), Z_OK);
  return out;
}

TEST(ZlibGz, WriteAppendAndReadConcatenatedMembers) {
  const Bytes a = text_bytes(100000, 61), b = random_bytes(30000, 62);
  TempFile t;
  gzFile w = gzopen(t.path.c_str(), "wb9");
  ASSERT_NE(w, nullptr);
  ASSERT_EQ(gzwrite(w, a.data(), static_cast<unsigned>(a.size())), static_cast<int>(a.size()));
  ASSERT_EQ(gzclose(w), Z_OK);
  w = gzopen(t.path.c_str(), "ab1");  // a second member
  ASSERT_EQ(gzfwrite(b.data(), 1, b.size(), w), b.size());
  ASSERT_EQ(gzclose_w(w), Z_OK);
  Bytes both = a;
  both.insert(both.end(), b.begin(), b.end());
  EXPECT_EQ(gz_read_all(t.path), both);
  // The system zlib reads both members (one inflate stream each).
  const Bytes file = t.read();
  InflateResult first = ref_inflate_run(file, 31);
  EXPECT_EQ(first.rc, Z_STREAM_END);
  EXPECT_EQ(first.out, a);
}

TEST(ZlibGz, TransparentSeekTellGetsUngetcPrintf) {
  TempFile t;
  const std::string plain = "line one\nline two\nthird line here\n";
  t.write(Bytes(plain.begin(), plain.end()));
  gzFile r = gzopen(t.path.c_str(), "rb");
  ASSERT_NE(r, nullptr);
  char line[64];
  ASSERT_NE(gzgets(r, line, sizeof line), nullptr);
  EXPECT_STREQ(line, "line one\n");
  EXPECT_EQ(gzdirect(r), 1);  // not gzip: read as it is
  EXPECT_EQ(gztell(r), 9);
  EXPECT_EQ(gzungetc('X', r), 'X');
  EXPECT_EQ(gzgetc(r), 'X');
  EXPECT_EQ(gzseek(r, 18, SEEK_SET), 18);
  EXPECT_EQ(gzgetc(r), 't');
  EXPECT_EQ(gzrewind(r), 0);
  EXPECT_EQ(gzgetc_(r), 'l');
  gzclose_r(r);

  gzFile w = gzopen(t.path.c_str(), "wb");
  ASSERT_EQ(gzbuffer(w, 1 << 16), 0);
  EXPECT_GT(gzprintf(w, "%d %s %05.1f\n", 42, "answer", 3.14159), 0);
  EXPECT_GT(gzputs(w, "puts\n"), 0);
  EXPECT_EQ(gzputc(w, '!'), '!');
  EXPECT_EQ(gzflush(w, Z_SYNC_FLUSH), Z_OK);
  EXPECT_EQ(gzsetparams(w, 1, Z_DEFAULT_STRATEGY), Z_OK);
  EXPECT_GE(gzoffset(w), 10);
  EXPECT_EQ(gzclose(w), Z_OK);
  const Bytes got = gz_read_all(t.path);
  EXPECT_EQ(std::string(got.begin(), got.end()), "42 answer 003.1\nputs\n!");
}

// zlib 1.2.13 writes through a null buffer when gzungetc is the first call
// on a reader (its buffers come with the first read); 1.3.1 fixed it. Ours
// must push the byte back in front of the file, gzip or plain, and after a
// pending seek.
TEST(ZlibGz, UngetcAsTheFirstCallPushesInFrontOfTheFile) {
  TempFile t;
  t.write(ref_compress(Bytes{'a', 'b', 'c'}, 6, 31));
  gzFile r = gzopen(t.path.c_str(), "rb");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(gzungetc('X', r), 'X');
  EXPECT_EQ(gzgetc(r), 'X');
  EXPECT_EQ(gzgetc(r), 'a');
  EXPECT_EQ(gzclose(r), Z_OK);

  t.write(Bytes{'p', 'l', 'a', 'i', 'n'});
  r = gzopen(t.path.c_str(), "rb");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(gzseek(r, 2, SEEK_SET), 2);
  EXPECT_EQ(gzungetc('Y', r), 'Y');
  char line[16];
  ASSERT_NE(gzgets(r, line, sizeof line), nullptr);
  EXPECT_STREQ(line, "Yain");
  EXPECT_EQ(gzclose(r), Z_OK);

  t.write(Bytes{});
  r = gzopen(t.path.c_str(), "rb");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(gzungetc('Z', r), 'Z');
  EXPECT_EQ(gzgetc(r), 'Z');
  EXPECT_EQ(gzgetc(r), -1);
  EXPECT_EQ(gzclose(r), Z_OK);
}

TEST(ZlibGz, ErrorsAndDescriptors) {
  EXPECT_EQ(gzopen("/nonexistent/dir/file.gz", "rb"), nullptr);
  TempFile t;
  const Bytes good = ref_compress(text_bytes(50000, 63), 6, 31);
  Bytes bad = good;
  bad[bad.size() / 2] ^= 0x20;
  t.write(bad);
  gzFile r = gzopen(t.path.c_str(), "rb");
  ASSERT_NE(r, nullptr);
  Bytes buf(100000);
  EXPECT_EQ(gzread(r, buf.data(), static_cast<unsigned>(buf.size())), -1);
  int err = 0;
  const char* msg = gzerror(r, &err);
  EXPECT_EQ(err, Z_DATA_ERROR);
  EXPECT_NE(std::strstr(msg, t.path.c_str()), nullptr) << msg;  // zlib prefixes the path
  gzclearerr(r);
  EXPECT_EQ(gzeof(r), 0);
  gzclose(r);
  // gzdopen on a descriptor, and a truncated file.
  t.write(Bytes(good.begin(), good.end() - 10));
  const int fd = open(t.path.c_str(), O_RDONLY);
  gzFile d = gzdopen(fd, "rb");
  ASSERT_NE(d, nullptr);
  EXPECT_LT(gzread(d, buf.data(), static_cast<unsigned>(buf.size())), 60000);
  gzerror(d, &err);
  EXPECT_EQ(err, Z_BUF_ERROR);  // "unexpected end of file"
  gzclose(d);
  EXPECT_EQ(gzclose(nullptr), Z_STREAM_ERROR);
}

}  // namespace
}  // namespace nxz::test
