#pragma once
// MixturePosterior: what the learning-curve posteriors share. A fitted posterior
// is a weighted set of draws (components: a curve, its noise sigma and its model
// discrepancy); its predictive at x is the mixture of their Gaussians, its joint
// curves are draws of a component plus a discrepancy random walk in ln x.
// EnsemblePosterior (ensemble_posterior.hpp) and SingleFamilyPosterior
// (single_family_posterior.hpp) fill the components; everything a user asks
// afterwards (predict, sample_curves, diagnostics) is answered here.
//
//   std::unique_ptr<curvecast::Extrapolator> ex = curvecast::make_extrapolator("ensemble");
//   ex->fit(obs);
//   if (const auto* post = dynamic_cast<const curvecast::MixturePosterior*>(ex.get()))
//     std::cout << post->diagnostics().split_rhat << "\n";   // acceptance, tau, split R-hat, ESS
//
// Time budget (PosteriorOptions::time_budget_seconds set): remaining_budget()
// is what is left of one fit(); diagnostics().budget_exhausted says the budget
// cut the run. A cut run is not reproducible; an uncut run is bit-identical to
// one without a budget.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "curve_summary.hpp"
#include "detail/basis_posterior.hpp"
#include "detail/regime_change.hpp"
#include "detail/rng.hpp"
#include "diagnostics.hpp"
#include "extrapolator.hpp"
#include "observations.hpp"
#include "posterior_options.hpp"
#include "predictive.hpp"

namespace curvecast {

/// Base of the learning-curve posteriors: a mixture over posterior draws.
class MixturePosterior : public Extrapolator {
 public:
  const PosteriorOptions& options() const { return opt_; }
  bool is_fitted() const override { return fitted_; }
  const Observations& observations() const override {
    require_fitted();
    return obs_;
  }
  /// The sampler's diagnostics of the last fit (monitored quantity: the
  /// predicted noise-free value at the horizon, normalised units).
  const SamplerDiagnostics& diagnostics() const {
    require_fitted();
    return diag_;
  }
  /// Fraction of coefficient draws that satisfied the constraints (1 without constraints).
  double constraint_acceptance() const { return constraint_acceptance_; }
  /// Effective sample size of the importance weights of the predictive's draws.
  double weight_ess() const { return weight_ess_; }

