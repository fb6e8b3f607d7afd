#pragma once
// Multi-start robust fitting of scaling laws with Ceres Solver (opt-in Ceres header).
//
//   #include <curvecast/scaling/fit.hpp>
//   namespace cs = curvecast::scaling;
//   cs::ScalingData d = cs::load_chinchilla(CURVECAST_DATA_DIR);
//   cs::ScalingFitOptions o;               // Huber delta 1e-3, log space, the law's default starts
//   cs::ScalingFit f = cs::fit_law<cs::Chinchilla>(d, o);   // 4500 starts, threaded
//   std::cout << f.objective << " " << f.num_starts_at_best << "/" << f.num_starts << "\n";
//
// The objective is the SUM over points of rho(r_i), r_i = g(prediction_i) - g(y_i)
// in the law's space g (log for Chinchilla): rho = huber_delta(r) = r^2/2 for
// |r| <= delta, delta (|r| - delta/2) otherwise (the Huber of Ceres' HuberLoss
// applied per point), or r^2/2 for the squared loss. Ceres' LossFunction acts on a
// whole residual block, so the per-point loss is built into the residuals instead:
// rtilde_i = sign(r_i) sqrt(2 rho(r_i)), whose Ceres cost 1/2 sum rtilde_i^2 is the objective.
// Each start is a Levenberg-Marquardt solve with tight tolerances; starts run on
// std::threads and are reduced in start order, so results do not depend on the
// thread count.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <ceres/ceres.h>

#include "../detail/rng.hpp"
#include "../errors.hpp"
#include "../fit_result.hpp"
#include "detail/newton.hpp"
#include "detail/parallel.hpp"
#include "data.hpp"
#include "laws.hpp"

namespace curvecast::scaling {

/// How each start is solved.
enum class Method {
  // clang-format off
  Auto,    ///< Newton when the law has analytic Hessians (Chinchilla), no bounds and a Huber/squared loss in log space; else CeresLM
  CeresLM, ///< Ceres' Levenberg-Marquardt on the robustified residuals (any law, bounds allowed)
  Newton,  ///< damped Newton on the exact Hessian (laws with space_derivs only)
  // clang-format on
};

/// Options of a multi-start scaling-law fit.
struct ScalingFitOptions {
  // clang-format off
  Method method = Method::Auto;              ///< solver of each start (see Method)
  Loss loss = Loss::Huber;                   ///< Huber (default, as the Chinchilla replication), Squared or Cauchy
  double huber_delta = 1e-3;                 ///< delta of the Huber (or scale of the Cauchy) loss, in the law's space (> 0)
  std::optional<Space> space;                ///< residual space; default: the law's kDefaultSpace
  std::vector<std::vector<double>> starts;   ///< explicit start points; empty: the law's default_starts()
  int random_starts = 0;                     ///< extra starts drawn uniformly in [random_lo, random_hi] (>= 0)
  std::vector<double> random_lo, random_hi;  ///< box of the random starts (needed when random_starts > 0)
  std::uint64_t seed = 0;                    ///< seed of the random starts
  std::vector<double> lower, upper;          ///< optional parameter bounds; empty: unbounded
  int max_iterations = 2000;                 ///< Levenberg-Marquardt iterations per start (>= 1)
  double function_tolerance = 1e-15;         ///< Ceres: relative cost change that ends a start (> 0)
  double gradient_tolerance = 1e-16;         ///< Ceres: max-norm of the projected gradient that ends a start (> 0)
  double parameter_tolerance = 1e-14;        ///< Ceres: relative step size that ends a start (> 0)
  double best_rtol = 1e-6;                   ///< a start "reached the best" when its objective <= best (1 + best_rtol)
  std::optional<int> threads;                ///< worker threads over starts (>= 1); default: std::thread::hardware_concurrency()
  // clang-format on

