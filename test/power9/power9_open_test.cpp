// The port's entry points on this machine: without /dev/crypto/nx-gzip
// (every machine but a POWER9/POWER10 with NX, including qemu) power9_open is
// a clean -ENODEV; with it, a wrap job is a known-answer check of the real
// accelerator through the window.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>

#include "accel_port.h"
#include "power9/vas_abi.h"
#include "support/test_support.h"

namespace {

bool device_present() { return ::access(nxz::power9::kNxGzipDevice, F_OK) == 0; }

TEST(Contract9Open, Power9OpenIsNoDeviceWithoutTheAccelerator) {
  if (device_present()) GTEST_SKIP() << "this machine has NX-GZIP";
  nxz_window* w = nullptr;
  EXPECT_EQ(nxz::port::power9_open(&w), -ENODEV);
  EXPECT_EQ(w, nullptr);
}

TEST(Contract6Limits, MaxRequestIsOneOfTheContractsValuesHere) {
  const uint64_t max = nxz::port::power9_max_request_bytes();
#if defined(__powerpc64__)
  if (::access("/sys/devices/vio/ibm,compression-v1/nx_gzip_caps/req_max_processed_len", F_OK) ==
      0) {
    EXPECT_GT(max, 0u);
    return;
  }
  const bool powervm = ::access("/proc/device-tree/ibm,partition-name", F_OK) == 0 ||
                       ::access("/proc/ppc64/lparcfg", F_OK) == 0;
  EXPECT_EQ(max, powervm ? 1u << 20 : 64u << 20);
#else
  EXPECT_EQ(max, 64u << 20);
#endif
}

TEST(Contract9Open, PublicNxBackendIsNoDeviceWithoutTheAccelerator) {
  if (device_present()) GTEST_SKIP() << "this machine has NX-GZIP";
  nxz_window* w = nullptr;
  EXPECT_EQ(nxz_accel_open(NXZ_BACKEND_NX, nullptr, &w), -ENODEV);
  EXPECT_EQ(w, nullptr);
}

TEST(Contract6Wrap, RealAcceleratorWrapsAPageWithItsChecksums) {
  if (!device_present()) GTEST_SKIP() << "no /dev/crypto/nx-gzip";
  nxz_window* w = nullptr;
  ASSERT_EQ(nxz_accel_open(NXZ_BACKEND_NX, nullptr, &w), 0);
  ASSERT_EQ(nxz_accel_backend(w), NXZ_BACKEND_NX);
  const nxz::test::Bytes in = nxz::test::text_like(4096, 5);
  nxz::test::Bytes out(4096, 0);
  nxz::test::Request r;
  r.reset(nx::kFcWrap);
  r.crb().source().set_direct(in.data(), uint32_t(in.size()));
  r.crb().target().set_direct(out.data(), uint32_t(out.size()));
  ASSERT_TRUE(nxz::test::run(w, r)) << "no valid CSB within 10 s";
  EXPECT_EQ(r.csb().cc(), 0);
  EXPECT_EQ(r.csb().tpbc(), in.size());
  EXPECT_EQ(out, in);
  EXPECT_EQ(r.cpb().out_crc(), uint32_t(crc32(0, in.data(), uInt(in.size()))));
  EXPECT_EQ(r.cpb().out_adler(), uint32_t(adler32(1, in.data(), uInt(in.size()))));
  nxz_accel_close(w);
}

}  // namespace
