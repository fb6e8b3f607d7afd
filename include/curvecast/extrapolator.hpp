#pragma once
// Extrapolator: the one interface every predictor implements (least squares,
// multi-family least squares, MCMC posteriors, the `last` baseline).
//
//   std::unique_ptr<curvecast::Extrapolator> ex = curvecast::make_extrapolator("mmf4");
//   ex->fit(curvecast::Observations{x, y, /*higher_is_better=*/false});
//   curvecast::Predictive p = ex->predict(200.0);       // mean, quantiles, log density
//   double p_win = ex->prob_better(200.0, best_so_far);  // P(value at 200 beats best)
//   auto lvl = ex->asymptote(0.9);                      // where it levels off, with interval
//   auto when = ex->reach(0.25, 1e4, 0.9);              // at what x it reaches 0.25
//   Eigen::MatrixXd paths = ex->sample_curves(xs, 100, /*seed=*/7);  // joint draws
//
// All answers are in the raw units of the observations; normalisation is internal.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "errors.hpp"
#include "observations.hpp"
#include "predictive.hpp"

namespace curvecast {

/// Where a curve levels off, with a central interval. `available` is false
/// (and `reason` says why) for families without a finite asymptote.
struct AsymptoteEstimate {
  bool available = false;
  double value = 0, lower = 0, upper = 0, level = 0.9;
  std::string reason;
};

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

class Extrapolator {
 public:
  virtual ~Extrapolator() = default;

  /// A short name ("pow4", "ls:best-aicc", "ensemble").
  virtual std::string name() const = 0;
  /// Fits to the observations (raw units). Throws InvalidInput or FitFailure.
  virtual void fit(const Observations& obs) = 0;
  virtual bool is_fitted() const = 0;
  /// The observations of the last fit().
  virtual const Observations& observations() const = 0;

  /// Predictive distribution of the observed value at x (noise included).
  virtual Predictive predict(double x) const = 0;
  /// predict() at many points (implementations may share work across points).
  virtual std::vector<Predictive> predict_many(const std::vector<double>& xs) const {
    std::vector<Predictive> out;
    out.reserve(xs.size());
    for (double x : xs) out.push_back(predict(x));
    return out;
  }
  /// Joint draws of the future curve: row d is one draw evaluated at every xs.
  /// With `with_noise`, independent observation noise is added to each point.
  virtual Eigen::MatrixXd sample_curves(const std::vector<double>& xs, std::size_t draws,
                                        std::uint64_t seed, bool with_noise = false) const = 0;

  /// Where the curve levels off, with a `level` interval (default: not available).
  virtual AsymptoteEstimate asymptote(double level = 0.9) const {
    (void)level;
    AsymptoteEstimate a;
    a.reason = name() + " does not estimate an asymptote";
    return a;
  }

  /// At what x (between the last observation and x_max) the noise-free curve
  /// reaches `target`: the predicted mean's first crossing, and a `level`
  /// interval from the first crossings of 400 joint draws (seeded, fixed).
  virtual ReachEstimate reach(double target, double x_max, double level = 0.9) const {
    require_fitted();
    if (!std::isfinite(target)) throw InvalidInput("curvecast: reach target must be finite");
    if (!(level > 0 && level < 1)) throw InvalidInput("curvecast: level must lie in (0, 1)");
    const Observations& obs = observations();
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
    const int kGrid = 128;
    std::vector<double> grid(kGrid);
    for (int i = 0; i < kGrid; ++i) grid[i] = x0 * std::pow(x_max / x0, (i + 1.0) / kGrid);
    // Mean curve crossing, refined by bisection between grid points.
    double prev = x0;
    for (double g : grid) {
      if (good(predict(g).mean())) {
        double lo = prev, hi = g;
        for (int it = 0; it < 40; ++it) {
          const double mid = std::sqrt(lo * hi);
          (good(predict(mid).mean()) ? hi : lo) = mid;
        }
        r.x = hi;
        r.reached = true;
        break;
      }
      prev = g;
    }
    const std::size_t kDraws = 400;
    const Eigen::MatrixXd d = sample_curves(grid, kDraws, 0x5eed, false);
    std::vector<double> first(kDraws, std::numeric_limits<double>::infinity());
    for (std::size_t s = 0; s < kDraws; ++s)
      for (int i = 0; i < kGrid; ++i)
        if (good(d(static_cast<Eigen::Index>(s), i))) {
          first[s] = grid[i];
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

  /// P(observed value at x is better than threshold), respecting the direction.
  double prob_better(double x, double threshold) const { return predict(x).prob_better(threshold); }

 protected:
  void require_fitted() const {
    if (!is_fitted()) throw UsageError("curvecast: " + name() + ": call fit() before querying");
  }
};

}  // namespace curvecast
