#pragma once
// Bayesian extrapolation: the posterior predictive of a learning curve under the
// multi-family ensemble (see docs/references.md, The classic Bayesian ensemble
// and The LC-PFN prior), sampled with the
// affine-invariant ensemble sampler.
//
//   curvecast::PosteriorOptions o;                 // ensemble of pow3 + ilog2 + janoschek
//   o.prior = curvecast::PriorKind::LcPfn;         // LC-PFN's prior (metric in [0,1], x = 1..100)
//   curvecast::EnsemblePosterior ex(o);
//   ex.fit(obs);                                   // ~10 ms for 50 points, one core
//   curvecast::Predictive p = ex.predict(100);     // mixture over posterior draws, noise included
//   double lp = p.log_density(0.71), win = ex.prob_better(100, 0.7);
//   Eigen::MatrixXd paths = ex.sample_curves(xs, 200, 7);   // joint draws of the future curve
//   curvecast::SamplerDiagnostics d = ex.diagnostics();     // acceptance, tau, split R-hat, ESS
//   obs.push_back(x_new, y_new);  ex.fit(obs);     // warm start from the previous ensemble
//
// Why these families. The classic 11 span about 7 shapes (docs/references.md, Learning-curve families):
// weibull = janoschek = exp4, log_power = hill3 = mmf with beta = 0, pow3 = pow4
// with b = 0. Mixing overlapping shapes gives a posterior with ridges the
// sampler cannot cross and weights that are not identified. We keep one member
// per shape that matters for extrapolation: pow3 (power-law approach to an
// asymptote), ilog2 (slow logarithmic growth that never saturates within any
// practical range), janoschek (the stretched-exponential/Weibull shape, which
// also covers fast saturation), and optionally mmf (the sigmoid in log x
// shape of hill3/log_power). The first three are LC-PFN's prior; mmf is an option.
//
// How it is fast and how it mixes (see detail/basis_posterior.hpp): the
// ensemble is linear in its weights times levels, so those are integrated out
// exactly and the sampler moves only in (shape parameters, ln sigma): 4
// dimensions instead of Domhan et al.'s 48. Walkers start from an importance
// sample of the prior (resampled by marginal likelihood), so modes are
// populated in proportion to their mass. The prior's hard constraints are
// restored by rejection on exact conditional draws of the coefficients, which
// is an importance weight on each posterior draw.
//
// Time budget (PosteriorOptions::time_budget_seconds set): one fit() stops
// drawing the prior importance start (after at least `walkers` draws), passes
// what is left to the sampler, which then ends its
// burn-in early and keeps only 4 steps (SamplerOptions::budget_min_steps), so
// a predictive always exists; no R-hat extension block starts once it is
// spent. diagnostics().budget_exhausted says the budget cut the run,
// steps/burn_in what was actually run. A cut run depends on the machine's
// speed and load and is not reproducible across machines or runs; a run the
// budget did not cut is bit-identical to one without a budget.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
//
// No Ceres here: this header (and EarlyStopper's default method) compiles
// without the least-squares fitter.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "detail/basis_posterior.hpp"
#include "detail/ensemble_setup.hpp"
#include "detail/rng.hpp"
#include "diagnostics.hpp"
#include "ensemble_sampler.hpp"
#include "mixture_posterior.hpp"

namespace curvecast {

/// Posterior predictive of the multi-family ensemble ("ensemble", "ensemble:lcpfn").
class EnsemblePosterior : public MixturePosterior {
 public:
  explicit EnsemblePosterior(PosteriorOptions o = {}) : MixturePosterior(std::move(o)) {
    if (!opt_.single_family.empty())
      throw InvalidOptions("curvecast: PosteriorOptions: single_family is set: use SingleFamilyPosterior");
  }

  std::string name() const override { return opt_.prior == PriorKind::LcPfn ? "ensemble:lcpfn" : "ensemble"; }

  AsymptoteEstimate do_asymptote(double level) const override {
    require_fitted();
    std::vector<std::pair<double, double>> vals;
    const double bound = setup().best_bound(obs_);
    for (std::size_t s = 0; s < comp_.size(); ++s) {
      double v = comp_[s].b[0] + comp_[s].offset;
      // The limit cannot pass the metric's bound (the constraints only
      // check up to the horizon): LC-PFN's [lower, upper], or the default
      // prior's best attainable value when known.
      if (opt_.prior == PriorKind::LcPfn && opt_.bounded)
        v = std::min(std::max(v, opt_.lower), opt_.upper);
      else if (opt_.prior == PriorKind::Default && std::isfinite(bound))
        v = std::min(v, norm_.z(bound));
      vals.emplace_back(norm_.y(v), comp_w_[s]);
    }
    return weighted_estimate(std::move(vals), level);
  }

