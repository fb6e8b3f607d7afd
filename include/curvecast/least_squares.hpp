#pragma once
// Least-squares fitting of learning-curve families with Ceres Solver, and the
// extrapolators built on it. This is the opt-in Ceres header: include it only
// where you fit (it brings in Ceres and glog's macros).
//
//   #include <curvecast/least_squares.hpp>
//   curvecast::Observations obs{x, y, /*higher_is_better=*/false};
//   curvecast::FitResult r = curvecast::fit_family<curvecast::families::Mmf4>(obs);
//   std::cout << r.cost << " " << r.num_starts_at_best << "/" << r.num_starts << "\n";
//
//   curvecast::LeastSquaresExtrapolator ex("pow4");          // one family
//   curvecast::MultiFamilyExtrapolator ens;                  // several, Akaike-weighted
//   ens.fit(obs);
//   auto p = ens.predict(500.0);
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <ceres/ceres.h>
#include <Eigen/Dense>

#include "detail/math.hpp"
#include "detail/rng.hpp"
#include "extrapolator.hpp"
#include "families.hpp"
#include "fit_result.hpp"
#include "registry.hpp"

namespace curvecast {

namespace detail {

/// sqrt(w_i) * (f(t_i) - z_i) for every point; fails (returns false) on non-finite values.
template <class F>
struct CurveResidual {
  const double* t;
  const double* z;
  const double* sw;
  int n;
  template <class T>
  bool operator()(const T* p, T* r) const {
    using std::isfinite;
    for (int i = 0; i < n; ++i) {
      r[i] = sw[i] * (F::eval(p, T(t[i])) - z[i]);
      if (!isfinite(r[i])) return false;
    }
    return true;
  }
};

inline bool finite_jet(double v) { return std::isfinite(v); }
template <class J>
bool finite_jet(const J& j) {
  return ceres::isfinite(j);
}

/// Normalised data of one fit.
struct FitData {
  Normaliser norm;
  std::vector<double> t, z, sw;
  Summary summary() const {
    Summary s;
    s.t = t.data();
    s.z = z.data();
    s.n = static_cast<int>(t.size());
    s.t1 = t.front();
    s.tn = t.back();
    return s;
  }
};

inline FitData make_fit_data(const Observations& obs, Normalisation mode,
                             const std::vector<double>& weights) {
  FitData d;
  d.norm = Normaliser::make(obs, mode);
  const std::size_t n = obs.size();
  d.t.resize(n);
  d.z.resize(n);
  d.sw.assign(n, 1.0);
  if (!weights.empty() && weights.size() != n)
    throw InvalidOptions("curvecast: FitOptions: weights has " + std::to_string(weights.size()) +
                         " entries for " + std::to_string(n) + " points");
  for (std::size_t i = 0; i < n; ++i) {
    d.t[i] = d.norm.t(obs.x[i]);
    d.z[i] = d.norm.z(obs.y[i]);
    if (!weights.empty()) d.sw[i] = std::sqrt(weights[i]);
  }
  return d;
}

/// Derivative-free value of F at t, with its gradient via a Ceres Jet.
template <class F>
double value_and_gradient(const double* p, double t, double* grad) {
  constexpr int N = F::kNumParams;
  using J = ceres::Jet<double, N>;
  std::array<J, N> pj;
  for (int i = 0; i < N; ++i) pj[i] = J(p[i], i);
  const J v = F::eval(pj.data(), J(t));
  for (int i = 0; i < N; ++i) grad[i] = v.v[i];
  return v.a;
}

/// The starts of a multi-start fit, strictly inside [lo, hi]: the family's
/// data-driven guesses (best first), then seeded jitter around the best guess.
template <class F>
std::vector<std::array<double, F::kNumParams>> starting_points(const Summary& s,
                                                               const std::array<double, F::kNumParams>& lo,
                                                               const std::array<double, F::kNumParams>& hi,
                                                               int num_starts, std::uint64_t seed) {
  constexpr int N = F::kNumParams;
  auto clamp_in = [&](std::array<double, N> p) {
    for (int i = 0; i < N; ++i) {  // strictly inside the box
      const double half = 0.5 * (hi[i] - lo[i]);
      if (!(p[i] > lo[i])) p[i] = lo[i] + std::min(half, 1e-9 * std::max(1.0, std::abs(lo[i])));
      if (!(p[i] < hi[i])) p[i] = hi[i] - std::min(half, 1e-9 * std::max(1.0, std::abs(hi[i])));
    }
    return p;
  };
  std::vector<std::array<double, N>> starts;
  for (const auto& g : F::guesses(s)) starts.push_back(clamp_in(g));
  if (starts.empty()) {
    std::array<double, N> mid{};
    for (int i = 0; i < N; ++i)
      mid[i] = (lo[i] > 0) ? std::sqrt(lo[i] * hi[i]) : std::min(std::max(0.5, lo[i]), hi[i]);
    starts.push_back(clamp_in(mid));
  }
  if (static_cast<int>(starts.size()) > num_starts) starts.resize(static_cast<std::size_t>(num_starts));
  Rng rng(derive_seed(seed, 0x11));
  const auto base = starts.front();
  while (static_cast<int>(starts.size()) < num_starts) {
    std::array<double, N> p = base;
    for (int i = 0; i < N; ++i)
      p[i] = lo[i] > 0 ? p[i] * std::exp(0.7 * rng.normal())
                       : p[i] + 0.5 * rng.normal() * std::max(std::abs(p[i]), 0.1);
    starts.push_back(clamp_in(p));
  }
  return starts;
}

}  // namespace detail

/// Fits family F to the observations with multi-start Levenberg-Marquardt
/// (Ceres, box-bounded). Throws InvalidInput for unusable data (fewer than
/// kNumParams + 1 points among them), InvalidOptions for bad options, and
/// FitFailure when no start reaches a finite optimum.
template <class F>
FitResult fit_family(const Observations& obs, const FitOptions& opt = {}) {
  constexpr int N = F::kNumParams;
  using Clock = std::chrono::steady_clock;
  const auto t_start = Clock::now();
  opt.validate();
  obs.validate(N + 1);
  const detail::FitData data =
      detail::make_fit_data(obs, opt.normalisation.value_or(F::kNormalisation), opt.weights);
  const detail::Summary s = data.summary();
  const int n = s.n;

  std::array<double, N> lo{}, hi{};
  F::bounds(s, lo.data(), hi.data());
  const std::vector<std::array<double, N>> starts = detail::starting_points<F>(s, lo, hi, opt.num_starts, opt.seed);

  std::array<double, N> x{};
  std::unique_ptr<ceres::LossFunction> robust_loss;
  if (opt.loss == Loss::Huber) robust_loss = std::make_unique<ceres::HuberLoss>(opt.loss_scale);
  if (opt.loss == Loss::Cauchy) robust_loss = std::make_unique<ceres::CauchyLoss>(opt.loss_scale);
  ceres::Problem::Options popt;
  popt.loss_function_ownership = ceres::DO_NOT_TAKE_OWNERSHIP;  // robust_loss owns it
  ceres::Problem problem(popt);
  if (opt.loss == Loss::Squared) {
    // One block holding every residual: the cheapest layout for plain least squares.
    auto* functor = new detail::CurveResidual<F>{data.t.data(), data.z.data(), data.sw.data(), n};
    problem.AddResidualBlock(
        new ceres::AutoDiffCostFunction<detail::CurveResidual<F>, ceres::DYNAMIC, N>(functor, n), nullptr,
        x.data());
  } else {
    // A robust loss acts on each block's squared norm, so each point gets its own block.
    for (int i = 0; i < n; ++i) {
      auto* functor = new detail::CurveResidual<F>{data.t.data() + i, data.z.data() + i, data.sw.data() + i, 1};
      problem.AddResidualBlock(new ceres::AutoDiffCostFunction<detail::CurveResidual<F>, 1, N>(functor),
                               robust_loss.get(), x.data());
    }
  }
  for (int i = 0; i < N; ++i) {
    problem.SetParameterLowerBound(x.data(), i, lo[i]);
    problem.SetParameterUpperBound(x.data(), i, hi[i]);
  }
  ceres::Solver::Options so;
  so.linear_solver_type = ceres::DENSE_QR;
  so.max_num_iterations = opt.max_iterations;
  so.function_tolerance = opt.function_tolerance;
  so.gradient_tolerance = opt.gradient_tolerance;
  so.parameter_tolerance = opt.parameter_tolerance;
  so.logging_type = ceres::SILENT;
  so.minimizer_progress_to_stdout = false;
  so.num_threads = 1;

  FitResult res;
  res.family = F::kName;
  for (const char* nm : F::kParamNames) res.param_names.emplace_back(nm);
  res.normaliser = data.norm;
  res.num_points = n;
  double best = std::numeric_limits<double>::infinity();
  std::array<double, N> best_p{};
  std::vector<double> costs;
  std::string best_status, last_error = "no start evaluated";
  for (const auto& st : starts) {
    if (opt.time_budget_seconds > 0) {
      const double el = std::chrono::duration<double>(Clock::now() - t_start).count();
      if (el > opt.time_budget_seconds && !costs.empty()) break;
      so.max_solver_time_in_seconds = std::max(1e-3, opt.time_budget_seconds - el);
    }
    x = st;
    ceres::Solver::Summary sum;
    ceres::Solve(so, &problem, &sum);
    ++res.num_starts;
    bool ok = sum.termination_type != ceres::FAILURE && sum.termination_type != ceres::USER_FAILURE &&
              std::isfinite(sum.final_cost);
    for (double v : x) ok = ok && std::isfinite(v);
    if (!ok) {
      last_error = sum.message;
      continue;
    }
    ++res.num_converged_starts;
    costs.push_back(sum.final_cost);
    if (sum.final_cost < best) {
      best = sum.final_cost;
      best_p = x;
      best_status = sum.message;
    }
  }
  if (costs.empty())
    throw FitFailure(std::string("curvecast: ") + F::kName + ": no start reached a finite optimum (" +
                     last_error + ")");
  for (double c : costs)
    if (c <= best + opt.best_cost_rtol * std::max(best, 1e-300) + 1e-300) ++res.num_starts_at_best;
  res.params.assign(best_p.begin(), best_p.end());
  res.cost = best;
  res.status = best_status;

  // Noise, information criteria (raw units), covariance from the Jacobian.
  Eigen::Matrix<double, Eigen::Dynamic, N> Jm(n, N);
  double sse_w = 0, sse_raw = 0, wsum = 0;
  for (int i = 0; i < n; ++i) {
    double g[N];
    const double f = detail::value_and_gradient<F>(best_p.data(), s.t[i], g);
    const double r = f - s.z[i];
    sse_w += data.sw[i] * data.sw[i] * r * r;
    wsum += data.sw[i] * data.sw[i];
    const double rr = data.norm.y(f) - obs.y[i];
    sse_raw += rr * rr;
    for (int k = 0; k < N; ++k) Jm(i, k) = data.sw[i] * g[k];
  }
  const double dof = std::max(1.0, wsum - N);
  res.sigma = std::max(std::sqrt(sse_w / dof), 1e-6);
  res.sse_raw = sse_raw;
  const double s2_mle = std::max(sse_raw / n, 1e-300);
  res.log_likelihood = -0.5 * n * (std::log(2 * detail::kPi * s2_mle) + 1);
  const double k = N + 1;  // parameters plus the noise level
  res.aic = 2 * k - 2 * res.log_likelihood;
  res.aicc = n - k - 1 > 0 ? res.aic + 2 * k * (k + 1) / (n - k - 1) : std::numeric_limits<double>::infinity();
  res.bic = k * std::log(static_cast<double>(n)) - 2 * res.log_likelihood;
  const Eigen::Matrix<double, N, N> JtJ = Jm.transpose() * Jm;
  Eigen::SelfAdjointEigenSolver<Eigen::Matrix<double, N, N>> es(JtJ);
  const auto& ev = es.eigenvalues();
  const double emax = ev.cwiseAbs().maxCoeff();
  Eigen::Matrix<double, N, 1> inv = Eigen::Matrix<double, N, 1>::Zero();
  bool full_rank = emax > 0 && std::isfinite(emax);
  for (int i = 0; i < N; ++i) {
    if (ev(i) > 1e-10 * emax && std::isfinite(ev(i)))
      inv(i) = 1.0 / ev(i);
    else
      full_rank = false;
  }
  res.covariance = res.sigma * res.sigma * es.eigenvectors() * inv.asDiagonal() * es.eigenvectors().transpose();
  if (!res.covariance.allFinite()) res.covariance = Eigen::MatrixXd::Zero(N, N);
  if (full_rank) {
    for (int i = 0; i < N; ++i) res.std_errors.push_back(std::sqrt(std::max(0.0, res.covariance(i, i))));
  }
  res.seconds = std::chrono::duration<double>(Clock::now() - t_start).count();
  return res;
}

/// fit_family for a family chosen at run time by name.
inline FitResult fit_family(const std::string& name, const Observations& obs, const FitOptions& opt = {}) {
  return with_family(name, [&](auto f) { return fit_family<decltype(f)>(obs, opt); });
}

namespace detail {
/// Value and gradient of a runtime-chosen family.
using GradFn = double (*)(const double* p, double t, double* grad);
inline GradFn gradient_function(const std::string& name) {
  return with_family(name, [](auto f) -> GradFn { return &value_and_gradient<decltype(f)>; });
}
}  // namespace detail

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
  void fit(const Observations& obs) override {
    fitted_ = false;
    obs.validate(static_cast<std::size_t>(info_->num_params) + 1);
    obs_ = obs;
    constant_ = obs.constant();
    if (!constant_) res_ = fit_family(info_->name, obs, opt_);
    fitted_ = true;
  }
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

