// The --plot chart: compression speed (log scale) against ratio for every
// row of the total set, as a self-contained SVG file.
#pragma once

#include <string>

#include "report.h"

namespace nxz::bench {

// False when the file cannot be written.
bool write_plot(const std::string& path, const Report& r);

}  // namespace nxz::bench
