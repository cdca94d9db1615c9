// Summing the lines that every process using the library appends to
// NXZ_STATS_FILE at exit ("nxz: pid P jobs N bytes_in N ..."), and saying
// in one line what went through nxz.
#ifndef NXZ_RUN_STATS_SUMMARY_H
#define NXZ_RUN_STATS_SUMMARY_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nxz_run {

struct StatsSummary {
  uint64_t processes = 0;
  // Counter name -> sum, in the order first seen. Counters are read by
  // name, so ones the library adds later are summed and shown too.
  std::vector<std::pair<std::string, uint64_t>> totals;

  uint64_t get(const std::string& name) const;
  void add(const std::string& name, uint64_t v);
};

// Adds every well-formed line of `text` to *sum; other lines are ignored.
void add_stats_text(const std::string& text, StatsSummary* sum);

// "3 processes used nxz: 120 requests, 12.3 MB in, 4.1 MB out, 0 faults, ..."
// or the sentence saying that nothing went through nxz. No prefix, no newline.
std::string format_summary(const StatsSummary& sum);

// 512 B, 12.3 kB, 4.1 MB, 1.25 GB (powers of 1000).
std::string format_bytes(uint64_t n);

}  // namespace nxz_run

#endif  // NXZ_RUN_STATS_SUMMARY_H
