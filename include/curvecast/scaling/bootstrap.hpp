#pragma once
// Non-parametric bootstrap of a scaling-law fit (seeded, threaded, deterministic).
//
//   #include <curvecast/scaling/bootstrap.hpp>
//   namespace cs = curvecast::scaling;
//   auto fit = cs::fit_law<cs::Chinchilla>(data);
//   cs::BootstrapOptions bo;                       // 4000 resamples, seed 0
//   auto boot = cs::bootstrap_law<cs::Chinchilla>(data, fit, {}, bo);
//   auto A = cs::summarise(boot.derive([](const double* p) { return std::exp(p[0]); }),
//                          std::exp(fit.params[0]), 0.8);   // A with SE and 80% interval
//
// Resample r draws n row indices with replacement from its own stream
// detail::derive_seed(seed, r), so the draws, and every refit, are the same
// whatever the thread count.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "../detail/rng.hpp"
#include "fit.hpp"
#include "summary.hpp"

namespace curvecast::scaling {

/// Options of bootstrap_law.
struct BootstrapOptions {
  int num_resamples = 4000;                 ///< bootstrap resamples (>= 2)
  std::uint64_t seed = 0;                   ///< seed of the resampling (stream r for resample r)
  std::optional<int> threads;               ///< worker threads (>= 1); default: std::thread::hardware_concurrency()
  std::vector<std::vector<double>> starts;  ///< starts of every refit; empty: the full-data optimum only

  void validate(int num_params) const {
    if (num_resamples < 2) throw InvalidOptions("curvecast: BootstrapOptions: num_resamples must be >= 2");
    if (threads && *threads < 1) throw InvalidOptions("curvecast: BootstrapOptions: threads must be >= 1");
    for (const auto& s : starts)
      if (static_cast<int>(s.size()) != num_params)
        throw InvalidOptions("curvecast: BootstrapOptions: every start needs one value per parameter");
  }
};

/// Refitted parameters of every resample.
struct BootstrapResult {
  std::vector<std::string> param_names;
  Eigen::MatrixXd params;          ///< row r: the optimum of resample r (NaN row when its refit failed)
  std::vector<double> objectives;  ///< objective of each refit
  int num_failed = 0;              ///< refits with no finite optimum (excluded from summaries)
  double seconds = 0;              ///< wall time

  /// f(row) for every successful resample.
  template <class F>
  std::vector<double> derive(F&& f) const {
    std::vector<double> out;
    out.reserve(static_cast<std::size_t>(params.rows()));
    std::vector<double> row(static_cast<std::size_t>(params.cols()));
    for (Eigen::Index r = 0; r < params.rows(); ++r) {
      if (!std::isfinite(objectives[static_cast<std::size_t>(r)])) continue;
      for (Eigen::Index k = 0; k < params.cols(); ++k) row[static_cast<std::size_t>(k)] = params(r, k);
      out.push_back(f(row.data()));
    }
    return out;
  }
  /// Draws of parameter k.
  std::vector<double> column(int k) const {
    return derive([k](const double* p) { return p[k]; });
  }
};

/// Bootstraps law L: refits every resample of the data from `opts.starts` (default: the
/// full-data optimum `full`) with the loss, space and tolerances of `fit_opt`.
template <class L>
BootstrapResult bootstrap_law(const ScalingData& data, const ScalingFit& full, ScalingFitOptions fit_opt = {},
                              const BootstrapOptions& opts = {}) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  constexpr int P = L::kNumParams;
  opts.validate(P);
  if (static_cast<int>(full.params.size()) != P)
    throw InvalidInput("curvecast: bootstrap_law: the full fit has the wrong number of parameters");
  fit_opt.starts = opts.starts.empty() ? std::vector<std::vector<double>>{full.params} : opts.starts;
  fit_opt.random_starts = 0;
  fit_opt.validate(P);
  const Space space = fit_opt.space.value_or(L::kDefaultSpace);
  data.validate(space, static_cast<std::size_t>(P));
  const bool newton = detail::use_newton<L>(fit_opt, space);
  const int R = opts.num_resamples;
  const std::size_t n = data.size();

  BootstrapResult res;
  for (const char* nm : L::kParamNames) res.param_names.emplace_back(nm);
  res.params.resize(R, P);
  res.objectives.assign(static_cast<std::size_t>(R), std::numeric_limits<double>::quiet_NaN());
  std::vector<double> rows(static_cast<std::size_t>(R) * P, std::numeric_limits<double>::quiet_NaN());

  int threads = opts.threads.value_or(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  threads = std::max(1, std::min(threads, R));
  std::vector<std::unique_ptr<detail::LawSolver<L>>> solvers(threads);
  std::vector<std::vector<std::size_t>> idx(threads, std::vector<std::size_t>(n));
  std::vector<ScalingData> buf(threads);
  detail::parallel_for(R, threads, [&](int w, int r) {
    curvecast::detail::Rng rng(curvecast::detail::derive_seed(opts.seed, static_cast<std::uint64_t>(r)));
    for (auto& i : idx[w]) i = static_cast<std::size_t>(rng.below(n));
    buf[w] = data.subset(idx[w]);
    if (!solvers[w]) solvers[w] = std::make_unique<detail::LawSolver<L>>(fit_opt, space, newton);
    solvers[w]->set_data(buf[w]);
    double best = std::numeric_limits<double>::infinity();
    double p[P], bp[P];
    for (const auto& st : fit_opt.starts) {
      const double o = solvers[w]->solve(st.data(), p);
      if (std::isfinite(o) && o < best) {
        best = o;
        std::copy(p, p + P, bp);
      }
    }
    if (std::isfinite(best)) {
      res.objectives[static_cast<std::size_t>(r)] = best;
      std::copy(bp, bp + P, rows.begin() + static_cast<std::ptrdiff_t>(r) * P);
    }
  });
  for (int r = 0; r < R; ++r) {
    if (!std::isfinite(res.objectives[static_cast<std::size_t>(r)])) ++res.num_failed;
    for (int k = 0; k < P; ++k) res.params(r, k) = rows[static_cast<std::size_t>(r) * P + k];
  }
  if (res.num_failed == R) throw FitFailure("curvecast: bootstrap_law: no resample could be refitted");
  res.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return res;
}

}  // namespace curvecast::scaling
