// The kernel's user interface to a VAS send window for NX-GZIP
// (uapi/asm/vas-api.h; contract §9.1), restated so that its layout is checked
// on every architecture, not only where the device exists.
#pragma once

#include <linux/ioctl.h>  // _IOW: its bit layout differs between architectures

#include <cstddef>
#include <cstdint>

namespace nxz::power9 {

inline constexpr const char* kNxGzipDevice = "/dev/crypto/nx-gzip";

// The argument of VAS_TX_WIN_OPEN. Default members are the values the
// contract asks for: version 1, any VAS instance, default credits.
struct VasTxWinOpenAttr {
  uint32_t version = 1;
  int16_t vas_id = -1;  // -1: whichever VAS instance the kernel picks
  uint16_t reserved1 = 0;
  uint64_t flags = 0;  // 0: default credits (no QoS credit)
  uint64_t reserved2[6] = {};
};
static_assert(sizeof(VasTxWinOpenAttr) == 64);
static_assert(offsetof(VasTxWinOpenAttr, version) == 0);
static_assert(offsetof(VasTxWinOpenAttr, vas_id) == 4);
static_assert(offsetof(VasTxWinOpenAttr, reserved1) == 6);
static_assert(offsetof(VasTxWinOpenAttr, flags) == 8);
static_assert(offsetof(VasTxWinOpenAttr, reserved2) == 16);

inline constexpr unsigned long kVasTxWinOpen = _IOW('v', 0x20, VasTxWinOpenAttr);
#if defined(__powerpc64__)
// powerpc's _IOC has 3 direction bits (write = 4) and 13 size bits.
static_assert(kVasTxWinOpen == 0x80407620ul);
#endif

// The window is one page mapped from the descriptor at offset 0; CRBs are
// pasted at this offset inside it.
inline constexpr size_t kWindowMapBytes = 4096;
inline constexpr size_t kPasteOffset = 0x400;

}  // namespace nxz::power9
