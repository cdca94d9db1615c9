#include "emulated/vas_log.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "emulated/vas_stats.h"

namespace nxz::emu {
namespace {

// One line per call, written with a single fputs so that lines from the
// engine, the handler and closing threads do not interleave.
void emit(const char* prefix, const char* fmt, va_list ap) {
  char line[512];
  const int n = std::snprintf(line, sizeof line, "%s", prefix);
  std::vsnprintf(line + n, sizeof line - static_cast<size_t>(n) - 1, fmt, ap);
  std::strcat(line, "\n");
  std::fputs(line, stderr);
}

}  // namespace

bool vas_trace_requested() {
  const char* t = std::getenv("NXZ_TRACE");
  if (!t) return false;
  std::string_view s(t);
  while (!s.empty()) {
    const size_t comma = s.find(',');
    const std::string_view item = s.substr(0, comma);
    if (item == "vas" || item == "all") return true;
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return false;
}

void vas_warn(std::atomic<uint64_t>* counter, const char* fmt, ...) {
  if (counter) counter->fetch_add(1, std::memory_order_relaxed);
  g_vas_totals.warnings.fetch_add(1, std::memory_order_relaxed);
  va_list ap;
  va_start(ap, fmt);
  emit("nxz: emulated VAS: ", fmt, ap);
  va_end(ap);
}

void vas_trace(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  emit("nxz vas: ", fmt, ap);
  va_end(ap);
}

}  // namespace nxz::emu
