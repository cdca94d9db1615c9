#include "report.h"

#include <cstdio>
#include <cstring>

#include "progress.h"

namespace nxzip {
namespace {

int g_verbosity = 1;
int g_status = kExitOk;

void print(const std::string& msg) {
  // A progress line may be on the terminal: the message starts on a clean line.
  progress_clear_line();
  std::fprintf(stderr, "nxzip: %s\n", msg.c_str());
}

}  // namespace

FileError system_error(const std::string& name, int err) {
  return FileError(name + ": " + std::strerror(err));
}

void set_verbosity(int level) { g_verbosity = level; }
int verbosity() { return g_verbosity; }

void report_error(const std::string& msg) {
  print(msg);
  g_status = kExitError;
}

void report_warning(const std::string& msg) {
  if (g_verbosity > 0) print(msg);
  if (g_status == kExitOk) g_status = kExitWarning;
}

int exit_status() { return g_status; }

}  // namespace nxzip
