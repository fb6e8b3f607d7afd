#pragma once
// The `last` baseline of the extrapolation protocol: the last observed value as
// the mean of a Gaussian whose sd is the population sd of the prefix's
// successive differences divided by sqrt(2), floored at 1e-6.
//
//   curvecast::LastValueExtrapolator last;
//   last.fit(obs);
//   double lp = last.predict(40).log_density(y40);
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "detail/rng.hpp"
#include "extrapolator.hpp"

namespace curvecast {

class LastValueExtrapolator : public Extrapolator {
 public:
  std::string name() const override { return "last"; }
  void fit(const Observations& obs) override {
    fitted_ = false;
    obs.validate(1);
    obs_ = obs;
    const std::size_t n = obs.size();
    double sd = 0;
    if (n >= 2) {
      // Two-pass population sd of the successive differences.
      // Differences are scaled by their largest magnitude so that squares of
      // values near 1e300 cannot overflow.
      double mean = 0, big = 0;
      for (std::size_t i = 1; i < n; ++i) big = std::max(big, std::abs(0.5 * obs.y[i] - 0.5 * obs.y[i - 1]));
      if (big > 0) {
        for (std::size_t i = 1; i < n; ++i) mean += (0.5 * obs.y[i] - 0.5 * obs.y[i - 1]) / big;
        mean /= static_cast<double>(n - 1);
        double ss = 0;
        for (std::size_t i = 1; i < n; ++i) {
          const double d = (0.5 * obs.y[i] - 0.5 * obs.y[i - 1]) / big - mean;
          ss += d * d;
        }
        sd = 2 * big * std::sqrt(ss / static_cast<double>(n - 1)) / std::sqrt(2.0);
      }
    }
    sd_ = std::max(sd, 1e-6);
    if (!std::isfinite(sd_)) throw InvalidInput("curvecast: last: differences overflow");
    fitted_ = true;
  }
  bool is_fitted() const override { return fitted_; }
  const Observations& observations() const override {
    require_fitted();
    return obs_;
  }
  double sd() const { return sd_; }
  /// The same answer at every finite x (a NaN or infinite x is InvalidInput).
  Predictive do_predict(double x) const override {
    (void)x;
    return Predictive(obs_.y.back(), sd_, obs_.higher_is_better);
  }
  Eigen::MatrixXd do_sample_curves(const std::vector<double>& xs, std::size_t draws, std::uint64_t seed,
                                   bool with_noise = false) const override {
    detail::Rng rng(seed);
    Eigen::MatrixXd out = Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(draws),
                                                    static_cast<Eigen::Index>(xs.size()), obs_.y.back());
    if (with_noise)
      for (Eigen::Index d = 0; d < out.rows(); ++d)
        for (Eigen::Index j = 0; j < out.cols(); ++j) out(d, j) += sd_ * rng.normal();
    return out;
  }

 private:
  Observations obs_;
  double sd_ = 1e-6;
  bool fitted_ = false;
};

}  // namespace curvecast
