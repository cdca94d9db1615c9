#include "emulated/fault_probe.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <mutex>

#include "nx/nx.h"

namespace nxz::emu {
namespace {

// ---- Protection, one query per mapping: the PROCMAP_QUERY ioctl on
// /proc/self/maps (Linux 6.11+; declared here because older headers lack it).
struct ProcmapQuery {
  uint64_t size;
  uint64_t query_flags;
  uint64_t query_addr;
  uint64_t vma_start;
  uint64_t vma_end;
  uint64_t vma_flags;
  uint64_t vma_page_size;
  uint64_t vma_offset;
  uint64_t inode;
  uint32_t dev_major;
  uint32_t dev_minor;
  uint32_t vma_name_size;
  uint32_t build_id_size;
  uint64_t vma_name_addr;
  uint64_t build_id_addr;
};
static_assert(sizeof(ProcmapQuery) == 104);
constexpr unsigned long kProcmapQuery = 0xC0686611;  // _IOWR('f', 17, struct procmap_query)
constexpr uint64_t kVmaReadable = 0x01;
constexpr uint64_t kVmaWritable = 0x02;

constexpr int kNotOpened = -2;
constexpr int kUnsupported = -1;
std::atomic<int> g_maps_fd{kNotOpened};

// /proc/self named the parent when the descriptor was opened.
void forget_maps_fd() {
  const int fd = g_maps_fd.exchange(kNotOpened);
  if (fd >= 0) close(fd);
}

int maps_fd() {
  int fd = g_maps_fd.load(std::memory_order_acquire);
  if (fd != kNotOpened) return fd;
  static std::once_flag once;
  std::call_once(once, [] { pthread_atfork(nullptr, nullptr, forget_maps_fd); });
  fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  ProcmapQuery q{};
  q.size = sizeof q;
  q.query_addr = reinterpret_cast<uintptr_t>(&q);  // the stack: always mapped
  if (fd >= 0 && ioctl(fd, kProcmapQuery, &q) != 0) {
    close(fd);
    fd = kUnsupported;
  }
  if (fd < 0) fd = kUnsupported;
  int expected = kNotOpened;
  if (!g_maps_fd.compare_exchange_strong(expected, fd)) {  // another thread won
    if (fd >= 0) close(fd);
    fd = expected;
  }
  return fd;
}

// Sets *first to the first address of [addr, end) that is unmapped or not
// readable (and writable when `write`), or to `end`. False when the kernel
// cannot answer, so that the caller checks page by page instead.
bool first_forbidden(uint64_t addr, uint64_t end, bool write, uint64_t* first) {
  const int fd = maps_fd();
  if (fd < 0) return false;
  const uint64_t need = kVmaReadable | (write ? kVmaWritable : 0);
  for (uint64_t at = addr; at < end;) {
    ProcmapQuery q{};
    q.size = sizeof q;
    q.query_addr = at;
    if (ioctl(fd, kProcmapQuery, &q) != 0) {
      if (errno != ENOENT) return false;
      *first = at;  // no mapping covers it
      return true;
    }
    if ((q.vma_flags & need) != need) {
      *first = at;
      return true;
    }
    at = q.vma_end;
  }
  *first = end;
  return true;
}

// ---- Residency, and protection page by page where the ioctl is missing.

// Pages per mincore call and per process_vm_* call (IOV_MAX is 1024).
constexpr size_t kChunkPages = 1024;

// Index of the first page in [first, first + n pages) that is not resident
// or not mapped; n when all are.
size_t first_absent(uint64_t first, size_t n) {
  const uint64_t ps = nx::page_size();
  unsigned char vec[kChunkPages];
  if (mincore(reinterpret_cast<void*>(first), n * ps, vec) == 0) {
    for (size_t i = 0; i < n; ++i)
      if (!(vec[i] & 1)) return i;
    return n;
  }
  // ENOMEM: some page is not mapped. Find the first bad page one at a time.
  for (size_t i = 0; i < n; ++i) {
    unsigned char v = 0;
    if (mincore(reinterpret_cast<void*>(first + i * ps), ps, &v) != 0 || !(v & 1)) return i;
  }
  return n;
}

// How many of the n resident pages starting at page `first` can be read (and
// written) in order, each probed at its first byte inside the range that
// starts at `lo`. A read copies one byte per page out; a write copies each
// byte onto itself, which needs it readable and writable and changes nothing.
size_t accessible_prefix(uint64_t first, size_t n, uint64_t lo, bool write) {
  const uint64_t ps = nx::page_size();
  unsigned char bytes[kChunkPages];
  iovec remote[kChunkPages];
  for (size_t i = 0; i < n; ++i)
    remote[i] = {reinterpret_cast<void*>(std::max(lo, first + i * ps)), 1};
  const pid_t self = getpid();
  iovec local{bytes, n};
  const ssize_t got = write ? process_vm_writev(self, remote, n, remote, n, 0)
                            : process_vm_readv(self, &local, 1, remote, n, 0);
  if (got >= 0) return static_cast<size_t>(got);
  // EFAULT: the first page failed. Anything else (EPERM under a seccomp
  // filter, ENOSYS under emulators) means protection cannot be checked.
  return errno == EFAULT ? 0 : n;
}

}  // namespace

bool range_accessible(uint64_t addr, size_t len, bool write, uint64_t* fault_addr,
                      bool by_mapping) {
  if (len == 0) return true;
  const uint64_t end = addr + len;
  if (end < addr) {  // wraps around the address space
    *fault_addr = addr;
    return false;
  }
  uint64_t forbidden = end;
  const bool known = by_mapping && first_forbidden(addr, end, write, &forbidden);
  // Pages before the first forbidden address: the first one not resident
  // is the fault, if any.
  const uint64_t ps = nx::page_size();
  const uint64_t first = addr & ~(ps - 1);
  const uint64_t limit = known ? forbidden : end;
  const size_t pages = limit > addr ? static_cast<size_t>((limit - 1 - first) / ps + 1) : 0;
  for (size_t done = 0; done < pages;) {
    const size_t n = std::min(kChunkPages, pages - done);
    const uint64_t chunk = first + done * ps;
    size_t ok = first_absent(chunk, n);
    if (!known && ok) ok = accessible_prefix(chunk, ok, addr, write);
    if (ok < n) {
      *fault_addr = std::max(addr, chunk + ok * ps);
      return false;
    }
    done += n;
  }
  if (forbidden < end) {
    *fault_addr = forbidden;
    return false;
  }
  return true;
}

FaultSite FaultProbe::classify(uint64_t addr, bool write) const {
  const uint64_t cpb = csb_ + nx::kCsbSize;
  if (addr >= cpb && addr < cpb + nx::kCpbSize) return FaultSite::kNone;
  if (write) return addr == csb_ ? FaultSite::kCsb : FaultSite::kTarget;
  return FaultSite::kSource;
}

bool FaultProbe::verified(uint64_t addr, size_t len, bool write) const {
  for (const Span& s : verified_)
    if (addr >= s.lo && addr + len <= s.hi && (s.write || !write)) return true;
  return false;
}

void FaultProbe::remember(uint64_t addr, size_t len, bool write) {
  // Whole pages only: a page checked once stays good for the rest of the job.
  const uint64_t ps = nx::page_size();
  Span& s = verified_[next_++ % kSpans];
  s.lo = addr & ~(ps - 1);
  s.hi = (addr + len + ps - 1) & ~(ps - 1);
  s.write = write;
}

bool FaultProbe::accessible(uint64_t addr, size_t len, bool write, uint64_t* fault_addr) {
  if (site_ != FaultSite::kNone && !injected_ && len && classify(addr, write) == site_) {
    // Fault at a page chosen by the plan, so that partial target writes and
    // faults deep inside long ranges happen too.
    const uint64_t ps = nx::page_size();
    const uint64_t first = addr & ~(ps - 1);
    const uint64_t pages = ((addr + len - 1) & ~(ps - 1)) / ps - first / ps + 1;
    *fault_addr = std::max(addr, first + (pick_ % pages) * ps);
    injected_ = true;
    return false;
  }
  if (!residency_ || len == 0 || verified(addr, len, write)) return true;
  if (!range_accessible(addr, len, write, fault_addr)) return false;
  remember(addr, len, write);
  return true;
}

bool FaultProbe::writable_quietly(uint64_t addr, size_t len) {
  if (!residency_ || len == 0 || verified(addr, len, true)) return true;
  uint64_t ignored = 0;
  return range_accessible(addr, len, true, &ignored);
}

}  // namespace nxz::emu
