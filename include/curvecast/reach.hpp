#pragma once
// At what x a fitted extrapolator's curve reaches a target value, with an
// interval: works with every Extrapolator (it uses predict() and sample_curves()).
//
//   curvecast::ReachEstimate when = curvecast::reach(ex, /*target=*/0.25, /*x_max=*/1e4);
//   if (when.reached) std::cout << when.x << " in [" << when.x_lower << ", " << when.x_upper << "]\n";
//   curvecast::ReachOptions o;
//   o.level = 0.8;                                   // interval level
//   o.draws = 1000;                                  // joint curve draws for the interval
//   auto when80 = curvecast::reach(ex, 0.25, 1e4, o);
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "errors.hpp"
#include "extrapolator.hpp"
#include "observations.hpp"

namespace curvecast {

/// At what x the curve (noise-free) is predicted to reach a target value.
/// `reached` is false when the predicted mean does not get there by x_max;
/// x_upper is +infinity when the pessimistic end does not get there by x_max.
struct ReachEstimate {
  bool reached = false;
  double x = std::numeric_limits<double>::infinity();
  double x_lower = std::numeric_limits<double>::infinity();
  double x_upper = std::numeric_limits<double>::infinity();
  double level = 0.9;
  std::string reason;
};

/// Options of reach().
struct ReachOptions {
  double level = 0.9;           ///< central interval level of x_lower .. x_upper, in (0, 1)
  int grid_points = 128;        ///< log-spaced grid from the last observation to x_max (>= 2)
  std::size_t draws = 400;      ///< joint curve draws for the interval (>= 2)
  std::uint64_t seed = 0x5eed;  ///< seed of those draws
  int bisection_steps = 40;     ///< bisection steps refining the mean's crossing (>= 0)

  void validate() const {
    auto bad = [](const std::string& w) { throw InvalidOptions("curvecast: ReachOptions: " + w); };
    if (!(level > 0 && level < 1)) bad("level must lie in (0, 1)");
    if (grid_points < 2) bad("grid_points must be >= 2");
    if (draws < 2) bad("draws must be >= 2");
    if (bisection_steps < 0) bad("bisection_steps must be >= 0");
  }
};

/// At what x (between the last observation and x_max) the noise-free curve of
/// the fitted `ex` reaches `target`: the predicted mean's first crossing on a
/// log-spaced grid, refined by bisection, and a `level` interval from the first
/// crossings of seeded joint draws. UsageError before fit(); InvalidInput for a
/// non-finite target or an x_max not beyond the last observation; InvalidOptions
/// for bad options.
inline ReachEstimate reach(const Extrapolator& ex, double target, double x_max, const ReachOptions& o = {}) {
  o.validate();
  if (!ex.is_fitted()) throw UsageError("curvecast: " + ex.name() + ": call fit() before querying");
  const Observations& obs = ex.observations();
  if (!std::isfinite(target)) throw InvalidInput("curvecast: reach target must be finite");
  const double level = o.level;
  const double x0 = obs.x.back();
  if (!(x_max > x0) || !std::isfinite(x_max))
    throw InvalidInput("curvecast: reach needs a finite x_max beyond the last observation");
  const bool hib = obs.higher_is_better;
  auto good = [&](double v) { return hib ? v >= target : v <= target; };
  ReachEstimate r;
  r.level = level;
  // Already there?
  for (double v : obs.y)
    if (good(v)) {
      r.reached = true;
      r.x = r.x_lower = r.x_upper = obs.x.back();
      r.reason = "already reached by the observations";
      return r;
    }
  const int kGrid = o.grid_points;
  std::vector<double> grid(static_cast<std::size_t>(kGrid));
  for (int i = 0; i < kGrid; ++i) grid[static_cast<std::size_t>(i)] = x0 * std::pow(x_max / x0, (i + 1.0) / kGrid);
  // Mean curve crossing, refined by bisection between grid points.
  double prev = x0;
  for (double g : grid) {
    if (good(ex.predict(g).mean())) {
      double lo = prev, hi = g;
      for (int it = 0; it < o.bisection_steps; ++it) {
        const double mid = std::sqrt(lo * hi);
        (good(ex.predict(mid).mean()) ? hi : lo) = mid;
      }
      r.x = hi;
      r.reached = true;
      break;
    }
    prev = g;
  }
  const std::size_t kDraws = o.draws;
  const Eigen::MatrixXd d = ex.sample_curves(grid, kDraws, o.seed, false);
  std::vector<double> first(kDraws, std::numeric_limits<double>::infinity());
  for (std::size_t s = 0; s < kDraws; ++s)
    for (int i = 0; i < kGrid; ++i)
      if (good(d(static_cast<Eigen::Index>(s), i))) {
        first[s] = grid[static_cast<std::size_t>(i)];
        break;
      }
  std::sort(first.begin(), first.end());
  auto pct = [&](double q) {
    const auto k = static_cast<std::size_t>(std::floor(q * (kDraws - 1)));
    return first[std::min(k, kDraws - 1)];
  };
  r.x_lower = pct(0.5 - level / 2);
  r.x_upper = pct(0.5 + level / 2);
  if (!r.reached) r.reason = "the predicted mean does not reach the target by x_max";
  return r;
}

}  // namespace curvecast
