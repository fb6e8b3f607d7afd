#pragma once
// Bayesian extrapolation: the posterior predictive of a learning curve under the
// multi-family ensemble of reference.md §2-3 (or one family), sampled with the
// affine-invariant ensemble sampler.
//
//   curvecast::PosteriorOptions o;                 // ensemble of pow3 + ilog2 + janoschek
//   o.prior = curvecast::PriorKind::LcPfn;         // LC-PFN's prior (metric in [0,1], x = 1..100)
//   curvecast::PosteriorExtrapolator ex(o);
//   ex.fit(obs);                                   // ~10 ms for 50 points, one core
//   curvecast::Predictive p = ex.predict(100);     // mixture over posterior draws, noise included
//   double lp = p.log_density(0.71), win = ex.prob_better(100, 0.7);
//   Eigen::MatrixXd paths = ex.sample_curves(xs, 200, 7);   // joint draws of the future curve
//   curvecast::SamplerDiagnostics d = ex.diagnostics();     // acceptance, tau, split R-hat, ESS
//   obs.push_back(x_new, y_new);  ex.fit(obs);     // warm start from the previous ensemble
//
//   auto single = curvecast::PosteriorExtrapolator(curvecast::PosteriorOptions::single("pow4"));
//
// Why these families. The classic 11 span about 7 shapes (reference.md §1):
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
// Single-family posteriors (`mcmc:<family>`) sample every parameter of the
// family (flat prior inside the family's bounds, in its normalised units) plus
// ln sigma, starting around the least-squares fit.
//
// Time budget (PosteriorOptions::time_budget_seconds > 0): one fit() stops
// drawing the prior importance start (after at least `walkers` draws), passes
// what is left to the least-squares start (single family, as
// FitOptions::time_budget_seconds) and to the sampler, which then ends its
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
#include <numeric>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "detail/basis_posterior.hpp"
#include "detail/rng.hpp"
#include "diagnostics.hpp"
#include "ensemble_sampler.hpp"
#include "extrapolator.hpp"
#include "least_squares.hpp"
#include "registry.hpp"

namespace curvecast {

/// Which prior the posterior uses.
enum class PriorKind {
  Default,  ///< scale-free: any metric, any direction, any positive x (normalised internally)
  LcPfn,    ///< LC-PFN's prior (reference.md §3): metric in [0,1] (flipped if lower is better), x on 1..100
};

/// Options of PosteriorExtrapolator.
struct PosteriorOptions {
  PriorKind prior = PriorKind::Default;  ///< Default (any data) or LcPfn (LC-PFN's prior, [0,1] and x = 1..100)
  std::vector<std::string> families{"pow3", "ilog2", "janoschek"};  ///< ensemble members: subset of pow3, ilog2, janoschek, mmf
  std::string single_family;             ///< non-empty: a single-family posterior of that registered family instead
  int walkers = 32;                      ///< ensemble walkers (even, >= 2 * dim + 2)
  int burn_in = 60;                      ///< discarded steps per walker after the prior importance start
  int steps = 200;                       ///< kept steps per walker
  int prior_draws = 1024;                ///< prior draws for the importance-sampling start (>= walkers)
  double kde_fraction = 0.8;             ///< share of kernel-density moves (mode jumping) in the sampler, [0, 1]
  bool exact_lcpfn_prior = true;         ///< LcPfn prior: importance-weight draws from the Gaussian coefficient prior to LC-PFN's exact one
  double start_ess = 0.0;                ///< start: temper the prior importance weights until their ESS >= start_ess * walkers (>= 0)
  int coefficient_draws = 4;             ///< conditional draws of the linear coefficients per posterior draw (>= 1)
  int max_components = 400;              ///< posterior draws kept for the predictive mixture (>= 1)
  bool recency = false;                  ///< weight point i's log-likelihood by 10^(i/n) (Domhan et al.'s option)
  bool rise = true;                      ///< constraint: the curve ends higher (better) than it starts on the check range
  bool monotone = false;                 ///< constraint: non-decreasing (in the better direction) on the check range
  bool bounded = true;                   ///< constraint: stays within [lower, upper] (normalised units) on the check range
  double lower = 0.0;                    ///< lower bound, normalised units (LcPfn: raw [0,1]; Default: prefix range = [0,1])
  double upper = 1.0;                    ///< upper bound, normalised units (LcPfn: raw; Default: [lower - 1, best attainable], see make_constraints)
  double best_attainable = std::numeric_limits<double>::quiet_NaN();  ///< Default prior: raw value the metric cannot improve beyond; NaN = detect or none
  bool detect_bound = true;              ///< Default prior, best_attainable NaN: losses/errors observed >= 0 are bounded by 0, higher-is-better values in [0,1] by 1, in [0,100] (percent) by 100
  double coefficient_sd_scale = 2.0;     ///< Default prior: multiplier on the sd of LC-PFN's coefficient prior (levels, amplitudes)
  bool headroom_scale = true;            ///< Default prior with a bound: z = 0 at the prefix's worst value, 1 at the bound (else 1 at its best)
  double horizon = 0;                    ///< check range end / monitored x, raw units; 0 = auto (LcPfn: 100; Default: 10 * last x)
  double discrepancy = -1;               ///< model-discrepancy rate lambda (z units per sqrt(ln x)); -1 = auto (LcPfn: 0; Default: learned per curve); >= 0: fixed, added beyond the data only
  double discrepancy_median = 0.15;      ///< learned discrepancy: prior median of lambda (z units per sqrt(ln x)), log-normal prior
  double discrepancy_log_sd = 1.0;       ///< learned discrepancy: prior sd of ln lambda
  bool warm_start = true;                ///< refit on extended observations starts from the previous ensemble
  int warm_burn_in = 15;                 ///< burn-in steps of a warm-started refit
  int warm_steps = 50;                   ///< kept steps of a warm-started refit
  int max_extensions = 2;                ///< cold ensemble fits: extra blocks of `steps` kept steps while split R-hat >= 1.05
  std::uint64_t seed = 0;                ///< seed of every random choice
  int threads = 1;                       ///< sampler threads (results do not depend on it)
  double time_budget_seconds = 0;        ///< wall-time budget of one fit(), 0 = none; a cut run is flagged in diagnostics() and is not reproducible (see below)

