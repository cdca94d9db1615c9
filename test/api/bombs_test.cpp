// Decompression bombs and sizes past 4 GiB: a 4 MB zlib stream that inflates
// to 4 GiB + 1 MiB runs in the caller's small buffer in bounded memory, and the
// 64-bit counts (total_out, gztell64, the _z checksums) come out as zlib's.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>

#include "api/api_test_util.h"

namespace nxz::test {
namespace {

constexpr uint64_t kBomb = (4ull << 30) + (1 << 20);  // 4 GiB and 1 MiB of zeros
constexpr size_t kPiece = 1 << 20;                    // one self-contained 1 MiB piece

long peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

// The system zlib's raw deflate of 1 MiB of zeros, ended by a sync flush:
// it refers to nothing before itself, so it can be repeated.
Bytes zero_piece() {
  const RefZlib& z = ref();
  z_stream s{};
  EXPECT_EQ(z.deflateInit2_(&s, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY, z.zlibVersion(),
                            int(sizeof s)),
            Z_OK);
  const Bytes zeros(kPiece, 0);
  Bytes out(kPiece);
  s.next_in = const_cast<uint8_t*>(zeros.data());
  s.avail_in = uInt(zeros.size());
  s.next_out = out.data();
  s.avail_out = uInt(out.size());
  EXPECT_EQ(z.deflate(&s, Z_SYNC_FLUSH), Z_OK);
  // erase, not resize: GCC 12's -Wstringop-overflow (sanitizer builds) cannot
  // see that avail_out <= size and warns about a resize that would grow.
  out.erase(out.begin() + static_cast<ptrdiff_t>(out.size() - s.avail_out), out.end());
  z.deflateEnd(&s);
  return out;
}

// A zlib stream (or gzip member) of kBomb zeros, its checksum (what
// strm->adler ends with) computed with the reference's combine functions.
Bytes bomb(bool gzip, uint32_t* check = nullptr) {
  const RefZlib& z = ref();
  const Bytes piece = zero_piece();
  Bytes s;
  if (gzip) {
    s = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
  } else {
    s = {0x78, 0xda};
  }
  s.reserve(piece.size() * (kBomb / kPiece) + 64);
  for (uint64_t i = 0; i < kBomb / kPiece; ++i) s.insert(s.end(), piece.begin(), piece.end());
  s.insert(s.end(), {0x03, 0x00});  // a last, empty fixed block
  if (gzip) {
    const Bytes zeros(kPiece, 0);
    const uint32_t one = uint32_t(z.crc32_z(0, zeros.data(), zeros.size()));
    uint32_t crc = 0;
    for (uint64_t i = 0; i < kBomb / kPiece; ++i)
      crc = uint32_t(z.crc32_combine64(crc, one, kPiece));
    if (check) *check = crc;
    for (int i = 0; i < 4; ++i) s.push_back(uint8_t(crc >> (8 * i)));
    for (int i = 0; i < 4; ++i) s.push_back(uint8_t(kBomb >> (8 * i)));  // ISIZE: mod 2^32
  } else {
    // Adler-32 of n zeros from 1: a stays 1, b is n mod 65521.
    const uint32_t adler = uint32_t((kBomb % 65521) << 16 | 1);
    if (check) *check = adler;
    for (int i = 3; i >= 0; --i) s.push_back(uint8_t(adler >> (8 * i)));
  }
  return s;
}

TEST(ZlibBombs, MoreThanFourGibibytesThroughASmallBufferInBoundedMemory) {
  for (bool gzip : {false, true}) {
    SCOPED_TRACE(gzip ? "gzip" : "zlib");
    uint32_t check = 0;
    const Bytes in = bomb(gzip, &check);
    ASSERT_LT(in.size(), 6u << 20);
    const long rss_before = peak_rss_kib();
    z_stream s{};
    ASSERT_EQ(inflateInit2(&s, gzip ? 31 : 15), Z_OK);
    s.next_in = const_cast<uint8_t*>(in.data());
    s.avail_in = uInt(in.size());
    static uint8_t out[64 * 1024];
    int rc;
    bool all_zero = true;
    do {
      s.next_out = out;
      s.avail_out = sizeof out;
      rc = inflate(&s, Z_NO_FLUSH);
      for (size_t i = 0; i < sizeof out - s.avail_out; i += 4093) all_zero &= out[i] == 0;
    } while (rc == Z_OK);
    ASSERT_EQ(rc, Z_STREAM_END) << (s.msg ? s.msg : "");
    EXPECT_TRUE(all_zero);
    EXPECT_EQ(uint64_t{s.total_out}, kBomb);  // uLong is 64 bits here, as in zlib
    EXPECT_EQ(uint64_t{s.total_in}, in.size());
    EXPECT_EQ(s.adler, uLong{check});
    inflateEnd(&s);
    // The output never lives anywhere but the caller's 64 KiB.
    EXPECT_LT(peak_rss_kib() - rss_before, 64 * 1024) << "KiB of peak RSS growth";
  }
}

TEST(ZlibBombs, GzReaderOffsetsPastFourGibibytes) {
  const Bytes member = bomb(true);
  char path[] = "/tmp/nxz-bomb-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, member.data(), member.size()), ssize_t(member.size()));
  close(fd);
  gzFile f = gzopen(path, "rb");
  ASSERT_NE(f, nullptr);
  const z_off64_t target = z_off64_t(kBomb) - 10;
  EXPECT_EQ(gzseek64(f, target, SEEK_SET), target);  // skips by decoding
  uint8_t buf[32];
  EXPECT_EQ(gzread(f, buf, sizeof buf), 10);
  EXPECT_EQ(gztell64(f), z_off64_t(kBomb));
  EXPECT_EQ(gzeof(f), 1);
  EXPECT_EQ(gzclose(f), Z_OK);
  unlink(path);
}

// crc32_z and adler32_z take 64-bit lengths: over 4 GiB of untouched zero
// pages (no memory is committed) they agree with the system zlib's.
TEST(ZlibBombs, ChecksumsOfMoreThanFourGibibytes) {
  const size_t n = (4ull << 30) + 4097;
  void* m = mmap(nullptr, n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(m, MAP_FAILED);
  const auto* p = static_cast<const uint8_t*>(m);
  EXPECT_EQ(crc32_z(0, p, n), ref().crc32_z(0, p, n));
  EXPECT_EQ(adler32_z(1, p, n), ref().adler32_z(1, p, n));
  EXPECT_EQ(adler32_z(1, p, n), uLong((n % 65521) << 16 | 1));
  munmap(m, n);
}

}  // namespace
}  // namespace nxz::test
