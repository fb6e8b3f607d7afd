#pragma once
// MCMC convergence diagnostics: integrated autocorrelation time (ensemble
// average of the normalised autocovariance, Sokal's automatic window), split
// R-hat (Gelman et al., BDA3 §11.4) and effective sample size.
//
//   // chains: one row per walker (chain), one column per kept step
//   Eigen::MatrixXd chains = ...;
//   double tau  = curvecast::integrated_autocorr_time(chains);  // in steps
//   double rhat = curvecast::split_rhat(chains);                 // ~1 when mixed
//   double ess  = curvecast::effective_sample_size(chains);      // walkers * steps / tau
//
// No Ceres, no allocation beyond O(steps) scratch.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <Eigen/Core>

#include "errors.hpp"

namespace curvecast {

/// What a sampler reports next to its draws.
struct SamplerDiagnostics {
  // clang-format off
  double acceptance_fraction = 0;  ///< mean over walkers of accepted / proposed moves
  double autocorr_time = 0;        ///< integrated autocorrelation time (steps) of the monitored quantity
  double split_rhat = 0;           ///< split R-hat of the monitored quantity (walkers as chains)
  double ess = 0;                  ///< effective sample size of the monitored quantity
  int walkers = 0;                 ///< ensemble size
  int steps = 0;                   ///< kept steps per walker (after burn-in), as actually run
  int burn_in = 0;                 ///< discarded steps per walker, as actually run
  bool budget_exhausted = false;   ///< a time budget cut the run (fewer steps than asked; timing dependent, not reproducible)
  long evaluations = 0;            ///< log-density evaluations, all stages included
  double seconds = 0;              ///< wall time of the sampling (fit) stage
  bool warm_started = false;       ///< walkers started from a previous posterior
  int extensions = 0;              ///< extra sampling blocks run because split R-hat was >= 1.05
  // clang-format on
  bool converged() const { return split_rhat > 0 && split_rhat < 1.05; }
};

namespace detail {
/// Normalised autocorrelation function of the rows of `chains`, averaged over
/// rows (each row centred on its own mean), for lags 0..max_lag.
inline std::vector<double> mean_autocorrelation(const Eigen::MatrixXd& chains, Eigen::Index max_lag) {
  const Eigen::Index m = chains.rows(), n = chains.cols();
  std::vector<double> acf(static_cast<std::size_t>(max_lag + 1), 0.0);
  std::vector<double> c(static_cast<std::size_t>(n));
  for (Eigen::Index r = 0; r < m; ++r) {
    double mean = chains.row(r).mean();
    for (Eigen::Index i = 0; i < n; ++i) c[static_cast<std::size_t>(i)] = chains(r, i) - mean;
    for (Eigen::Index lag = 0; lag <= max_lag; ++lag) {
      double s = 0;
      for (Eigen::Index i = 0; i + lag < n; ++i)
        s += c[static_cast<std::size_t>(i)] * c[static_cast<std::size_t>(i + lag)];
      acf[static_cast<std::size_t>(lag)] += s / static_cast<double>(n);
    }
  }
  const double a0 = acf[0];
  if (!(a0 > 0)) return std::vector<double>(acf.size(), 0.0);
  for (auto& a : acf) a /= a0;
  return acf;
}
}  // namespace detail

/// Integrated autocorrelation time tau = 1 + 2 sum_{lag>=1} rho(lag), with the
/// ensemble-averaged rho and Sokal's window (smallest M with M >= c tau(M)).
/// Rows are chains, columns steps. A constant input returns 1. Needs >= 4 steps.
inline double integrated_autocorr_time(const Eigen::MatrixXd& chains, double c = 5.0) {
  if (chains.rows() < 1 || chains.cols() < 4)
    throw InvalidInput("curvecast: autocorrelation time needs at least 1 chain of 4 steps");
  const Eigen::Index n = chains.cols();
  const Eigen::Index max_lag = std::min<Eigen::Index>(n - 1, std::max<Eigen::Index>(1, n / 2));
  const std::vector<double> rho = detail::mean_autocorrelation(chains, max_lag);
  if (rho[0] == 0) return 1.0;
  double tau = 1.0;
  for (Eigen::Index m = 1; m <= max_lag; ++m) {
    tau += 2 * rho[static_cast<std::size_t>(m)];
    if (static_cast<double>(m) >= c * tau) break;
  }
  return std::max(tau, 1e-3);
}

/// Split R-hat: each chain (row) is cut in two halves, R-hat of the 2m halves.
/// Returns 1 for a constant input; +infinity when the halves disagree but each
/// is constant. Needs >= 4 steps and >= 1 chain.
inline double split_rhat(const Eigen::MatrixXd& chains) {
  if (chains.rows() < 1 || chains.cols() < 4)
    throw InvalidInput("curvecast: split R-hat needs at least 1 chain of 4 steps");
  const Eigen::Index half = chains.cols() / 2, m = 2 * chains.rows();
  std::vector<double> means, vars;
  for (Eigen::Index r = 0; r < chains.rows(); ++r)
    for (int h = 0; h < 2; ++h) {
      // With odd lengths, the middle step is dropped.
      const Eigen::Index off = h == 0 ? 0 : chains.cols() - half;
      double mu = 0;
      for (Eigen::Index i = 0; i < half; ++i) mu += chains(r, off + i);
      mu /= static_cast<double>(half);
      double v = 0;
      for (Eigen::Index i = 0; i < half; ++i) v += (chains(r, off + i) - mu) * (chains(r, off + i) - mu);
      means.push_back(mu);
      vars.push_back(v / static_cast<double>(half - 1));
    }
  double grand = 0;
  for (double mu : means) grand += mu;
  grand /= static_cast<double>(m);
  double B = 0, W = 0;
  for (Eigen::Index j = 0; j < m; ++j) {
    B += (means[static_cast<std::size_t>(j)] - grand) * (means[static_cast<std::size_t>(j)] - grand);
    W += vars[static_cast<std::size_t>(j)];
  }
  const double nh = static_cast<double>(half);
  B *= nh / static_cast<double>(m - 1);
  W /= static_cast<double>(m);
  if (!(W > 0)) return B > 0 ? std::numeric_limits<double>::infinity() : 1.0;
  const double var_plus = (nh - 1) / nh * W + B / nh;
  return std::sqrt(var_plus / W);
}

/// Effective sample size: chains * steps / integrated autocorrelation time.
inline double effective_sample_size(const Eigen::MatrixXd& chains) {
  const double tau = integrated_autocorr_time(chains);
  return static_cast<double>(chains.rows() * chains.cols()) / std::max(tau, 1.0);
}

}  // namespace curvecast
