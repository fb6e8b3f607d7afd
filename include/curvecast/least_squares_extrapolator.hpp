#pragma once
// One learning-curve family fitted by least squares (Ceres), as an Extrapolator.
//
//   curvecast::LeastSquaresExtrapolator ex("pow4");
//   ex.fit(curvecast::Observations{x, y, /*higher_is_better=*/false});
//   curvecast::Predictive p = ex.predict(500.0);   // Gaussian: noise + delta-method parameter spread
//   const curvecast::FitResult& r = ex.result();    // parameters, cost, standard errors
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "curve_summary.hpp"
#include "detail/rng.hpp"
#include "extrapolator.hpp"
#include "family_fit.hpp"
#include "registry.hpp"

namespace curvecast {

/// Predicts with one family fitted by least squares: a Gaussian whose variance
/// is the residual noise plus the parameter uncertainty carried to x by the
/// delta method. A constant curve gets a documented fallback: the constant,
/// with standard deviation 1e-9 * max(|y|, 1e-300).
class LeastSquaresExtrapolator : public Extrapolator {
 public:
  explicit LeastSquaresExtrapolator(const std::string& family, FitOptions options = {})
      : info_(&find_family(family)), grad_(detail::gradient_function(family)), opt_(std::move(options)) {
    opt_.validate();
  }
  std::string name() const override { return info_->name; }
  void fit(const Observations& obs) override { fit_summarised(obs, nullptr); }
  void fit_with_summary(const Observations& obs, const CurveSummary& summary) override {
    fit_summarised(obs, &summary);
  }
  /// fit() with the summary of obs already made (summarise(obs, options().max_points),
  /// or nullptr to let the fit make it when it needs one; curve_summary.hpp).
  void fit_summarised(const Observations& obs, const CurveSummary* summary) {
    fitted_ = false;
    obs.validate(static_cast<std::size_t>(info_->num_params) + 1);
    obs_ = obs;
    constant_ = obs.constant();
    if (!constant_) res_ = fit_family(info_->name, obs, opt_, summary);
    fitted_ = true;
  }
  const FitOptions& options() const { return opt_; }
  bool is_fitted() const override { return fitted_; }
  const Observations& observations() const override {
    require_fitted();
    return obs_;
  }
  const FitResult& result() const {
    require_fitted();
    if (constant_) throw UsageError("curvecast: constant curve: no fit was made");
    return res_;
  }
  bool constant_fallback() const { return fitted_ && constant_; }

  Predictive do_predict(double x) const override {
    check_x(x);
    if (constant_) return constant_predictive();
    const int N = info_->num_params;
    double g[16];
    const double t = res_.normaliser.t(x);
    const double m = grad_(res_.params.data(), t, g);
    double var = res_.sigma * res_.sigma;
    for (int i = 0; i < N; ++i)
      for (int j = 0; j < N; ++j) var += g[i] * res_.covariance(i, j) * g[j];
    if (!std::isfinite(m) || !std::isfinite(var) || std::abs(res_.normaliser.y(m)) > kMaxPredictiveMagnitude ||
        res_.normaliser.sd(std::sqrt(var)) > kMaxPredictiveMagnitude)
      throw InvalidInput("curvecast: " + name() + ": x = " + std::to_string(x) +
                         " lies beyond the domain where the fitted curve is finite");
    return Predictive(res_.normaliser.y(m), res_.normaliser.sd(std::sqrt(var)), obs_.higher_is_better);
  }

