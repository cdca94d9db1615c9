#include "engine/stats.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "nxz/stats.h"

namespace nxz::engine {
namespace {

void print_at_exit() { nxz_stats_print(); }

// NXZ_STATS=1 asks for the counters at exit; registered on first use.
Counters* make_counters() {
  static Counters c;
  const char* e = std::getenv("NXZ_STATS");
  if (e && std::strcmp(e, "0") != 0 && *e) std::atexit(print_at_exit);
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
