// nxz-soak: N threads of random streams through libnxz.so for a chosen
// time, with the emulated engine's fault injection on and forks in the
// middle of open streams, every byte checked against the system zlib.
//   nxz-soak [--time SECONDS] [--threads N] [--seed S] [--fork-every SECONDS]
//            [--replay SEED] [--self-check] [--quiet]
// --self-check corrupts one byte of every stream before its checks: every
// job must then be found wrong (the exit status is 1).
// Exit status 0 when nothing went wrong, 1 on any mismatch, 2 on usage.
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "nxz/stats.h"
#include "soak/soak_fork.h"
#include "soak/soak_job.h"

namespace {

using nxz::soak::Counters;
using nxz::soak::DataPool;
using nxz::soak::ForkCounters;
using Clock = std::chrono::steady_clock;

// What the fault campaign of the test suite injects, unless the caller set
// NXZ_EMU_FAULTS: faults, busy pastes, late and hung requests, hardware errors.
const char kDefaultFaults[] = "fault=0.1,busy=0.05,late=0.02:50us,hang=0.001,hwerr=0.003";

struct Options {
  double seconds = 60;
  unsigned threads = 8;
  uint64_t seed = 1;
  double fork_every = 2;
  bool replay = false;
  bool self_check = false;
  bool quiet = false;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "nxz-soak: %s\nusage: nxz-soak [--time SECONDS] [--threads N] [--seed S] "
               "[--fork-every SECONDS] [--replay SEED] [--self-check] [--quiet]\n",
               why);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage(("missing value for " + a).c_str());
      return argv[++i];
    };
    if (a == "--time") {
      o.seconds = std::atof(value());
    } else if (a == "--threads") {
      o.threads = unsigned(std::atoi(value()));
    } else if (a == "--seed") {
      o.seed = std::strtoull(value(), nullptr, 0);
    } else if (a == "--fork-every") {
      o.fork_every = std::atof(value());
    } else if (a == "--replay") {
      o.seed = std::strtoull(value(), nullptr, 16);
      o.replay = true;
    } else if (a == "--self-check") {
      o.self_check = true;
    } else if (a == "--quiet") {
      o.quiet = true;
    } else {
      usage(("unknown argument " + a).c_str());
    }
  }
  if (o.threads == 0 || o.threads > 256) usage("--threads takes 1 to 256");
  return o;
}

// The seed of job j of thread t: distinct, and printed with any failure.
uint64_t job_seed(uint64_t seed, uint64_t t, uint64_t j) {
  uint64_t x = seed * 0x9e3779b97f4a7c15ull ^ (t << 40) ^ j;
  x ^= x >> 31;
  x *= 0xbf58476d1ce4e5b9ull;
  return x ^ (x >> 29);
}

