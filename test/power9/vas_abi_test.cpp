// Contract §9.1/§9.2: the ioctl argument, its request number and the CR0
// decoding of paste., checked on every architecture.
#include "power9/vas_abi.h"

#include <gtest/gtest.h>

#include <cstring>

#include "power9/copy_paste.h"

namespace {

using nxz::power9::VasTxWinOpenAttr;

TEST(Contract9Vas, WinOpenAttrDefaultsAreTheContractsBytes) {
  const VasTxWinOpenAttr attr;
  uint8_t raw[sizeof attr];
  std::memcpy(raw, &attr, sizeof attr);
  // version 1 and vas_id -1 in the machine's byte order (little-endian on
  // x86-64 and ppc64le), everything else zero.
  uint8_t want[64] = {};
  const uint32_t version = 1;
  const int16_t vas_id = -1;
  std::memcpy(want + 0, &version, 4);
  std::memcpy(want + 4, &vas_id, 2);
  EXPECT_EQ(std::memcmp(raw, want, sizeof want), 0);
  EXPECT_EQ(raw[4], 0xff);
  EXPECT_EQ(raw[5], 0xff);
}

TEST(Contract9Vas, WinOpenRequestNumberIsIowV0x20Of64Bytes) {
  const unsigned long nr = nxz::power9::kVasTxWinOpen;
  EXPECT_EQ(nr & 0xff, 0x20u);       // number
  EXPECT_EQ((nr >> 8) & 0xff, 'v');  // type
#if defined(__powerpc__)
  // 13 size bits, then 3 direction bits with write = 4.
  EXPECT_EQ((nr >> 16) & 0x1fff, 64u);
  EXPECT_EQ(nr >> 29, 4u);
  EXPECT_EQ(nr, 0x80407620ul);
#else
  // The generic layout: 14 size bits, then 2 direction bits with write = 1.
  EXPECT_EQ((nr >> 16) & 0x3fff, 64u);
  EXPECT_EQ(nr >> 30, 1u);
  EXPECT_EQ(nr, 0x40407620ul);
#endif
}

TEST(Contract9Vas, PasteAddressIsInsideTheMappedPage) {
  EXPECT_EQ(nxz::power9::kPasteOffset, 0x400u);
  EXPECT_LT(nxz::power9::kPasteOffset + 128, nxz::power9::kWindowMapBytes + 1);
}

TEST(Contract9Vas, PasteIsAcceptedExactlyWhenCr0EqIsSet) {
  // CR0 = LT GT EQ SO. paste. sets 0b00 || accepted || SO; the kernel fails
  // the paste of a window without credits by clearing LT, GT and EQ.
  EXPECT_TRUE(nxz::power9::paste_accepted(0x2));
  EXPECT_TRUE(nxz::power9::paste_accepted(0x3));  // SO copied from XER
  EXPECT_FALSE(nxz::power9::paste_accepted(0x0));
  EXPECT_FALSE(nxz::power9::paste_accepted(0x1));
  EXPECT_FALSE(nxz::power9::paste_accepted(0x8));
  EXPECT_FALSE(nxz::power9::paste_accepted(0x4));
}

}  // namespace
