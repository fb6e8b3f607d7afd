#pragma once
// A small SVG line-chart writer for benchmark pictures: shaded bands, lines,
// point markers, a dashed vertical marker, axes with ticks and labels, a title
// and a legend. No dependencies.
//
//   curvecast::bench::SvgPlot p;
//   p.title("cnn-cifar10/file3, cutoff 0.2");
//   p.xlabel("epoch");
//   p.ylabel("val_error_rate");
//   p.band(xs, lo, hi, 0, "pow4 90% band");
//   p.line(xs, mean, 0, "pow4 mean");
//   p.points(x_obs, y_obs, -1, "observed");
//   std::ofstream("plot.svg") << p.str();
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace curvecast::bench {

/// Colour of series `i` (a fixed, colour-blind-friendly cycle); i < 0 is black.
inline std::string svg_colour(int i) {
  static const char* kCycle[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                 "#E69F00", "#56B4E9", "#8C564B", "#7F7F7F"};
  if (i < 0) return "#000000";
  return kCycle[static_cast<std::size_t>(i) % (sizeof(kCycle) / sizeof(kCycle[0]))];
}

/// Escapes &, <, >, " for SVG text and attributes.
inline std::string svg_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

/// A number with `digits` significant digits, without trailing noise.
inline std::string svg_num(double v, int digits = 4) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*g", digits, v);
  return b;
}

class SvgPlot {
 public:
  explicit SvgPlot(double width = 820, double height = 520) : w_(width), h_(height) {}

  void title(std::string t) { title_ = std::move(t); }
  /// A second title line (cut to 120 characters).
  void subtitle(std::string t) {
    if (t.size() > 120) t = t.substr(0, 117) + "...";
    subtitle_ = std::move(t);
  }
  void xlabel(std::string t) { xlabel_ = std::move(t); }
  void ylabel(std::string t) { ylabel_ = std::move(t); }
  /// Logarithmic x axis (all x must be > 0).
  void log_x(bool on) { logx_ = on; }
  /// Fixes the y range (otherwise: the range of everything drawn, padded 5%).
  void ylim(double lo, double hi) { ylim_ = std::make_pair(lo, hi); }

  void band(std::vector<double> x, std::vector<double> lo, std::vector<double> hi, int colour, std::string label) {
    items_.push_back({Kind::Band, std::move(x), std::move(lo), std::move(hi), colour, std::move(label), false});
  }
  void line(std::vector<double> x, std::vector<double> y, int colour, std::string label, bool dashed = false) {
    items_.push_back({Kind::Line, std::move(x), std::move(y), {}, colour, std::move(label), dashed});
  }
  void points(std::vector<double> x, std::vector<double> y, int colour, std::string label, bool hollow = false) {
    items_.push_back({Kind::Points, std::move(x), std::move(y), {}, colour, std::move(label), hollow});
  }
  /// A dashed vertical line at x with a short label at the top.
  void vline(double x, std::string label) { vlines_.emplace_back(x, std::move(label)); }
  /// A text line in the legend box with no symbol.
  void note(std::string text) { notes_.push_back(std::move(text)); }

