#pragma once
// Least-squares fitting of one learning-curve family with Ceres Solver. This is
// the Ceres header: include it (or a header built on it) only where you fit.
//
//   #include <curvecast/family_fit.hpp>
//   curvecast::Observations obs{x, y, /*higher_is_better=*/false};
//   curvecast::FitResult r = curvecast::fit_family<curvecast::families::Mmf4>(obs);
//   curvecast::FitResult s = curvecast::fit_family("pow4", obs);   // by name
//   std::cout << r.cost << " " << r.num_starts_at_best << "/" << r.num_starts << "\n";
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <ceres/ceres.h>
#include <Eigen/Dense>

#include "curve_summary.hpp"
#include "detail/math.hpp"
#include "detail/rng.hpp"
#include "errors.hpp"
#include "observations.hpp"
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

/// Normalised data of one fit: the points, or a long curve's summary
/// (curve_summary.hpp: weighted points plus the scatter they do not carry).
struct FitData {
  Normaliser norm;
  std::vector<double> t, z, sw;
  double count = 0;   // points the data stand for
  double ss_z = 0;    // summary: scatter not carried by the points (fitting units squared)
  double ss_raw = 0;  // the same in raw units
  bool summarised = false;
  double t1 = 1, tn = 1;  // first and last observed t
  Summary summary() const {
    Summary s;
    s.t = t.data();
    s.z = z.data();
    s.n = static_cast<int>(t.size());
    s.t1 = summarised ? t1 : t.front();
    s.tn = summarised ? tn : t.back();
    return s;
  }
};

inline FitData make_fit_data(const Observations& obs, Normalisation mode, const std::vector<double>& weights,
                             const CurveSummary* summary = nullptr) {
  FitData d;
  d.norm = Normaliser::make(obs, mode);
  d.count = static_cast<double>(obs.size());
  if (summary) {
    const std::size_t m = summary->size();
    d.summarised = true;
    d.t.resize(m);
    d.z.resize(m);
    d.sw.resize(m);
    for (std::size_t j = 0; j < m; ++j) {
      d.t[j] = d.norm.t(summary->x[j]);
      d.z[j] = d.norm.z(summary->y[j]);
      d.sw[j] = std::sqrt(summary->w[j]);
    }
    d.ss_raw = summary->ss_total;
    d.ss_z = summary->ss_total / (d.norm.y_scale * d.norm.y_scale);
    d.t1 = d.norm.t(obs.x.front());
    d.tn = d.norm.t(obs.x.back());
    return d;
  }
  const std::size_t n = obs.size();
  d.t.resize(n);
  d.z.resize(n);
  d.sw.assign(n, 1.0);
  if (!weights.empty() && weights.size() != n)
    throw InvalidOptions("curvecast: FitOptions: weights has " + std::to_string(weights.size()) + " entries for " +
                         std::to_string(n) + " points");
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
    for (int i = 0; i < N; ++i) mid[i] = (lo[i] > 0) ? std::sqrt(lo[i] * hi[i]) : std::min(std::max(0.5, lo[i]), hi[i]);
    starts.push_back(clamp_in(mid));
  }
  if (static_cast<int>(starts.size()) > num_starts) starts.resize(static_cast<std::size_t>(num_starts));
  Rng rng(derive_seed(seed, 0x11));
  const auto base = starts.front();
  while (static_cast<int>(starts.size()) < num_starts) {
    std::array<double, N> p = base;
    for (int i = 0; i < N; ++i)
      p[i] =
          lo[i] > 0 ? p[i] * std::exp(0.7 * rng.normal()) : p[i] + 0.5 * rng.normal() * std::max(std::abs(p[i]), 0.1);
    starts.push_back(clamp_in(p));
  }
  return starts;
}

}  // namespace detail