double rss_mib() {
  std::ifstream f("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  f >> pages_total >> pages_resident;
  return double(pages_resident) * double(sysconf(_SC_PAGESIZE)) / (1 << 20);
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  // The library reads its settings once, at its first call: set them first.
  if (!std::getenv("NXZ_EMU_FAULTS")) {
    const std::string spec = "seed=" + std::to_string(o.seed) + "," + kDefaultFaults;
    setenv("NXZ_EMU_FAULTS", spec.c_str(), 1);
  }
  if (!std::getenv("NXZ_TIMEOUT_MS")) setenv("NXZ_TIMEOUT_MS", "20", 1);
  if (!std::getenv("NXZ_BACKEND")) setenv("NXZ_BACKEND", "emulated", 1);
  const DataPool pool = DataPool::make();
  Counters c;
  ForkCounters fc;
  std::mutex report_lock;
  std::vector<std::string> failures;
  auto record = [&](const std::string& why) {
    std::lock_guard<std::mutex> g(report_lock);
    if (failures.size() < 20) failures.push_back(why);
  };

  if (o.replay) {  // one job, from the seed a failure printed
    std::string why;
    const bool ok = nxz::soak::run_stream_job(o.seed, pool, c, &why, o.self_check);
    std::printf("%s\n", ok ? "replay: ok" : why.c_str());
    return ok ? 0 : 1;
  }

  const auto start = Clock::now();
  const auto stop = start + std::chrono::duration<double>(o.seconds);
  std::atomic<bool> done{false};
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < o.threads; ++t) {
    workers.emplace_back([&, t] {
      for (uint64_t j = 0; !done.load(std::memory_order_relaxed); ++j) {
        std::string why;
        if (!nxz::soak::run_stream_job(job_seed(o.seed, t, j), pool, c, &why, o.self_check))
          record(why);
      }
    });
  }
  std::thread forker;
  if (o.fork_every > 0) {
    forker = std::thread([&] {
      auto next = Clock::now();
      for (uint64_t j = 0; !done.load(); ++j) {
        next += std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(o.fork_every));
        std::string why;
        if (!nxz::soak::run_fork_job(job_seed(o.seed, 1000 + j, j), pool, fc, &why)) record(why);
        while (!done.load() && Clock::now() < next)
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
  }

  // Resident memory once the threads have warmed up (a tenth of the run),
  // and at the end: a leak shows as growth between the two.
  double rss_start = -1;
  uint64_t held_start = 0;
  const bool tty = !o.quiet && isatty(2);
  while (Clock::now() < stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (rss_start < 0 && elapsed >= o.seconds / 10) {
      rss_start = rss_mib();
      nxz_stats_abandoned(nullptr, &held_start, nullptr);
    }
    if (tty)
      std::fprintf(stderr, "\rnxz-soak: %.0f/%.0f s, %llu jobs, %llu forks, %llu mismatches ",
                   elapsed, o.seconds, static_cast<unsigned long long>(c.jobs.load()),
                   static_cast<unsigned long long>(fc.forks.load()),
                   static_cast<unsigned long long>(c.mismatches.load() + fc.failures.load()));
  }
  done = true;
  for (std::thread& w : workers) w.join();
  if (forker.joinable()) forker.join();
  if (tty) std::fprintf(stderr, "\n");
  const double rss_end = rss_mib();
  if (rss_start < 0) rss_start = rss_end;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  nxz_stats st{};
  nxz_stats_get(&st);
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();

  const uint64_t bad = c.mismatches.load() + fc.failures.load();
  std::printf("nxz-soak: %.0f s, %u threads, seed %llu, faults \"%s\"\n", secs, o.threads,
              static_cast<unsigned long long>(o.seed), std::getenv("NXZ_EMU_FAULTS"));
  std::printf("  stream jobs %llu, %.1f MB checked, forks %llu (children ok %llu)\n",
              static_cast<unsigned long long>(c.jobs.load()), double(c.bytes.load()) / 1e6,
              static_cast<unsigned long long>(fc.forks.load()),
              static_cast<unsigned long long>(fc.children_ok.load()));
  std::printf(
      "  requests %llu, faults %llu, pages touched %llu, resubmits %llu, busy retries %llu, "
      "timeouts %llu, hardware errors %llu, fallbacks %llu\n",
      static_cast<unsigned long long>(st.jobs), static_cast<unsigned long long>(st.faults),
      static_cast<unsigned long long>(st.pages_touched),
      static_cast<unsigned long long>(st.resubmits),
      static_cast<unsigned long long>(st.busy_retries),
      static_cast<unsigned long long>(st.timeouts), static_cast<unsigned long long>(st.hw_errors),
      static_cast<unsigned long long>(st.fallbacks));
  std::printf("  rss %.1f MiB after warm-up, %.1f MiB at the end, peak %.1f MiB\n", rss_start,
              rss_end, double(ru.ru_maxrss) / 1024);
  // What requests that never completed keep resident (the accelerator may
  // still write it), apart from their windows: the part of the growth that
  // is deliberate.
  uint64_t outstanding = 0, held = 0, reclaimed = 0;
  nxz_stats_abandoned(&outstanding, &held, &reclaimed);
  std::printf(
      "  timed-out requests: %llu never completed, keeping %.2f MiB (%.2f MiB after warm-up); "
      "%llu completed late and freed\n",
      static_cast<unsigned long long>(outstanding), double(held) / (1 << 20),
      double(held_start) / (1 << 20), static_cast<unsigned long long>(reclaimed));
  std::printf("  mismatches %llu\n", static_cast<unsigned long long>(bad));
  for (const std::string& f : failures) std::printf("  FAIL %s\n", f.c_str());
  return bad == 0 ? 0 : 1;
}