  Predictive predict(double x) const override {
    require_fitted();
    check_x(x);
    if (constant_) return constant_predictive();
    const int N = info_->num_params;
    double g[16];
    const double t = res_.normaliser.t(x);
    const double m = grad_(res_.params.data(), t, g);
    double var = res_.sigma * res_.sigma;
    for (int i = 0; i < N; ++i)
      for (int j = 0; j < N; ++j) var += g[i] * res_.covariance(i, j) * g[j];
    if (!std::isfinite(m) || !std::isfinite(var))
      throw FitFailure("curvecast: " + name() + ": prediction is not finite at x = " + std::to_string(x));
    return Predictive(res_.normaliser.y(m), res_.normaliser.sd(std::sqrt(var)), obs_.higher_is_better);
  }

  Eigen::MatrixXd sample_curves(const std::vector<double>& xs, std::size_t draws, std::uint64_t seed,
                                bool with_noise = false) const override {
    require_fitted();
    for (double x : xs) check_x(x);
    Eigen::MatrixXd out(static_cast<Eigen::Index>(draws), static_cast<Eigen::Index>(xs.size()));
    detail::Rng rng(seed);
    if (constant_) {
      const Predictive c = constant_predictive();
      for (Eigen::Index d = 0; d < out.rows(); ++d)
        for (Eigen::Index j = 0; j < out.cols(); ++j)
          out(d, j) = c.mean() + (with_noise ? c.sd() * rng.normal() : 0.0);
      return out;
    }
    const int N = info_->num_params;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(res_.covariance);
    const Eigen::MatrixXd L =
        es.eigenvectors() * es.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal();
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
          // number) there is nothing to draw: fail as predict() does, never return NaN.
          if (!std::isfinite(out(d, j)))
            throw FitFailure("curvecast: " + name() + ": the fitted curve is not finite at x = " +
                             std::to_string(xs[static_cast<std::size_t>(j)]));
        }
      if (with_noise)
        for (Eigen::Index j = 0; j < out.cols(); ++j) out(d, j) += res_.normaliser.sd(res_.sigma) * rng.normal();
    }
    return out;
  }

  AsymptoteEstimate asymptote(double level = 0.9) const override {
    require_fitted();
    if (!(level > 0 && level < 1)) throw InvalidInput("curvecast: level must lie in (0, 1)");
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
      throw InvalidInput("curvecast: prediction x must be finite and > 0, or beyond x[0] - (x[1] - x[0]) when x starts at or below 0 (got " +
                         std::to_string(x) + ")");
  }
  const FamilyInfo* info_;
  detail::GradFn grad_;
  FitOptions opt_;
  Observations obs_;
  FitResult res_;
  bool fitted_ = false, constant_ = false;
};

