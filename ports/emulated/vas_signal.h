// The SIGSEGV that contract §8 step 5 sends when the handler cannot write a
// CSB: si_signo SIGSEGV, si_errno EFAULT, si_code SEGV_MAPERR, si_addr = the
// CSB address.
//
// Linux lets a thread send a signal carrying a kernel si_code such as
// SEGV_MAPERR only to itself (rt_tgsigqueueinfo returns EPERM otherwise). So
// the handler thread queues a helper real-time signal (SIGRTMAX - 2, installed
// on first use and only if the application leaves it at SIG_DFL) to the thread
// that pasted the CRB, or else to the window's opener, and that thread's
// helper handler raises the SIGSEGV on itself. When neither thread can be
// reached, the handler raises it on itself: the process still gets it, as a
// process-directed signal from the kernel would reach some thread.
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace nxz::emu {

void deliver_sigsegv(pid_t submitter, pid_t opener, uint64_t csb_addr);

}  // namespace nxz::emu
