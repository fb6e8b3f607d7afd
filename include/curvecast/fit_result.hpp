#pragma once
// FitResult and FitOptions: what a least-squares fit takes and reports. No
// Ceres here: this header can be included by code that only reads results.
#include <cmath>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "curve_summary.hpp"
#include "errors.hpp"
#include "observations.hpp"

namespace curvecast {

/// Loss applied to each residual.
enum class Loss { Squared, Huber, Cauchy };

/// Options of a least-squares fit. Validated eagerly by validate() (the fitters
/// call it before doing any work).
struct FitOptions {
  // clang-format off
  int num_starts = 4;                  ///< starts: the best data-driven guesses, then seeded jitter around the best (>= 1)
  std::uint64_t seed = 0;              ///< seed of the jittered starts
  Loss loss = Loss::Squared;           ///< Squared, Huber or Cauchy on the residuals
  double loss_scale = 1.0;             ///< scale of the robust loss, in fitting units of z (> 0)
  std::vector<double> weights;         ///< per-point weights (>= 0, finite); empty means all 1
  int max_iterations = 200;            ///< Levenberg-Marquardt iterations per start (>= 1)
  double function_tolerance = 1e-10;   ///< Ceres: relative cost change that ends a start
  double gradient_tolerance = 1e-12;   ///< Ceres: gradient norm that ends a start
  double parameter_tolerance = 1e-10;  ///< Ceres: relative step that ends a start
  double best_cost_rtol = 1e-6;        ///< a start reached the best when its cost is within this relative tolerance
  std::optional<double> time_budget_seconds;   ///< wall-time budget for all starts (> 0); unset: none
  std::optional<Normalisation> normalisation;  ///< fitting coordinates; default: the family's own
  std::size_t max_points = kDefaultMaxPoints;  ///< longer curves are fitted to a summary of <= max_points / 4 points (curve_summary.hpp; squared loss, no weights); 0 = never, else >= 64
  // clang-format on

  void validate() const {
    auto bad = [](const std::string& what) { throw InvalidOptions("curvecast: FitOptions: " + what); };
    if (num_starts < 1) bad("num_starts must be >= 1");
    if (!(loss_scale > 0) || !std::isfinite(loss_scale)) bad("loss_scale must be finite and > 0");
    if (max_iterations < 1) bad("max_iterations must be >= 1");
    if (!(function_tolerance > 0) || !(gradient_tolerance > 0) || !(parameter_tolerance > 0))
      bad("tolerances must be > 0");
    if (!(best_cost_rtol >= 0) || !std::isfinite(best_cost_rtol)) bad("best_cost_rtol must be >= 0");
    if (time_budget_seconds && (!(*time_budget_seconds > 0) || !std::isfinite(*time_budget_seconds)))
      bad("time_budget_seconds must be finite and > 0 (or unset for no budget)");
    for (double w : weights)
      if (!(w >= 0) || !std::isfinite(w)) bad("weights must be finite and >= 0");
    if (max_points != 0 && max_points < kMinMaxPoints) bad("max_points must be 0 (never summarise) or >= 64");
  }
  /// Whether a curve of n points is fitted to its summary under these options.
  bool summarises(std::size_t n) const {
    return max_points != 0 && n > max_points && loss == Loss::Squared && weights.empty();
  }
};

/// The outcome of a least-squares fit of one family.
struct FitResult {
  std::string family;
  std::vector<std::string> param_names;
  std::vector<double> params;      ///< in fitting coordinates: f(t) with t = x / x_scale, y = y_offset + y_scale z
  std::vector<double> std_errors;  ///< parameter standard errors; empty when the Jacobian is rank-deficient
  Eigen::MatrixXd covariance;      ///< parameter covariance (pseudo-inverse where rank-deficient)
  Normaliser normaliser;
  double cost = 0;            ///< Ceres' cost 1/2 sum rho(w r^2), in fitting units
  double sigma = 0;           ///< residual noise standard deviation, fitting units (floored at 1e-6)
  double sse_raw = 0;         ///< sum of squared raw residuals
  double log_likelihood = 0;  ///< Gaussian log-likelihood at the MLE noise, raw units
  double aic = 0, aicc = 0, bic = 0;
  int num_points = 0;
  int num_starts = 0;            ///< starts run
  int num_converged_starts = 0;  ///< starts that ended with a usable (finite) optimum
  int num_starts_at_best = 0;    ///< starts within best_cost_rtol of the best cost
  std::string status;            ///< Ceres' termination message for the best start
  double seconds = 0;            ///< wall time of the whole fit

  /// The fitted curve's value at raw x, in raw units (needs the family's eval).
  template <class EvalFn>
  double value(EvalFn&& eval, double x) const {
    return normaliser.y(eval(params.data(), normaliser.t(x)));
  }
};

}  // namespace curvecast