  void fit(const Observations& obs) override { fit_summarised(obs, nullptr); }
  void fit_with_summary(const Observations& obs, const CurveSummary& summary) override {
    fit_summarised(obs, &summary);
  }
  /// fit() with the summary of obs already made (summarise(obs, options().max_points)),
  /// or nullptr to make it here when needed (curve_summary.hpp).
  void fit_summarised(const Observations& obs, const CurveSummary* given) {
    const auto t0 = std::chrono::steady_clock::now();
    fit_start_ = t0;
    prior_start_cut_ = false;
    obs.validate(min_points());
    summary_.reset();
    if (opt_.max_points != 0 && obs.size() > opt_.max_points) {
      if (given && given->count == obs.size() && given->max_points == opt_.max_points)
        summary_ = *given;
      else
        summary_ = summarise(obs, opt_.max_points);
    }
    const bool warm = opt_.warm_start && fitted_ && extends(obs);
    fitted_ = false;
    fit_draws(obs, warm);
    obs_ = obs;
    t_last_ = norm_.t(obs.x.back());
    fitted_ = true;
    diag_.budget_exhausted = diag_.budget_exhausted || prior_start_cut_;
    diag_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  Predictive do_predict(double x) const override {
    require_fitted();
    check_x(x);
    const double t = norm_.t(x);
    std::vector<double> w = comp_w_, mu(comp_.size()), sd(comp_.size());  // z units, then raw
    for (std::size_t s = 0; s < comp_.size(); ++s) {
      const Component& c = comp_[s];
      const bool beyond = t >= t_last_;
      mu[s] = curve_value(c, t) + (beyond ? disc_mean(c, t) : 0.0);
      sd[s] = std::sqrt(c.sigma * c.sigma + disc_var(c, t));
    }
    if (regime_.active()) regime_.extend(t, t_last_, w, mu, sd);  // changes beyond the data (detail/regime_change.hpp)
    for (std::size_t s = 0; s < mu.size(); ++s) {
      mu[s] = norm_.y(mu[s]);
      sd[s] = std::max(norm_.sd(sd[s]), 1e-300);
      if (!std::isfinite(mu[s])) mu[s] = obs_.y.back();  // never propagate a NaN (documented fallback)
    }
    Predictive p(std::move(w), std::move(mu), std::move(sd), obs_.higher_is_better);
    // The observed value cannot pass the metric's bound (an error
    // rate is >= 0; censor_bound(), default-prior ensemble only). The constraints hold the curves inside it only up to 10x
    // the last x, and the discrepancy and noise are Gaussian, so forecasts far
    // ahead put mass beyond it; that mass is read as reaching the bound (the
    // predictive is censored there: P(better) is unchanged for every target
    // inside the bound; intervals, mean and sd become those of the possible values).
    {
      const double b = censor_bound();
      if (std::isfinite(b)) {
        const double inf = std::numeric_limits<double>::infinity();
        if (obs_.higher_is_better)
          p.set_support(-inf, b);
        else
          p.set_support(b, inf);
      }
    }
    return p;
  }

  Eigen::MatrixXd do_sample_curves(const std::vector<double>& xs, std::size_t draws, std::uint64_t seed,
                                   bool with_noise = false) const override {
    require_fitted();
    for (double x : xs) check_x(x);
    Eigen::MatrixXd out(static_cast<Eigen::Index>(draws), static_cast<Eigen::Index>(xs.size()));
    detail::Rng rng(seed);
    // Censored at the metric's bound as predict() is.
    const double bound = censor_bound();
    std::vector<double> cum(comp_w_.size());
    std::partial_sum(comp_w_.begin(), comp_w_.end(), cum.begin());
    for (std::size_t d = 0; d < draws; ++d) {
      const double u = rng.uniform() * cum.back();
      const std::size_t s = std::min<std::size_t>(
          static_cast<std::size_t>(std::upper_bound(cum.begin(), cum.end(), u) - cum.begin()), cum.size() - 1);
      // Model discrepancy beyond the data: a Brownian motion in ln x (joint
      // over the xs, taken in increasing order of x).
      std::vector<std::size_t> order(xs.size());
      std::iota(order.begin(), order.end(), std::size_t{0});
      std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return xs[i] < xs[j]; });
      // Starts at the filtered discrepancy at the last observation (learned
      // rate) or at 0 (fixed rate).
      double walk = 0, prev_var = 0;
      bool started = false;
      // A regime change beyond the data (detail/regime_change.hpp): a step of
      // a uniform share of its span at the change point t_c.
      double t_c = std::numeric_limits<double>::infinity(), dir = 0, share = 0, shift = 0;
      bool changed = false;
      if (regime_.active()) {
        const double u1 = rng.uniform(), u2 = rng.uniform();
        share = rng.uniform();
        t_c = regime_.change_point(t_last_, u1, u2, &dir);
      }
      // With a wandering slope the state (level, slope) starts from its
      // filtered distribution and moves by the exact local-linear-trend steps.
      const Component& cs = comp_[s];
      const bool trend = cs.eta > 0 || cs.slope_var0 > 0;
      double slope = 0, s_prev = 0;
      for (std::size_t j : order) {
        const double tj = norm_.t(xs[j]);
        if (trend) {
          if (tj >= t_last_) {
            const double sj = std::log(tj / t_last_);
            if (!started) {
              // (level, slope) ~ N((offset, slope), [var0 cov0; cov0 slope_var0]).
              const double l11 = std::sqrt(std::max(cs.var0, 0.0));
              const double l21 = l11 > 0 ? cs.cov0 / l11 : 0.0;
              const double l22 = std::sqrt(std::max(cs.slope_var0 - l21 * l21, 0.0));
              const double u1 = rng.normal(), u2 = rng.normal();
              walk = cs.offset + l11 * u1;
              slope = cs.slope + l21 * u1 + l22 * u2;
              started = true;
            }
            const double ds = sj - s_prev;
            if (ds > 0) {
              // Step noise: lambda dW1 on the level, eta dW2 on the slope (integrated).
              const double e2 = cs.eta * cs.eta;
              const double qbb = cs.lambda * cs.lambda * ds + e2 * ds * ds * ds / 3, qbd = e2 * ds * ds / 2,
                           qdd = e2 * ds;
              const double l11 = std::sqrt(qbb), l21 = l11 > 0 ? qbd / l11 : 0.0,
                           l22 = std::sqrt(std::max(qdd - l21 * l21, 0.0));
              const double u1 = rng.normal(), u2 = rng.normal();
              walk += slope * ds + l11 * u1;
              slope += l21 * u1 + l22 * u2;
              s_prev = sj;
            }
          }
        } else {
          const double var = disc_var(cs, tj);
          if (!started && tj >= t_last_) {
            walk = cs.offset;
            started = true;
          }
          if (var > prev_var) walk += std::sqrt(var - prev_var) * rng.normal();
          prev_var = std::max(prev_var, var);
        }
        if (!changed && tj >= t_c) {
          const double v0 = curve_value(comp_[s], tj) + walk;
          const double span = dir > 0 ? regime_.onset_span(v0)
                                      : regime_.turn_span(v0) * detail::RegimeChange::turn_scale(rng.uniform());
          shift = std::isfinite(span) ? dir * share * span : 0.0;
          changed = true;
        }
        double v = norm_.y(curve_value(comp_[s], tj) + walk + shift);
        if (with_noise) v += norm_.sd(comp_[s].sigma) * rng.normal();
        if (!std::isfinite(v)) v = norm_.y(norm_.z(obs_.y.back()) + walk);  // as predict(): never a NaN
        if (std::isfinite(bound)) v = obs_.higher_is_better ? std::min(v, bound) : std::max(v, bound);
        out(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(j)) = v;
      }
    }
    return out;
  }

