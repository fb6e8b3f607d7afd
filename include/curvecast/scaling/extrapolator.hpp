#pragma once
// One-input scaling laws behind the Extrapolator interface (opt-in Ceres header).
//
//   #include <curvecast/scaling/extrapolator.hpp>
//   curvecast::scaling::ScalingLawExtrapolator<curvecast::scaling::SaturatingPower> ex;
//   ex.fit(curvecast::Observations{flops, losses, /*higher_is_better=*/false});
//   curvecast::Predictive p = ex.predict(1e24);       // mean and interval at a new budget
//
// The law is fitted by fit_law (multi-start, the options given). Predictions are Gaussian in
// the law's space g (raw, log or log1p) with variance sigma^2 + grad^T Cov grad, where sigma^2
// is the residual variance (n - P degrees of freedom) and Cov = sigma^2 (J^T J)^-1 the
// Gauss-Newton covariance of the parameters (a pseudo-inverse when J is rank-deficient);
// they are mapped back to raw units by the delta method (mean g^-1(m), sd |g^-1'(m)| sd_g).
// sample_curves draws parameters from N(theta, Cov) and maps them exactly.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <ceres/jet.h>

#include "../detail/rng.hpp"
#include "../extrapolator.hpp"
#include "fit.hpp"

namespace curvecast::scaling {

template <class L>
class ScalingLawExtrapolator : public Extrapolator {
  static_assert(L::kNumInputs == 1, "ScalingLawExtrapolator needs a one-input law");
  static constexpr int P = L::kNumParams;

 public:
  /// Default: squared loss (Gaussian noise) in the law's space, the law's default starts.
  ScalingLawExtrapolator() {
    opt_.loss = Loss::Squared;
    opt_.validate(P);
  }
  explicit ScalingLawExtrapolator(ScalingFitOptions options) : opt_(std::move(options)) { opt_.validate(P); }
  std::string name() const override { return std::string("scaling:") + L::kName; }
  bool is_fitted() const override { return fitted_; }
  const Observations& observations() const override {
    require_fitted();
    return obs_;
  }
  const ScalingFit& result() const {
    require_fitted();
    return fit_;
  }
  const Eigen::MatrixXd& covariance() const {
    require_fitted();
    return cov_;
  }

  void fit(const Observations& obs) override {
    fitted_ = false;
    obs.validate(static_cast<std::size_t>(P) + 1);
    ScalingData d(1);
    for (std::size_t i = 0; i < obs.size(); ++i) d.add({obs.x[i]}, obs.y[i]);
    fit_ = fit_law<L>(d, opt_);
    space_ = fit_.space;
    const int n = static_cast<int>(d.size());
    Eigen::MatrixXd J(n, P);
    double ss = 0;
    for (int i = 0; i < n; ++i) {
      double g[P];
      const double f = value_grad(fit_.params.data(), obs.x[i], g);
      const double r = f - to_space(space_, obs.y[i]);
      ss += r * r;
      for (int k = 0; k < P; ++k) J(i, k) = g[k];
    }
    sigma_ = std::sqrt(ss / std::max(1, n - P));
    sigma_ = std::max(sigma_, 1e-12 * std::max(1.0, std::abs(to_space(space_, obs.y.back()))));
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(J.transpose() * J);
    const double emax = es.eigenvalues().cwiseAbs().maxCoeff();
    Eigen::VectorXd inv = Eigen::VectorXd::Zero(P);
    for (int k = 0; k < P; ++k)
      if (es.eigenvalues()(k) > 1e-12 * emax) inv(k) = 1.0 / es.eigenvalues()(k);
    cov_ = sigma_ * sigma_ * es.eigenvectors() * inv.asDiagonal() * es.eigenvectors().transpose();
    if (!cov_.allFinite()) throw FitFailure("curvecast: " + name() + ": parameter covariance is not finite");
    obs_ = obs;
    fitted_ = true;
  }

  Predictive do_predict(double x) const override {
    check_x(x);
    double g[P];
    const double m = value_grad(fit_.params.data(), x, g);
    double var = sigma_ * sigma_;
    for (int a = 0; a < P; ++a)
      for (int b = 0; b < P; ++b) var += g[a] * cov_(a, b) * g[b];
    const double sd = std::sqrt(std::max(var, 0.0));
    double mean = m, scale = 1;
    if (space_ == Space::Log) mean = std::exp(m), scale = mean;
    if (space_ == Space::Log1p) mean = std::expm1(m), scale = std::exp(m);
    if (!std::isfinite(mean) || !std::isfinite(sd * scale) || std::abs(mean) > kMaxPredictiveMagnitude ||
        sd * scale > kMaxPredictiveMagnitude)
      throw InvalidInput("curvecast: " + name() + ": x = " + std::to_string(x) +
                         " lies beyond the domain where the fitted law is finite");
    return Predictive(mean, std::max(sd * scale, 1e-300), obs_.higher_is_better);
  }

  Eigen::MatrixXd do_sample_curves(const std::vector<double>& xs, std::size_t draws, std::uint64_t seed,
                                   bool with_noise = false) const override {
    for (double x : xs) check_x(x);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(cov_);
    const Eigen::MatrixXd R = es.eigenvectors() * es.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal();
    Eigen::MatrixXd out(static_cast<Eigen::Index>(draws), static_cast<Eigen::Index>(xs.size()));
    for (std::size_t d = 0; d < draws; ++d) {
      curvecast::detail::Rng rng(curvecast::detail::derive_seed(seed, d));
      double p[P], u[P];
      bool ok = false;
      for (int attempt = 0; attempt < 20 && !ok; ++attempt) {
        for (double& v : u) v = rng.normal();
        for (int a = 0; a < P; ++a) {
          p[a] = fit_.params[a];
          for (int b = 0; b < P; ++b) p[a] += R(a, b) * u[b];
        }
        ok = true;
        for (std::size_t j = 0; j < xs.size() && ok; ++j) ok = std::isfinite(in_space(p, xs[j]));
      }
      if (!ok) std::copy(fit_.params.begin(), fit_.params.end(), p);  // documented fallback: the fitted curve
      for (std::size_t j = 0; j < xs.size(); ++j) {
        double v = in_space(p, xs[j]);
        if (with_noise) v += sigma_ * rng.normal();
        out(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(j)) = from_space(v);
      }
    }
    return out;
  }

 private:
  double in_space(const double* p, double x) const { return predict_in_space<L, double>(space_, p, &x); }
  double from_space(double v) const {
    if (space_ == Space::Log) return std::exp(v);
    if (space_ == Space::Log1p) return std::expm1(v);
    return v;
  }
  double value_grad(const double* p, double x, double* g) const {
    using J = ceres::Jet<double, P>;
    J pj[P];
    for (int k = 0; k < P; ++k) pj[k] = J(p[k], k);
    const J v = predict_in_space<L, J>(space_, pj, &x);
    for (int k = 0; k < P; ++k) g[k] = v.v[k];
    return v.a;
  }
  static void check_x(double x) {
    if (!(x > 0) || !std::isfinite(x))
      throw InvalidInput("curvecast: prediction x must be finite and > 0 (got " + std::to_string(x) + ")");
  }

  ScalingFitOptions opt_;
  ScalingFit fit_;
  Space space_ = Space::Raw;
  Eigen::MatrixXd cov_;
  double sigma_ = 0;
  Observations obs_;
  bool fitted_ = false;
};

}  // namespace curvecast::scaling
