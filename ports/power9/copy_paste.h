// The one place with POWER instructions: submitting a CRB to a VAS window.
#pragma once

#include <cstdint>

namespace nxz::power9 {

// CR0 after `paste.`, as 4 bits LT GT EQ SO (0x8 0x4 0x2 0x1). The
// accelerator sets EQ when it took the CRB; it (or the kernel, for a window
// that lost its credits) leaves EQ clear to refuse it (contract §9.2).
constexpr bool paste_accepted(uint32_t cr0) { return (cr0 & 0x2) != 0; }

#if defined(__powerpc64__)
// hwsync, then copy the 128-byte CRB at `crb` (128-aligned) and paste it to
// `paste_address`. Returns CR0 as above.
uint32_t copy_paste(void* paste_address, const void* crb);

// One step of a CSB poll's spin (contract §9.3): drop this hardware thread
// to low SMT priority (`or 31,31,31`) so that its siblings get the core,
// and hwsync so that the next read of the CSB sees what NX stored.
void spin_relax();
// Back to normal (medium) SMT priority (`or 2,2,2`) once the spin ends.
void spin_relax_end();
#endif

}  // namespace nxz::power9
