#pragma once
// Internal: the data-dependent setup of the multi-family ensemble posterior
// (ensemble_posterior.hpp): its normalisation, prior, constraints and the
// metric's detected bound, and the chain bookkeeping of its extensions.
//
//   const curvecast::detail::EnsembleSetup s{options, normaliser, prefix_range_z};
//   curvecast::detail::BasisConstraints c = s.make_constraints(obs);
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "../ensemble_sampler.hpp"
#include "../observations.hpp"
#include "../posterior_options.hpp"
#include "basis_posterior.hpp"

namespace curvecast::detail {

/// Appends the kept draws of `b` (a continuation of `a`'s chains) to `a`.
inline void append_chain(EnsembleChain& a, const EnsembleChain& b) {
  a.draws.insert(a.draws.end(), b.draws.begin(), b.draws.end());
  a.log_prob.insert(a.log_prob.end(), b.log_prob.begin(), b.log_prob.end());
  a.blobs.insert(a.blobs.end(), b.blobs.begin(), b.blobs.end());
  a.steps += b.steps;
  a.final_positions = b.final_positions;
  a.final_log_prob = b.final_log_prob;
  for (std::size_t k = 0; k < a.accepted.size() && k < b.accepted.size(); ++k) a.accepted[k] += b.accepted[k];
  a.proposed_per_walker += b.proposed_per_walker;
  a.evaluations += b.evaluations;
  a.budget_exhausted = a.budget_exhausted || b.budget_exhausted;
}

/// Mean and covariance of the linear coefficients b implied by LC-PFN's prior
/// on weights and levels (docs/references.md, The LC-PFN prior), in closed form. Each family adds
/// (w L, w M) to (b0, b_f) with w ~ U(0,1) independent of its level L and
/// amplitude M, and families are independent:
///   E b0 = sum E[w] E[L],  Var b0 = sum E[w^2] E[L^2] - E[w]^2 E[L]^2,
///   Cov(b0, b_f) = E[w^2] E[L M] - E[w]^2 E[L] E[M],  Var b_f likewise.
/// pow3: L = c ~ U(0,1.25), M = -a, a ~ U(-0.6,0.6); ilog2: L = c ~ U(0,1),
/// M = -a, a ~ U(-0.5,0.5); janoschek: L = A ~ U(0,1), M = B - A, B ~ U(0,2);
/// mmf (LC-PFN code's prior): L = A ~ N(0.8, 0.1), M = B - A, B ~ N(0.2, 0.1).
/// Order: intercept, then the families in `fam` order.
inline void lcpfn_coefficient_moments(const std::vector<int>& fam, double* mean, double* cov) {
  const int p = 1 + static_cast<int>(fam.size());
  const double Ew = 0.5, Ew2 = 1.0 / 3.0;
  for (int i = 0; i < p * p; ++i) cov[i] = 0;
  for (int i = 0; i < p; ++i) mean[i] = 0;
  int c = 1;
  for (int f : fam) {
    double EL, EL2, EM, EM2, ELM;
    if (f == kPow3)
      EL = 0.625, EL2 = 1.5625 / 3, EM = 0, EM2 = 0.36 / 3, ELM = 0;
    else if (f == kIlog2)
      EL = 0.5, EL2 = 1.0 / 3, EM = 0, EM2 = 0.25 / 3, ELM = 0;
    else if (f == kJanoschek)
      EL = 0.5, EL2 = 1.0 / 3, EM = 0.5, EM2 = 8.0 / 12, ELM = 1.0 / 6;
    else
      EL = 0.8, EL2 = 0.65, EM = -0.6, EM2 = 0.38, ELM = -0.49;
    mean[0] += Ew * EL;
    mean[c] = Ew * EM;
    cov[0] += Ew2 * EL2 - Ew * Ew * EL * EL;
    cov[c * p + c] = Ew2 * EM2 - Ew * Ew * EM * EM;
    cov[c] = cov[c * p] = Ew2 * ELM - Ew * Ew * EL * EM;
    ++c;
  }
}

/// The ensemble's normalisation, prior and constraints for one fit, from its
/// options, its normaliser (once set) and the prefix's range in z units.
struct EnsembleSetup {
  const PosteriorOptions& opt_;
  const Normaliser& norm_;
  double zr_;  // prefix range in z units

