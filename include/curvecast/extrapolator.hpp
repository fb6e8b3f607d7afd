#pragma once
// Extrapolator: the one interface every predictor implements (least squares,
// multi-family least squares, MCMC posteriors, the `last` baseline).
//
//   std::unique_ptr<curvecast::Extrapolator> ex = curvecast::make_extrapolator("mmf4");
//   ex->fit(curvecast::Observations{x, y, /*higher_is_better=*/false});   // long curves: summarised (curve_summary.hpp)
//   curvecast::Predictive p = ex->predict(200.0);       // mean, quantiles, log density
//   double p_win = ex->prob_better(200.0, best_so_far);  // P(value at 200 beats best)
//   auto lvl = ex->asymptote(0.9);                      // where it levels off, with interval
//   Eigen::MatrixXd paths = ex->sample_curves(xs, 100, /*seed=*/7);  // joint draws
//
// Where a curve reaches a target value: curvecast::reach(*ex, target, x_max)
// (reach.hpp). All answers are in the raw units of the observations; normalisation is internal.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "curve_summary.hpp"
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

class Extrapolator {
 public:
  virtual ~Extrapolator() = default;

  /// A short name ("pow4", "ls:best-aicc", "ensemble").
  virtual std::string name() const = 0;
  /// Fits to the observations (raw units). Throws InvalidInput or FitFailure.
  /// Curves longer than the method's max_points option are fitted to their
  /// summary (curve_summary.hpp), made here in O(n).
  virtual void fit(const Observations& obs) = 0;
  /// fit() with the summary of obs already made: `summary` must equal
  /// summarise(obs, m) for the method's max_points option m (a CurveSummariser
  /// fed the same points gives it in O(1) per point: EarlyStopper does this).
  /// Methods that use no summary (and curves of at most m points) ignore it.
  virtual void fit_with_summary(const Observations& obs, const CurveSummary& summary) {
    (void)summary;
    fit(obs);
  }
  virtual bool is_fitted() const = 0;
  /// The observations of the last fit().
  virtual const Observations& observations() const = 0;

  /// Predictive distribution of the observed value at x (noise included).
  /// UsageError before fit(); InvalidInput for a non-finite x (or one outside
  /// the method's domain).
  Predictive predict(double x) const {
    require_fitted();
    check_finite_x(x);
    return do_predict(x);
  }
  /// predict() at many points (implementations may share work across points).
  std::vector<Predictive> predict_many(const std::vector<double>& xs) const {
    require_fitted();
    for (double x : xs) check_finite_x(x);
    return do_predict_many(xs);
  }
  /// Joint draws of the future curve: row d is one draw evaluated at every xs.
  /// With `with_noise`, independent observation noise is added to each point.
  Eigen::MatrixXd sample_curves(const std::vector<double>& xs, std::size_t draws, std::uint64_t seed,
                                bool with_noise = false) const {
    require_fitted();
    for (double x : xs) check_finite_x(x);
    return do_sample_curves(xs, draws, seed, with_noise);
  }

  /// Where the curve levels off, with a central `level` interval, level in
  /// (0, 1) (InvalidInput otherwise); not available for some methods.
  /// UsageError before fit().
  AsymptoteEstimate asymptote(double level = 0.9) const {
    require_fitted();
    if (!(level > 0 && level < 1)) throw InvalidInput("curvecast: asymptote level must lie in (0, 1)");
    return do_asymptote(level);
  }

  /// P(observed value at x is better than threshold), respecting the direction.
  double prob_better(double x, double threshold) const { return predict(x).prob_better(threshold); }

 protected:
  // What each method implements; the public methods above have checked the
  // arguments every method needs (fitted, finite x, level in (0, 1)).
  virtual Predictive do_predict(double x) const = 0;
  virtual std::vector<Predictive> do_predict_many(const std::vector<double>& xs) const {
    std::vector<Predictive> out;
    out.reserve(xs.size());
    for (double x : xs) out.push_back(do_predict(x));
    return out;
  }
  virtual Eigen::MatrixXd do_sample_curves(const std::vector<double>& xs, std::size_t draws, std::uint64_t seed,
                                           bool with_noise) const = 0;
  virtual AsymptoteEstimate do_asymptote(double level) const {
    (void)level;
    AsymptoteEstimate a;
    a.reason = name() + " does not estimate an asymptote";
    return a;
  }

  void check_finite_x(double x) const {
    if (!std::isfinite(x))
      throw InvalidInput("curvecast: " + name() + ": prediction x must be finite (got " + std::to_string(x) + ")");
  }
  void require_fitted() const {
    if (!is_fitted()) throw UsageError("curvecast: " + name() + ": call fit() before querying");
  }
};

}  // namespace curvecast
