#include "engine/stats.h"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "config/config.h"
#include "engine/abandoned.h"
#include "nxz/stats.h"

namespace nxz::engine {
namespace {

void print_at_exit() { nxz_stats_print(); }

// NXZ_STATS_FILE: the counters of every process that used the driver are
// appended there at exit, one line each, in one write (so that processes
// exiting together do not interleave). For a host program whose stderr
// must stay untouched, and for counting work across its child processes.
void append_at_exit() {
  const std::string& file = config::settings().stats_file;
  if (file.empty()) return;
  const char* path = file.c_str();
  nxz_stats st;
  nxz_stats_get(&st);
  char line[512];
  const int n = std::snprintf(
      line, sizeof line,
      "nxz: pid %ld jobs %llu bytes_in %llu bytes_out %llu faults %llu resubmits %llu "
      "busy_retries %llu timeouts %llu fallbacks %llu hw_errors %llu\n",
      static_cast<long>(getpid()), (unsigned long long)st.jobs, (unsigned long long)st.bytes_in,
      (unsigned long long)st.bytes_out, (unsigned long long)st.faults,
      (unsigned long long)st.resubmits, (unsigned long long)st.busy_retries,
      (unsigned long long)st.timeouts, (unsigned long long)st.fallbacks,
      (unsigned long long)st.hw_errors);
  const int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  if (n > 0) [[maybe_unused]]
    ssize_t w = write(fd, line, static_cast<size_t>(n));
  close(fd);
}

Counters g_counters;

// A forked child counts from zero: its line in the stats file is its own
// work, and a parent's and its children's lines add up.
void zero_in_child() {
  for (std::atomic<uint64_t>* a :
       {&g_counters.jobs, &g_counters.bytes_in, &g_counters.bytes_out, &g_counters.faults,
        &g_counters.pages_touched, &g_counters.resubmits, &g_counters.busy_retries,
        &g_counters.timeouts, &g_counters.fallbacks, &g_counters.hw_errors})
    a->store(0, std::memory_order_relaxed);
}

// `stats` (NXZ_STATS=1) asks for the counters on stderr at exit,
// `stats_file` (NXZ_STATS_FILE) in a file; registered on first use.
Counters* make_counters() {
  Counters& c = g_counters;
  pthread_atfork(nullptr, nullptr, zero_in_child);
  const config::Settings& s = config::settings();
  if (s.stats) std::atexit(print_at_exit);
  if (!s.stats_file.empty()) std::atexit(append_at_exit);
  return &c;
}

}  // namespace

Counters& counters() {
  static Counters* c = make_counters();
  return *c;
}

}  // namespace nxz::engine

extern "C" void nxz_stats_get(nxz_stats* out) {
  auto& c = nxz::engine::counters();
  auto ld = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  out->jobs = ld(c.jobs);
  out->bytes_in = ld(c.bytes_in);
  out->bytes_out = ld(c.bytes_out);
  out->faults = ld(c.faults);
  out->pages_touched = ld(c.pages_touched);
  out->resubmits = ld(c.resubmits);
  out->busy_retries = ld(c.busy_retries);
  out->timeouts = ld(c.timeouts);
  out->fallbacks = ld(c.fallbacks);
  out->hw_errors = ld(c.hw_errors);
}

extern "C" void nxz_stats_abandoned(uint64_t* outstanding, uint64_t* resident_bytes,
                                    uint64_t* reclaimed) {
  const nxz::engine::AbandonedCounts a = nxz::engine::abandoned_counts();
  if (outstanding) *outstanding = a.outstanding;
  if (resident_bytes) *resident_bytes = a.bytes_held - a.buffer_bytes;
  if (reclaimed) *reclaimed = a.reclaimed;
}

extern "C" void nxz_stats_print(void) {
  nxz_stats s;
  nxz_stats_get(&s);
  std::fprintf(stderr,
               "nxz: jobs %llu\nnxz: bytes_in %llu\nnxz: bytes_out %llu\nnxz: faults %llu\n"
               "nxz: pages_touched %llu\nnxz: resubmits %llu\nnxz: busy_retries %llu\n"
               "nxz: timeouts %llu\nnxz: fallbacks %llu\nnxz: hw_errors %llu\n",
               (unsigned long long)s.jobs, (unsigned long long)s.bytes_in,
               (unsigned long long)s.bytes_out, (unsigned long long)s.faults,
               (unsigned long long)s.pages_touched, (unsigned long long)s.resubmits,
               (unsigned long long)s.busy_retries, (unsigned long long)s.timeouts,
               (unsigned long long)s.fallbacks, (unsigned long long)s.hw_errors);
}
