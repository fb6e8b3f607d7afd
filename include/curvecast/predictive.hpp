#pragma once
// Predictive: the distribution of the *observed* value at one x, in raw units,
// as a finite mixture of Gaussians (one component for least squares, one per
// posterior draw for MCMC).
//
//   curvecast::Predictive p = ex.predict(100.0);
//   double m = p.mean();
//   auto [lo, hi] = p.interval(0.9);             // central 90% interval
//   double lp = p.log_density(0.31);
//   double pb = p.prob_better(0.30);             // respects higher_is_better
//
// A predictive may carry a support [lower, upper] (set_support): the observed
// value cannot leave it (an error rate is >= 0), and the mixture's mass beyond a
// bound is read as the bound itself (censoring). Then cdf, quantiles, intervals,
// mean, sd and draws are those of the censored value; prob_better is unchanged
// for thresholds inside the support and 0 for a threshold at the best bound
// (nothing beats it); log_density is the mixture's density inside the support
// and -infinity outside.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "detail/math.hpp"
#include "detail/rng.hpp"
#include "errors.hpp"

namespace curvecast {

/// Largest |mean| and sd a Predictive accepts (as Observations: kMaxMagnitude).
inline constexpr double kMaxPredictiveMagnitude = 1e300;

class Predictive {
 public:
  Predictive() = default;
  /// A single Gaussian N(mean, sd^2). sd must be > 0; |mean| and sd at most 1e300
  /// (InvalidInput otherwise).
  Predictive(double mean, double sd, bool higher_is_better)
      : w_{1.0}, mu_{mean}, sd_{sd}, higher_is_better_(higher_is_better) {
    check();
  }
  /// A mixture: weights (normalised here), means and standard deviations.
  Predictive(std::vector<double> weights, std::vector<double> means, std::vector<double> sds, bool higher_is_better)
      : w_(std::move(weights)), mu_(std::move(means)), sd_(std::move(sds)), higher_is_better_(higher_is_better) {
    check();
  }

  /// Restricts the observed value to [lower, upper] (either may be infinite):
  /// mass beyond a bound is read as the bound (censoring). NaN or lower >= upper
  /// throw InvalidInput. Returns *this.
  Predictive& set_support(double lower, double upper) {
    if (std::isnan(lower) || std::isnan(upper) || !(lower < upper))
      throw InvalidInput("curvecast: a predictive's support needs lower < upper (no NaN)");
    if (lower == std::numeric_limits<double>::infinity() || upper == -std::numeric_limits<double>::infinity())
      throw InvalidInput("curvecast: a predictive's support must not be empty");
    lo_ = lower;
    hi_ = upper;
    return *this;
  }
  /// The support (lower, upper); (-inf, inf) unless set_support was called.
  std::pair<double, double> support() const { return {lo_, hi_}; }
  bool censored() const { return std::isfinite(lo_) || std::isfinite(hi_); }

  bool higher_is_better() const { return higher_is_better_; }
  std::size_t components() const { return w_.size(); }
  const std::vector<double>& weights() const { return w_; }
  const std::vector<double>& means() const { return mu_; }
  const std::vector<double>& sds() const { return sd_; }