  static PosteriorOptions single(const std::string& family) {
    PosteriorOptions o;
    o.single_family = family;
    o.burn_in = 300;
    o.steps = 300;
    return o;
  }
  static PosteriorOptions lcpfn() {
    PosteriorOptions o;
    o.prior = PriorKind::LcPfn;
    return o;
  }

  void validate() const {
    auto bad = [](const std::string& w) { throw InvalidOptions("curvecast: PosteriorOptions: " + w); };
    if (single_family.empty()) {
      if (families.empty()) bad("families must not be empty");
      for (const auto& f : families)
        if (f != "pow3" && f != "ilog2" && f != "janoschek" && f != "mmf")
          bad("unknown ensemble family '" + f + "' (use pow3, ilog2, janoschek, mmf)");
      for (std::size_t i = 0; i < families.size(); ++i)
        for (std::size_t j = i + 1; j < families.size(); ++j)
          if (families[i] == families[j]) bad("family '" + families[i] + "' listed twice");
    } else if (!has_family(single_family)) {
      bad("unknown family '" + single_family + "'");
    }
    if (walkers < 4 || walkers % 2) bad("walkers must be even and >= 4");
    if (burn_in < 0 || warm_burn_in < 0) bad("burn_in must be >= 0");
    if (steps < 4 || warm_steps < 4) bad("steps must be >= 4");
    if (max_extensions < 0) bad("max_extensions must be >= 0");
    if (prior_draws < walkers) bad("prior_draws must be >= walkers");
    if (!(kde_fraction >= 0 && kde_fraction <= 1)) bad("kde_fraction must lie in [0, 1]");
    if (!(start_ess >= 0) || !std::isfinite(start_ess)) bad("start_ess must be finite and >= 0");
    if (coefficient_draws < 1) bad("coefficient_draws must be >= 1");
    if (max_components < 1) bad("max_components must be >= 1");
    if (!(lower < upper)) bad("lower must be < upper");
    if (std::isinf(best_attainable)) bad("best_attainable must be finite (or NaN for none)");
    if (!(coefficient_sd_scale > 0) || !std::isfinite(coefficient_sd_scale)) bad("coefficient_sd_scale must be finite and > 0");
    if (!(horizon >= 0) || !std::isfinite(horizon)) bad("horizon must be finite and >= 0");
    if (threads < 1) bad("threads must be >= 1");
    if (!(time_budget_seconds >= 0) || !std::isfinite(time_budget_seconds))
      bad("time_budget_seconds must be finite and >= 0");
    if (!(discrepancy >= 0 || discrepancy == -1) || !std::isfinite(discrepancy)) bad("discrepancy must be >= 0 or -1 (auto)");
    if (!(discrepancy_median > 0) || !std::isfinite(discrepancy_median)) bad("discrepancy_median must be finite and > 0");
    if (!(discrepancy_log_sd > 0) || !std::isfinite(discrepancy_log_sd)) bad("discrepancy_log_sd must be finite and > 0");
  }
  /// Whether the ensemble learns the discrepancy rate (Default prior, auto
  /// rate, no recency weighting: per-point weights have no meaning under the
  /// correlated likelihood, so `recency` uses the fixed rate 0.2).
  bool learns_discrepancy() const {
    return single_family.empty() && discrepancy == -1 && prior == PriorKind::Default && !recency;
  }
  /// The fixed discrepancy rate in effect when it is not learned.
  double discrepancy_rate() const { return discrepancy >= 0 ? discrepancy : prior == PriorKind::LcPfn ? 0.0 : 0.2; }
};

namespace detail {
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
/// on weights and levels (reference.md §3), in closed form. Each family adds
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
    if (f == kPow3) EL = 0.625, EL2 = 1.5625 / 3, EM = 0, EM2 = 0.36 / 3, ELM = 0;
    else if (f == kIlog2) EL = 0.5, EL2 = 1.0 / 3, EM = 0, EM2 = 0.25 / 3, ELM = 0;
    else if (f == kJanoschek) EL = 0.5, EL2 = 1.0 / 3, EM = 0.5, EM2 = 8.0 / 12, ELM = 1.0 / 6;
    else EL = 0.8, EL2 = 0.65, EM = -0.6, EM2 = 0.38, ELM = -0.49;
    mean[0] += Ew * EL;
    mean[c] = Ew * EM;
    cov[0] += Ew2 * EL2 - Ew * Ew * EL * EL;
    cov[c * p + c] = Ew2 * EM2 - Ew * Ew * EM * EM;
    cov[c] = cov[c * p] = Ew2 * ELM - Ew * Ew * EL * EM;
    ++c;
  }
}
}  // namespace detail