/// How a multi-family extrapolator combines its families.
enum class Selection {
  BestAicc,       ///< the single family with the lowest AICc
  BestHoldout,    ///< the single family with the lowest error on the held-back tail of the prefix
  AkaikeWeights,  ///< a mixture weighted by exp(-AICc/2)
};

/// Options of MultiFamilyExtrapolator.
struct MultiFamilyOptions {
  /// Candidate families: saturating ones. logpower3 is fitted in scale coordinates (its zero
  /// matters), so this default is not exactly mirror-symmetric in the direction flag; it is
  /// kept because it raised mean ll on all three real curve sets (lc_bench, docs/lcbench.md).
  std::vector<std::string> families{"pow3", "pow4", "mmf4", "wbl4", "exp3", "ilog2", "logpower3"};
  Selection selection = Selection::AkaikeWeights;  ///< how the families are combined
  double holdout_fraction = 0.25;                  ///< tail share held back for BestHoldout, in (0, 0.5]
  FitOptions fit;                                  ///< options of each family's fit

  void validate() const {
    if (families.empty()) throw InvalidOptions("curvecast: MultiFamilyOptions: no families");
    for (const auto& f : families)
      if (!has_family(f)) find_family(f);  // throws UsageError naming the known families
    if (!(holdout_fraction > 0 && holdout_fraction <= 0.5))
      throw InvalidOptions("curvecast: MultiFamilyOptions: holdout_fraction must lie in (0, 0.5]");
    fit.validate();
  }
};

