// The chart is drawn by hand: a scatter plot needs a few dozen SVG
// elements, and the one hard part, labels that do not collide, is ours to
// solve either way.
#include "plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace nxz::bench {
namespace {

// Two panels, compression above decompression, sharing the legend.
constexpr double kWidth = 1000, kPanelHeight = 520, kHeader = 90,
                 kHeight = kHeader + 2 * kPanelHeight;
constexpr double kLeft = 80, kRight = kWidth - 230;
constexpr double kPanelTop = 30, kPanelBottom = kPanelHeight - 70;  // within a panel
constexpr double kFont = 12;
constexpr double kCharWidth = 6.9;  // a generous average for 12 px sans-serif
constexpr double kLineHeight = 14;

struct Family {
  const char* name;
  const char* color;
};
// In legend order.
constexpr Family kFamilies[] = {
    {"nxz: engine and driver", "#d62728"},
    {"nxz: zlib API, one call", "#ff7f0e"},
    {"nxz: zlib API, streaming", "#8c564b"},
    {"zlib (system)", "#1f77b4"},
    {"libdeflate", "#2ca02c"},
    {"ISA-L", "#9467bd"},
};

int family_of(const Measurement& m) {
  if (m.codec == "nxz") {
    if (m.mode == "api") return 1;
    if (m.mode.rfind("stream", 0) == 0) return 2;
    return 0;
  }
  if (m.codec == "zlib") return 3;
  if (m.codec == "libdeflate") return 4;
  return 5;
}

struct Point {
  int family;
  std::string base;                // "zlib", "nxz api"
  std::vector<std::string> items;  // "-6"; several when points coincide
  double speed, lo, hi, ratio;     // MB/s (median, min, max) and ratio
  double px = 0, py = 0;
  std::string label() const {
    std::string s = base;
    for (size_t i = 0; i < items.size(); ++i) s += (i ? "/" : (base.empty() ? "" : " ")) + items[i];
    return s;
  }
};

struct Box {
  double x0, y0, x1, y1;
  double overlap(const Box& o) const {
    const double w = std::min(x1, o.x1) - std::max(x0, o.x0);
    const double h = std::min(y1, o.y1) - std::max(y0, o.y0);
    return w > 0 && h > 0 ? w * h : 0;
  }
};

std::string xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string tick_label(double v) {
  char buf[32];
  if (v >= 1)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::vector<Point> points_of(const RowSet& set, bool compress) {
  std::vector<Point> pts;
  for (const auto& m : set.rows) {
    const Samples& s = compress ? m.compress : m.decompress;
    if (s.empty() || m.ratio() <= 0 || s.median() <= 0) continue;
    Point p;
    p.family = family_of(m);
    if (m.codec == "nxz" && m.mode == "api") {
      p.base = "nxz api";
      p.items = {"-" + m.level};
    } else if (m.codec == "nxz" && m.mode == "decode") {
      p.base = "nxz decoding";
      p.items = {m.level};
    } else if (m.codec == "nxz" && m.mode == "api dec") {
      p.base = "nxz api decoding";
      p.items = {m.level};
    } else if (m.codec == "nxz" && p.family == 2) {
      p.base = "nxz " + m.mode;  // "nxz stream 4K"
      p.items = {};
    } else if (m.codec == "nxz") {
      p.base = "nxz";
      p.items = {m.level};
    } else {
      p.base = m.codec == "isal" ? "ISA-L" : m.codec;
      p.items = {"-" + m.level};
    }
    p.speed = s.median();
    p.lo = s.min();
    p.hi = s.max();
    p.ratio = m.ratio();
    pts.push_back(std::move(p));
  }
  return pts;
}

// Points of one family drawn on top of each other get one label.
std::vector<Point> merge_close(std::vector<Point> pts) {
  std::vector<Point> out;
  for (auto& p : pts) {
    bool merged = false;
    for (auto& q : out)
      if (q.family == p.family && q.base == p.base && std::abs(q.px - p.px) < 9 &&
          std::abs(q.py - p.py) < 9) {
        q.items.insert(q.items.end(), p.items.begin(), p.items.end());
        merged = true;
        break;
      }
    if (!merged) out.push_back(std::move(p));
  }
  return out;
}

// A step of 1, 2 or 5 times a power of ten giving about five intervals.
double nice_step(double span) {
  const double raw = span / 5;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

// One scatter panel, its top edge at `y0`: `what` ("compression") names
// the speed on the x axis.
void draw_panel(std::FILE* f, std::vector<Point> pts, double y0, const char* what) {
  const double top = y0 + kPanelTop, bottom = y0 + kPanelBottom;
  double xlo = 1e300, xhi = 0, ylo = 1e300, yhi = 0;
  for (const auto& p : pts) {
    xlo = std::min(xlo, std::max(p.lo, 1e-3));
    xhi = std::max(xhi, p.hi);
    ylo = std::min(ylo, p.ratio);
    yhi = std::max(yhi, p.ratio);
  }
  if (pts.empty()) xlo = 1, xhi = 1000, ylo = 1, yhi = 4;
  xlo /= 1.4;
  xhi *= 1.4;
  const double ypad = std::max((yhi - ylo) * 0.08, 0.05);
  ylo -= ypad;
  yhi += ypad;
  const double lx0 = std::log10(xlo), lx1 = std::log10(xhi);
  auto X = [&](double v) { return kLeft + (std::log10(v) - lx0) / (lx1 - lx0) * (kRight - kLeft); };
  auto Y = [&](double v) { return bottom - (v - ylo) / (yhi - ylo) * (bottom - top); };
  for (auto& p : pts) {
    p.px = X(p.speed);
    p.py = Y(p.ratio);
  }
  pts = merge_close(std::move(pts));

  std::fprintf(f,
               "<text x=\"%.0f\" y=\"%.0f\" font-size=\"14\" font-weight=\"bold\">%s speed "
               "against ratio</text>\n",
               kLeft, top - 10, what);
  // Grid, ticks and axis names.
  std::fprintf(f, "<g stroke=\"#ddd\" stroke-width=\"1\">\n");
  // 1-2-5 per decade; a range of about one decade gets 1-2-3-5-7 instead.
  std::vector<double> xticks;
  for (const auto& steps : {std::vector<double>{1, 2, 5}, std::vector<double>{1, 2, 3, 5, 7}}) {
    xticks.clear();
    for (int k = static_cast<int>(std::floor(lx0)); k <= static_cast<int>(std::ceil(lx1)); ++k)
      for (double m : steps) {
        const double v = m * std::pow(10, k);
        if (v >= xlo && v <= xhi) xticks.push_back(v);
      }
    if (xticks.size() >= 5) break;
  }
  for (double v : xticks)
    std::fprintf(f, "<line x1=\"%s\" y1=\"%.0f\" x2=\"%s\" y2=\"%.0f\"/>\n", num(X(v)).c_str(), top,
                 num(X(v)).c_str(), bottom);
  const double ystep = nice_step(yhi - ylo);
  std::vector<double> yticks;
  for (double v = std::ceil(ylo / ystep) * ystep; v <= yhi + 1e-9; v += ystep) yticks.push_back(v);
  for (double v : yticks)
    std::fprintf(f, "<line x1=\"%.0f\" y1=\"%s\" x2=\"%.0f\" y2=\"%s\"/>\n", kLeft,
                 num(Y(v)).c_str(), kRight, num(Y(v)).c_str());
  std::fprintf(f, "</g>\n");
  std::fprintf(f,
               "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
               "stroke=\"#333\"/>\n",
               kLeft, top, kRight - kLeft, bottom - top);
  for (double v : xticks)
    std::fprintf(f, "<text x=\"%s\" y=\"%.0f\" text-anchor=\"middle\">%s</text>\n",
                 num(X(v)).c_str(), bottom + 18, tick_label(v).c_str());
  const int ydecimals = ystep >= 1 ? 0 : ystep >= 0.1 ? 1 : 2;
  for (double v : yticks)
    std::fprintf(f, "<text x=\"%.0f\" y=\"%s\" text-anchor=\"end\">%.*f</text>\n", kLeft - 8,
                 num(Y(v) + 4).c_str(), ydecimals, v);
  std::fprintf(f,
               "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" font-size=\"13\">%s "
               "speed (MB/s of uncompressed data, log scale)</text>\n",
               (kLeft + kRight) / 2, bottom + 45, what);
  std::fprintf(f,
               "<text transform=\"translate(%.0f %.0f) rotate(-90)\" text-anchor=\"middle\" "
               "font-size=\"13\">compression ratio (input / output)</text>\n",
               kLeft - 50, (top + bottom) / 2);

  // Points with their spread.
  for (const auto& p : pts) {
    const char* color = kFamilies[p.family].color;
    std::fprintf(f,
                 "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" "
                 "stroke-width=\"2\" opacity=\"0.6\"/>\n",
                 num(X(std::max(p.lo, xlo))).c_str(), num(p.py).c_str(),
                 num(X(std::min(p.hi, xhi))).c_str(), num(p.py).c_str(), color);
    std::fprintf(f, "<circle cx=\"%s\" cy=\"%s\" r=\"4.5\" fill=\"%s\"/>\n", num(p.px).c_str(),
                 num(p.py).c_str(), color);
  }

  // Labels: for each point, the first of a ring of positions around it, then
  // of wider rings (with a leader line), where the text hits no other label
  // or point and stays inside the plot; failing that, the least crowded.
  std::vector<Box> taken;
  for (const auto& p : pts) taken.push_back({p.px - 6, p.py - 6, p.px + 6, p.py + 6});
  // The spread bars too: text over a bar is hard to read, if less so than
  // text over text, which the boxes' larger area already weighs.
  for (const auto& p : pts)
    taken.push_back({X(std::max(p.lo, xlo)), p.py - 2, X(std::min(p.hi, xhi)), p.py + 2});
  const Box area{kLeft + 2, top + 2, kRight - 2, bottom - 2};
  for (const auto& p : pts) {
    const std::string text = p.label();
    const double w = kCharWidth * static_cast<double>(text.size()), h = kLineHeight;
    Box best{};
    double best_cost = 1e300;
    bool best_far = false;
    for (double d : {8.0, 22.0, 40.0}) {
      const double cands[][2] = {{d, -h / 2}, {-d - w, -h / 2}, {-w / 2, -d - h}, {-w / 2, d},
                                 {d, -d - h}, {d, d},           {-d - w, -d - h}, {-d - w, d}};
      for (const auto& c : cands) {
        const Box b{p.px + c[0], p.py + c[1], p.px + c[0] + w, p.py + c[1] + h};
        double cost = 0;
        for (const auto& t : taken) cost += t.overlap(b);
        const double inside = area.overlap(b);
        cost += (w * h - inside) * 4;  // outside the plot is worse than crowded
        cost += d;                     // near beats far when both are free
        if (cost < best_cost) {
          best_cost = cost;
          best = b;
          best_far = d > 8;
        }
      }
      if (best_cost <= d) break;  // a free place at this distance
    }
    taken.push_back(best);
    if (best_far) {
      const double tx = std::clamp(p.px, best.x0, best.x1), ty = std::clamp(p.py, best.y0, best.y1);
      std::fprintf(f,
                   "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#888\" "
                   "stroke-width=\"0.8\"/>\n",
                   num(p.px).c_str(), num(p.py).c_str(), num(tx).c_str(), num(ty).c_str());
    }
    // A white outline under the glyphs keeps them readable over grid lines.
    std::fprintf(f,
                 "<text x=\"%s\" y=\"%s\" fill=\"%s\" stroke=\"white\" stroke-width=\"3\" "
                 "paint-order=\"stroke\">%s</text>\n",
                 num(best.x0).c_str(), num(best.y1 - 3).c_str(), kFamilies[p.family].color,
                 xml(text).c_str());
  }
}

}  // namespace

bool write_plot(const std::string& path, const Report& r) {
  const RowSet& set = r.total();
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return false;
  std::fprintf(f,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
               "viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, Helvetica, Arial, "
               "sans-serif\" font-size=\"%.0f\">\n",
               kWidth, kHeight, kWidth, kHeight, kFont);
  std::fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
  // Title, then what was measured where.
  std::fprintf(f,
               "<text x=\"%.0f\" y=\"28\" font-size=\"18\" font-weight=\"bold\">nxz-bench: "
               "DEFLATE speed against compression ratio</text>\n",
               kLeft);
  std::fprintf(f, "<text x=\"%.0f\" y=\"50\" font-size=\"13\">%s (%s, %u CPUs), %s</text>\n", kLeft,
               xml(r.machine.cpu_model).c_str(), xml(r.machine.arch).c_str(), r.machine.cpus,
               xml(r.machine.date).c_str());
  std::fprintf(f,
               "<text x=\"%.0f\" y=\"68\" font-size=\"12\" fill=\"#444\">%zu files, %.2f MB in "
               "%zu chunks of %zu KiB; median of %d interleaved passes, bars from the slowest "
               "to the fastest pass; 1 thread</text>\n",
               kLeft, set.files, double(set.bytes) / 1e6, set.chunks, r.chunk / 1024,
               r.timing.repeat);
  const std::vector<Point> comp = points_of(set, true), decomp = points_of(set, false);
  draw_panel(f, comp, kHeader, "compression");
  draw_panel(f, decomp, kHeader + kPanelHeight, "decompression");

  // Legend: the families present.
  double ly = kHeader + kPanelTop + 10;
  std::fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-weight=\"bold\">codec</text>\n", kRight + 20,
               ly);
  for (size_t fam = 0; fam < std::size(kFamilies); ++fam) {
    if (std::none_of(decomp.begin(), decomp.end(),
                     [&](const Point& p) { return p.family == int(fam); }))
      continue;
    ly += 22;
    std::fprintf(f, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"5\" fill=\"%s\"/>\n", kRight + 26, ly - 4,
                 kFamilies[fam].color);
    std::fprintf(f, "<text x=\"%.0f\" y=\"%.0f\">%s</text>\n", kRight + 38, ly,
                 xml(kFamilies[fam].name).c_str());
  }
  ly += 34;
  for (const char* note :
       {"labels: -N is the level; nxz:", "fht = one engine job,", "fht+drv, dht = request driver",
        "(fixed, dynamic tables),", "api = zlib API, one call,", "stream N = zlib API with",
        "N-byte buffers; the emulated", "engine matches with a fast",
        "effort at levels 1-3, a lazy", "one at 4-9; decoding zlib-6 = nxz",
        "inflating zlib -6's streams"}) {
    std::fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" fill=\"#444\">%s</text>\n",
                 kRight + 20, ly, xml(note).c_str());
    ly += 15;
  }
  std::fprintf(f, "</svg>\n");
  return std::fclose(f) == 0;
}

}  // namespace nxz::bench
