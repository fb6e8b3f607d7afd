#pragma once
// Compute-optimal allocation under the Chinchilla law (Hoffmann et al. 2022, Approach 3;
// formulas as in docs/references.md, Scaling laws): with C = 6 N D,
//   N_opt = G (C/6)^a,  D_opt = G^-1 (C/6)^b,  G = (alpha A / (beta B))^(1/(alpha+beta)),
//   a = beta / (alpha + beta),  b = alpha / (alpha + beta).
// No Ceres.
//
//   auto p = curvecast::scaling::ChinchillaParams::from_log({6.16925, 7.67016, 0.59731, 0.34731, 0.36717});
//   double n = curvecast::scaling::optimal_params(p, 5.88e23);      // ~7.4e10
//   double r = curvecast::scaling::tokens_per_param(p, 5.88e23);    // ~17.9
//   auto s = curvecast::scaling::allocation_intervals(p, boot.params, 5.88e23, 0.8);  // with intervals
#include <cmath>
#include <vector>

#include <Eigen/Core>

#include "../errors.hpp"
#include "summary.hpp"

namespace curvecast::scaling {

/// E + A / N^alpha + B / D^beta in natural units.
struct ChinchillaParams {
  double A = 0, B = 0, E = 0, alpha = 0, beta = 0;
  /// From the fitted (a, b, e, alpha, beta) of the Chinchilla law (a = ln A, ...).
  static ChinchillaParams from_log(const double* p) {
    return {std::exp(p[0]), std::exp(p[1]), std::exp(p[2]), p[3], p[4]};
  }
  static ChinchillaParams from_log(const std::vector<double>& p) {
    if (p.size() != 5) throw InvalidInput("curvecast: ChinchillaParams::from_log needs 5 values");
    return from_log(p.data());
  }
  double loss(double n, double d) const { return E + A * std::pow(n, -alpha) + B * std::pow(d, -beta); }
  bool valid() const {
    return A > 0 && B > 0 && alpha > 0 && beta > 0 && std::isfinite(A) && std::isfinite(B) && std::isfinite(E);
  }
};

inline void require_valid(const ChinchillaParams& p) {
  if (!p.valid())
    throw InvalidInput(
        "curvecast: allocation needs A, B, alpha, beta > 0 and finite (a compute-optimal split "
        "exists only then)");
}
/// Exponent a of N_opt ~ C^a.
inline double exponent_a(const ChinchillaParams& p) { return p.beta / (p.alpha + p.beta); }
/// Exponent b of D_opt ~ C^b.
inline double exponent_b(const ChinchillaParams& p) { return p.alpha / (p.alpha + p.beta); }
inline double allocation_G(const ChinchillaParams& p) {
  return std::pow(p.alpha * p.A / (p.beta * p.B), 1.0 / (p.alpha + p.beta));
}
/// N_opt(C): the loss-minimising parameter count at compute C = 6 N D.
inline double optimal_params(const ChinchillaParams& p, double compute) {
  require_valid(p);
  if (!(compute > 0) || !std::isfinite(compute)) throw InvalidInput("curvecast: compute must be finite and > 0");
  return allocation_G(p) * std::pow(compute / 6, exponent_a(p));
}
/// D_opt(C): the matching number of training tokens.
inline double optimal_tokens(const ChinchillaParams& p, double compute) {
  require_valid(p);
  if (!(compute > 0) || !std::isfinite(compute)) throw InvalidInput("curvecast: compute must be finite and > 0");
  return std::pow(compute / 6, exponent_b(p)) / allocation_G(p);
}
/// D_opt / N_opt at compute C.
inline double tokens_per_param(const ChinchillaParams& p, double compute) {
  return optimal_tokens(p, compute) / optimal_params(p, compute);
}

/// Allocation at one compute budget with intervals from parameter draws.
struct AllocationSummary {
  double compute = 0;
  Interval a, b, n_opt, d_opt, tokens_per_param, loss_opt;
};

/// Point values from `est` and intervals from `draws` (rows of (a, b, e, alpha, beta), e.g.
/// BootstrapResult::params; rows with non-finite or invalid parameters are skipped).
inline AllocationSummary allocation_intervals(const ChinchillaParams& est, const Eigen::MatrixXd& draws, double compute,
                                              double level = 0.8) {
  if (draws.cols() != 5) throw InvalidInput("curvecast: allocation_intervals needs draws of 5 parameters");
  std::vector<double> va, vb, vn, vd, vt, vl;
  for (Eigen::Index r = 0; r < draws.rows(); ++r) {
    const double row[5] = {draws(r, 0), draws(r, 1), draws(r, 2), draws(r, 3), draws(r, 4)};
    const ChinchillaParams p = ChinchillaParams::from_log(row);
    if (!p.valid()) continue;
    const double n = optimal_params(p, compute), d = optimal_tokens(p, compute);
    va.push_back(exponent_a(p));
    vb.push_back(exponent_b(p));
    vn.push_back(n);
    vd.push_back(d);
    vt.push_back(d / n);
    vl.push_back(p.loss(n, d));
  }
  AllocationSummary s;
  s.compute = compute;
  const double n = optimal_params(est, compute), d = optimal_tokens(est, compute);
  s.a = summarise(va, exponent_a(est), level);
  s.b = summarise(vb, exponent_b(est), level);
  s.n_opt = summarise(vn, n, level);
  s.d_opt = summarise(vd, d, level);
  s.tokens_per_param = summarise(vt, d / n, level);
  s.loss_opt = summarise(vl, est.loss(n, d), level);
  return s;
}

}  // namespace curvecast::scaling