 protected:
  std::size_t min_points() const override { return 2; }
  double curve_value(const Component& c, double t) const override { return model_.value(c.theta.data(), c.b, t); }
  /// Default prior: the metric's best attainable value (given or detected).
  double censor_bound() const override {
    return opt_.prior == PriorKind::Default ? setup().best_bound(obs_) : std::numeric_limits<double>::quiet_NaN();
  }

 private:
  detail::EnsembleSetup setup() const { return detail::EnsembleSetup{opt_, norm_, zr_}; }

  void fit_draws(const Observations& obs, bool warm) override {
    const Normaliser old_norm = norm_;
    norm_ = setup().make_normaliser(obs);
    zr_ = setup().prefix_range_z(obs);
    const LikelihoodData data = likelihood_data(obs);  // the points, or a long curve's summary
    const std::vector<int> fam = detail::EnsembleSetup::family_codes(opt_.families);
    const bool learn = opt_.learns_discrepancy();
    model_ = detail::BasisModel(
        fam, setup().make_prior(fam, setup().recent_slope_z(obs)));  // the prior depends on the data's scale
    model_.learn_discrepancy(learn);
    // Long prefixes (denser than PosteriorOptions::points_per_ln_x, counted on
    // the raw points whether summarised or not): a wandering slope and a
    // likelihood tempered to that density.
    const double beta = opt_.tempering(obs.size(), std::log(norm_.t(obs.x.back()) / norm_.t(obs.x.front())));
    model_.learn_slope(beta < 1 && opt_.slope_discrepancy_median > 0);
    model_.set_data(data.t, data.z, data.w);
    if (data.summarised) model_.set_summary(static_cast<double>(obs.size() - data.t.size()), data.ss);
    if (beta < 1) model_.set_tempering(std::max(beta, 1e-6));
    const int D = model_.dim(), W = opt_.walkers;
    if (W < 2 * D + 2) throw InvalidOptions("curvecast: PosteriorOptions: walkers must be >= 2 * dim + 2");
    model_.set_monitor(setup().horizon_t(obs));
    const detail::BasisModel& model = model_;
    auto logp = [&model](const double* th, double* blob) { return model(th, blob); };

    Eigen::MatrixXd start(W, D);
    long evals = 0;
    bool warm_ok = false;
    if (warm && final_.rows() == W && final_.cols() == D && old_norm.x_scale == norm_.x_scale &&
        old_norm.x_offset == norm_.x_offset) {
      // sigma (and lambda, eta) are in z units: rescale when the y normalisation moved.
      const double shift = std::log(std::abs(old_norm.y_scale) / std::abs(norm_.y_scale));
      start = final_;
      for (int d = model_.sigma_index(); d < D; ++d) start.col(d).array() += shift;
      warm_ok = true;
      std::vector<double> row(static_cast<std::size_t>(D));
      for (int k = 0; k < W && warm_ok; ++k) {
        for (int d = 0; d < D; ++d) row[static_cast<std::size_t>(d)] = start(k, d);
        double blob;
        warm_ok = std::isfinite(logp(row.data(), &blob));
      }
      evals += W;
    }
    if (!warm_ok) evals += prior_start(logp, start);
    // (Eigen matrices are column-major: copy rows out before handing pointers.)
    SamplerOptions so;
    so.burn_in = warm_ok ? opt_.warm_burn_in : opt_.burn_in;
    so.steps = warm_ok ? opt_.warm_steps : opt_.steps;
    so.seed = detail::derive_seed(opt_.seed, 1 + obs.size());
    so.threads = opt_.threads;
    so.kde_fraction = opt_.kde_fraction;
    so.time_budget_seconds = remaining_budget();
    EnsembleChain ch = run_ensemble(logp, start, so);
    diag_ = diagnose_blobs(ch);
    // Not converged on the monitored prediction: continue the same chains for
    // another block and judge the whole kept run (cold fits only; a warm refit's
    // 50 steps are too short for split R-hat to certify anything). A spent time
    // budget ends the extensions too (and the last block may be cut short).
    int extensions = 0;
    while (!warm_ok && !diag_.converged() && extensions < opt_.max_extensions) {
      if (opt_.time_budget_seconds && (ch.budget_exhausted || *remaining_budget() <= kBudgetSpent)) {
        ch.budget_exhausted = true;
        break;
      }
      SamplerOptions more = so;
      more.burn_in = 0;
      more.seed = detail::derive_seed(so.seed, 0xe0000 + static_cast<std::uint64_t>(extensions));
      more.time_budget_seconds = remaining_budget();
      detail::append_chain(ch, run_ensemble(logp, ch.final_positions, more));
      diag_ = diagnose_blobs(ch);
      ++extensions;
    }
    final_ = ch.final_positions;
    diag_.budget_exhausted = ch.budget_exhausted;
    diag_.extensions = extensions;
    diag_.evaluations += evals;
    diag_.warm_started = warm_ok;

    // Predictive components: thinned draws, coefficients drawn from their exact
    // conditional; importance weight = constraints satisfied x (exact prior /
    // Gaussian prior) for LC-PFN's prior. Then systematic resampling down to
    // max_components (duplicates merged into weights).
    const detail::BasisConstraints cons = setup().make_constraints(obs);
    const bool exact = opt_.prior == PriorKind::LcPfn && opt_.exact_lcpfn_prior &&
                       fam == std::vector<int>{detail::kPow3, detail::kIlog2, detail::kJanoschek};
    const int total = ch.steps * W;
    const int want = std::min(total, opt_.max_components);
    std::vector<Component> cand, fallback;
    std::vector<double> cw;
    const detail::BasisModel::Grid grid(cons.grid);
    Eigen::ArrayXXd Xg;
    detail::Rng rng(detail::derive_seed(opt_.seed, 0xc0ef));
    long tried = 0, kept = 0;
    for (int i = 0; i < want; ++i) {
      // Evenly spaced over the kept (step, walker) draws, latest first.
      const long idx = total - 1 - static_cast<long>(static_cast<double>(i) * total / want);
      const double* th = ch.position(static_cast<int>(idx / W), static_cast<int>(idx % W));
      double L[detail::kMaxBasis * detail::kMaxBasis], mu[detail::kMaxBasis], kf[detail::kFilterState];
      if (!std::isfinite(model.conditional(th, L, mu, kf))) continue;
      Component c;
      c.theta.assign(th, th + D);
      c.sigma = std::exp(th[model.sigma_index()]);
      c.lambda = learn ? model.lambda(th) : opt_.discrepancy_rate();
      c.eta = model.eta(th);
      if (cons.active()) model.fill(th, grid.lnt, grid.il, Xg);
      for (int r = 0; r < opt_.coefficient_draws; ++r) {
        model.draw_coefficients(L, mu, rng, c.b);
        const detail::DiscrepancyState st = model.discrepancy_state(kf, c.b);
        c.offset = st.offset;
        c.var0 = st.var;
        c.slope = st.slope;
        c.cov0 = st.cov;
        c.slope_var0 = st.slope_var;
        ++tried;
        if (model.satisfies(Xg, c.b, cons)) {
          double w = 1.0;
          if (exact) w = model.lcpfn_exact_prior(c.b, rng, 32) / std::exp(model.log_gauss_prior(c.b));
          if (w > 0 && std::isfinite(w)) {
            ++kept;
            cand.push_back(c);
            cw.push_back(w);
          }
        } else if (fallback.size() < static_cast<std::size_t>(want)) {
          fallback.push_back(c);
        }
      }
    }
    constraint_acceptance_ = tried ? static_cast<double>(kept) / tried : 0.0;
    comp_.clear();
    comp_w_.clear();
    if (cand.empty()) {  // documented fallback: constraints unsatisfiable by every draw
      comp_ = std::move(fallback);
      comp_w_.assign(comp_.size(), 1.0);
    } else {
      double tot = 0, t2 = 0;
      for (double w : cw) tot += w, t2 += w * w;
      weight_ess_ = tot * tot / t2;
      if (static_cast<int>(cand.size()) <= opt_.max_components) {
        comp_ = std::move(cand);
        comp_w_ = std::move(cw);
      } else {
        const int M = opt_.max_components;
        const double u0 = rng.uniform();
        double c = 0;
        std::size_t j = 0;
        for (int k = 0; k < M; ++k) {
          const double u = (u0 + k) / M * tot;
          while (j + 1 < cand.size() && c + cw[j] < u) c += cw[j++];
          if (!comp_.empty() && last_pick_ == j) {
            comp_w_.back() += 1.0;
          } else {
            comp_.push_back(cand[j]);
            comp_w_.push_back(1.0);
            last_pick_ = j;
          }
        }
      }
    }
    if (comp_.empty()) throw FitFailure("curvecast: " + name() + ": no usable posterior draw");
    // Regime changes beyond the data: the default prior only (LC-PFN's prior stays exactly LC-PFN's).
    regime_ = {};
    if (opt_.prior == PriorKind::Default) {
      const double b = setup().best_bound(obs);
      const auto [lo, hi] = std::minmax_element(obs.y.begin(), obs.y.end());
      const double gain = std::abs((*hi - *lo) / norm_.y_scale);  // 0 for a constant prefix
      regime_ = detail::RegimeChange::make(opt_.onset_rate, opt_.turn_rate, gain, zr_,
                                           std::isfinite(b) ? norm_.z(b) : std::numeric_limits<double>::quiet_NaN());
    }
  }

