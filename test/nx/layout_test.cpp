// Contract §2: offsets and bit fields of the structures, checked through the
// accessors against hand-encoded big-endian bytes.
#include <gtest/gtest.h>

#include <cstring>

#include "nx/nx.h"

namespace {

TEST(Contract2Layout, CrbFieldsAreBigEndianAtTheirOffsets) {
  alignas(128) nx::Crb crb{};
  crb.raw[3] = 0x16;  // function code in the low 6 bits of byte 3
  EXPECT_EQ(crb.function_code(), 0x16);
  EXPECT_EQ(crb.ccw(), 0x16u);
  const uint8_t csb[8] = {0x00, 0x00, 0x7f, 0xff, 0x12, 0x34, 0x56, 0x78};
  std::memcpy(crb.raw + 8, csb, 8);
  crb.raw[15] |= 0x8;
  EXPECT_EQ(crb.csb_address(), 0x00007fff12345670ull);
  EXPECT_EQ(crb.csb_word() & nx::kCsbFlagC, nx::kCsbFlagC);
}

TEST(Contract2Layout, DdeDirectAndIndirect) {
  alignas(16) nx::Dde d{};
  d.set_direct(reinterpret_cast<void*>(0x1122334455667788ull), 0xa0b0c0d0u);
  const uint8_t want[16] = {0,    0,    0,    0,    0xa0, 0xb0, 0xc0, 0xd0,
                            0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
  EXPECT_EQ(std::memcmp(d.raw, want, 16), 0);
  EXPECT_EQ(d.count(), 0);
  alignas(16) nx::Dde list[3];
  d.set_indirect(list, 3, 99);
  EXPECT_EQ(d.raw[2], 3);
  EXPECT_EQ(d.byte_count(), 99u);
  EXPECT_TRUE(d.reserved_clear());
}

TEST(Contract2Layout, CpbInputWordsPackAsTheManualSays) {
  alignas(16) nx::Cpb cpb{};
  cpb.set_in_histlen_subc(0xabc, 5);
  EXPECT_EQ(nx::load_be32(cpb.raw + 8), 0xabc00005u);
  EXPECT_EQ(cpb.in_histlen(), 0xabcu);
  EXPECT_EQ(cpb.in_subc(), 5u);
  cpb.set_in_sfbt_rembytecnt(0xd, 0x1234);
  EXPECT_EQ(nx::load_be32(cpb.raw + 12), 0x000d1234u);
  EXPECT_EQ(cpb.in_sfbt(), 0xdu);
  EXPECT_EQ(cpb.in_rembytecnt(), 0x1234u);
  EXPECT_EQ(cpb.in_dhtlen(), 0x234u);  // overlaps rembytecnt (§2)
}

TEST(Contract1ByteOrder, CrcFieldsAreLeastSignificantByteFirst) {
  alignas(16) nx::Cpb cpb{};
  cpb.set_in_crc(0x11223344u);
  EXPECT_EQ(cpb.raw[4], 0x44);
  EXPECT_EQ(cpb.raw[7], 0x11);
  cpb.set_in_adler(0x11223344u);
  EXPECT_EQ(cpb.raw[0], 0x11);
  nx::store_le32(cpb.raw + 388, 0xdeadbeefu);
  EXPECT_EQ(cpb.out_crc(), 0xdeadbeefu);
}

TEST(Contract2Layout, SpbcLocationDependsOnFunctionCode) {
  EXPECT_EQ(nx::Cpb::spbc_offset(nx::kFcCompressFht), 400u);
  EXPECT_EQ(nx::Cpb::spbc_offset(nx::kFcCompressDhtResume | 1), 400u);
  EXPECT_EQ(nx::Cpb::spbc_offset(nx::kFcWrap), 400u);
  EXPECT_EQ(nx::Cpb::spbc_offset(nx::kFcCompressFhtCount), 1664u);
  EXPECT_EQ(nx::Cpb::spbc_offset(nx::kFcCompressDhtCountResume), 1664u);
  EXPECT_EQ(nx::Cpb::spbc_offset(nx::kFcDecompress), 688u);
  EXPECT_EQ(nx::Cpb::spbc_offset(nx::kFcDecompressSingleResume), 688u);
}

TEST(Contract3FunctionCodes, ClassifiesEveryCode) {
  int valid = 0;
  for (int fc = 0; fc < 64; ++fc) valid += nx::fc_is_valid(static_cast<uint8_t>(fc));
  EXPECT_EQ(valid, 8 * 2 + 4 * 2 + 2);  // 8 compress, 4 decompress, wrap; each with bit 0x01
  EXPECT_TRUE(nx::fc_is_wrap(0x1f));
  EXPECT_FALSE(nx::fc_is_valid(0x18));
  EXPECT_FALSE(nx::fc_is_valid(0x20));
}

TEST(Contract5Resume, NextSourceOffset) {
  // spbc 100 with 2 quadwords of history, 12 bits unprocessed: 2 bytes back.
  EXPECT_EQ(nx::next_source_offset(100, 2, 12), 100u - 32 - 2);
  EXPECT_EQ(nx::next_source_offset(100, 0, 0), 100u);
  EXPECT_EQ(nx::next_source_offset(100, 0, 8), 99u);
}

}  // namespace
