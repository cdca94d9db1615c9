#include "stats_summary.h"

#include <cstdio>
#include <sstream>

namespace nxz_run {
namespace {

// Words for the library's counter names; a counter not listed here is shown
// by its own name with '_' read as a space.
struct Label {
  const char* key;
  const char* words;
};
constexpr Label kLabels[] = {
    {"jobs", "requests"},
    {"faults", "faults"},
    {"resubmits", "resubmits"},
    {"busy_retries", "busy retries"},
    {"timeouts", "timeouts"},
    {"fallbacks", "fallbacks"},
    {"hw_errors", "hardware errors"},
};

std::string count(uint64_t n, std::string plural) {
  if (n == 1) {
    if (plural.size() > 3 && plural.ends_with("ies"))
      plural = plural.substr(0, plural.size() - 3) + "y";
    else if (plural.ends_with("s"))
      plural.pop_back();
  }
  return std::to_string(n) + " " + plural;
}

bool parse_u64(const std::string& s, uint64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

}  // namespace

uint64_t StatsSummary::get(const std::string& name) const {
  for (const auto& [k, v] : totals)
    if (k == name) return v;
  return 0;
}

void StatsSummary::add(const std::string& name, uint64_t v) {
  for (auto& [k, total] : totals) {
    if (k == name) {
      total += v;
      return;
    }
  }
  totals.emplace_back(name, v);
}

void add_stats_text(const std::string& text, StatsSummary* sum) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string tag, pid_word, pid;
    if (!(words >> tag >> pid_word >> pid) || tag != "nxz:" || pid_word != "pid") continue;
    uint64_t ignored;
    if (!parse_u64(pid, &ignored)) continue;
    // The line is taken whole or not at all: a line cut short by a full
    // disk must not count a process with half its counters.
    StatsSummary one;
    std::string key, value;
    bool ok = true;
    while (words >> key) {
      uint64_t v;
      if (!(words >> value) || !parse_u64(value, &v)) {
        ok = false;
        break;
      }
      one.add(key, v);
    }
    if (!ok || one.totals.empty()) continue;
    ++sum->processes;
    for (const auto& [k, v] : one.totals) sum->add(k, v);
  }
}

std::string format_bytes(uint64_t n) {
  if (n < 1000) return std::to_string(n) + " B";
  static const char* const kUnits[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
  double v = static_cast<double>(n);
  int u = -1;
  while (v >= 1000 && u < 5) {
    v /= 1000;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf,
                v < 10    ? "%.2f %s"
                : v < 100 ? "%.1f %s"
                          : "%.0f %s",
                v, kUnits[u]);
  return buf;
}

std::string format_summary(const StatsSummary& sum) {
  if (sum.processes == 0)
    return "no zlib work went through nxz (the program may not use zlib, or carries its own "
           "copy)";
  std::string s = std::to_string(sum.processes) +
                  (sum.processes == 1 ? " process used nxz: " : " processes used nxz: ");
  s += count(sum.get("jobs"), "requests");
  s += ", " + format_bytes(sum.get("bytes_in")) + " in";
  s += ", " + format_bytes(sum.get("bytes_out")) + " out";
  for (const Label& l : kLabels) {
    if (std::string(l.key) == "jobs") continue;
    s += ", " + count(sum.get(l.key), l.words);
  }
  for (const auto& [k, v] : sum.totals) {
    bool known = k == "bytes_in" || k == "bytes_out";
    for (const Label& l : kLabels) known = known || k == l.key;
    if (known) continue;
    std::string words = k;
    for (char& c : words)
      if (c == '_') c = ' ';
    s += ", " + std::to_string(v) + " " + words;
  }
  return s;
}

}  // namespace nxz_run