  double mean() const {
    if (!censored()) return raw_mean();
    double m = 0;
    for (std::size_t i = 0; i < w_.size(); ++i) {
      double e1, e2;
      censored_moments(i, 0.0, e1, e2);
      m += w_[i] * e1;
    }
    return m * censored_scale();
  }
  double sd() const {
    if (!censored()) return raw_sd();
    const double m = mean();
    double v = 0;
    for (std::size_t i = 0; i < w_.size(); ++i) {
      double e1, e2;
      censored_moments(i, m, e1, e2);
      v += w_[i] * e2;
    }
    return std::sqrt(std::max(0.0, v)) * censored_scale();
  }
  double cdf(double y) const {
    if (y < lo_) return 0;
    if (y >= hi_) return 1;
    double c = 0;
    for (std::size_t i = 0; i < w_.size(); ++i) c += w_[i] * detail::normal_cdf((y - mu_[i]) / sd_[i]);
    return std::min(1.0, std::max(0.0, c));
  }
  double log_density(double y) const {
    if (std::isnan(y)) throw InvalidInput("curvecast: log_density of NaN");
    if (y < lo_ || y > hi_) return -std::numeric_limits<double>::infinity();
    thread_local std::vector<double> terms;
    terms.resize(w_.size());
    for (std::size_t i = 0; i < w_.size(); ++i) {
      const double z = (y - mu_[i]) / sd_[i];
      terms[i] = std::log(w_[i]) + detail::normal_log_pdf(z) - std::log(sd_[i]);
    }
    return detail::log_sum_exp(terms.data(), terms.size());
  }
  /// Quantile (of the censored value, when a support is set).
  double quantile(double q) const {
    const double v = raw_quantile(q);
    return censored() ? std::min(hi_, std::max(lo_, v)) : v;
  }
  /// Central interval holding `level` of the mass (e.g. 0.9 -> 5% and 95% quantiles).
  std::pair<double, double> interval(double level = 0.9) const {
    if (!(level > 0 && level < 1)) throw InvalidInput("curvecast: interval level must lie in (0, 1)");
    return {quantile(0.5 - level / 2), quantile(0.5 + level / 2)};
  }
  /// Probability that the observed value is better than `threshold` (strictly;
  /// 0 for a threshold at or beyond the best bound of the support).
  double prob_better(double threshold) const {
    if (higher_is_better_ ? threshold >= hi_ : threshold <= lo_) return 0;
    const double c = cdf(threshold);
    return higher_is_better_ ? 1 - c : c;
  }
  /// n independent draws of the observed value.
  std::vector<double> sample(std::size_t n, std::uint64_t seed) const {
    detail::Rng rng(seed);
    std::vector<double> out(n);
    for (auto& v : out) {
      std::size_t k = 0;
      if (w_.size() > 1) {
        double u = rng.uniform(), c = 0;
        for (k = 0; k + 1 < w_.size(); ++k) {
          c += w_[k];
          if (u < c) break;
        }
      }
      v = mu_[k] + sd_[k] * rng.normal();
      if (censored()) v = std::min(hi_, std::max(lo_, v));
    }
    return out;
  }

 private:
  // Scale of the censored moments: the mixture's and the finite bounds' magnitude
  // (no square overflows for values near 1e300).
  double censored_scale() const {
    double s = scale_;
    if (std::isfinite(lo_)) s = std::max(s, std::abs(lo_));
    if (std::isfinite(hi_)) s = std::max(s, std::abs(hi_));
    return s > 0 ? s : 1.0;
  }
  // Moments of component i's censored value about `shift` (raw units), in units
  // of censored_scale(): e1 = E[Y - shift], e2 = E[(Y - shift)^2], Y = clamp(N(mu, sd^2), lo, hi).
  void censored_moments(std::size_t i, double shift, double& e1, double& e2) const {
    const double s = censored_scale();
    const double mu = mu_[i] / s - shift / s, sd = sd_[i] / s;
    const bool has_l = std::isfinite(lo_), has_u = std::isfinite(hi_);
    const double a = has_l ? (lo_ - mu_[i]) / sd_[i] : -std::numeric_limits<double>::infinity();
    const double b = has_u ? (hi_ - mu_[i]) / sd_[i] : std::numeric_limits<double>::infinity();
    const double Pa = detail::normal_cdf(a), Pb = detail::normal_cdf(b);
    const double pa = std::exp(detail::normal_log_pdf(a)), pb = std::exp(detail::normal_log_pdf(b));
    // Terms are added only where their weight is > 0, so that an infinite
    // factor never meets a zero one (inf * 0 = NaN).
    const double mid = std::max(0.0, Pb - Pa);
    e1 = 0;
    e2 = 0;
    if (mid > 0) {
      e1 += mu * mid;
      e2 += (mu * mu + sd * sd) * mid;
    }
    if (pa > 0) {
      e1 += sd * pa;
      e2 += 2 * mu * sd * pa + sd * sd * a * pa;
    }
    if (pb > 0) {
      e1 -= sd * pb;
      e2 -= 2 * mu * sd * pb + sd * sd * b * pb;
    }
    if (has_l && Pa > 0) {
      const double L = lo_ / s - shift / s;
      e1 += L * Pa;
      e2 += L * L * Pa;
    }
    if (has_u && Pb < 1) {
      const double U = hi_ / s - shift / s;
      e1 += U * (1 - Pb);
      e2 += U * U * (1 - Pb);
    }
  }