  void validate(int num_params) const {
    auto bad = [](const std::string& w) { throw InvalidOptions("curvecast: ScalingFitOptions: " + w); };
    if (!(huber_delta > 0) || !std::isfinite(huber_delta)) bad("huber_delta must be finite and > 0");
    if (random_starts < 0) bad("random_starts must be >= 0");
    if (random_starts > 0 &&
        (static_cast<int>(random_lo.size()) != num_params || static_cast<int>(random_hi.size()) != num_params))
      bad("random_lo and random_hi need one value per parameter when random_starts > 0");
    for (std::size_t i = 0; i < random_lo.size() && i < random_hi.size(); ++i)
      if (!(random_lo[i] <= random_hi[i]) || !std::isfinite(random_lo[i]) || !std::isfinite(random_hi[i]))
        bad("random_lo must be <= random_hi, both finite");
    for (const auto& s : starts) {
      if (static_cast<int>(s.size()) != num_params) bad("every start needs one value per parameter");
      for (double v : s)
        if (!std::isfinite(v)) bad("start values must be finite");
    }
    if (!lower.empty() && static_cast<int>(lower.size()) != num_params) bad("lower needs one value per parameter");
    if (!upper.empty() && static_cast<int>(upper.size()) != num_params) bad("upper needs one value per parameter");
    for (std::size_t i = 0; i < lower.size() && i < upper.size(); ++i)
      if (!(lower[i] < upper[i])) bad("lower must be < upper");
    if (max_iterations < 1) bad("max_iterations must be >= 1");
    if (!(function_tolerance > 0) || !(gradient_tolerance > 0) || !(parameter_tolerance > 0))
      bad("tolerances must be > 0");
    if (!(best_rtol >= 0) || !std::isfinite(best_rtol)) bad("best_rtol must be finite and >= 0");
    if (threads && *threads < 1) bad("threads must be >= 1");
  }
};

/// The outcome of a multi-start fit.
struct ScalingFit {
  std::string law;
  std::vector<std::string> param_names;
  std::vector<double> params;  ///< best parameters
  Space space = Space::Raw;    ///< residual space used
  Loss loss = Loss::Huber;
  double huber_delta = 0;
  double objective = 0;     ///< sum of huber_delta(r_i) (Huber), of r_i^2 / 2 (Squared), at the best
  double rms_residual = 0;  ///< sqrt(mean r_i^2) at the best, in the law's space
  int num_points = 0;
  int num_starts = 0;                    ///< starts run
  int num_converged_starts = 0;          ///< starts that ended at a finite optimum
  int num_starts_at_best = 0;            ///< starts whose objective is within best_rtol of the best
  int best_start = -1;                   ///< index of the (first) start that gave the best
  std::vector<double> start_objectives;  ///< objective reached from each start (NaN when it failed)
  std::string status;                    ///< Ceres' termination message of the best start
  double seconds = 0;                    ///< wall time of the fit