/// One entry of a family ranking.
struct RankedFamily {
  std::string family;
  double score;  ///< AICc, or mean squared error on the held-back tail (raw units)
};

/// Ranks families on `obs` by AICc (holdout = false) or by error on the held-back
/// tail (holdout = true: fit on the first 1 - fraction, score on the rest).
/// Families that cannot be fitted are left out; lowest score first.
inline std::vector<RankedFamily> rank_families(const Observations& obs, const std::vector<std::string>& names,
                                               bool holdout, double fraction = 0.25,
                                               const FitOptions& opt = {}) {
  obs.validate(2);
  std::vector<RankedFamily> out;
  const std::size_t n = obs.size();
  const std::size_t k = holdout ? std::max<std::size_t>(1, n - static_cast<std::size_t>(std::ceil(fraction * n))) : n;
  const Observations head = obs.prefix(k);
  for (const auto& name : names) {
    const FamilyInfo& info = find_family(name);
    try {
      const FitResult r = fit_family(name, head, opt);
      double score = r.aicc;
      if (holdout) {
        if (k == n) continue;
        double se = 0;
        for (std::size_t i = k; i < n; ++i) {
          const double d = r.value(info.eval, obs.x[i]) - obs.y[i];
          se += d * d;
        }
        score = se / static_cast<double>(n - k);
      }
      if (std::isfinite(score)) out.push_back({info.name, score});
    } catch (const Error&) {
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const RankedFamily& a, const RankedFamily& b) { return a.score < b.score; });
  return out;
}