  Normaliser make_normaliser(const Observations& obs) const {
    if (opt_.prior == PriorKind::LcPfn) {
      Normaliser n;  // raw units on x; lower-is-better metrics are flipped: z = 1 - y
      if (!obs.higher_is_better) {
        n.y_offset = 1.0;
        n.y_scale = -1.0;
      }
      return n;
    }
    Normaliser n = Normaliser::make(obs, Normalisation::Oriented);
    // With a known best attainable value beyond the prefix, z runs from the
    // prefix's worst value (0) to that bound (1): LC-PFN's own [0, 1] setting,
    // so its level priors cover the whole possible improvement (early prefixes
    // of sample-wise curves improve by many prefix ranges).
    const double b = best_bound(obs);
    if (opt_.headroom_scale && std::isfinite(b)) {
      const double zb = n.z(b);
      if (zb > 1 && std::isfinite(zb) && zb < 1e6) n.y_scale *= zb;
    }
    return n;
  }

  /// The prefix's range in z units (1 unless headroom_scale rescaled z).
  double prefix_range_z(const Observations& obs) const {
    const auto [lo, hi] = std::minmax_element(obs.y.begin(), obs.y.end());
    const double r = std::abs((*hi - *lo) / norm_.y_scale);
    return r > 0 && r <= 1 ? r : 1.0;
  }

  /// The prefix's recent rate of change, z units per unit of ln x: the
  /// absolute least-squares slope of z on ln x over the points in the last
  /// unit of ln x (at least the last 4 points), floored at 1% of the prefix
  /// range per unit. Sets the scale of the slope discrepancy's prior: a bend
  /// ahead is judged against how fast the curve moves now, not against its
  /// whole range (which the first steps of a long run dominate).
  double recent_slope_z(const Observations& obs) const {
    const std::size_t n = obs.size();
    const double sn = std::log(norm_.t(obs.x.back()));
    std::size_t i0 = n >= 4 ? n - 4 : 0;
    while (i0 > 0 && std::log(norm_.t(obs.x[i0 - 1])) >= sn - 1) --i0;
    double ms = 0, mz = 0;
    const double m = static_cast<double>(n - i0);
    for (std::size_t i = i0; i < n; ++i) {
      ms += std::log(norm_.t(obs.x[i])) / m;
      mz += norm_.z(obs.y[i]) / m;
    }
    double sxx = 0, sxy = 0;
    for (std::size_t i = i0; i < n; ++i) {
      const double ds = std::log(norm_.t(obs.x[i])) - ms;
      sxx += ds * ds;
      sxy += ds * (norm_.z(obs.y[i]) - mz);
    }
    const double slope = sxx > 0 ? std::abs(sxy / sxx) : 0.0;
    return std::isfinite(slope) ? std::max(slope, 0.01 * zr_) : 0.01 * zr_;
  }

  BasisPrior make_prior(const std::vector<int>& fam, double recent_slope = 1.0) const {
    BasisPrior pr;
    double mean[kMaxBasis], cov[kMaxBasis * kMaxBasis];
    lcpfn_coefficient_moments(fam, mean, cov);
    const int p = 1 + static_cast<int>(fam.size());
    if (opt_.prior == PriorKind::Default) {
      // Scale-free version (documented in docs/mcmc.md): z spans [0,1] over the
      // prefix, so levels are in units of the observed improvement; we keep
      // LC-PFN's shapes but widen the coefficient prior (x2 sd) and the rates
      // (t = x / x1 can reach 1e5 on sample-wise curves), and put the noise
      // prior on the prefix range's scale.
      for (int i = 0; i < p * p; ++i) cov[i] *= opt_.coefficient_sd_scale * opt_.coefficient_sd_scale;
      pr.ln_kappa_sd = 2.0;
      pr.ln_alpha_mean = -0.5;
      pr.ln_alpha_sd = 1.5;
      pr.ln_sigma_mean = std::log(0.03 * zr_);  // noise and discrepancy priors stay relative to the prefix range
      pr.ln_sigma_sd = 1.5;
      pr.ln_lambda_mean = std::log(opt_.discrepancy_median * zr_);
      pr.ln_lambda_sd = opt_.discrepancy_log_sd;
      if (opt_.slope_discrepancy_median > 0) pr.ln_eta_mean = std::log(opt_.slope_discrepancy_median * recent_slope);
      pr.ln_eta_sd = opt_.slope_discrepancy_log_sd;
    }
    for (int i = 0; i < p; ++i) pr.b_mean[static_cast<std::size_t>(i)] = mean[i];
    for (int i = 0; i < p * p; ++i) pr.b_cov[static_cast<std::size_t>(i)] = cov[i];
    return pr;
  }

