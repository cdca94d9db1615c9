#include "progress.h"

#include <unistd.h>

#include <cstdio>

namespace nxzip {
namespace {

bool g_line_shown = false;

std::string megabytes(double bytes) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f MB", bytes / 1e6);
  return b;
}

}  // namespace

void progress_clear_line() {
  if (!g_line_shown) return;
  std::fputs("\r\033[K", stderr);
  g_line_shown = false;
}

Progress::Progress(std::string name, uint64_t total, bool quiet)
    : name_(std::move(name)),
      total_(total),
      enabled_(!quiet && isatty(2) && (total == 0 || total >= kLargeInput)),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

Progress::~Progress() {
  if (enabled_) progress_clear_line();
}

void Progress::update(uint64_t in, uint64_t out) {
  if (!enabled_ || in < kLargeInput) return;
  const auto now = std::chrono::steady_clock::now();
  // Drawn as soon as the input is large, then a few times a second: enough
  // to look alive, at no cost (a fast run of a large file still shows it).
  if (g_line_shown && now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double rate = secs > 0 ? static_cast<double>(in) / secs : 0;
  std::string line = "nxzip: " + name_ + ": " + megabytes(static_cast<double>(in));
  if (total_) {
    char pct[16];
    std::snprintf(pct, sizeof pct, " (%.0f%%)", 100.0 * static_cast<double>(in) / total_);
    line += pct;
  }
  char tail[64];
  std::snprintf(tail, sizeof tail, ", %s/s, ratio %.3f", megabytes(rate).c_str(),
                in ? static_cast<double>(out) / static_cast<double>(in) : 0.0);
  line += tail;
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  g_line_shown = true;
}

}  // namespace nxzip
