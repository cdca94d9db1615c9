#include "emulated/vas_signal.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "emulated/vas_instance.h"

namespace nxz::emu {
namespace {

int helper_signal() { return SIGRTMAX - 2; }

std::atomic<bool> g_helper_installed{false};

// Async-signal-safe: only syscalls.
bool raise_segv_on_self(uint64_t csb_addr) {
  siginfo_t si;
  std::memset(&si, 0, sizeof si);
  si.si_signo = SIGSEGV;
  si.si_errno = EFAULT;
  si.si_code = SEGV_MAPERR;
  si.si_addr = reinterpret_cast<void*>(static_cast<uintptr_t>(csb_addr));
  return syscall(SYS_rt_tgsigqueueinfo, getpid(), syscall(SYS_gettid), SIGSEGV, &si) == 0;
}

void on_helper_signal(int, siginfo_t* si, void*) {
  // Only our own queued requests; anything else sent to this signal is ignored.
  if (si->si_code != SI_QUEUE || si->si_pid != getpid()) return;
  const int saved = errno;
  raise_segv_on_self(reinterpret_cast<uintptr_t>(si->si_value.sival_ptr));
  errno = saved;
}

void install_helper() {
  struct sigaction old;
  if (sigaction(helper_signal(), nullptr, &old) != 0) return;
  const bool free_slot = !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_DFL;
  if (!free_slot) return;  // the application uses it
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_helper_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  if (sigaction(helper_signal(), &sa, nullptr) == 0) g_helper_installed = true;
}

bool queue_helper(pid_t tid, uint64_t csb_addr) {
  siginfo_t si;
  std::memset(&si, 0, sizeof si);
  si.si_signo = helper_signal();
  si.si_code = SI_QUEUE;
  si.si_pid = getpid();
  si.si_uid = getuid();
  si.si_value.sival_ptr = reinterpret_cast<void*>(static_cast<uintptr_t>(csb_addr));
  return syscall(SYS_rt_tgsigqueueinfo, getpid(), tid, helper_signal(), &si) == 0;
}

}  // namespace

void deliver_sigsegv(pid_t submitter, pid_t opener, uint64_t csb_addr) {
  const pid_t me = current_tid();
  if (submitter == me) {  // synchronous mode: the submitter is handling its own fault
    raise_segv_on_self(csb_addr);
    return;
  }
  static std::once_flag once;
  std::call_once(once, install_helper);
  if (g_helper_installed) {
    for (pid_t tid : {submitter, opener}) {
      if (tid > 0 && tid != me && queue_helper(tid, csb_addr)) return;
    }
  }
  raise_segv_on_self(csb_addr);
}

}  // namespace nxz::emu