/// Fits family F to the observations with multi-start Levenberg-Marquardt
/// (Ceres, box-bounded). Throws InvalidInput for unusable data (fewer than
/// kNumParams + 1 points among them), InvalidOptions for bad options, and
/// FitFailure when no start reaches a finite optimum.
///
/// Curves of more than opt.max_points points (squared loss, no weights) are
/// fitted to their summary (curve_summary.hpp): `summary`, when given (it must
/// be summarise(obs, opt.max_points)), else computed here. Curves of at most
/// max_points points are fitted point by point.
template <class F>
FitResult fit_family(const Observations& obs, const FitOptions& opt = {}, const CurveSummary* summary = nullptr) {
  constexpr int N = F::kNumParams;
  using Clock = std::chrono::steady_clock;
  const auto t_start = Clock::now();
  opt.validate();
  obs.validate(N + 1);
  std::optional<CurveSummary> own;
  if (opt.summarises(obs.size()) &&
      !(summary && summary->count == obs.size() && summary->max_points == opt.max_points)) {
    own = summarise(obs, opt.max_points);
    summary = own ? &*own : nullptr;
  }
  if (!opt.summarises(obs.size())) summary = nullptr;
  const detail::FitData data =
      detail::make_fit_data(obs, opt.normalisation.value_or(F::kNormalisation), opt.weights, summary);
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
    problem.AddResidualBlock(new ceres::AutoDiffCostFunction<detail::CurveResidual<F>, ceres::DYNAMIC, N>(functor, n),
                             nullptr, x.data());
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
  res.num_points = static_cast<int>(obs.size());
  double best = std::numeric_limits<double>::infinity();
  std::array<double, N> best_p{};
  std::vector<double> costs;
  std::string best_status, last_error = "no start evaluated";
  for (const auto& st : starts) {
    if (opt.time_budget_seconds) {
      const double el = std::chrono::duration<double>(Clock::now() - t_start).count();
      if (el > *opt.time_budget_seconds && !costs.empty()) break;
      so.max_solver_time_in_seconds = std::max(1e-3, *opt.time_budget_seconds - el);
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
    throw FitFailure(std::string("curvecast: ") + F::kName + ": no start reached a finite optimum (" + last_error +
                     ")");
  for (double c : costs)
    if (c <= best + opt.best_cost_rtol * std::max(best, 1e-300) + 1e-300) ++res.num_starts_at_best;
  res.params.assign(best_p.begin(), best_p.end());
  res.cost = best;
  res.status = best_status;

  // Noise, information criteria (raw units), covariance from the Jacobian.
  // (A summary's points carry weights w = sw^2 that sum to the point count,
  // plus the scatter ss they do not carry: both enter the noise estimate.)
  Eigen::Matrix<double, Eigen::Dynamic, N> Jm(n, N);
  double sse_w = 0, sse_raw = 0, wsum = 0;
  for (int i = 0; i < n; ++i) {
    double g[N];
    const double f = detail::value_and_gradient<F>(best_p.data(), s.t[i], g);
    const double r = f - s.z[i];
    sse_w += data.sw[i] * data.sw[i] * r * r;
    wsum += data.sw[i] * data.sw[i];
    const double rr = data.norm.y(f) - (data.summarised ? data.norm.y(s.z[i]) : obs.y[i]);
    sse_raw += data.summarised ? data.sw[i] * data.sw[i] * rr * rr : rr * rr;
    for (int k = 0; k < N; ++k) Jm(i, k) = data.sw[i] * g[k];
  }
  if (data.summarised) {
    sse_w += data.ss_z;
    sse_raw += data.ss_raw;
  }
  const double dof = std::max(1.0, wsum - N);
  res.sigma = std::max(std::sqrt(sse_w / dof), 1e-6);
  res.sse_raw = sse_raw;
  const int nc = res.num_points;
  const double s2_mle = std::max(sse_raw / nc, 1e-300);
  res.log_likelihood = -0.5 * nc * (std::log(2 * detail::kPi * s2_mle) + 1);
  const double k = N + 1;  // parameters plus the noise level
  res.aic = 2 * k - 2 * res.log_likelihood;
  res.aicc = nc - k - 1 > 0 ? res.aic + 2 * k * (k + 1) / (nc - k - 1) : std::numeric_limits<double>::infinity();
  res.bic = k * std::log(static_cast<double>(nc)) - 2 * res.log_likelihood;
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

/// fit_family for a family chosen at run time by name (anything convertible to
/// std::string). It dispatches to all 21 fitters; it is a template only so that a
/// program that never calls it does not compile them.
template <class Name, class = std::enable_if_t<std::is_convertible<const Name&, std::string>::value>>
FitResult fit_family(const Name& name, const Observations& obs, const FitOptions& opt = {},
                     const CurveSummary* summary = nullptr) {
  return with_family(name, [&](auto f) { return fit_family<decltype(f)>(obs, opt, summary); });
}

namespace detail {
/// Value and gradient of a runtime-chosen family.
using GradFn = double (*)(const double* p, double t, double* grad);
/// (A template for the same reason as fit_family by name.)
template <class Name = std::string>
GradFn gradient_function(const Name& name) {
  return with_family(name, [](auto f) -> GradFn { return &value_and_gradient<decltype(f)>; });
}
}  // namespace detail

}  // namespace curvecast

#include "detail/extern_templates.hpp"
