// The process's fork generation, for code that must notice it runs in a
// forked child (windows and their attachments belong to the process that
// opened them).
#pragma once

#include <cstdint>

namespace nxz {

// 0 in the process that first asked, one more in each child since (a
// pthread_atfork child handler, registered at load, counts). Cheaper than
// getpid(), which glibc no longer caches: a system call on every paste, a
// tenth of a 1 KiB request's time on a virtual machine.
uint64_t fork_epoch();

}  // namespace nxz