  double param(const std::string& name) const {
    for (std::size_t i = 0; i < param_names.size(); ++i)
      if (param_names[i] == name) return params[i];
    throw UsageError("curvecast: ScalingFit: no parameter named '" + name + "'");
  }
};

namespace detail {

/// sign(r) sqrt(2 rho(r)): squared and halved, it gives rho(r) exactly. Ceres applies a
/// LossFunction to a whole residual block's squared norm, so a per-point robust loss inside
/// one block of n residuals is written this way (one block keeps the per-solve overhead low).
template <class T>
T robustify(Loss loss, double delta, const T& r) {
  using std::abs;
  using std::log;
  using std::sqrt;
  if (loss == Loss::Squared) return r;
  const T a = abs(r);
  if (loss == Loss::Huber) {
    if (!(a > delta)) return r;
    const T v = sqrt(2.0 * delta * a - delta * delta);
    return r < 0.0 ? T(-v) : v;
  }
  // Cauchy: rho = delta^2/2 log(1 + r^2/delta^2)
  if (!(a > 1e-6 * delta)) return r;
  const T v = delta * sqrt(log(1.0 + (r * r) / (delta * delta)));
  return r < 0.0 ? T(-v) : v;
}

template <class L>
struct LawResidual {
  const std::vector<double>* x;
  const std::vector<double>* gy;
  Space space;
  Loss loss = Loss::Squared;
  double delta = 1;
  template <class T>
  bool operator()(const T* p, T* r) const {
    using std::isfinite;
    const int n = static_cast<int>(gy->size());
    const double* xr = x->data();
    for (int i = 0; i < n; ++i) {
      r[i] =
          robustify(loss, delta,
                    T(predict_in_space<L, T>(space, p, xr + static_cast<std::size_t>(i) * L::kNumInputs) - (*gy)[i]));
      if (!isfinite(r[i])) return false;
    }
    return true;
  }
};

/// One reusable Ceres problem for law L (one per worker thread).
template <class L>
class LawSolver {
 public:
  static constexpr int P = L::kNumParams;
  LawSolver(const ScalingFitOptions& o, Space space, bool newton) : space_(space), newton_(newton) {
    ceres::Problem::Options po;
    po.enable_fast_removal = false;
    po.disable_all_safety_checks = true;
    problem_ = std::make_unique<ceres::Problem>(po);
    so_.linear_solver_type = ceres::DENSE_QR;
    so_.trust_region_strategy_type = ceres::LEVENBERG_MARQUARDT;
    so_.max_num_iterations = o.max_iterations;
    so_.function_tolerance = o.function_tolerance;
    so_.gradient_tolerance = o.gradient_tolerance;
    so_.parameter_tolerance = o.parameter_tolerance;
    so_.logging_type = ceres::SILENT;
    so_.minimizer_progress_to_stdout = false;
    so_.num_threads = 1;
    opt_ = &o;
  }
  /// Sets the data (copied into this solver's buffers); n must not change between calls.
  void set_data(const ScalingData& d) {
    x_ = d.x;
    gy_.resize(d.size());
    for (std::size_t i = 0; i < d.size(); ++i) gy_[i] = to_space(space_, d.y[i]);
    if (newton_) {
      n_ = static_cast<int>(d.size());
      chin_.reset();
      return;
    }
    if (!built_)
      build(static_cast<int>(d.size()));
    else if (static_cast<int>(d.size()) != n_)
      throw UsageError("curvecast: LawSolver: point count changed");
  }
  /// Writes the optimum from `start` into `out`; returns the objective (NaN on failure).
  double solve(const double* start, double* out, std::string* message = nullptr) {
    for (int i = 0; i < P; ++i) p_[i] = start[i];
    if (!opt_->lower.empty())
      for (int i = 0; i < P; ++i) p_[i] = std::max(p_[i], opt_->lower[i]);
    if (!opt_->upper.empty())
      for (int i = 0; i < P; ++i) p_[i] = std::min(p_[i], opt_->upper[i]);
    if constexpr (has_space_derivs<L>::value) {
      if (newton_) {
        NewtonSettings st;
        st.max_iterations = opt_->max_iterations;
        st.function_tolerance = opt_->function_tolerance;
        st.gradient_tolerance = opt_->gradient_tolerance;
        st.parameter_tolerance = opt_->parameter_tolerance;
        NewtonOutcome o;
        if constexpr (std::is_same_v<L, Chinchilla>) {
          if (!chin_) chin_ = std::make_unique<ChinchillaSum>(x_.data(), gy_.data(), n_, opt_->loss, opt_->huber_delta);
          o = newton_minimise<P>(*chin_, p_, st);
        } else {
          RobustSum<L> obj{x_.data(), gy_.data(), n_, opt_->loss, opt_->huber_delta};
          o = newton_minimise<P>(obj, p_, st);
        }
        if (message) *message = std::string("Newton: ") + o.reason;
        bool ok = std::isfinite(o.objective);
        for (int i = 0; i < P; ++i) ok = ok && std::isfinite(p_[i]);
        for (int i = 0; i < P; ++i) out[i] = p_[i];
        return ok ? o.objective : std::numeric_limits<double>::quiet_NaN();
      }
    }
    ceres::Solver::Summary sum;
    ceres::Solve(so_, problem_.get(), &sum);
    if (message) *message = sum.message;
    bool ok = sum.termination_type != ceres::FAILURE && sum.termination_type != ceres::USER_FAILURE &&
              std::isfinite(sum.final_cost);
    for (int i = 0; i < P; ++i) ok = ok && std::isfinite(p_[i]);
    for (int i = 0; i < P; ++i) out[i] = p_[i];
    return ok ? sum.final_cost : std::numeric_limits<double>::quiet_NaN();
  }

