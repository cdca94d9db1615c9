// Everything one run measured, and its outputs: aligned tables, CSV, JSON
// (the schema is in README.md beside this file) and the chart (plot.h).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "checksums.h"
#include "machine.h"
#include "measure.h"

namespace nxz::bench {

// The rows measured on one set of inputs (one file, or all: "total").
struct RowSet {
  std::string label;
  size_t files = 0;
  uint64_t bytes = 0;
  size_t chunks = 0;
  std::vector<Measurement> rows;
  int baseline = -1;  // index of the zlib -6 row, -1 if none

  const Measurement* base() const { return baseline >= 0 ? &rows[size_t(baseline)] : nullptr; }
};

struct Report {
  Machine machine;
  std::string source;                                    // where the inputs came from
  std::vector<std::pair<std::string, uint64_t>> inputs;  // name, bytes
  size_t chunk = 0;
  TimingOptions timing;
  std::vector<RowSet> sets;  // per file (with --per-file), then "total"
  int threads = 1;
  std::vector<Measurement> threaded;  // the total set's rows on `threads` threads
  std::vector<ChecksumRow> checksums;

  const RowSet& total() const { return sets.back(); }
};

void print_table(std::FILE* out, const RowSet& set);
// The --threads rows next to the single-thread ones of `single`.
void print_threads(std::FILE* out, const RowSet& single, const std::vector<Measurement>& threaded,
                   int threads);
void print_checksums(std::FILE* out, const std::vector<ChecksumRow>& rows);
void print_csv_header(std::FILE* out);
void print_csv(std::FILE* out, const RowSet& set, size_t chunk);
void write_json(std::FILE* out, const Report& r);

}  // namespace nxz::bench