/// Several least-squares families, combined by the chosen Selection.
/// Families that fail to fit are skipped (see failures()); if all fail, fit()
/// throws FitFailure listing each family's reason.
class MultiFamilyExtrapolator : public Extrapolator {
 public:
  explicit MultiFamilyExtrapolator(MultiFamilyOptions options = {}) : opt_(std::move(options)) {
    opt_.validate();
  }
  std::string name() const override {
    switch (opt_.selection) {
      case Selection::BestAicc: return "ls:best-aicc";
      case Selection::BestHoldout: return "ls:best-holdout";
      default: return "ls:akaike";
    }
  }
  void fit(const Observations& obs) override {
    fitted_ = false;
    obs.validate(3);
    obs_ = obs;
    members_.clear();
    weights_.clear();
    failures_.clear();
    std::vector<std::string> names = opt_.families;
    if (opt_.selection == Selection::BestHoldout) {
      const auto ranked = rank_families(obs, names, true, opt_.holdout_fraction, opt_.fit);
      if (!ranked.empty()) names = {ranked.front().family};
    }
    std::vector<double> aicc;
    for (const auto& f : names) {
      try {
        if (static_cast<std::size_t>(find_family(f).num_params) + 1 > obs.size())
          throw InvalidInput("too few points for " + f);
        auto ex = std::make_unique<LeastSquaresExtrapolator>(f, opt_.fit);
        ex->fit(obs);
        aicc.push_back(ex->constant_fallback() ? 0.0 : scaled_aicc(ex->result(), obs));
        members_.push_back(std::move(ex));
      } catch (const Error& e) {
        failures_.push_back(f + ": " + e.what());
      }
    }
    if (members_.empty()) {
      std::string why;
      for (const auto& s : failures_) why += "; " + s;
      throw FitFailure("curvecast: " + name() + ": no family could be fitted" + why);
    }
    double amin = *std::min_element(aicc.begin(), aicc.end());
    weights_.assign(members_.size(), 0.0);
    if (opt_.selection == Selection::AkaikeWeights && std::isfinite(amin)) {
      for (std::size_t i = 0; i < members_.size(); ++i)
        weights_[i] = std::isfinite(aicc[i]) ? std::exp(-0.5 * (aicc[i] - amin)) : 0.0;
    } else {
      const std::size_t b = static_cast<std::size_t>(std::min_element(aicc.begin(), aicc.end()) - aicc.begin());
      weights_[b] = 1.0;
    }
    // Drop members with negligible weight (keeps predictions cheap).
    for (std::size_t i = members_.size(); i-- > 0;)
      if (weights_[i] < 1e-6) {
        members_.erase(members_.begin() + static_cast<std::ptrdiff_t>(i));
        weights_.erase(weights_.begin() + static_cast<std::ptrdiff_t>(i));
      }
    double tot = 0;
    for (double w : weights_) tot += w;
    for (double& w : weights_) w /= tot;
    fitted_ = true;
  }
  bool is_fitted() const override { return fitted_; }
  const Observations& observations() const override {
    require_fitted();
    return obs_;
  }
  /// The families kept, with their weights (summing to 1).
  std::vector<std::pair<std::string, double>> members() const {
    require_fitted();
    std::vector<std::pair<std::string, double>> out;
    for (std::size_t i = 0; i < members_.size(); ++i) out.emplace_back(members_[i]->name(), weights_[i]);
    return out;
  }
  const std::vector<std::string>& failures() const { return failures_; }
  const LeastSquaresExtrapolator& member(std::size_t i) const { return *members_.at(i); }