  /// The last fit's final walker positions (walkers x dim) (for warm starts and inspection).
  const Eigen::MatrixXd& final_ensemble() const { return final_; }

 protected:
  explicit MixturePosterior(PosteriorOptions o) : opt_(std::move(o)) { opt_.validate(); }

  void check_x(double x) const {
    if (!std::isfinite(x) || !(norm_.t(x) > 0))
      throw InvalidInput(
          "curvecast: prediction x must be finite and > 0, or beyond x[0] - (x[1] - x[0]) when x starts at or below 0 (got " +
          std::to_string(x) + ")");
  }
  /// One posterior draw: a curve, its noise and its model discrepancy.
  struct Component {
    std::vector<double> theta;  // shape (ensemble) or family parameters (single)
    double b[detail::kMaxBasis] = {};
    double sigma = 1;
    double lambda = 0;      // discrepancy rate (z units per sqrt(ln t))
    double offset = 0;      // filtered discrepancy at the last observation (learned rate only)
    double var0 = 0;        // its variance
    double eta = 0;         // slope-discrepancy rate (z units per (ln t)^1.5; 0: no wandering slope)
    double slope = 0;       // filtered discrepancy slope in ln t at the last observation
    double cov0 = 0;        // covariance of offset and slope
    double slope_var0 = 0;  // variance of the slope
  };

  /// Mean (z units) of the model discrepancy at t >= t_last:
  /// offset + slope ln(t / t_last).
  double disc_mean(const Component& c, double t) const {
    return c.offset + (c.slope != 0 ? c.slope * std::log(t / t_last_) : 0.0);
  }
  /// Variance (z units) of the model discrepancy at t >= t_last, d = ln(t / t_last):
  /// var0 + 2 d cov0 + d^2 slope_var0 + lambda^2 d + eta^2 d^3 / 3; 0 inside the data.
  double disc_var(const Component& c, double t) const {
    if (!(t >= t_last_)) return 0.0;
    const double d = std::log(t / t_last_);
    double v = c.var0 + c.lambda * c.lambda * d;
    if (c.eta > 0 || c.slope_var0 > 0) v += d * (2 * c.cov0 + d * c.slope_var0) + c.eta * c.eta * d * d * d / 3;
    return std::max(v, 0.0);
  }

  bool extends(const Observations& o) const {
    if (o.size() < obs_.size() || o.higher_is_better != obs_.higher_is_better) return false;
    for (std::size_t i = 0; i < obs_.size(); ++i)
      if (o.x[i] != obs_.x[i] || o.y[i] != obs_.y[i]) return false;
    return true;
  }

  std::vector<double> loglik_weights(std::size_t n) const {
    std::vector<double> w(n, 1.0);
    if (opt_.recency)
      for (std::size_t i = 0; i < n; ++i) w[i] = std::pow(10.0, static_cast<double>(i) / static_cast<double>(n));
    return w;
  }

