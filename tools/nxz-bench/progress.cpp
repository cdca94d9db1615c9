#include "progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace nxz::bench {

Progress::Progress(bool wanted) : enabled_(wanted && isatty(STDERR_FILENO)) {}

void Progress::begin(const std::string& phase, int total) {
  phase_ = phase;
  total_ = total;
  done_ = 0;
}

void Progress::step(const std::string& what) {
  if (!enabled_) return;
  ++done_;
  char line[160];
  const int n = std::snprintf(line, sizeof line, "nxz-bench: %s %d/%d: %s", phase_.c_str(), done_,
                              total_, what.c_str());
  const size_t len = n < 0 ? 0 : std::min(static_cast<size_t>(n), sizeof line - 1);
  // Pad over what a longer previous line left behind.
  std::fprintf(stderr, "\r%s%*s", line, static_cast<int>(shown_ > len ? shown_ - len : 0), "");
  std::fflush(stderr);
  shown_ = len;
}

void Progress::clear() {
  if (!enabled_ || shown_ == 0) return;
  std::fprintf(stderr, "\r%*s\r", static_cast<int>(shown_), "");
  std::fflush(stderr);
  shown_ = 0;
}

}  // namespace nxz::bench
