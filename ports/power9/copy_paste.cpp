#include "power9/copy_paste.h"

namespace nxz::power9 {

#if defined(__powerpc64__)
// copy and paste. are emitted as words because assemblers before ISA 3.0
// support do not know them, and the kernel's own helpers do the same:
// copy RA,RB = 0x7c20060c and paste. RA,RB = 0x7c20070d, with RA in bits
// 11:15 (<< 16) and RB in bits 16:20 (<< 11). RA is a register that holds 0
// (contract §9.2), so the address is RB alone. GCC prints a register operand
// as its bare number, which is what the field arithmetic needs.
//
// hwsync first: the CSB reset and everything the CRB points at must be
// visible to the accelerator before it can read them. mfocrf 0x80 leaves
// CR0 in bits 28:31 of the low word (the other bits are undefined).
uint32_t copy_paste(void* paste_address, const void* crb) {
  uint64_t cr;
  asm volatile(
      "hwsync\n\t"
      ".long 0x7c20060c | (%[zero] << 16) | (%[crb] << 11)\n\t"
      ".long 0x7c20070d | (%[zero] << 16) | (%[paste] << 11)\n\t"
      "mfocrf %[cr], 0x80"
      : [cr] "=r"(cr)
      : [zero] "b"(0ul), [crb] "b"(crb), [paste] "b"(paste_address)
      : "cr0", "memory");
  return static_cast<uint32_t>(cr >> 28) & 0xf;
}

// `or rN,rN,rN` with these N are the architected SMT priority hints (ISA
// Book II, "Program Priority Registers"); they change no register.
void spin_relax() { asm volatile("or 31,31,31\n\thwsync" ::: "memory"); }
void spin_relax_end() { asm volatile("or 2,2,2" ::: "memory"); }
#endif

}  // namespace nxz::power9
