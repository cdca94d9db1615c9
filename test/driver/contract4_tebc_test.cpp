// Contract §4 on the driver side: the bits above out_tebc in a job's last
// byte are undefined (the emulated engine fills them with junk), so the
// Deflater keeps only the low tebc bits, both before the empty stored block
// that realigns a non-final block and as zero padding after a final one.
#include <gtest/gtest.h>
#include <zlib.h>

#include "engine/deflate_driver.h"
#include "support/test_support.h"

namespace {

using nxz::engine::Deflater;
using nxz::engine::Status;
using nxz::test::Bytes;
using nxz::test::EmuWindow;

Bytes compress_once(nxz_window* w, const Bytes& data, bool final, bool dht = false) {
  Deflater d(w, dht);
  Bytes out(nxz::engine::deflate_bound(data.size()));
  size_t consumed = 0, produced = 0;
  EXPECT_EQ(d.compress(nullptr, 0, data.data(), data.size(), final, out.data(), out.size(),
                       &consumed, &produced),
            Status::kOk);
  EXPECT_EQ(consumed, data.size());
  out.resize(produced);
  return out;
}

// Raw-inflates a whole stream block by block (Z_BLOCK) up to the end of its
// final block; returns the unused bits of the last byte zlib took then
// (data_type & 7), or -1 on an error or bytes left over.
int unused_bits_after_stream(const Bytes& z, Bytes* out) {
  z_stream s{};
  if (inflateInit2(&s, -15) != Z_OK) return -1;
  out->assign(1 << 20, 0);
  s.next_in = const_cast<Bytef*>(z.data());
  s.avail_in = static_cast<uInt>(z.size());
  s.next_out = out->data();
  s.avail_out = static_cast<uInt>(out->size());
  int unused = -1;
  for (int i = 0; i < 1000; ++i) {
    const int rc = inflate(&s, Z_BLOCK);
    if (rc != Z_OK && rc != Z_BUF_ERROR) break;
    // 64: the last block was started; 128: at a block boundary.
    if ((s.data_type & 64) && (s.data_type & 128)) {
      if (s.avail_in == 0) unused = s.data_type & 7;
      break;
    }
  }
  out->resize(s.total_out);
  inflateEnd(&s);
  return unused;
}

TEST(Contract4Tebc, FinalBlockPaddingIsZero) {
  EmuWindow w;
  const Bytes text = nxz::test::corpus("alice29.txt");
  int padded = 0;
  // Long enough that the block beats storing it (shorter input is stored).
  for (size_t n = 400; n < 460; ++n) {
    const Bytes data(text.begin(), text.begin() + static_cast<ptrdiff_t>(n));
    for (bool dht : {false, true}) {
      const Bytes z = compress_once(w, data, true, dht);
      Bytes out;
      const int unused = unused_bits_after_stream(z, &out);
      ASSERT_GE(unused, 0) << n;
      EXPECT_EQ(out, data);
      if (unused == 0) continue;
      ++padded;
      EXPECT_EQ(z.back() >> (8 - unused), 0) << "n=" << n << " dht=" << dht;
    }
  }
  EXPECT_GT(padded, 40);
}

TEST(Contract4Tebc, SameInputGivesTheSameStream) {
  EmuWindow w;
  const Bytes text = nxz::test::corpus("alice29.txt");
  for (size_t n = 400; n < 430; ++n) {
    const Bytes data(text.begin() + 1000, text.begin() + 1000 + static_cast<ptrdiff_t>(n));
    const Bytes a = compress_once(w, data, true);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(compress_once(w, data, true), a) << n;
  }
}

TEST(Contract4Tebc, NonFinalBlocksRealignOverJunkBits) {
  EmuWindow w;
  const Bytes text = nxz::test::corpus("alice29.txt");
  ASSERT_GT(text.size(), 60000u);
  // Many small non-final blocks, each realigned by an empty stored block
  // written over the junk above its tebc, then an empty final block.
  for (bool dht : {false, true}) {
    Deflater d(w, dht);
    Bytes stream;
    size_t pos = 0;
    for (size_t n = 7; pos + n <= 60000; n = n * 3 % 1999 + 5) {
      Bytes space(nxz::engine::deflate_bound(n));
      size_t consumed = 0, produced = 0;
      ASSERT_EQ(d.compress(text.data(), pos, text.data() + pos, n, false, space.data(),
                           space.size(), &consumed, &produced),
                Status::kOk);
      ASSERT_EQ(consumed, n);
      stream.insert(stream.end(), space.begin(), space.begin() + static_cast<ptrdiff_t>(produced));
      pos += n;
    }
    Bytes space(16);
    size_t consumed = 0, produced = 0;
    ASSERT_EQ(d.compress(text.data(), pos, nullptr, 0, true, space.data(), space.size(), &consumed,
                         &produced),
              Status::kOk);
    stream.insert(stream.end(), space.begin(), space.begin() + static_cast<ptrdiff_t>(produced));
    Bytes out;
    std::string err;
    ASSERT_TRUE(nxz::test::zlib_inflate_raw(stream.data(), stream.size(), &out, &err))
        << err << " dht=" << dht;
    EXPECT_EQ(out, Bytes(text.begin(), text.begin() + static_cast<ptrdiff_t>(pos)));
  }
}

}  // namespace
