#pragma once
// Observations: a partial curve in raw units, with the metric's direction.
//
//   curvecast::Observations obs{{1, 2, 3, 4}, {0.9, 0.7, 0.62, 0.58}, /*higher_is_better=*/false};
//   obs.validate();  // throws curvecast::InvalidInput with the reason
//
// x must be finite and strictly increasing (duplicates are rejected); y must be
// finite with |y| <= 1e300, and so must |x|. Validation is eager and the
// messages name the offending index. x may start at 0 or below (an evaluation at
// step 0): the fitting coordinates then shift x so that its first value sits one
// step (x[1] - x[0]) above the origin, see Normaliser.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "errors.hpp"

namespace curvecast {

/// Largest |y| (and x) accepted: beyond it squares and ranges may overflow.
inline constexpr double kMaxMagnitude = 1e300;

struct Observations {
  std::vector<double> x;          ///< resource: epochs, steps, samples, FLOP (increasing; may start at 0)
  std::vector<double> y;          ///< the metric in its own units
  bool higher_is_better = false;  ///< direction: true for accuracy, false for loss/error

  Observations() = default;
  Observations(std::vector<double> xs, std::vector<double> ys, bool higher)
      : x(std::move(xs)), y(std::move(ys)), higher_is_better(higher) {}

  std::size_t size() const { return x.size(); }
  bool empty() const { return x.empty(); }

  /// Appends one point (as a training loop would); validates the new point.
  void push_back(double xi, double yi) {
    check_point(x.size(), xi, yi);
    if (!x.empty() && !(xi > x.back())) {
      std::ostringstream m;
      m << "curvecast: x must be strictly increasing: x[" << x.size() << "] = " << xi << " follows " << x.back();
      throw InvalidInput(m.str());
    }
    x.push_back(xi);
    y.push_back(yi);
  }

  /// The first k points.
  Observations prefix(std::size_t k) const {
    k = std::min(k, x.size());
    return Observations({x.begin(), x.begin() + static_cast<std::ptrdiff_t>(k)},
                        {y.begin(), y.begin() + static_cast<std::ptrdiff_t>(k)}, higher_is_better);
  }

  /// Throws InvalidInput unless the data are usable with at least `min_points` points.
  void validate(std::size_t min_points = 1) const {
    if (x.size() != y.size()) {
      std::ostringstream m;
      m << "curvecast: x and y differ in length (" << x.size() << " vs " << y.size() << ")";
      throw InvalidInput(m.str());
    }
    if (x.empty()) throw InvalidInput("curvecast: no observations (empty x and y)");
    for (std::size_t i = 0; i < x.size(); ++i) {
      check_point(i, x[i], y[i]);
      if (i > 0 && !(x[i] > x[i - 1])) {
        std::ostringstream m;
        m << "curvecast: x must be strictly increasing without duplicates: x[" << i << "] = " << x[i] << " after x["
          << i - 1 << "] = " << x[i - 1];
        throw InvalidInput(m.str());
      }
    }
    if (x.size() < min_points) {
      std::ostringstream m;
      m << "curvecast: too few points: " << x.size() << " given, at least " << min_points << " needed";
      throw InvalidInput(m.str());
    }
  }

  /// True when every y equals the first (a constant curve).
  bool constant() const {
    for (double v : y)
      if (v != y.front()) return false;
    return true;
  }

 private:
  static void check_point(std::size_t i, double xi, double yi) {
    if (std::isfinite(xi) && std::isfinite(yi) && std::abs(yi) <= kMaxMagnitude && std::abs(xi) <= kMaxMagnitude)
      return;  // the common case, without building a message
    std::ostringstream m;
    if (!std::isfinite(xi)) {
      m << "curvecast: x[" << i << "] is not finite (" << xi << ")";
      throw InvalidInput(m.str());
    }
    if (!std::isfinite(yi)) {
      m << "curvecast: y[" << i << "] is not finite (" << yi << ")";
      throw InvalidInput(m.str());
    }
    if (std::abs(yi) > kMaxMagnitude || std::abs(xi) > kMaxMagnitude) {
      m << "curvecast: point " << i << " has magnitude beyond 1e300 (x = " << xi << ", y = " << yi << ")";
      throw InvalidInput(m.str());
    }
  }
};

/// How raw values are mapped to the unit-free coordinates a family is fitted in.
enum class Normalisation {
  Oriented,  ///< t = x/x0; z = prefix min..max mapped to 0..1, better is up (default for families with an offset)
  Scale,     ///< t = x/x0; z = y / max|y| (no shift, no flip: for families without a free offset)
  Identity,  ///< t = x; z = y (raw units; the LC-PFN prior uses this on [0,1] curves)
};

/// Affine map between raw (x, y) and a family's (t, z): t = (x + x_offset) / x_scale,
/// y = y_offset + y_scale * z. y_scale < 0 means the axis was flipped so that
/// "better" points up. x_offset is 0 unless the observations start at x <= 0.
struct Normaliser {
  double x_scale = 1.0;
  double y_offset = 0.0;
  double y_scale = 1.0;
  double x_offset = 0.0;

  double t(double x) const { return (x + x_offset) / x_scale; }
  double z(double y) const { return (y - y_offset) / y_scale; }
  double y(double z) const { return y_offset + y_scale * z; }
  /// Converts a spread (standard deviation) from z units to raw units.
  double sd(double sd_z) const { return std::abs(y_scale) * sd_z; }

  /// The map for `obs` (which must already be validated) under `mode`.
  /// Constant curves keep a non-zero scale: 1e-3 * max(|y|, 1e-300) (documented fallback).
  /// x starting above 0: t = x / x0 (Identity: t = x). x starting at or below 0
  /// (documented fallback): x is shifted so that x0 lies one step h = x[1] - x0
  /// (1 for a single point) above the origin, t = (x - x0 + h) / h (Identity:
  /// t = x - x0 + 1), so the first point is at t = 1 either way; predictions
  /// need t > 0, i.e. x > x0 - h.
  static Normaliser make(const Observations& obs, Normalisation mode) {
    Normaliser n;
    const double x0 = obs.x.front();
    const bool shift = !(x0 > 0);
    const double h = obs.x.size() > 1 ? obs.x[1] - x0 : 1.0;
    if (mode == Normalisation::Identity) {
      if (shift) n.x_offset = 1.0 - x0;
      return n;
    }
    n.x_scale = shift ? h : x0;
    if (shift) n.x_offset = h - x0;
    double lo = obs.y.front(), hi = obs.y.front(), amax = 0;
    for (double v : obs.y) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      amax = std::max(amax, std::abs(v));
    }
    if (mode == Normalisation::Scale) {
      n.y_scale = amax > 0 ? amax : 1.0;
      return n;
    }
    double range = hi - lo;  // finite: |y| <= 1e300
    if (!(range > 1e-12 * amax) || range <= 0) range = 1e-3 * std::max(amax, 1e-300);
    if (obs.higher_is_better) {
      n.y_offset = lo;
      n.y_scale = range;
    } else {
      n.y_offset = hi;
      n.y_scale = -range;
    }
    return n;
  }
};

}  // namespace curvecast