  Predictive predict(double x) const override {
    require_fitted();
    if (members_.size() == 1) return members_[0]->predict(x);
    std::vector<double> mu, sd;
    for (const auto& m : members_) {
      const Predictive p = m->predict(x);
      mu.push_back(p.mean());
      sd.push_back(p.sd());
    }
    return Predictive(weights_, mu, sd, obs_.higher_is_better);
  }
  Eigen::MatrixXd sample_curves(const std::vector<double>& xs, std::size_t draws, std::uint64_t seed,
                                bool with_noise = false) const override {
    require_fitted();
    // Each draw picks a family by weight, then a curve from that family.
    detail::Rng rng(seed);
    std::vector<std::size_t> count(members_.size(), 0), which(draws);
    for (std::size_t d = 0; d < draws; ++d) {
      double u = rng.uniform(), c = 0;
      std::size_t k = 0;
      for (; k + 1 < members_.size(); ++k) {
        c += weights_[k];
        if (u < c) break;
      }
      which[d] = k;
      ++count[k];
    }
    std::vector<Eigen::MatrixXd> per(members_.size());
    for (std::size_t k = 0; k < members_.size(); ++k)
      per[k] = members_[k]->sample_curves(xs, count[k], detail::derive_seed(seed, k), with_noise);
    Eigen::MatrixXd out(static_cast<Eigen::Index>(draws), static_cast<Eigen::Index>(xs.size()));
    std::vector<Eigen::Index> used(members_.size(), 0);
    for (std::size_t d = 0; d < draws; ++d) out.row(static_cast<Eigen::Index>(d)) = per[which[d]].row(used[which[d]]++);
    return out;
  }
  AsymptoteEstimate asymptote(double level = 0.9) const override {
    require_fitted();
    // Mixture of the members' Gaussian asymptote estimates (those that have one).
    std::vector<double> w, mu, sd;
    const double zq = detail::normal_quantile(0.5 + level / 2);
    for (std::size_t i = 0; i < members_.size(); ++i) {
      const AsymptoteEstimate a = members_[i]->asymptote(level);
      if (!a.available) continue;
      w.push_back(weights_[i]);
      mu.push_back(a.value);
      sd.push_back(std::max((a.upper - a.lower) / (2 * zq), 1e-300));
    }
    AsymptoteEstimate out;
    out.level = level;
    if (w.empty()) {
      out.reason = "no member family has a finite asymptote";
      return out;
    }
    const Predictive mix(w, mu, sd, obs_.higher_is_better);
    out.available = true;
    out.value = mix.mean();
    std::tie(out.lower, out.upper) = mix.interval(level);
    return out;
  }