 private:
  void build(int n) {
    n_ = n;
    auto* cost = new ceres::AutoDiffCostFunction<LawResidual<L>, ceres::DYNAMIC, P>(
        new LawResidual<L>{&x_, &gy_, space_, opt_->loss, opt_->huber_delta}, n);
    problem_->AddResidualBlock(cost, nullptr, p_);
    for (int i = 0; i < P; ++i) {
      if (!opt_->lower.empty()) problem_->SetParameterLowerBound(p_, i, opt_->lower[i]);
      if (!opt_->upper.empty()) problem_->SetParameterUpperBound(p_, i, opt_->upper[i]);
    }
    built_ = true;
  }
  Space space_;
  bool newton_ = false;
  std::unique_ptr<ChinchillaSum> chin_;
  const ScalingFitOptions* opt_;
  std::unique_ptr<ceres::Problem> problem_;
  ceres::Solver::Options so_;
  std::vector<double> x_, gy_;
  double p_[P]{};
  int n_ = 0;
  bool built_ = false;
};

inline double robust_rho(Loss loss, double delta, double r) {
  const double a = std::abs(r);
  if (loss == Loss::Huber) return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
  if (loss == Loss::Cauchy) return 0.5 * delta * delta * std::log1p(r * r / (delta * delta));
  return 0.5 * r * r;
}

/// Whether fit_law solves each start with the Newton fast path.
template <class L>
bool use_newton(const ScalingFitOptions& o, Space space) {
  const bool possible = has_space_derivs<L>::value && space == Space::Log && o.lower.empty() && o.upper.empty() &&
                        (o.loss == Loss::Huber || o.loss == Loss::Squared);
  if (o.method == Method::Newton && !possible)
    throw InvalidOptions(std::string("curvecast: ScalingFitOptions: method Newton needs a law with analytic "
                                     "Hessians (") +
                         L::kName + " has none), log space, no bounds, Huber or squared loss");
  return o.method != Method::CeresLM && possible;
}

template <class L>
std::vector<std::vector<double>> all_starts(const ScalingFitOptions& o) {
  std::vector<std::vector<double>> starts = o.starts.empty() ? L::default_starts() : o.starts;
  curvecast::detail::Rng rng(curvecast::detail::derive_seed(o.seed, 0x5ca1e));
  for (int k = 0; k < o.random_starts; ++k) {
    std::vector<double> s(L::kNumParams);
    for (int i = 0; i < L::kNumParams; ++i) s[i] = rng.uniform(o.random_lo[i], o.random_hi[i]);
    starts.push_back(std::move(s));
  }
  return starts;
}

}  // namespace detail

/// The objective (see the header comment) of law L at parameters p.
template <class L>
double law_objective(const ScalingData& d, const double* p, Loss loss = Loss::Huber, double delta = 1e-3,
                     std::optional<Space> space = std::nullopt) {
  const Space sp = space.value_or(L::kDefaultSpace);
  double s = 0;
  for (std::size_t i = 0; i < d.size(); ++i)
    s += detail::robust_rho(loss, delta, predict_in_space<L, double>(sp, p, d.row(i)) - to_space(sp, d.y[i]));
  return s;
}

/// Fits law L to the data from every start. Throws InvalidInput (bad data, fewer points
/// than parameters), InvalidOptions, or FitFailure (no start reached a finite optimum).
template <class L>
ScalingFit fit_law(const ScalingData& data, const ScalingFitOptions& opt = {}) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  constexpr int P = L::kNumParams;
  opt.validate(P);
  if (data.num_inputs != L::kNumInputs)
    throw InvalidInput(std::string("curvecast: ") + L::kName + " takes " + std::to_string(L::kNumInputs) +
                       " inputs per point, the data have " + std::to_string(data.num_inputs));
  const Space space = opt.space.value_or(L::kDefaultSpace);
  data.validate(space, static_cast<std::size_t>(P));
  const auto starts = detail::all_starts<L>(opt);
  if (starts.empty()) throw InvalidOptions("curvecast: ScalingFitOptions: no start points");
  const int ns = static_cast<int>(starts.size());

  std::vector<double> obj(ns), params(static_cast<std::size_t>(ns) * P);
  std::vector<std::string> msgs(ns);
  int threads = opt.threads.value_or(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  threads = std::max(1, std::min(threads, ns));
  const bool newton = detail::use_newton<L>(opt, space);
  std::vector<std::unique_ptr<detail::LawSolver<L>>> solvers(threads);
  detail::parallel_for(ns, threads, [&](int w, int i) {
    if (!solvers[w]) {
      solvers[w] = std::make_unique<detail::LawSolver<L>>(opt, space, newton);
      solvers[w]->set_data(data);
    }
    obj[i] = solvers[w]->solve(starts[i].data(), &params[static_cast<std::size_t>(i) * P], &msgs[i]);
  });

  ScalingFit f;
  f.law = L::kName;
  for (const char* n : L::kParamNames) f.param_names.emplace_back(n);
  f.space = space;
  f.loss = opt.loss;
  f.huber_delta = opt.huber_delta;
  f.num_points = static_cast<int>(data.size());
  f.num_starts = ns;
  f.start_objectives = obj;
  double best = std::numeric_limits<double>::infinity();
  for (int i = 0; i < ns; ++i) {  // reduce in start order: ties go to the earliest start
    if (!std::isfinite(obj[i])) continue;
    ++f.num_converged_starts;
    if (obj[i] < best) best = obj[i], f.best_start = i;
  }
  if (f.best_start < 0)
    throw FitFailure(std::string("curvecast: ") + L::kName + ": no start reached a finite optimum (" + msgs.back() +
                     ")");
  for (int i = 0; i < ns; ++i)
    if (std::isfinite(obj[i]) && obj[i] <= best * (1 + opt.best_rtol) + 1e-300) ++f.num_starts_at_best;
  f.params.assign(params.begin() + static_cast<std::ptrdiff_t>(f.best_start) * P,
                  params.begin() + static_cast<std::ptrdiff_t>(f.best_start + 1) * P);
  f.status = msgs[f.best_start];
  f.objective = law_objective<L>(data, f.params.data(), opt.loss, opt.huber_delta, space);
  double ss = 0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const double r = predict_in_space<L, double>(space, f.params.data(), data.row(i)) - to_space(space, data.y[i]);
    ss += r * r;
  }
  f.rms_residual = std::sqrt(ss / static_cast<double>(data.size()));
  f.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return f;
}

}  // namespace curvecast::scaling