/// Posterior predictive extrapolator (ensemble or single family).
class PosteriorExtrapolator : public Extrapolator {
 public:
  explicit PosteriorExtrapolator(PosteriorOptions o = {}) : opt_(std::move(o)) { opt_.validate(); }

  std::string name() const override {
    if (!opt_.single_family.empty()) return "mcmc:" + canonical_family_name(opt_.single_family);
    return opt_.prior == PriorKind::LcPfn ? "ensemble:lcpfn" : "ensemble";
  }
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

  void fit(const Observations& obs) override {
    const auto t0 = std::chrono::steady_clock::now();
    fit_start_ = t0;
    prior_start_cut_ = false;
    obs.validate(opt_.single_family.empty() ? 2 : 3);
    const bool warm = opt_.warm_start && fitted_ && extends(obs);
    fitted_ = false;
    if (opt_.single_family.empty())
      fit_ensemble(obs, warm);
    else
      fit_single(obs, warm);
    obs_ = obs;
    t_last_ = norm_.t(obs.x.back());
    fitted_ = true;
    diag_.budget_exhausted = diag_.budget_exhausted || prior_start_cut_;
    diag_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  Predictive predict(double x) const override {
    require_fitted();
    check_x(x);
    const double t = norm_.t(x);
    std::vector<double> mu(comp_.size()), sd(comp_.size());
    for (std::size_t s = 0; s < comp_.size(); ++s) {
      const Component& c = comp_[s];
      const bool beyond = t >= t_last_;
      mu[s] = norm_.y(curve_value(c, t) + (beyond ? c.offset : 0.0));
      sd[s] = std::max(norm_.sd(std::sqrt(c.sigma * c.sigma + disc_var(c, t))), 1e-300);
      if (!std::isfinite(mu[s])) mu[s] = obs_.y.back();  // never propagate a NaN (documented fallback)
    }
    Predictive p(comp_w_, std::move(mu), std::move(sd), obs_.higher_is_better);
    // Default prior: the observed value cannot pass the metric's bound (an error
    // rate is >= 0). The constraints hold the curves inside it only up to 10x
    // the last x, and the discrepancy and noise are Gaussian, so forecasts far
    // ahead put mass beyond it; that mass is read as reaching the bound (the
    // predictive is censored there: P(better) is unchanged for every target
    // inside the bound; intervals, mean and sd become those of the possible values).
    if (opt_.prior == PriorKind::Default && opt_.single_family.empty()) {
      const double b = best_bound(obs_);
      if (std::isfinite(b)) {
        const double inf = std::numeric_limits<double>::infinity();
        if (obs_.higher_is_better) p.set_support(-inf, b);
        else p.set_support(b, inf);
      }
    }
    return p;
  }

  Eigen::MatrixXd sample_curves(const std::vector<double>& xs, std::size_t draws, std::uint64_t seed,
                                bool with_noise = false) const override {
    require_fitted();
    for (double x : xs) check_x(x);
    Eigen::MatrixXd out(static_cast<Eigen::Index>(draws), static_cast<Eigen::Index>(xs.size()));
    detail::Rng rng(seed);
    // Censored at the metric's bound as predict() is (default prior).
    const double bound = opt_.prior == PriorKind::Default && opt_.single_family.empty()
                             ? best_bound(obs_)
                             : std::numeric_limits<double>::quiet_NaN();
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
      for (std::size_t j : order) {
        const double tj = norm_.t(xs[j]);
        const double var = disc_var(comp_[s], tj);
        if (!started && tj >= t_last_) {
          walk = comp_[s].offset;
          started = true;
        }
        if (var > prev_var) walk += std::sqrt(var - prev_var) * rng.normal();
        prev_var = std::max(prev_var, var);
        double v = norm_.y(curve_value(comp_[s], tj) + walk);
        if (with_noise) v += norm_.sd(comp_[s].sigma) * rng.normal();
        if (!std::isfinite(v)) v = norm_.y(norm_.z(obs_.y.back()) + walk);  // as predict(): never a NaN (fuzz finding 6)
        if (std::isfinite(bound)) v = obs_.higher_is_better ? std::min(v, bound) : std::max(v, bound);
        out(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(j)) = v;
      }
    }
    return out;
  }

