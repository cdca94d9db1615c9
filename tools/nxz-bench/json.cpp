// The --json output; its schema is documented in README.md beside this file.
// Written by hand: a few dozen values do not need a library.
#include <cmath>

#include "report.h"

namespace nxz::bench {
namespace {

std::string quote(const std::string& s) {
  std::string q = "\"";
  for (const unsigned char c : s) {
    if (c == '"' || c == '\\') {
      q += '\\';
      q += static_cast<char>(c);
    } else if (c < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", c);
      q += esc;
    } else {
      q += static_cast<char>(c);
    }
  }
  return q + "\"";
}

// JSON has no NaN or infinity.
std::string number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string stats(const Samples& s) {
  if (s.empty()) return "null";
  std::string out = "{\"median\": " + number(s.median()) + ", \"min\": " + number(s.min()) +
                    ", \"max\": " + number(s.max()) +
                    ", \"spread_pct\": " + number(s.spread_pct()) + ", \"samples\": [";
  for (size_t i = 0; i < s.mbps.size(); ++i) out += (i ? ", " : "") + number(s.mbps[i]);
  return out + "]}";
}

void row(std::FILE* out, const Measurement& m, bool last) {
  std::string err = m.compress_error.empty() ? m.decompress_error : m.compress_error;
  std::fprintf(out,
               "      {\"codec\": %s, \"level\": %s, \"mode\": %s, \"threads\": %d, "
               "\"input_bytes\": %llu, \"compressed_bytes\": %llu, \"ratio\": %s,\n"
               "       \"compress_mbps\": %s,\n       \"decompress_mbps\": %s,\n"
               "       \"error\": %s}%s\n",
               quote(m.codec).c_str(), quote(m.level).c_str(), quote(m.mode).c_str(), m.threads,
               static_cast<unsigned long long>(m.in_bytes),
               static_cast<unsigned long long>(m.out_bytes), number(m.ratio()).c_str(),
               stats(m.compress).c_str(), stats(m.decompress).c_str(),
               err.empty() ? "null" : quote(err).c_str(), last ? "" : ",");
}

void rows(std::FILE* out, const std::vector<Measurement>& list) {
  for (size_t i = 0; i < list.size(); ++i) row(out, list[i], i + 1 == list.size());
}

}  // namespace

void write_json(std::FILE* out, const Report& r) {
  const Machine& mc = r.machine;
  std::fprintf(out, "{\n  \"schema\": \"nxz-bench/1\",\n");
  std::fprintf(out,
               "  \"machine\": {\"hostname\": %s, \"cpu_model\": %s, \"arch\": %s, "
               "\"cpus\": %u},\n",
               quote(mc.hostname).c_str(), quote(mc.cpu_model).c_str(), quote(mc.arch).c_str(),
               mc.cpus);
  std::fprintf(out, "  \"date\": %s,\n  \"source\": %s,\n", quote(mc.date).c_str(),
               quote(r.source).c_str());
  std::fprintf(out,
               "  \"options\": {\"chunk_bytes\": %zu, \"repeat\": %d, \"min_time_s\": %s, "
               "\"threads\": %d},\n",
               r.chunk, r.timing.repeat, number(r.timing.min_time).c_str(), r.threads);
  std::fprintf(out, "  \"inputs\": [");
  for (size_t i = 0; i < r.inputs.size(); ++i)
    std::fprintf(out, "%s\n    {\"name\": %s, \"bytes\": %llu}", i ? "," : "",
                 quote(r.inputs[i].first).c_str(),
                 static_cast<unsigned long long>(r.inputs[i].second));
  std::fprintf(out, "\n  ],\n  \"sets\": [\n");
  for (size_t s = 0; s < r.sets.size(); ++s) {
    const RowSet& set = r.sets[s];
    std::fprintf(out,
                 "    {\"label\": %s, \"files\": %zu, \"bytes\": %llu, \"chunks\": %zu, "
                 "\"rows\": [\n",
                 quote(set.label).c_str(), set.files, static_cast<unsigned long long>(set.bytes),
                 set.chunks);
    rows(out, set.rows);
    std::fprintf(out, "    ]}%s\n", s + 1 == r.sets.size() ? "" : ",");
  }
  std::fprintf(out, "  ],\n  \"threaded\": ");
  if (r.threaded.empty()) {
    std::fprintf(out, "null,\n");
  } else {
    std::fprintf(out, "{\"threads\": %d, \"rows\": [\n", r.threads);
    rows(out, r.threaded);
    std::fprintf(out, "  ]},\n");
  }
  std::fprintf(out, "  \"checksums\": [");
  for (size_t i = 0; i < r.checksums.size(); ++i) {
    const ChecksumRow& c = r.checksums[i];
    std::fprintf(out, "%s\n    {\"algorithm\": %s, \"implementation\": %s, \"sizes\": [",
                 i ? "," : "", quote(c.algorithm).c_str(), quote(c.impl).c_str());
    for (size_t k = 0; k < c.sizes.size(); ++k)
      std::fprintf(out, "%s\n      {\"bytes\": %zu, \"mbps\": %s}", k ? "," : "", c.sizes[k],
                   stats(c.mbps[k]).c_str());
    std::fprintf(out, "]}");
  }
  std::fprintf(out, "\n  ]\n}\n");
}

}  // namespace nxz::bench