  Eigen::MatrixXd do_sample_curves(const std::vector<double>& xs, std::size_t draws, std::uint64_t seed,
                                   bool with_noise = false) const override {
    for (double x : xs) check_x(x);
    Eigen::MatrixXd out(static_cast<Eigen::Index>(draws), static_cast<Eigen::Index>(xs.size()));
    detail::Rng rng(seed);
    if (constant_) {
      const Predictive c = constant_predictive();
      for (Eigen::Index d = 0; d < out.rows(); ++d)
        for (Eigen::Index j = 0; j < out.cols(); ++j) out(d, j) = c.mean() + (with_noise ? c.sd() * rng.normal() : 0.0);
      return out;
    }
    const int N = info_->num_params;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(res_.covariance);
    const Eigen::MatrixXd L = es.eigenvectors() * es.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal();
    std::vector<double> p(N), u(N);
    for (Eigen::Index d = 0; d < out.rows(); ++d) {
      bool ok = false;
      for (int attempt = 0; attempt < 20 && !ok; ++attempt) {
        for (int i = 0; i < N; ++i) u[i] = rng.normal();
        for (int i = 0; i < N; ++i) {
          p[i] = res_.params[i];
          for (int j = 0; j < N; ++j) p[i] += L(i, j) * u[j];
        }
        ok = true;
        for (Eigen::Index j = 0; j < out.cols() && ok; ++j) {
          out(d, j) = res_.normaliser.y(info_->eval(p.data(), res_.normaliser.t(xs[j])));
          ok = std::isfinite(out(d, j));
        }
      }
      if (!ok)  // documented fallback: the fitted curve itself
        for (Eigen::Index j = 0; j < out.cols(); ++j) {
          out(d, j) = res_.normaliser.y(info_->eval(res_.params.data(), res_.normaliser.t(xs[j])));
          // Beyond the fitted curve's domain (e.g. loglog_linear's log of a negative
          // number) there is nothing to draw: InvalidInput as predict(), never NaN.
          if (!std::isfinite(out(d, j)))
            throw InvalidInput("curvecast: " + name() + ": x = " + std::to_string(xs[static_cast<std::size_t>(j)]) +
                               " lies beyond the domain where the fitted curve is finite");
        }
      if (with_noise)
        for (Eigen::Index j = 0; j < out.cols(); ++j) out(d, j) += res_.normaliser.sd(res_.sigma) * rng.normal();
    }
    return out;
  }

  AsymptoteEstimate do_asymptote(double level) const override {
    AsymptoteEstimate a;
    a.level = level;
    if (constant_) {
      a.available = true;
      a.value = a.lower = a.upper = obs_.y.front();
      return a;
    }
    const auto v = info_->asymptote(res_.params.data());
    if (!v || !std::isfinite(*v)) {
      a.reason = info_->name + " has no finite asymptote at the fitted parameters";
      return a;
    }
    // Delta method with central finite differences.
    const int N = info_->num_params;
    std::vector<double> p = res_.params, g(N);
    for (int i = 0; i < N; ++i) {
      const double h = 1e-6 * std::max(std::abs(p[i]), 1e-3);
      p[i] = res_.params[i] + h;
      const auto up = info_->asymptote(p.data());
      p[i] = res_.params[i] - h;
      const auto dn = info_->asymptote(p.data());
      p[i] = res_.params[i];
      g[i] = (up && dn) ? (*up - *dn) / (2 * h) : 0.0;
    }
    double var = 0;
    for (int i = 0; i < N; ++i)
      for (int j = 0; j < N; ++j) var += g[i] * res_.covariance(i, j) * g[j];
    const double sd = std::sqrt(std::max(var, 0.0));
    const double zq = detail::normal_quantile(0.5 + level / 2);
    a.available = std::isfinite(sd);
    if (!a.available) {
      a.reason = "the asymptote's uncertainty is not finite";
      return a;
    }
    const double y0 = res_.normaliser.y(*v - zq * sd), y1 = res_.normaliser.y(*v + zq * sd);
    a.value = res_.normaliser.y(*v);
    a.lower = std::min(y0, y1);
    a.upper = std::max(y0, y1);
    return a;
  }

 private:
  Predictive constant_predictive() const {
    const double c = obs_.y.front();
    return Predictive(c, std::max(1e-9 * std::abs(c), 1e-300), obs_.higher_is_better);
  }
  void check_x(double x) const {
    const Normaliser n = constant_ ? Normaliser::make(obs_, Normalisation::Scale) : res_.normaliser;
    if (!std::isfinite(x) || !(n.t(x) > 0))
      throw InvalidInput(
          "curvecast: prediction x must be finite and > 0, or beyond x[0] - (x[1] - x[0]) when x starts at or below 0 (got " +
          std::to_string(x) + ")");
  }
  const FamilyInfo* info_;
  detail::GradFn grad_;
  FitOptions opt_;
  Observations obs_;
  FitResult res_;
  bool fitted_ = false, constant_ = false;
};

}  // namespace curvecast
