// Conformance of the emulated engine to contract §2 (CRB, DDE, CSB), §3
// (function codes), §6 (wrap and byte-count limits) and §7 (completion
// codes), driven CRB by CRB through the public accelerator interface.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>

#include "support/test_support.h"

namespace {

using nxz::test::Bytes;
using nxz::test::EmuWindow;
using nxz::test::Request;

struct Wrap : ::testing::Test {
  Request r;
  Bytes src = nxz::test::text_like(5000, 1);
  Bytes dst = Bytes(8192, 0xee);

  void direct(uint8_t fc = nx::kFcWrap) {
    r.reset(fc);
    r.crb().source().set_direct(src.data(), static_cast<uint32_t>(src.size()));
    r.crb().target().set_direct(dst.data(), static_cast<uint32_t>(dst.size()));
  }
  void expect_termination(uint8_t cc, uint64_t addr = 0) {
    EXPECT_EQ(r.csb().flags(), nx::kCsbValid);
    EXPECT_EQ(r.csb().cc(), cc);
    EXPECT_EQ(r.csb().ce() & (nx::kCeTermination | nx::kCePartial), nx::kCeTermination);
    EXPECT_EQ(r.csb().address(), addr);
  }
};

TEST_F(Wrap, Contract6CopiesAndReportsBothChecksums) {
  EmuWindow w;
  direct();
  ASSERT_TRUE(nxz::test::run(w, r));
  EXPECT_EQ(r.csb().flags(), nx::kCsbValid);  // §2: every other flag bit 0
  EXPECT_EQ(r.csb().cs(), 0);
  EXPECT_EQ(r.csb().cc(), nx::kCcSuccess);
  EXPECT_EQ(r.csb().ce(), nx::kCeTpbcValid);
  EXPECT_EQ(r.csb().tpbc(), src.size());
  EXPECT_EQ(r.csb().address(), 0u);
  EXPECT_EQ(std::memcmp(dst.data(), src.data(), src.size()), 0);
  EXPECT_EQ(dst[src.size()], 0xee);  // nothing beyond the copy
  EXPECT_EQ(r.cpb().out_spbc_compress(), src.size());
  EXPECT_EQ(r.cpb().out_adler(), adler32(1, src.data(), static_cast<uInt>(src.size())));
  const uint32_t crc = crc32(0, src.data(), static_cast<uInt>(src.size()));
  EXPECT_EQ(r.cpb().out_crc(), crc);
  // §1: the CRC is stored least-significant byte first, as in a gzip trailer.
  EXPECT_EQ(r.cpb().raw[388], crc & 0xff);
  EXPECT_EQ(r.cpb().raw[391], crc >> 24);
}

TEST_F(Wrap, Contract3CheckumsStartFreshEvenWithInputsSet) {
  EmuWindow w;
  direct();
  r.cpb().set_in_adler(0x12345678);  // wrap takes no checksum input (§6)
  r.cpb().set_in_crc(0x9abcdef0);
  ASSERT_TRUE(nxz::test::run(w, r));
  EXPECT_EQ(r.cpb().out_adler(), adler32(1, src.data(), static_cast<uInt>(src.size())));
  EXPECT_EQ(r.cpb().out_crc(), crc32(0, src.data(), static_cast<uInt>(src.size())));
}

TEST_F(Wrap, Contract2IndirectListsGatherAndScatter) {
  EmuWindow w;
  r.reset(nx::kFcWrap);
  // Source in 3 uneven pieces, the byte count stopping inside the last one.
  r.src_list[0].set_direct(src.data(), 7);
  r.src_list[1].set_direct(src.data() + 7, 1000);
  r.src_list[2].set_direct(src.data() + 1007, 3000);
  r.crb().source().set_indirect(r.src_list, 3, 4000);
  Bytes a(1500, 0), b(10000, 0xee);
  r.dst_list[0].set_direct(a.data(), 1500);
  r.dst_list[1].set_direct(b.data(), 10000);
  r.crb().target().set_indirect(r.dst_list, 2, 11500);
  ASSERT_TRUE(nxz::test::run(w, r));
  ASSERT_EQ(r.csb().cc(), 0);
  EXPECT_EQ(r.csb().tpbc(), 4000u);
  EXPECT_EQ(r.cpb().out_spbc_compress(), 4000u);
  EXPECT_EQ(std::memcmp(a.data(), src.data(), 1500), 0);
  EXPECT_EQ(std::memcmp(b.data(), src.data() + 1500, 2500), 0);
  EXPECT_EQ(b[2500], 0xee);
  EXPECT_EQ(r.cpb().out_crc(), crc32(0, src.data(), 4000));
}

TEST_F(Wrap, Contract2MaximumListOf255Entries) {
  EmuWindow w;
  r.reset(nx::kFcWrap);
  Bytes big = nxz::test::random_bytes(255 * 3, 9);
  for (int i = 0; i < 255; ++i) r.src_list[i].set_direct(big.data() + 3 * i, 3);
  r.crb().source().set_indirect(r.src_list, 255, 255 * 3);
  Bytes out(1000, 0);
  r.crb().target().set_direct(out.data(), 1000);
  ASSERT_TRUE(nxz::test::run(w, r));
  ASSERT_EQ(r.csb().cc(), 0);
  EXPECT_EQ(std::memcmp(out.data(), big.data(), big.size()), 0);
}

TEST_F(Wrap, Contract7TargetTooSmallIsCc13) {
  EmuWindow w;
  direct();
  r.crb().target().set_direct(dst.data(), static_cast<uint32_t>(src.size() - 1));
  ASSERT_TRUE(nxz::test::run(w, r));
  expect_termination(nx::kCcTargetSpace);
}

TEST_F(Wrap, Contract2ZeroLengthDdes) {
  EmuWindow w;
  direct();
  r.crb().source().set_direct(src.data(), 0);
  ASSERT_TRUE(nxz::test::run(w, r));
  expect_termination(nx::kCcSourceDde);  // source of length 0: cc 14

  direct();
  r.crb().target().set_direct(dst.data(), 0);
  ASSERT_TRUE(nxz::test::run(w, r));
  expect_termination(nx::kCcTargetSpace);  // target of length 0: cc 13

  direct();
  r.src_list[0].set_direct(src.data(), 10);
  r.crb().source().set_indirect(r.src_list, 1, 0);
  ASSERT_TRUE(nxz::test::run(w, r));
  expect_termination(nx::kCcSourceDde);  // indirect source of length 0
}

TEST_F(Wrap, Contract2IndirectListMustBe16Aligned) {
  EmuWindow w;
  direct();
  alignas(16) uint8_t space[64] = {};
  auto* misaligned = reinterpret_cast<nx::Dde*>(space + 8);
  r.crb().source().set_indirect(misaligned, 1, 10);
  ASSERT_TRUE(nxz::test::run(w, r));
  expect_termination(nx::kCcDdeAlignment, reinterpret_cast<uintptr_t>(space + 8));
}

TEST_F(Wrap, Contract2NestedListIsCc31) {
  EmuWindow w;
  direct();
  r.src_list[0].set_direct(src.data(), 10);
  r.src_list[1].set_indirect(r.dst_list, 1, 10);
  r.crb().source().set_indirect(r.src_list, 2, 20);
  ASSERT_TRUE(nxz::test::run(w, r));
  expect_termination(nx::kCcDdeNested);
}

TEST_F(Wrap, Contract2ReservedBytesInADdeAreCc30) {
  EmuWindow w;
  for (int byte : {0, 1, 3}) {
    direct();
    r.src_list[0].set_direct(src.data(), 10);
    r.src_list[0].raw[byte] = 1;
    r.crb().source().set_indirect(r.src_list, 1, 10);
    ASSERT_TRUE(nxz::test::run(w, r));
    expect_termination(nx::kCcDdeReserved);
    direct();
    r.crb().target().raw[byte] = 0x80;
    ASSERT_TRUE(nxz::test::run(w, r));
    expect_termination(nx::kCcDdeReserved);
  }
}

TEST_F(Wrap, Contract2SourceCountBeyondItsListIsCc33) {
  EmuWindow w;
  direct();
  r.src_list[0].set_direct(src.data(), 10);
  r.src_list[1].set_direct(src.data() + 10, 10);
  r.crb().source().set_indirect(r.src_list, 2, 21);
  ASSERT_TRUE(nxz::test::run(w, r));
  expect_termination(nx::kCcDdeSourceCount);
}

TEST_F(Wrap, Contract2TargetListShorterThanItsCountLimitsOutput) {
  EmuWindow w;
  direct();
  r.dst_list[0].set_direct(dst.data(), 100);
  r.crb().target().set_indirect(r.dst_list, 1, 100000);  // offers only 100
  ASSERT_TRUE(nxz::test::run(w, r));
  expect_termination(nx::kCcTargetSpace);
}

TEST_F(Wrap, Contract2MoreDdesThanTheLimitRegisterIsCc14) {
  nxz_emu_config cfg{};
  cfg.dde_limit = 4;
  EmuWindow w(&cfg);
  direct();
  for (int i = 0; i < 5; ++i) r.src_list[i].set_direct(src.data() + 10 * i, 10);
  r.crb().source().set_indirect(r.src_list, 5, 50);
  ASSERT_TRUE(nxz::test::run(w, r));
  expect_termination(nx::kCcSourceDde);
  r.crb().source().set_indirect(r.src_list, 4, 40);
  r.csb().raw[0] = 0;
  ASSERT_TRUE(nxz::test::run(w, r));
  EXPECT_EQ(r.csb().cc(), 0);
}

TEST_F(Wrap, Contract2InvalidCrbFieldsAreCc21) {
  EmuWindow w;
  direct();
  r.crb().raw[2] = 0x01;  // CCW bits 0:25 reserved
  ASSERT_TRUE(nxz::test::run(w, r));
  expect_termination(nx::kCcCrbInvalid);

  direct();
  r.crb().raw[3] = 0x40 | nx::kFcWrap;  // bit 25 of the CCW
  ASSERT_TRUE(nxz::test::run(w, r));
  expect_termination(nx::kCcCrbInvalid);

  direct();
  r.crb().raw[5] = 1;  // word at 4 reserved
  ASSERT_TRUE(nxz::test::run(w, r));
  expect_termination(nx::kCcCrbInvalid);

  direct();
  r.crb().raw[15] |= nx::kCsbFlagC;  // a CCB whose method is not 1
  r.crb().raw[63] = 2;
  ASSERT_TRUE(nxz::test::run(w, r));
  expect_termination(nx::kCcCrbInvalid);

  direct();
  r.crb().raw[15] |= nx::kCsbFlagReserved;
  ASSERT_TRUE(nxz::test::run(w, r));
  expect_termination(nx::kCcCrbInvalid);
}

TEST_F(Wrap, Contract2CcbWithInterruptMethodIsAccepted) {
  EmuWindow w;
  direct();
  r.crb().raw[15] |= nx::kCsbFlagC;
  r.crb().raw[63] = nx::kCcbMethodInterrupt;
  ASSERT_TRUE(nxz::test::run(w, r));
  EXPECT_EQ(r.csb().cc(), 0);
}

TEST_F(Wrap, Contract3UnknownFunctionCodesAreCc17) {
  EmuWindow w;
  for (uint8_t fc : {0x18, 0x19, 0x1a, 0x1c, 0x20, 0x2e, 0x3f}) {
    direct(fc);
    ASSERT_TRUE(nxz::test::run(w, r));
    expect_termination(nx::kCcFunction);
  }
}

TEST_F(Wrap, Contract2CrbIsTakenByValueAtPaste) {
  EmuWindow w;
  direct();
  alignas(128) nx::Crb copy = r.crb();
  ASSERT_EQ(nxz_accel_paste(w, &copy), NXZ_PASTE_ACCEPTED);
  std::memset(&copy, 0xff, sizeof copy);  // reuse the memory at once
  const auto* flags = reinterpret_cast<const std::atomic<uint8_t>*>(&r.csb().raw[0]);
  for (int i = 0; i < 10000000 && !(flags->load(std::memory_order_acquire) & nx::kCsbValid); ++i)
    std::this_thread::yield();
  ASSERT_EQ(r.csb().flags(), nx::kCsbValid);
  EXPECT_EQ(r.csb().cc(), 0);
  EXPECT_EQ(std::memcmp(dst.data(), src.data(), src.size()), 0);
}

TEST_F(Wrap, Contract6ByteCountLimitsSuspendWrap) {
  nxz_emu_config cfg{};
  cfg.limit_high = 3000;
  cfg.limit_low = 100;
  {
    EmuWindow w(&cfg);
    direct(nx::kFcWrap | nx::kFcLowLimitBit);  // bit 0x01 forces the low limit
    ASSERT_TRUE(nxz::test::run(w, r));
    EXPECT_EQ(r.csb().cc(), nx::kCcPartial);
    EXPECT_EQ(r.csb().ce() & (nx::kCePartial | nx::kCeTermination), nx::kCePartial);
    EXPECT_EQ(r.csb().tpbc(), 100u);
    EXPECT_EQ(r.cpb().out_spbc_compress(), 100u);
    EXPECT_EQ(r.cpb().out_crc(), crc32(0, src.data(), 100));

    direct(nx::kFcWrap);  // the high limit
    ASSERT_TRUE(nxz::test::run(w, r));
    EXPECT_EQ(r.csb().cc(), nx::kCcPartial);
    EXPECT_EQ(r.csb().tpbc(), 3000u);
  }
  cfg.priority_queued = 1;  // queued work: the low limit applies to all
  {
    EmuWindow w(&cfg);
    direct(nx::kFcWrap);
    ASSERT_TRUE(nxz::test::run(w, r));
    EXPECT_EQ(r.csb().tpbc(), 100u);
  }
  cfg = {};
  cfg.limit_high = static_cast<uint32_t>(src.size());  // whole source taken: completes
  {
    EmuWindow w(&cfg);
    direct(nx::kFcWrap);
    ASSERT_TRUE(nxz::test::run(w, r));
    EXPECT_EQ(r.csb().cc(), nx::kCcSuccess);
    EXPECT_EQ(r.csb().tpbc(), src.size());
  }
}

}  // namespace