  double raw_mean() const {
    double m = 0;
    for (std::size_t i = 0; i < w_.size(); ++i) m += w_[i] * mu_[i];
    return m;
  }
  double raw_sd() const {
    const double m = raw_mean();
    double v = 0;
    for (std::size_t i = 0; i < w_.size(); ++i) {
      const double d = (mu_[i] - m) / scale_;
      const double s = sd_[i] / scale_;
      v += w_[i] * (s * s + d * d);
    }
    return std::sqrt(v) * scale_;
  }
  // Quantile of the (uncensored) mixture: closed form for one component;
  // otherwise Newton steps on the CDF, safeguarded by bisection inside a bracket
  // (a few iterations instead of ~50 bisections, which matters for 400 components).
  double raw_quantile(double q) const {
    if (!(q > 0 && q < 1)) throw InvalidInput("curvecast: quantile level must lie in (0, 1)");
    if (w_.size() == 1) return mu_[0] + sd_[0] * detail::normal_quantile(q);
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    const double zq = std::abs(detail::normal_quantile(std::min(q, 1 - q))) + 1;
    for (std::size_t i = 0; i < w_.size(); ++i) {
      lo = std::min(lo, mu_[i] - zq * sd_[i]);
      hi = std::max(hi, mu_[i] + zq * sd_[i]);
    }
    double x = std::min(hi, std::max(lo, raw_mean() + raw_sd() * detail::normal_quantile(q)));
    for (int it = 0; it < 200 && hi - lo > 1e-15 * std::max(std::abs(lo), std::abs(hi)); ++it) {
      double c = 0, d = 0;
      for (std::size_t i = 0; i < w_.size(); ++i) {
        const double z = (x - mu_[i]) / sd_[i];
        c += w_[i] * detail::normal_cdf(z);
        d += w_[i] * std::exp(detail::normal_log_pdf(z)) / sd_[i];
      }
      if (std::abs(c - q) < 1e-13) return x;
      (c < q ? lo : hi) = x;
      const double step = (c - q) / d;
      const double nx = x - step;
      x = (d > 0 && std::isfinite(nx) && nx > lo && nx < hi) ? nx : 0.5 * lo + 0.5 * hi;
    }
    return x;
  }

 private:
  void check() {
    if (w_.empty() || w_.size() != mu_.size() || w_.size() != sd_.size())
      throw InvalidInput("curvecast: a predictive needs equally many (>0) weights, means and sds");
    double wmax = 0;
    scale_ = 0;
    for (std::size_t i = 0; i < w_.size(); ++i) {
      if (!(w_[i] >= 0) || !std::isfinite(w_[i]) || !std::isfinite(mu_[i]) || !std::isfinite(sd_[i]) || !(sd_[i] > 0))
        throw InvalidInput("curvecast: predictive with a non-finite mean or a non-positive sd");
      // Beyond 1e300 the quantile search and the tails overflow to inf - inf = NaN
      // (found by fuzz_predictive); the same limit as Observations.
      if (std::abs(mu_[i]) > kMaxPredictiveMagnitude || sd_[i] > kMaxPredictiveMagnitude)
        throw InvalidInput("curvecast: predictive with a mean or sd beyond 1e300 in magnitude");
      wmax = std::max(wmax, w_[i]);
      scale_ = std::max({scale_, std::abs(mu_[i]), sd_[i]});
    }
    if (!(wmax > 0)) throw InvalidInput("curvecast: predictive weights sum to zero");
    double total = 0;  // scaled by the largest weight first: weights near 1e308 cannot overflow the sum
    for (auto& w : w_) total += (w /= wmax);
    for (auto& w : w_) w /= total;
    if (!(scale_ > 0)) scale_ = 1;
  }
  std::vector<double> w_, mu_, sd_;
  bool higher_is_better_ = false;
  double scale_ = 1;                                      // keeps variance sums finite for magnitudes near 1e300
  double lo_ = -std::numeric_limits<double>::infinity();  // support (set_support)
  double hi_ = std::numeric_limits<double>::infinity();
};

}  // namespace curvecast
