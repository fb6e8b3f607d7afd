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
  /// (FitFailure otherwise).
  Predictive(double mean, double sd, bool higher_is_better)
      : w_{1.0}, mu_{mean}, sd_{sd}, higher_is_better_(higher_is_better) {
    check();
  }
  /// A mixture: weights (normalised here), means and standard deviations.
  Predictive(std::vector<double> weights, std::vector<double> means, std::vector<double> sds,
             bool higher_is_better)
      : w_(std::move(weights)), mu_(std::move(means)), sd_(std::move(sds)),
        higher_is_better_(higher_is_better) {
    check();
  }

  bool higher_is_better() const { return higher_is_better_; }
  std::size_t components() const { return w_.size(); }
  const std::vector<double>& weights() const { return w_; }
  const std::vector<double>& means() const { return mu_; }
  const std::vector<double>& sds() const { return sd_; }

  double mean() const {
    double m = 0;
    for (std::size_t i = 0; i < w_.size(); ++i) m += w_[i] * mu_[i];
    return m;
  }
  double sd() const {
    const double m = mean();
    double v = 0;
    for (std::size_t i = 0; i < w_.size(); ++i) {
      const double d = (mu_[i] - m) / scale_;
      const double s = sd_[i] / scale_;
      v += w_[i] * (s * s + d * d);
    }
    return std::sqrt(v) * scale_;
  }
  double cdf(double y) const {
    double c = 0;
    for (std::size_t i = 0; i < w_.size(); ++i) c += w_[i] * detail::normal_cdf((y - mu_[i]) / sd_[i]);
    return std::min(1.0, std::max(0.0, c));
  }
  double log_density(double y) const {
    if (std::isnan(y)) throw InvalidInput("curvecast: log_density of NaN");
    thread_local std::vector<double> terms;
    terms.resize(w_.size());
    for (std::size_t i = 0; i < w_.size(); ++i) {
      const double z = (y - mu_[i]) / sd_[i];
      terms[i] = std::log(w_[i]) + detail::normal_log_pdf(z) - std::log(sd_[i]);
    }
    return detail::log_sum_exp(terms.data(), terms.size());
  }
  /// Quantile of the mixture: closed form for one component; otherwise Newton
  /// steps on the CDF, safeguarded by bisection inside a bracket (a few
  /// iterations instead of ~50 bisections, which matters for 400 components).
  double quantile(double q) const {
    if (!(q > 0 && q < 1)) throw InvalidInput("curvecast: quantile level must lie in (0, 1)");
    if (w_.size() == 1) return mu_[0] + sd_[0] * detail::normal_quantile(q);
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    const double zq = std::abs(detail::normal_quantile(std::min(q, 1 - q))) + 1;
    for (std::size_t i = 0; i < w_.size(); ++i) {
      lo = std::min(lo, mu_[i] - zq * sd_[i]);
      hi = std::max(hi, mu_[i] + zq * sd_[i]);
    }
    double x = std::min(hi, std::max(lo, mean() + sd() * detail::normal_quantile(q)));
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
  /// Central interval holding `level` of the mass (e.g. 0.9 -> 5% and 95% quantiles).
  std::pair<double, double> interval(double level = 0.9) const {
    if (!(level > 0 && level < 1)) throw InvalidInput("curvecast: interval level must lie in (0, 1)");
    return {quantile(0.5 - level / 2), quantile(0.5 + level / 2)};
  }
  /// Probability that the observed value is better than `threshold`.
  double prob_better(double threshold) const {
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
    }
    return out;
  }

 private:
  void check() {
    if (w_.empty() || w_.size() != mu_.size() || w_.size() != sd_.size())
      throw InvalidInput("curvecast: a predictive needs equally many (>0) weights, means and sds");
    double wmax = 0;
    scale_ = 0;
    for (std::size_t i = 0; i < w_.size(); ++i) {
      if (!(w_[i] >= 0) || !std::isfinite(w_[i]) || !std::isfinite(mu_[i]) || !std::isfinite(sd_[i]) ||
          !(sd_[i] > 0))
        throw FitFailure("curvecast: predictive with a non-finite mean or a non-positive sd");
      // Beyond 1e300 the quantile search and the tails overflow to inf - inf = NaN
      // (found by fuzz_predictive); the same limit as Observations.
      if (std::abs(mu_[i]) > kMaxPredictiveMagnitude || sd_[i] > kMaxPredictiveMagnitude)
        throw FitFailure("curvecast: predictive with a mean or sd beyond 1e300 in magnitude");
      wmax = std::max(wmax, w_[i]);
      scale_ = std::max({scale_, std::abs(mu_[i]), sd_[i]});
    }
    if (!(wmax > 0)) throw FitFailure("curvecast: predictive weights sum to zero");
    double total = 0;  // scaled by the largest weight first: weights near 1e308 cannot overflow the sum
    for (auto& w : w_) total += (w /= wmax);
    for (auto& w : w_) w /= total;
    if (!(scale_ > 0)) scale_ = 1;
  }
  std::vector<double> w_, mu_, sd_;
  bool higher_is_better_ = false;
  double scale_ = 1;  // keeps variance sums finite for magnitudes near 1e300
};

}  // namespace curvecast