  std::string str() const {
    // Data ranges.
    double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
    for (const auto& it : items_)
      for (std::size_t i = 0; i < it.x.size(); ++i) {
        if (!ok_x(it.x[i])) continue;
        x0 = std::min(x0, it.x[i]);
        x1 = std::max(x1, it.x[i]);
        for (double v : {it.a.size() > i ? it.a[i] : NAN, it.b.size() > i ? it.b[i] : NAN})
          if (std::isfinite(v)) y0 = std::min(y0, v), y1 = std::max(y1, v);
      }
    for (const auto& v : vlines_)
      if (ok_x(v.first)) x0 = std::min(x0, v.first), x1 = std::max(x1, v.first);
    if (!(x1 >= x0)) x0 = logx_ ? 1 : 0, x1 = logx_ ? 10 : 1;
    if (!(y1 >= y0)) y0 = 0, y1 = 1;
    if (ylim_) std::tie(y0, y1) = *ylim_;
    if (x1 == x0) {
      if (logx_)
        x0 /= 2, x1 *= 2;
      else
        x0 -= 0.5, x1 += 0.5;
    }
    if (y1 == y0) y0 -= 0.5 * std::max(std::abs(y0), 1e-12), y1 += 0.5 * std::max(std::abs(y1), 1e-12);
    if (logx_) {
      const double f = std::pow(x1 / x0, 0.02);
      x0 /= f;
      x1 *= f;
    } else {
      const double pad = 0.02 * (x1 - x0);
      x0 -= pad;
      x1 += pad;
    }
    if (!ylim_) {
      const double pad = 0.05 * (y1 - y0);
      y0 -= pad;
      y1 += pad;
    }
    const double L = 78, R = w_ - 20, T = subtitle_.empty() ? 46 : 62, B = h_ - 56;
    auto tx = [&](double x) {
      const double u =
          logx_ ? (std::log10(x) - std::log10(x0)) / (std::log10(x1) - std::log10(x0)) : (x - x0) / (x1 - x0);
      return L + u * (R - L);
    };
    auto ty = [&](double y) { return B - (y - y0) / (y1 - y0) * (B - T); };
    auto cy = [&](double y) { return std::min(std::max(ty(y), T - 4), B + 4); };  // clamp far-off values

    std::vector<const Item*> labelled;
    for (const auto& it : items_)
      if (!it.label.empty()) labelled.push_back(&it);
    const std::size_t rows = labelled.size() + notes_.size();
    const double legend_h = rows > 0 ? 14 + 16 * static_cast<double>(rows) : 0;
    const double H = h_ + legend_h;
    std::ostringstream o;
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w_ << "\" height=\"" << H << "\" viewBox=\"0 0 " << w_
      << " " << H << "\" font-family=\"sans-serif\" font-size=\"12\">\n";
    o << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    o << "<defs><clipPath id=\"plotarea\"><rect x=\"" << L << "\" y=\"" << T << "\" width=\"" << R - L << "\" height=\""
      << B - T << "\"/></clipPath></defs>\n";
    o << "<text x=\"" << (L + R) / 2 << "\" y=\"20\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">"
      << svg_escape(title_) << "</text>\n";
    if (!subtitle_.empty())
      o << "<text x=\"" << (L + R) / 2 << "\" y=\"38\" text-anchor=\"middle\" font-size=\"12\">"
        << svg_escape(subtitle_) << "</text>\n";
    // Grid and ticks.
    for (double v : ticks(y0, y1, false)) {
      o << "<line x1=\"" << L << "\" x2=\"" << R << "\" y1=\"" << ty(v) << "\" y2=\"" << ty(v)
        << "\" stroke=\"#e4e4e4\"/>\n";
      o << "<text x=\"" << L - 6 << "\" y=\"" << ty(v) + 4 << "\" text-anchor=\"end\">" << svg_num(v) << "</text>\n";
    }
    for (double v : ticks(x0, x1, logx_)) {
      o << "<line x1=\"" << tx(v) << "\" x2=\"" << tx(v) << "\" y1=\"" << T << "\" y2=\"" << B
        << "\" stroke=\"#e4e4e4\"/>\n";
      o << "<text x=\"" << tx(v) << "\" y=\"" << B + 16 << "\" text-anchor=\"middle\">" << svg_num(v) << "</text>\n";
    }
    o << "<rect x=\"" << L << "\" y=\"" << T << "\" width=\"" << R - L << "\" height=\"" << B - T
      << "\" fill=\"none\" stroke=\"#333\"/>\n";
    o << "<text x=\"" << (L + R) / 2 << "\" y=\"" << h_ - 14 << "\" text-anchor=\"middle\" font-size=\"13\">"
      << svg_escape(xlabel_ + (logx_ ? " (log scale)" : "")) << "</text>\n";
    o << "<text transform=\"translate(18," << (T + B) / 2 << ") rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">"
      << svg_escape(ylabel_) << "</text>\n";
    // Items, clipped to the plot area.
    o << "<g clip-path=\"url(#plotarea)\">\n";
    for (const auto& v : vlines_)
      if (ok_x(v.first))
        o << "<line x1=\"" << tx(v.first) << "\" x2=\"" << tx(v.first) << "\" y1=\"" << T << "\" y2=\"" << B
          << "\" stroke=\"#555\" stroke-dasharray=\"4,3\"/>\n";
    for (const auto& it : items_) {
      const std::string c = svg_colour(it.colour);
      if (it.kind == Kind::Band) {
        std::ostringstream pts;
        std::size_t m = 0;
        for (std::size_t i = 0; i < it.x.size(); ++i)
          if (ok_x(it.x[i]) && std::isfinite(it.a[i])) pts << tx(it.x[i]) << "," << cy(it.a[i]) << " ", ++m;
        for (std::size_t i = it.x.size(); i-- > 0;)
          if (ok_x(it.x[i]) && std::isfinite(it.b[i])) pts << tx(it.x[i]) << "," << cy(it.b[i]) << " ";
        if (m > 0)
          o << "<polygon points=\"" << pts.str() << "\" fill=\"" << c << "\" fill-opacity=\"0.16\" stroke=\"" << c
            << "\" stroke-opacity=\"0.35\" stroke-width=\"0.8\"/>\n";
      } else if (it.kind == Kind::Line) {
        o << "<polyline fill=\"none\" stroke=\"" << c << "\" stroke-width=\"2\""
          << (it.flag ? " stroke-dasharray=\"6,4\"" : "") << " points=\"";
        for (std::size_t i = 0; i < it.x.size(); ++i)
          if (ok_x(it.x[i]) && std::isfinite(it.a[i])) o << tx(it.x[i]) << "," << cy(it.a[i]) << " ";
        o << "\"/>\n";
      } else {
        for (std::size_t i = 0; i < it.x.size(); ++i)
          if (ok_x(it.x[i]) && std::isfinite(it.a[i]))
            o << "<circle cx=\"" << tx(it.x[i]) << "\" cy=\"" << cy(it.a[i]) << "\" r=\"3\" fill=\""
              << (it.flag ? "white" : c) << "\" stroke=\"" << c << "\" stroke-width=\"1.3\"/>\n";
      }
    }
    o << "</g>\n";
    for (const auto& v : vlines_)
      if (ok_x(v.first))
        o << "<text x=\"" << tx(v.first) + 4 << "\" y=\"" << T + 14 << "\" font-size=\"11\" fill=\"#555\">"
          << svg_escape(v.second) << "</text>\n";
    // Legend: below the plot, so it never hides data.
    if (rows > 0) {
      std::size_t longest = 0;
      for (const auto* it : labelled) longest = std::max(longest, it->label.size());
      for (const auto& n : notes_) longest = std::max(longest, n.size());
      const double bw = std::min(34 + 6.4 * static_cast<double>(longest), w_ - L - 4),
                   bh = 8 + 16 * static_cast<double>(rows);
      const double bx = L, by = h_ + 2;
      o << "<rect x=\"" << bx << "\" y=\"" << by << "\" width=\"" << bw << "\" height=\"" << bh
        << "\" fill=\"white\" fill-opacity=\"0.88\" stroke=\"#999\"/>\n";
      double yy = by + 16;
      for (const auto* it : labelled) {
        const std::string c = svg_colour(it->colour);
        if (it->kind == Kind::Band)
          o << "<rect x=\"" << bx + 6 << "\" y=\"" << yy - 9 << "\" width=\"20\" height=\"10\" fill=\"" << c
            << "\" fill-opacity=\"0.25\" stroke=\"" << c << "\" stroke-opacity=\"0.5\"/>\n";
        else if (it->kind == Kind::Line)
          o << "<line x1=\"" << bx + 6 << "\" x2=\"" << bx + 26 << "\" y1=\"" << yy - 4 << "\" y2=\"" << yy - 4
            << "\" stroke=\"" << c << "\" stroke-width=\"2\"" << (it->flag ? " stroke-dasharray=\"6,4\"" : "")
            << "/>\n";
        else
          o << "<circle cx=\"" << bx + 16 << "\" cy=\"" << yy - 4 << "\" r=\"3\" fill=\"" << (it->flag ? "white" : c)
            << "\" stroke=\"" << c << "\"/>\n";
        o << "<text x=\"" << bx + 30 << "\" y=\"" << yy << "\" font-size=\"11\">" << svg_escape(it->label)
          << "</text>\n";
        yy += 16;
      }
      for (const auto& n : notes_) {
        o << "<text x=\"" << bx + 6 << "\" y=\"" << yy << "\" font-size=\"11\" fill=\"#333\">" << svg_escape(n)
          << "</text>\n";
        yy += 16;
      }
    }
    o << "</svg>\n";
    return o.str();
  }

