// Prints measurements as an aligned table or as CSV, each row also relative
// to zlib -6 measured in the same run.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "measure.h"

namespace nxz::bench {

// `baseline` is the zlib -6 row (nullptr if it was not measured).
void print_table(std::FILE* out, const std::vector<Measurement>& rows, const Measurement* baseline);
void print_csv_header(std::FILE* out);
void print_csv(std::FILE* out, const std::string& input, size_t chunk,
               const std::vector<Measurement>& rows, const Measurement* baseline);

}  // namespace nxz::bench