  /// The data the likelihood runs over, normalised: the points, or (curves of
  /// more than max_points points) their summary's weighted points
  /// (curve_summary.hpp). w: log-likelihood weights (count x recency weight at
  /// the points' mean index); ss: the summary's scatter in z units squared,
  /// weighted alike (0 without a summary).
  struct LikelihoodData {
    std::vector<double> t, z, w;
    double ss = 0;
    bool summarised = false;
  };
  LikelihoodData likelihood_data(const Observations& obs) const {
    LikelihoodData d;
    const CurveSummary* s = summary_ ? &*summary_ : nullptr;
    if (!s) {
      const std::size_t n = obs.size();
      d.t.resize(n);
      d.z.resize(n);
      for (std::size_t i = 0; i < n; ++i) {
        d.t[i] = norm_.t(obs.x[i]);
        d.z[i] = norm_.z(obs.y[i]);
      }
      d.w = loglik_weights(n);
      return d;
    }
    const std::size_t m = s->size();
    const double n = static_cast<double>(obs.size()), ys2 = norm_.y_scale * norm_.y_scale;
    d.summarised = true;
    d.t.resize(m);
    d.z.resize(m);
    d.w.resize(m);
    for (std::size_t j = 0; j < m; ++j) {
      d.t[j] = norm_.t(s->x[j]);
      d.z[j] = norm_.z(s->y[j]);
      const double r = opt_.recency ? std::pow(10.0, s->pos[j] / n) : 1.0;
      d.w[j] = s->w[j] * r;
      d.ss += r * s->ss[j] / ys2;
    }
    return d;
  }

  /// What is left of the time budget of the current fit() (seconds; unset:
  /// no budget; kBudgetSpent when spent, so that it still reads as a budget).
  static constexpr double kBudgetSpent = 1e-9;
  std::optional<double> remaining_budget() const {
    if (!opt_.time_budget_seconds) return std::nullopt;
    const double used = std::chrono::duration<double>(std::chrono::steady_clock::now() - fit_start_).count();
    return std::max(kBudgetSpent, *opt_.time_budget_seconds - used);
  }

  /// Fewest observations fit() accepts.
  virtual std::size_t min_points() const = 0;
  /// Draws the posterior components (comp_, comp_w_), sets norm_, final_ and
  /// diag_; `warm`: the observations extend the previous fit's.
  virtual void fit_draws(const Observations& obs, bool warm) = 0;
  /// The noise-free curve of component c at normalised t (normalised units).
  virtual double curve_value(const Component& c, double t) const = 0;
  /// Raw value the observed metric cannot pass (the predictive is censored
  /// there); NaN for none.
  virtual double censor_bound() const { return std::numeric_limits<double>::quiet_NaN(); }

  /// Weighted mean and central `level` interval of (value, weight) pairs.
  static AsymptoteEstimate weighted_estimate(std::vector<std::pair<double, double>> vals, double level) {
    AsymptoteEstimate a;
    a.level = level;
    std::sort(vals.begin(), vals.end());
    double tot = 0, m = 0;
    for (auto& v : vals) tot += v.second, m += v.first * v.second;
    auto q = [&](double p) {
      double c = 0;
      for (auto& v : vals) {
        c += v.second / tot;
        if (c >= p) return v.first;
      }
      return vals.back().first;
    };
    a.available = true;
    a.value = m / tot;
    a.lower = q(0.5 - level / 2);
    a.upper = q(0.5 + level / 2);
    return a;
  }

  PosteriorOptions opt_;
  std::chrono::steady_clock::time_point fit_start_{};
  bool prior_start_cut_ = false;
  bool fitted_ = false;
  Observations obs_;
  Normaliser norm_;
  std::vector<Component> comp_;
  std::vector<double> comp_w_;
  Eigen::MatrixXd final_;
  SamplerDiagnostics diag_;
  double constraint_acceptance_ = 1.0;
  double weight_ess_ = 0;
  double t_last_ = 1;
  detail::RegimeChange regime_;          // changes beyond the data (inactive unless a posterior sets it in fit_draws)
  std::optional<CurveSummary> summary_;  // the current fit's summary (curves of more than max_points points)
};

}  // namespace curvecast