 private:
  /// A member's AICc up to a constant shared by every family: the raw residuals
  /// are divided by max|y| before squaring. FitResult::aicc squares raw residuals,
  /// which underflow for |y| below ~1e-150 and overflow above ~1e150 (found by
  /// tests/test_reliability.cpp), making every AICc equal or infinite and the
  /// weights meaningless there.
  static double scaled_aicc(const FitResult& r, const Observations& obs) {
    const FamilyInfo& info = find_family(r.family);
    double s = 0;
    for (double v : obs.y) s = std::max(s, std::abs(v));
    if (!(s > 0)) s = 1;
    const std::size_t n = obs.size();
    double sse = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double d = (r.value(info.eval, obs.x[i]) - obs.y[i]) / s;
      sse += d * d;
    }
    const double nd = static_cast<double>(n);
    const double ll = -0.5 * nd * (std::log(2 * detail::kPi * std::max(sse / nd, 1e-300)) + 1);
    const double k = static_cast<double>(r.params.size()) + 1;  // parameters plus the noise level
    return nd - k - 1 > 0 ? 2 * k - 2 * ll + 2 * k * (k + 1) / (nd - k - 1)
                          : std::numeric_limits<double>::infinity();
  }
  MultiFamilyOptions opt_;
  Observations obs_;
  std::vector<std::unique_ptr<LeastSquaresExtrapolator>> members_;
  std::vector<double> weights_;
  std::vector<std::string> failures_;
  bool fitted_ = false;
};

}  // namespace curvecast

#include "detail/extern_templates.hpp"
