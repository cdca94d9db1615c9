// nxzip: gzip's command line on libnxz, with parallel compression.
//
//   nxzip [OPTION]... [FILE]...
//
// Compresses and decompresses like gzip (same options, names, messages,
// metadata and exit codes) through the zlib API of libnxz, so the DEFLATE
// work runs on the NX-GZIP accelerator or its emulated model. See nxzip.1.
#include <nxz/stats.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "file_job.h"
#include "options.h"
#include "output_file.h"
#include "report.h"

namespace {

void print_stats() {
  nxz_stats s;
  nxz_stats_get(&s);
  std::fprintf(
      stderr,
      "nxzip: nxz stats: jobs=%llu bytes_in=%llu bytes_out=%llu faults=%llu "
      "pages_touched=%llu resubmits=%llu busy_retries=%llu timeouts=%llu "
      "fallbacks=%llu hw_errors=%llu\n",
      static_cast<unsigned long long>(s.jobs), static_cast<unsigned long long>(s.bytes_in),
      static_cast<unsigned long long>(s.bytes_out), static_cast<unsigned long long>(s.faults),
      static_cast<unsigned long long>(s.pages_touched),
      static_cast<unsigned long long>(s.resubmits), static_cast<unsigned long long>(s.busy_retries),
      static_cast<unsigned long long>(s.timeouts), static_cast<unsigned long long>(s.fallbacks),
      static_cast<unsigned long long>(s.hw_errors));
}

}  // namespace

int main(int argc, char** argv) {
  const nxzip::Options o = nxzip::parse_options(argc, argv);
  // The library reads its settings once, at its first call: the backend
  // must be in the environment before any zlib function runs.
  if (!o.backend.empty()) setenv("NXZ_BACKEND", o.backend.c_str(), 1);
  nxzip::set_verbosity(o.verbosity);
  nxzip::install_cleanup_handlers();
  // gzip refuses to write compressed data to a terminal once, up front.
  const bool compress_to_tty = o.mode == nxzip::Mode::kCompress && o.to_stdout && isatty(1);
  if (compress_to_tty && !o.force) {
    std::fprintf(stderr,
                 "nxzip: compressed data not written to a terminal. Use -f to force "
                 "compression.\nFor help, type: nxzip -h\n");
    return nxzip::kExitError;
  }
  nxzip::FileJobs jobs(o);
  for (const std::string& f : o.files) jobs.run(f);
  jobs.finish();
  if (std::fflush(stdout) != 0) nxzip::report_error("stdout: write error");
  if (o.stats) print_stats();
  return nxzip::exit_status();
}