  /// Importance sample of the prior, resampled by marginal likelihood
  /// (systematic resampling), jittered so walkers are distinct.
  /// With a time budget, drawing stops once it is spent (after at least
  /// `walkers` draws; prior_start_cut_ records it).
  template <class LogP>
  long prior_start(LogP& logp, Eigen::MatrixXd& start) {
    const int D = model_.dim(), W = opt_.walkers;
    int N = opt_.prior_draws;
    detail::Rng rng(detail::derive_seed(opt_.seed, 0x9a1));
    // Storage grows in blocks, so a budget-cut start with a huge prior_draws
    // allocates only for the draws it makes.
    constexpr int kBlock = 1 << 16;
    std::vector<double> th, lw;
    double L[detail::kMaxBasis * detail::kMaxBasis], mu[detail::kMaxBasis];
    double mx = -std::numeric_limits<double>::infinity();
    for (int i = 0; i < N; ++i) {
      if (opt_.time_budget_seconds && i >= W && i % 64 == 0 && *remaining_budget() <= kBudgetSpent) {
        prior_start_cut_ = true;
        N = i;
        break;
      }
      if (i % kBlock == 0) {
        const std::size_t upto = static_cast<std::size_t>(std::min(N - i, kBlock)) + static_cast<std::size_t>(i);
        th.resize(upto * static_cast<std::size_t>(D));
        lw.resize(upto);
      }
      model_.draw_prior(rng, &th[static_cast<std::size_t>(i) * D]);
      lw[i] = model_.conditional(&th[static_cast<std::size_t>(i) * D], L, mu);
      mx = std::max(mx, lw[i]);
    }
    if (!std::isfinite(mx)) throw FitFailure("curvecast: " + name() + ": every prior draw has zero likelihood");
    // Tempered importance weights exp(beta * loglik): the largest beta in (0, 1]
    // whose effective sample size is at least 2 * walkers (bisection). With
    // short prefixes beta = 1 (the posterior itself); with long ones the start
    // is a tempered, over-dispersed version of the posterior, which the burn-in
    // contracts (and which split R-hat needs to be meaningful).
    auto ess_at = [&](double beta) {
      double a = 0, b = 0;
      for (int i = 0; i < N; ++i) {
        const double w = std::exp(beta * (lw[i] - mx));
        a += w;
        b += w * w;
      }
      return a * a / b;
    };
    double beta = 1.0;
    if (ess_at(1.0) < opt_.start_ess * W) {
      double lo = 0, hi = 1;
      for (int it = 0; it < 30; ++it) {
        const double mid = 0.5 * (lo + hi);
        (ess_at(mid) >= opt_.start_ess * W ? lo : hi) = mid;
      }
      beta = lo;
    }
    std::vector<double> cum(static_cast<std::size_t>(N));
    double s = 0;
    for (int i = 0; i < N; ++i) cum[i] = (s += std::exp(beta * (lw[i] - mx)));
    // Spread of the weighted sample, for the jitter.
    std::vector<double> m(D, 0.0), v(D, 0.0);
    for (int i = 0; i < N; ++i) {
      const double w = std::exp(beta * (lw[i] - mx)) / s;
      for (int d = 0; d < D; ++d) m[d] += w * th[static_cast<std::size_t>(i) * D + d];
    }
    for (int i = 0; i < N; ++i) {
      const double w = std::exp(beta * (lw[i] - mx)) / s;
      for (int d = 0; d < D; ++d) {
        const double e = th[static_cast<std::size_t>(i) * D + d] - m[d];
        v[d] += w * e * e;
      }
    }
    const double u0 = rng.uniform();
    std::vector<double> pt(D);
    for (int k = 0; k < W; ++k) {
      const double u = (u0 + k) / W * s;
      const int i = std::min<int>(N - 1, static_cast<int>(std::lower_bound(cum.begin(), cum.end(), u) - cum.begin()));
      for (int attempt = 0;; ++attempt) {
        const double jit = attempt < 20 ? 0.1 : 0.0;
        for (int d = 0; d < D; ++d)
          pt[d] = th[static_cast<std::size_t>(i) * D + d] + jit * std::sqrt(v[d] + 1e-6) * rng.normal();
        double blob;
        if (std::isfinite(logp(pt.data(), &blob))) break;
      }
      for (int d = 0; d < D; ++d) start(k, d) = pt[d];
    }
    return N + W;
  }

  detail::BasisModel model_;
  double zr_ = 1;  // prefix range in z units
  std::size_t last_pick_ = 0;
};

}  // namespace curvecast