  BasisConstraints make_constraints(const Observations& obs) const {
    BasisConstraints c;
    if (!(opt_.rise || opt_.monotone || opt_.bounded)) return c;
    c.rise = opt_.rise;
    c.monotone = opt_.monotone;
    if (opt_.prior == PriorKind::LcPfn) {
      for (int i = 1; i <= 100; ++i) c.grid.push_back(static_cast<double>(i));
      if (opt_.bounded) c.lo = opt_.lower, c.hi = opt_.upper;
      if (opt_.horizon) {
        c.grid.clear();
        for (int i = 1; i <= 100; ++i) c.grid.push_back(1 + (norm_.t(*opt_.horizon) - 1) * (i - 1) / 99.0);
      }
    } else {
      const double t1 = norm_.t(obs.x.front()), th = horizon_t(obs);
      for (int i = 0; i < 64; ++i) c.grid.push_back(t1 * std::pow(th / t1, i / 63.0));
      if (opt_.bounded) {
        // The prefix spans [0, 1]; the future may not fall far below it and
        // may not improve beyond the metric's best attainable value (when
        // known or detected, see best_bound()); early prefixes of sample-wise
        // curves often improve by many prefix ranges, so there is no other cap.
        c.lo = opt_.lower - zr_;
        const double b = best_bound(obs);
        c.hi = std::isfinite(b) ? std::max(norm_.z(b), opt_.upper) : std::numeric_limits<double>::infinity();
      }
    }
    return c;
  }

  /// The metric's best attainable raw value: the option, or detected (a
  /// lower-is-better metric never observed below 0 is taken to be >= 0, as
  /// losses and error rates are; a higher-is-better one observed within [0, 1]
  /// to be <= 1, as accuracies are, and one observed within [0, 100] above 1
  /// to be <= 100, as accuracies in percent are); NaN when unknown.
  double best_bound(const Observations& obs) const {
    if (opt_.best_attainable) return *opt_.best_attainable;
    if (!opt_.detect_bound) return std::numeric_limits<double>::quiet_NaN();
    const auto [lo, hi] = std::minmax_element(obs.y.begin(), obs.y.end());
    if (!obs.higher_is_better && *lo >= 0) return 0.0;
    if (obs.higher_is_better && *lo >= 0 && *hi <= 1) return 1.0;
    if (obs.higher_is_better && *lo >= 0 && *hi <= 100) return 100.0;
    return std::numeric_limits<double>::quiet_NaN();
  }

  double horizon_t(const Observations& obs) const {
    if (opt_.horizon) return norm_.t(*opt_.horizon);
    if (opt_.prior == PriorKind::LcPfn) return 100.0;
    return norm_.t(obs.x.back()) * 10.0;
  }

  static std::vector<int> family_codes(const std::vector<std::string>& names) {
    std::vector<int> fam;
    for (const char* n : {"pow3", "ilog2", "janoschek", "mmf"})
      if (std::find(names.begin(), names.end(), n) != names.end())
        fam.push_back(std::string(n) == "pow3"        ? kPow3
                      : std::string(n) == "ilog2"     ? kIlog2
                      : std::string(n) == "janoschek" ? kJanoschek
                                                      : kMmf);
    return fam;
  }
};

}  // namespace curvecast::detail
