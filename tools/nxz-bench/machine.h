// Where and when a run happened, for the JSON output and the chart title.
#pragma once

#include <string>

namespace nxz::bench {

struct Machine {
  std::string hostname;
  std::string cpu_model;  // /proc/cpuinfo "model name" (x86, Arm) or "cpu" (POWER)
  std::string arch;       // uname -m
  unsigned cpus = 0;      // online CPUs
  std::string date;       // UTC, ISO 8601: 2026-12-03T17:20:00Z
};

Machine describe_machine();

}  // namespace nxz::bench
