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

std::string spread(const Samples& s) {
  if (s.empty()) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", s.spread_pct());
  return buf;
}

std::string errors_of(const Measurement& m) {
  if (!m.compress_error.empty()) return "compress: " + m.compress_error;
  if (!m.decompress_error.empty()) return "decompress: " + m.decompress_error;
  return "";
}

}  // namespace

void print_table(std::FILE* out, const RowSet& set) {
  const Measurement* b = set.base();
  std::fprintf(out, "\n%s: %zu file%s, %llu bytes, %zu chunk%s\n", set.label.c_str(), set.files,
               set.files == 1 ? "" : "s", static_cast<unsigned long long>(set.bytes), set.chunks,
               set.chunks == 1 ? "" : "s");
  std::fprintf(out, "%-10s %-7s %-10s %6s %10s %6s %10s %6s %8s %8s %8s\n", "codec", "level",
               "mode", "ratio", "comp MB/s", "spread", "dec MB/s", "spread", "ratio/z6", "comp/z6",
               "dec/z6");
  for (const auto& m : set.rows) {
    std::fprintf(out, "%-10s %-7s %-10s ", m.codec.c_str(), m.level.c_str(), m.mode.c_str());
    if (!m.compress_error.empty()) {
      std::fprintf(out, "compress: %s\n", m.compress_error.c_str());
      continue;
    }
    std::fprintf(out, "%6s %10s %6s %10s %6s %8s %8s %8s", fixed(m.ratio(), 3).c_str(),
                 fixed(m.compress_mbps(), 1).c_str(), spread(m.compress).c_str(),
                 m.decompress_error.empty() ? fixed(m.decompress_mbps(), 1).c_str() : "error",
                 spread(m.decompress).c_str(), relative(m.ratio(), b ? b->ratio() : 0).c_str(),
                 relative(m.compress_mbps(), b ? b->compress_mbps() : 0).c_str(),
                 relative(m.decompress_mbps(), b ? b->decompress_mbps() : 0).c_str());
    if (!m.decompress_error.empty())
      std::fprintf(out, "  decompress: %s", m.decompress_error.c_str());
    std::fprintf(out, "\n");
  }
  for (const auto& m : set.rows)
    if (m.mode == "decode" || m.mode == "api dec")
      std::fprintf(out, "(%s %s %s: %s decompressing the streams of %s; ratio is theirs)\n",
                   m.codec.c_str(), m.level.c_str(), m.mode.c_str(),
                   m.mode == "decode" ? "the engine" : "the zlib API", m.level.c_str());
}

void print_threads(std::FILE* out, const RowSet& single, const std::vector<Measurement>& threaded,
                   int threads) {
  std::fprintf(out, "\n%s on %d threads (aggregate MB/s; scaling = over 1 thread above)\n",
               single.label.c_str(), threads);
  std::fprintf(out, "%-10s %-7s %-10s %10s %6s %7s %10s %6s %7s\n", "codec", "level", "mode",
               "comp MB/s", "spread", "scaling", "dec MB/s", "spread", "scaling");
  for (size_t i = 0; i < threaded.size() && i < single.rows.size(); ++i) {
    const Measurement& m = threaded[i];
    const Measurement& one = single.rows[i];
    std::fprintf(out, "%-10s %-7s %-10s ", m.codec.c_str(), m.level.c_str(), m.mode.c_str());
    const std::string err = errors_of(m);
    if (!err.empty() && m.compress.empty() && m.decompress.empty()) {
      std::fprintf(out, "%s\n", err.c_str());
      continue;
    }
    std::fprintf(out, "%10s %6s %7s %10s %6s %7s\n", fixed(m.compress_mbps(), 1).c_str(),
                 spread(m.compress).c_str(),
                 relative(m.compress_mbps(), one.compress_mbps()).c_str(),
                 fixed(m.decompress_mbps(), 1).c_str(), spread(m.decompress).c_str(),
                 relative(m.decompress_mbps(), one.decompress_mbps()).c_str());
  }
}

void print_checksums(std::FILE* out, const std::vector<ChecksumRow>& rows) {
  if (rows.empty()) return;
  std::fprintf(out, "\nchecksums (GB/s, median; spread in parentheses)\n%-8s %-14s", "checksum",
               "implementation");
  for (size_t n : rows[0].sizes)
    std::fprintf(out, " %14s", (std::to_string(n >> 10) + " KiB").c_str());
  std::fprintf(out, "\n");
  for (const auto& r : rows) {
    std::fprintf(out, "%-8s %-14s", r.algorithm.c_str(), r.impl.c_str());
    for (const auto& s : r.mbps) {
      char cell[48];
      std::snprintf(cell, sizeof cell, "%.2f (%s)", s.median() / 1000, spread(s).c_str());
      std::fprintf(out, " %14s", cell);
    }
    std::fprintf(out, "\n");
  }
}

void print_csv_header(std::FILE* out) {
  std::fprintf(out,
               "input,chunk,codec,level,input_bytes,compressed_bytes,ratio,compress_mbps,"
               "decompress_mbps,ratio_vs_zlib6,compress_vs_zlib6,decompress_vs_zlib6,error,"
               "mode,compress_spread_pct,decompress_spread_pct\n");
}

void print_csv(std::FILE* out, const RowSet& set, size_t chunk) {
  const Measurement* b = set.base();
  auto rel = [](double v, double base) { return v > 0 && base > 0 ? v / base : 0.0; };
  for (const auto& m : set.rows) {
    std::string err = errors_of(m);
    for (char& c : err)
      if (c == ',' || c == '"') c = ';';
    std::fprintf(out, "%s,%zu,%s,%s,%llu,%llu,%.4f,%.2f,%.2f,%.4f,%.4f,%.4f,%s,%s,%.1f,%.1f\n",
                 set.label.c_str(), chunk, m.codec.c_str(), m.level.c_str(),
                 static_cast<unsigned long long>(m.in_bytes),
                 static_cast<unsigned long long>(m.out_bytes), m.ratio(), m.compress_mbps(),
                 m.decompress_mbps(), rel(m.ratio(), b ? b->ratio() : 0),
                 rel(m.compress_mbps(), b ? b->compress_mbps() : 0),
                 rel(m.decompress_mbps(), b ? b->decompress_mbps() : 0), err.c_str(),
                 m.mode.c_str(), m.compress.spread_pct(), m.decompress.spread_pct());
  }
}

}  // namespace nxz::bench
