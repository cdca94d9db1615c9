#include "report.h"

namespace nxz::bench {
namespace {

// "x.xx" of a value over the baseline's, or "-" when either is missing.
std::string relative(double value, double base) {
  if (value <= 0 || base <= 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fx", value / base);
  return buf;
}

std::string fixed(double v, int decimals) {
  if (v <= 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

struct Relative {
  double ratio = 0, comp = 0, decomp = 0;
};
Relative baseline_values(const Measurement* b) {
  if (!b) return {};
  return {b->ratio(), b->compress_mbps(), b->decompress_mbps()};
}

std::string errors_of(const Measurement& m) {
  if (!m.compress_error.empty()) return "compress: " + m.compress_error;
  if (!m.decompress_error.empty()) return "decompress: " + m.decompress_error;
  return "";
}

}  // namespace

void print_table(std::FILE* out, const std::vector<Measurement>& rows,
                 const Measurement* baseline) {
  const Relative base = baseline_values(baseline);
  std::fprintf(out, "%-11s %-6s %7s %14s %16s %9s %9s %9s\n", "codec", "level", "ratio",
               "compress MB/s", "decompress MB/s", "ratio/z6", "comp/z6", "decomp/z6");
  for (const auto& m : rows) {
    if (!m.compress_error.empty()) {
      std::fprintf(out, "%-11s %-6s %s\n", m.codec.c_str(), m.level.c_str(),
                   m.compress_error.c_str());
      continue;
    }
    std::fprintf(out, "%-11s %-6s %7s %14s %16s %9s %9s %9s", m.codec.c_str(), m.level.c_str(),
                 fixed(m.ratio(), 3).c_str(), fixed(m.compress_mbps(), 1).c_str(),
                 m.decompress_error.empty() ? fixed(m.decompress_mbps(), 1).c_str() : "error",
                 relative(m.ratio(), base.ratio).c_str(),
                 relative(m.compress_mbps(), base.comp).c_str(),
                 relative(m.decompress_mbps(), base.decomp).c_str());
    if (!m.decompress_error.empty())
      std::fprintf(out, "  decompress: %s", m.decompress_error.c_str());
    std::fprintf(out, "\n");
  }
  for (const auto& m : rows)
    if (m.level.find('-') != std::string::npos)
      std::fprintf(out, "(%s %s: %s decompressing the streams of %s; ratio is theirs)\n",
                   m.codec.c_str(), m.level.c_str(), m.codec.c_str(), m.level.c_str());
}

void print_csv_header(std::FILE* out) {
  std::fprintf(out,
               "input,chunk,codec,level,input_bytes,compressed_bytes,ratio,compress_mbps,"
               "decompress_mbps,ratio_vs_zlib6,compress_vs_zlib6,decompress_vs_zlib6,error\n");
}

void print_csv(std::FILE* out, const std::string& input, size_t chunk,
               const std::vector<Measurement>& rows, const Measurement* baseline) {
  const Relative base = baseline_values(baseline);
  auto rel = [](double v, double b) { return v > 0 && b > 0 ? v / b : 0.0; };
  for (const auto& m : rows) {
    std::string err = errors_of(m);
    for (char& c : err)
      if (c == ',' || c == '"') c = ';';
    std::fprintf(out, "%s,%zu,%s,%s,%llu,%llu,%.4f,%.2f,%.2f,%.4f,%.4f,%.4f,%s\n", input.c_str(),
                 chunk, m.codec.c_str(), m.level.c_str(),
                 static_cast<unsigned long long>(m.in_bytes),
                 static_cast<unsigned long long>(m.out_bytes), m.ratio(), m.compress_mbps(),
                 m.decompress_mbps(), rel(m.ratio(), base.ratio), rel(m.compress_mbps(), base.comp),
                 rel(m.decompress_mbps(), base.decomp), err.c_str());
  }
}

}  // namespace nxz::bench