 private:
  enum class Kind { Band, Line, Points };
  struct Item {
    Kind kind;
    std::vector<double> x, a, b;
    int colour;
    std::string label;
    bool flag;  // dashed line / hollow points
  };
  bool ok_x(double x) const { return std::isfinite(x) && (!logx_ || x > 0); }

  /// About 6 "nice" tick values inside [lo, hi] (powers of 1, 2, 5 per decade on a log axis).
  static std::vector<double> ticks(double lo, double hi, bool log) {
    std::vector<double> out;
    if (log) {
      const int d0 = static_cast<int>(std::floor(std::log10(lo))), d1 = static_cast<int>(std::ceil(std::log10(hi)));
      const bool fine = d1 - d0 <= 3;
      for (int d = d0; d <= d1; ++d)
        for (double m : fine ? std::vector<double>{1, 2, 5} : std::vector<double>{1}) {
          const double v = m * std::pow(10.0, d);
          if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push_back(v);
        }
      return out;
    }
    const double raw = (hi - lo) / 6;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
      if (m * mag >= raw) {
        step = m * mag;
        break;
      }
    for (double v = std::ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step)
      out.push_back(std::abs(v) < 1e-12 * step ? 0.0 : v);
    return out;
  }

  double w_, h_;
  std::string title_, subtitle_, xlabel_, ylabel_;
  bool logx_ = false;
  std::optional<std::pair<double, double>> ylim_;
  std::vector<Item> items_;
  std::vector<std::pair<double, std::string>> vlines_;
  std::vector<std::string> notes_;
};

}  // namespace curvecast::bench