  /// The ensemble's asymptote is its intercept (every basis function vanishes
  /// as x grows), shifted by the discrepancy's current offset when it is
  /// learned (the random walk has no limit; its spread is not included), and
  /// never beyond the metric's bound; single families use their own asymptote
  /// when they have one.
  AsymptoteEstimate asymptote(double level = 0.9) const override {
    require_fitted();
    AsymptoteEstimate a;
    a.level = level;
    std::vector<std::pair<double, double>> vals;
    const double bound = best_bound(obs_);
    for (std::size_t s = 0; s < comp_.size(); ++s) {
      double v;
      if (opt_.single_family.empty()) {
        v = comp_[s].b[0] + comp_[s].offset;
      } else {
        auto as = find_family(opt_.single_family).asymptote(comp_[s].theta.data());
        if (!as) {
          a.reason = name() + ": family has no finite asymptote";
          return a;
        }
        v = *as;
      }
      if (opt_.single_family.empty()) {
        // The limit cannot pass the metric's bound (the constraints only
        // check up to the horizon): LC-PFN's [lower, upper], or the default
        // prior's best attainable value when known.
        if (opt_.prior == PriorKind::LcPfn && opt_.bounded) v = std::min(std::max(v, opt_.lower), opt_.upper);
        else if (opt_.prior == PriorKind::Default && std::isfinite(bound)) v = std::min(v, norm_.z(bound));
      }
      vals.emplace_back(norm_.y(v), comp_w_[s]);
    }
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

  /// The last fit's final walker positions (walkers x dim) (for warm starts and inspection).
  const Eigen::MatrixXd& final_ensemble() const { return final_; }

 private:
  void check_x(double x) const {
    if (!std::isfinite(x) || !(norm_.t(x) > 0))
      throw InvalidInput("curvecast: prediction x must be finite and > 0, or beyond x[0] - (x[1] - x[0]) when x starts at or below 0 (got " +
                         std::to_string(x) + ")");
  }
  struct Component {
    std::vector<double> theta;  // shape (ensemble) or family parameters (single)
    double b[detail::kMaxBasis] = {};
    double sigma = 1;
    double lambda = 0;  // discrepancy rate (z units per sqrt(ln t))
    double offset = 0;  // filtered discrepancy at the last observation (learned rate only)
    double var0 = 0;    // its variance
  };

  /// Variance (z units) of the model discrepancy at t >= t_last:
  /// var0 + lambda^2 ln(t / t_last); 0 inside the data.
  double disc_var(const Component& c, double t) const {
    if (!(t >= t_last_)) return 0.0;
    return c.var0 + c.lambda * c.lambda * std::log(t / t_last_);
  }

  double curve_value(const Component& c, double t) const {
    if (opt_.single_family.empty()) return model_.value(c.theta.data(), c.b, t);
    return family_->eval(c.theta.data(), t);
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

  // ---------------------------------------------------------------- ensemble
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

  detail::BasisPrior make_prior(const std::vector<int>& fam) const {
    detail::BasisPrior pr;
    double mean[detail::kMaxBasis], cov[detail::kMaxBasis * detail::kMaxBasis];
    detail::lcpfn_coefficient_moments(fam, mean, cov);
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
    }
    for (int i = 0; i < p; ++i) pr.b_mean[static_cast<std::size_t>(i)] = mean[i];
    for (int i = 0; i < p * p; ++i) pr.b_cov[static_cast<std::size_t>(i)] = cov[i];
    return pr;
  }

  detail::BasisConstraints make_constraints(const Observations& obs) const {
    detail::BasisConstraints c;
    if (!(opt_.rise || opt_.monotone || opt_.bounded)) return c;
    c.rise = opt_.rise;
    c.monotone = opt_.monotone;
    if (opt_.prior == PriorKind::LcPfn) {
      for (int i = 1; i <= 100; ++i) c.grid.push_back(static_cast<double>(i));
      if (opt_.bounded) c.lo = opt_.lower, c.hi = opt_.upper;
      if (opt_.horizon > 0) {
        c.grid.clear();
        for (int i = 1; i <= 100; ++i) c.grid.push_back(1 + (norm_.t(opt_.horizon) - 1) * (i - 1) / 99.0);
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
    if (!std::isnan(opt_.best_attainable)) return opt_.best_attainable;
    if (!opt_.detect_bound) return std::numeric_limits<double>::quiet_NaN();
    const auto [lo, hi] = std::minmax_element(obs.y.begin(), obs.y.end());
    if (!obs.higher_is_better && *lo >= 0) return 0.0;
    if (obs.higher_is_better && *lo >= 0 && *hi <= 1) return 1.0;
    if (obs.higher_is_better && *lo >= 0 && *hi <= 100) return 100.0;
    return std::numeric_limits<double>::quiet_NaN();
  }

  double horizon_t(const Observations& obs) const {
    if (opt_.horizon > 0) return norm_.t(opt_.horizon);
    if (opt_.prior == PriorKind::LcPfn) return 100.0;
    return norm_.t(obs.x.back()) * 10.0;
  }

  static std::vector<int> family_codes(const std::vector<std::string>& names) {
    std::vector<int> fam;
    for (const char* n : {"pow3", "ilog2", "janoschek", "mmf"})
      if (std::find(names.begin(), names.end(), n) != names.end())
        fam.push_back(std::string(n) == "pow3" ? detail::kPow3
                      : std::string(n) == "ilog2" ? detail::kIlog2
                      : std::string(n) == "janoschek" ? detail::kJanoschek
                                                      : detail::kMmf);
    return fam;
  }

  void fit_ensemble(const Observations& obs, bool warm) {
    const Normaliser old_norm = norm_;
    norm_ = make_normaliser(obs);
    zr_ = prefix_range_z(obs);
    const std::size_t n = obs.size();
    std::vector<double> t(n), z(n);
    for (std::size_t i = 0; i < n; ++i) {
      t[i] = norm_.t(obs.x[i]);
      z[i] = norm_.z(obs.y[i]);
    }
    const std::vector<int> fam = family_codes(opt_.families);
    const bool learn = opt_.learns_discrepancy();
    model_ = detail::BasisModel(fam, make_prior(fam));  // the prior depends on the data's scale
    model_.learn_discrepancy(learn);
    model_.set_data(t, z, loglik_weights(n));
    const int D = model_.dim(), W = opt_.walkers;
    if (W < 2 * D + 2) throw InvalidOptions("curvecast: PosteriorOptions: walkers must be >= 2 * dim + 2");
    model_.set_monitor(horizon_t(obs));
    const detail::BasisModel& model = model_;
    auto logp = [&model](const double* th, double* blob) { return model(th, blob); };

    Eigen::MatrixXd start(W, D);
    long evals = 0;
    bool warm_ok = false;
    if (warm && final_.rows() == W && final_.cols() == D && old_norm.x_scale == norm_.x_scale &&
        old_norm.x_offset == norm_.x_offset) {
      // sigma (and lambda) are in z units: rescale when the y normalisation moved.
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
      if (opt_.time_budget_seconds > 0 && (ch.budget_exhausted || remaining_budget() <= kBudgetSpent)) {
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
    const detail::BasisConstraints cons = make_constraints(obs);
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
      double L[detail::kMaxBasis * detail::kMaxBasis], mu[detail::kMaxBasis], kf[detail::kMaxBasis + 2];
      if (!std::isfinite(model.conditional(th, L, mu, kf))) continue;
      Component c;
      c.theta.assign(th, th + D);
      c.sigma = std::exp(th[model.sigma_index()]);
      c.lambda = learn ? model.lambda(th) : opt_.discrepancy_rate();
      if (cons.active()) model.fill(th, grid.lnt, grid.il, Xg);
      for (int r = 0; r < opt_.coefficient_draws; ++r) {
        model.draw_coefficients(L, mu, rng, c.b);
        model.discrepancy_state(kf, c.b, &c.offset, &c.var0);
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
      if (opt_.time_budget_seconds > 0 && i >= W && i % 64 == 0 && remaining_budget() <= kBudgetSpent) {
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

  // ------------------------------------------------------------ single family
  void fit_single(const Observations& obs, bool warm) {
    family_ = &find_family(opt_.single_family);
    const FamilyInfo& fam = *family_;
    FitOptions fo;
    fo.seed = opt_.seed;
    fo.time_budget_seconds = remaining_budget();
    const FitResult ls = fit_family(fam.name, obs, fo);
    const Normaliser old_norm = norm_;
    norm_ = ls.normaliser;
    const std::size_t n = obs.size();
    single_t_.resize(n);
    single_z_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      single_t_[i] = norm_.t(obs.x[i]);
      single_z_[i] = norm_.z(obs.y[i]);
    }
    single_w_ = loglik_weights(n);
    const int P = fam.num_params, D = P + 1, W = std::max(opt_.walkers, 2 * D + 2);  // even: walkers is even
    lo_.assign(P, 0.0);
    hi_.assign(P, 0.0);
    detail::Summary sm;
    sm.t = single_t_.data();
    sm.z = single_z_.data();
    sm.n = static_cast<int>(n);
    sm.t1 = single_t_.front();
    sm.tn = single_t_.back();
    fam.bounds(sm, lo_.data(), hi_.data());
    const double lsig0 = std::log(std::max(ls.sigma, 1e-6));
    const FamilyInfo* fp = family_;
    const double* tp = single_t_.data();
    const double* zp = single_z_.data();
    const double* wp = single_w_.data();
    const double* lop = lo_.data();
    const double* hip = hi_.data();
    double wsum = 0;
    for (double w : single_w_) wsum += w;
    // Flat prior in the family's box; ln sigma ~ N(ln sigma_LS, 2) (weak, data-scaled).
    auto logp = [fp, tp, zp, wp, lop, hip, n, P, wsum, lsig0](const double* th) {
      for (int j = 0; j < P; ++j)
        if (!(th[j] >= lop[j] && th[j] <= hip[j])) return -std::numeric_limits<double>::infinity();
      const double ls = th[P];
      if (!(ls > -25 && ls < 6)) return -std::numeric_limits<double>::infinity();
      double ss = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const double r = zp[i] - fp->eval(th, tp[i]);
        ss += wp[i] * r * r;
      }
      if (!std::isfinite(ss)) return -std::numeric_limits<double>::infinity();
      const double u = (ls - lsig0) / 2.0;
      return -wsum * ls - 0.5 * ss * std::exp(-2 * ls) - 0.5 * u * u;
    };
    Eigen::MatrixXd start(W, D);
    bool warm_ok = false;
    if (warm && final_.rows() == W && final_.cols() == D && old_norm.x_scale == norm_.x_scale &&
        old_norm.x_offset == norm_.x_offset && old_norm.y_scale == norm_.y_scale && old_norm.y_offset == norm_.y_offset) {
      start = final_;
      warm_ok = true;
      for (int k = 0; k < W && warm_ok; ++k) {
        std::vector<double> row(D);
        for (int d = 0; d < D; ++d) row[d] = start(k, d);
        warm_ok = std::isfinite(logp(row.data()));
      }
    }
    if (!warm_ok) {
      detail::Rng rng(detail::derive_seed(opt_.seed, 0x51));
      std::vector<double> row(D);
      for (int k = 0; k < W; ++k) {
        for (int attempt = 0;; ++attempt) {
          const double scale = attempt < 50 ? 1.0 : 1e-3;
          for (int j = 0; j < P; ++j) {
            double sd = ls.std_errors.size() == static_cast<std::size_t>(P) && std::isfinite(ls.std_errors[j])
                            ? ls.std_errors[j]
                            : 1e-3 * (std::abs(ls.params[j]) + 1e-3);
            sd = std::min(sd, 0.1 * (hip[j] - lop[j]));
            row[j] = ls.params[j] + scale * sd * rng.normal();
          }
          row[P] = lsig0 + scale * 0.1 * rng.normal();
          if (std::isfinite(logp(row.data()))) break;
          if (attempt > 200) throw FitFailure("curvecast: " + name() + ": cannot start walkers near the fit");
        }
        for (int d = 0; d < D; ++d) start(k, d) = row[d];
      }
    }
    SamplerOptions so;
    so.burn_in = warm_ok ? opt_.warm_burn_in : opt_.burn_in;
    so.steps = warm_ok ? opt_.warm_steps : opt_.steps;
    so.seed = detail::derive_seed(opt_.seed, 1 + obs.size());
    so.threads = opt_.threads;
    so.time_budget_seconds = remaining_budget();
    const EnsembleChain ch = run_ensemble(logp, start, so);
    final_ = ch.final_positions;
    const double th_mon = opt_.horizon > 0 ? norm_.t(opt_.horizon) : norm_.t(obs.x.back()) * 10.0;
    diag_ = diagnose(ch, [fp, th_mon](const double* th) { return fp->eval(th, th_mon); });
    diag_.warm_started = warm_ok;
    const int total = ch.steps * W, want = std::min(total, opt_.max_components);
    comp_.clear();
    for (int i = 0; i < want; ++i) {
      const long idx = total - 1 - static_cast<long>(static_cast<double>(i) * total / want);
      const double* th = ch.position(static_cast<int>(idx / W), static_cast<int>(idx % W));
      Component c;
      c.theta.assign(th, th + P);
      c.sigma = std::exp(th[P]);
      c.lambda = opt_.discrepancy_rate();
      comp_.push_back(std::move(c));
    }
    comp_w_.assign(comp_.size(), 1.0);
    constraint_acceptance_ = 1.0;
  }

  /// What is left of the time budget of the current fit() (seconds; 0 = no
  /// budget, kBudgetSpent when spent, so that it still reads as a budget).
  static constexpr double kBudgetSpent = 1e-9;
  double remaining_budget() const {
    if (!(opt_.time_budget_seconds > 0)) return 0.0;
    const double used = std::chrono::duration<double>(std::chrono::steady_clock::now() - fit_start_).count();
    return std::max(kBudgetSpent, opt_.time_budget_seconds - used);
  }

  PosteriorOptions opt_;
  std::chrono::steady_clock::time_point fit_start_{};
  bool prior_start_cut_ = false;
  bool fitted_ = false;
  Observations obs_;
  Normaliser norm_;
  detail::BasisModel model_;
  const FamilyInfo* family_ = nullptr;
  std::vector<double> single_t_, single_z_, single_w_, lo_, hi_;
  std::vector<Component> comp_;
  std::vector<double> comp_w_;
  Eigen::MatrixXd final_;
  SamplerDiagnostics diag_;
  double constraint_acceptance_ = 1.0;
  double weight_ess_ = 0;
  double t_last_ = 1;
  double zr_ = 1;  // prefix range in z units
  std::size_t last_pick_ = 0;
};

}  // namespace curvecast
