#pragma once
// Affine-invariant ensemble sampler (Goodman & Weare 2010, "stretch move", as
// popularised by emcee): the walkers are split in two halves; each walker of one
// half moves along the line through a random walker of the other half. Because a
// half only reads the other half, its walkers can be updated in any order or in
// parallel, and each walker draws from its own random stream
// (detail::derive_seed(seed, walker)), so the draws are identical bit for bit
// for any thread count.
//
//   auto logp = [](const double* th) { return -0.5 * (th[0] * th[0] + th[1] * th[1]); };
//   Eigen::MatrixXd start = ...;                    // walkers x dim, distinct points
//   curvecast::SamplerOptions o;  o.steps = 2000;  o.burn_in = 200;  o.seed = 42;
//   curvecast::EnsembleChain ch = curvecast::run_ensemble(logp, start, o);
//   double x = ch.at(step, walker, 0);              // kept draws
//   double acc = ch.acceptance_fraction();
//
// Time budget: with o.time_budget_seconds set the clock is read before every
// burn-in step and after every kept step. Once the budget is spent, a burn-in
// still running ends there and the run keeps min(steps, budget_min_steps)
// steps (or the steps already kept, if more), then returns with
// ch.budget_exhausted = true and ch.steps, ch.burn_in the steps actually kept
// and burnt. Such a result depends on the machine's speed and load (it is not
// reproducible); a run the budget did not cut is identical bit for bit to one
// without a budget.
//
// The log density is a template parameter (no std::function in the hot loop):
// any callable double(const double* theta) returning -inf outside the support,
// or double(const double* theta, double* blob) that also stores one derived
// quantity (a "blob", as in emcee: e.g. a prediction computed on the way),
// which is then kept next to each draw at no extra cost.
// With threads > 1 it must be safe to call concurrently.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "detail/rng.hpp"
#include "diagnostics.hpp"
#include "errors.hpp"

namespace curvecast {

/// Options of run_ensemble.
struct SamplerOptions {
  // clang-format off
  int steps = 1000;          ///< kept steps per walker (>= 1)
  int burn_in = 200;         ///< steps run and discarded before the kept ones (>= 0)
  int thin = 1;              ///< keep every thin-th step (>= 1)
  double stretch = 2.0;      ///< stretch-move scale a (> 1); proposals z ~ g(z) on [1/a, a]
  std::uint64_t seed = 0;    ///< seed; walker k draws from derive_seed(seed, k)
  int threads = 1;           ///< threads updating a half-ensemble (>= 1); results do not depend on it
  double kde_fraction = 0;   ///< probability of a kernel-density independence move instead of a stretch move ([0, 1])
  std::optional<double> kde_bandwidth;        ///< kernel scale relative to the other half's covariance (> 0); unset: Scott's rule m^(-1/(d+4))
  std::optional<double> time_budget_seconds;  ///< wall-time budget of the run (> 0); unset: none (see the header comment)
  int budget_min_steps = 4;        ///< kept steps still taken once the budget is spent (>= 1; capped at steps)
  // clang-format on
  void validate() const {
    auto bad = [](const char* w) { throw InvalidOptions(std::string("curvecast: SamplerOptions: ") + w); };
    if (steps < 1) bad("steps must be >= 1");
    if (burn_in < 0) bad("burn_in must be >= 0");
    if (thin < 1) bad("thin must be >= 1");
    if (!(stretch > 1) || !std::isfinite(stretch)) bad("stretch must be finite and > 1");
    if (threads < 1) bad("threads must be >= 1");
    if (!(kde_fraction >= 0 && kde_fraction <= 1)) bad("kde_fraction must lie in [0, 1]");
    if (kde_bandwidth && (!(*kde_bandwidth > 0) || !std::isfinite(*kde_bandwidth)))
      bad("kde_bandwidth must be finite and > 0 (or unset)");
    if (time_budget_seconds && (!(*time_budget_seconds > 0) || !std::isfinite(*time_budget_seconds)))
      bad("time_budget_seconds must be finite and > 0 (or unset for no budget)");
    if (budget_min_steps < 1) bad("budget_min_steps must be >= 1");
  }
};

/// The kept draws of one run: position (step s, walker k, coordinate d).
struct EnsembleChain {
  int dim = 0, walkers = 0, steps = 0;  ///< steps: kept steps actually stored
  int burn_in = 0;                      ///< burn-in steps actually run (fewer than asked when the budget cut it)
  bool budget_exhausted = false;        ///< the time budget ended the run early (burn-in and/or kept steps)
  std::vector<double> draws;            ///< [(s * walkers + k) * dim + d]
  std::vector<double> log_prob;         ///< [s * walkers + k]
  std::vector<double> blobs;            ///< [s * walkers + k] when the log density stores a blob, else empty
  Eigen::MatrixXd final_positions;      ///< walkers x dim after the last step
  std::vector<double> final_log_prob;   ///< walkers
  std::vector<long> accepted;           ///< accepted moves per walker (burn-in included)
  long proposed_per_walker = 0;
  long evaluations = 0;  ///< log-density calls (start included)

  double at(int s, int k, int d) const { return draws[(static_cast<std::size_t>(s) * walkers + k) * dim + d]; }
  const double* position(int s, int k) const { return &draws[(static_cast<std::size_t>(s) * walkers + k) * dim]; }
  double acceptance_fraction() const {
    if (proposed_per_walker == 0) return 0;
    double a = 0;
    for (long v : accepted) a += static_cast<double>(v);
    return a / (static_cast<double>(proposed_per_walker) * walkers);
  }
  /// Chains of a scalar function g(const double* theta) of the kept draws:
  /// walkers x steps (rows = chains), ready for the diagnostics.
  template <class G>
  Eigen::MatrixXd chains_of(G&& g) const {
    Eigen::MatrixXd c(walkers, steps);
    for (int s = 0; s < steps; ++s)
      for (int k = 0; k < walkers; ++k) c(k, s) = g(position(s, k));
    return c;
  }
  /// Chains of the blobs (walkers x steps); requires a blob-storing log density.
  Eigen::MatrixXd blob_chains() const {
    if (blobs.empty()) throw UsageError("curvecast: this run stored no blobs");
    Eigen::MatrixXd c(walkers, steps);
    for (int s = 0; s < steps; ++s)
      for (int k = 0; k < walkers; ++k) c(k, s) = blobs[static_cast<std::size_t>(s) * walkers + k];
    return c;
  }
  /// Chains of coordinate d.
  Eigen::MatrixXd coordinate(int d) const {
    return chains_of([d](const double* th) { return th[d]; });
  }
};

namespace detail {
/// Draws z with density proportional to 1/sqrt(z) on [1/a, a].
inline double stretch_z(Rng& rng, double a) {
  const double u = rng.uniform();
  const double r = (a - 1.0) * u + 1.0;
  return r * r / a;
}
}  // namespace detail

namespace detail {
/// Kernel-density proposal built from the walkers of one half: a mixture of
/// Gaussians N(x_j, h^2 C) with C the half's covariance. Proposing from it for
/// the walkers of the *other* half is a valid Metropolis-Hastings independence
/// move (the half is fixed while the other moves), in the spirit of emcee's
/// KDEMove; it lets walkers jump between modes, which the stretch move cannot.
struct HalfKde {
  bool ok = false;
  int D = 0, m = 0;
  double h = 1;
  Eigen::MatrixXd L;            // Cholesky factor of C
  std::vector<double> centres;  // m x D, row-major
  std::vector<double> white;    // L^-1 centres, m x D, row-major
  void build(const std::vector<double>& pos, int k0, int m_, int D_, std::optional<double> bandwidth) {
    D = D_;
    m = m_;
    centres.assign(pos.begin() + static_cast<std::ptrdiff_t>(k0) * D,
                   pos.begin() + static_cast<std::ptrdiff_t>(k0 + m) * D);
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(D);
    for (int j = 0; j < m; ++j)
      for (int d = 0; d < D; ++d) mean(d) += centres[static_cast<std::size_t>(j) * D + d] / m;
    Eigen::MatrixXd C = Eigen::MatrixXd::Zero(D, D);
    for (int j = 0; j < m; ++j) {
      Eigen::VectorXd e(D);
      for (int d = 0; d < D; ++d) e(d) = centres[static_cast<std::size_t>(j) * D + d] - mean(d);
      C += e * e.transpose() / (m - 1);
    }
    Eigen::LLT<Eigen::MatrixXd> llt(C);
    ok = llt.info() == Eigen::Success && C.allFinite() && C.trace() > 0;
    if (!ok) return;
    L = llt.matrixL();
    for (int d = 0; d < D; ++d) ok = ok && L(d, d) > 1e-12 * std::sqrt(C.trace());
    h = bandwidth ? *bandwidth : std::pow(static_cast<double>(m), -1.0 / (D + 4));
    white.resize(centres.size());
    for (int j = 0; j < m; ++j)
      for (int i = 0; i < D; ++i) {
        double s = centres[static_cast<std::size_t>(j) * D + i];
        for (int k = 0; k < i; ++k) s -= L(i, k) * white[static_cast<std::size_t>(j) * D + k];
        white[static_cast<std::size_t>(j) * D + i] = s / L(i, i);
      }
  }
  /// log q(x) up to a constant. The centres are whitened once (build), so
  /// each call solves L u = x once and sums over the centres in O(m D).
  double log_q(const double* x, double* scratch) const {
    for (int i = 0; i < D; ++i) {  // forward solve L u = x
      double s = x[i];
      for (int k = 0; k < i; ++k) s -= L(i, k) * scratch[k];
      scratch[i] = s / L(i, i);
    }
    const double c2 = -0.5 / (h * h);
    double mx = -std::numeric_limits<double>::infinity(), acc = 0;
    for (int j = 0; j < m; ++j) {
      const double* w = &white[static_cast<std::size_t>(j) * D];
      double q = 0;
      for (int i = 0; i < D; ++i) {
        const double e = scratch[i] - w[i];
        q += e * e;
      }
      const double v = c2 * q;
      if (v > mx) {
        acc = acc * std::exp(mx - v) + 1;
        mx = v;
      } else {
        acc += std::exp(v - mx);
      }
    }
    return mx + std::log(acc);
  }
  void draw(Rng& r, double* y) const {
    const int j = static_cast<int>(r.below(static_cast<std::uint64_t>(m)));
    const double* c = &centres[static_cast<std::size_t>(j) * D];
    double e[64];
    for (int i = 0; i < D; ++i) e[i] = r.normal();
    for (int i = 0; i < D; ++i) {
      double s = 0;
      for (int k = 0; k <= i; ++k) s += L(i, k) * e[k];
      y[i] = c[i] + h * s;
    }
  }
};
}  // namespace detail

/// Runs the stretch-move ensemble sampler from `start` (walkers x dim; walkers
/// even and >= 4; every start must have a finite log density, otherwise
/// InvalidInput names the walker).
template <class LogDensity>
EnsembleChain run_ensemble(LogDensity&& logp, const Eigen::MatrixXd& start, const SamplerOptions& opt) {
  opt.validate();
  const int W = static_cast<int>(start.rows()), D = static_cast<int>(start.cols());
  if (D < 1) throw InvalidInput("curvecast: ensemble sampler needs dim >= 1");
  if (W < 4 || W % 2 != 0) throw InvalidInput("curvecast: ensemble sampler needs an even number (>= 4) of walkers");
  if (opt.kde_fraction > 0 && D > 64) throw InvalidInput("curvecast: kernel-density moves support dim <= 64");
  constexpr bool kBlob = std::is_invocable_v<LogDensity&, const double*, double*>;
  std::vector<double> blob(static_cast<std::size_t>(W), 0.0);
  auto eval = [&logp](const double* x, double* b) -> double {
    if constexpr (kBlob)
      return logp(x, b);
    else {
      (void)b;
      return logp(x);
    }
  };
  EnsembleChain ch;
  ch.dim = D;
  ch.walkers = W;
  // Row-major working copy: walker k at pos[k * D].
  std::vector<double> pos(static_cast<std::size_t>(W) * D), lp(static_cast<std::size_t>(W));
  for (int k = 0; k < W; ++k)
    for (int d = 0; d < D; ++d) {
      pos[static_cast<std::size_t>(k) * D + d] = start(k, d);
      if (!std::isfinite(start(k, d))) throw InvalidInput("curvecast: ensemble start has a non-finite coordinate");
    }
  for (int k = 0; k < W; ++k) {
    lp[static_cast<std::size_t>(k)] = eval(&pos[static_cast<std::size_t>(k) * D], &blob[static_cast<std::size_t>(k)]);
    if (std::isnan(lp[static_cast<std::size_t>(k)]) ||
        lp[static_cast<std::size_t>(k)] == -std::numeric_limits<double>::infinity())
      throw InvalidInput("curvecast: ensemble start: walker " + std::to_string(k) +
                         " has a log density of -inf or NaN");
  }
  ch.evaluations = W;
  std::vector<detail::Rng> rng;
  rng.reserve(static_cast<std::size_t>(W));
  for (int k = 0; k < W; ++k) rng.emplace_back(detail::derive_seed(opt.seed, static_cast<std::uint64_t>(k)));
  ch.accepted.assign(static_cast<std::size_t>(W), 0);
  // Storage grows with the kept steps (a budget-cut run with a huge `steps`
  // never allocates for steps it does not take).
  const std::size_t reserve_steps = static_cast<std::size_t>(std::min(opt.steps, 4096));
  ch.draws.reserve(reserve_steps * W * D);
  ch.log_prob.reserve(reserve_steps * W);
  if (kBlob) ch.blobs.reserve(reserve_steps * W);

  const int half = W / 2;
  const double a = opt.stretch;
  detail::HalfKde kde;
  // Moves walker k (in half h) against the other half; touches only walker k's state.
  auto move = [&](int k, int h, double* prop) {
    detail::Rng& r = rng[static_cast<std::size_t>(k)];
    if (opt.kde_fraction > 0 && r.uniform() < opt.kde_fraction && kde.ok) {
      kde.draw(r, prop);
      double bq = 0;
      const double lq = eval(prop, &bq);
      double sc[64];
      const double* xk = &pos[static_cast<std::size_t>(k) * D];
      const double log_accept = lq - lp[static_cast<std::size_t>(k)] + kde.log_q(xk, sc) - kde.log_q(prop, sc);
      const double u = r.uniform_pos();
      if (!std::isnan(lq) && std::log(u) < log_accept) {
        std::copy(prop, prop + D, &pos[static_cast<std::size_t>(k) * D]);
        lp[static_cast<std::size_t>(k)] = lq;
        blob[static_cast<std::size_t>(k)] = bq;
        ++ch.accepted[static_cast<std::size_t>(k)];
      }
      return;
    }
    const int other0 = h == 0 ? half : 0;
    const int j = other0 + static_cast<int>(r.below(static_cast<std::uint64_t>(half)));
    const double z = detail::stretch_z(r, a);
    const double* xk = &pos[static_cast<std::size_t>(k) * D];
    const double* xj = &pos[static_cast<std::size_t>(j) * D];
    for (int d = 0; d < D; ++d) prop[d] = xj[d] + z * (xk[d] - xj[d]);
    double bq = 0;
    const double lq = eval(prop, &bq);
    const double log_accept = (D - 1) * std::log(z) + lq - lp[static_cast<std::size_t>(k)];
    const double u = r.uniform_pos();
    if (!std::isnan(lq) && std::log(u) < log_accept) {
      std::copy(prop, prop + D, &pos[static_cast<std::size_t>(k) * D]);
      lp[static_cast<std::size_t>(k)] = lq;
      blob[static_cast<std::size_t>(k)] = bq;
      ++ch.accepted[static_cast<std::size_t>(k)];
    }
  };
  const int threads = std::min(opt.threads, half);
  std::vector<std::vector<double>> scratch(static_cast<std::size_t>(threads),
                                           std::vector<double>(static_cast<std::size_t>(D)));
  auto update_half = [&](int h) {
    const int k0 = h == 0 ? 0 : half;
    if (opt.kde_fraction > 0) kde.build(pos, h == 0 ? half : 0, half, D, opt.kde_bandwidth);
    if (threads == 1) {
      for (int k = k0; k < k0 + half; ++k) move(k, h, scratch[0].data());
      return;
    }
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        for (int k = k0 + t; k < k0 + half; k += threads) move(k, h, scratch[static_cast<std::size_t>(t)].data());
      });
    for (auto& th : pool) th.join();
  };
  using Clock = std::chrono::steady_clock;
  const Clock::time_point t0 = Clock::now();
  auto over_budget = [&]() {
    return opt.time_budget_seconds &&
           std::chrono::duration<double>(Clock::now() - t0).count() > *opt.time_budget_seconds;
  };
  long iterations = 0;
  auto step = [&]() {
    update_half(0);
    update_half(1);
    ch.evaluations += W;
    ++iterations;
  };
  for (int b = 0; b < opt.burn_in; ++b) {
    if (over_budget()) {
      ch.budget_exhausted = true;
      break;
    }
    step();
    ++ch.burn_in;
  }
  // Kept steps: every thin-th step after the burn-in. Once the budget is spent,
  // the run stops after max(steps already kept, min(steps, budget_min_steps)).
  int target = opt.steps;
  if (ch.budget_exhausted) target = std::min(opt.steps, opt.budget_min_steps);
  for (int kept = 0; kept < target;) {
    for (int t = 0; t < opt.thin; ++t) step();
    ch.draws.insert(ch.draws.end(), pos.begin(), pos.end());
    ch.log_prob.insert(ch.log_prob.end(), lp.begin(), lp.end());
    if (kBlob) ch.blobs.insert(ch.blobs.end(), blob.begin(), blob.end());
    ++kept;
    if (!ch.budget_exhausted && kept < target && over_budget()) {
      ch.budget_exhausted = true;
      target = std::max(kept, std::min(opt.steps, opt.budget_min_steps));
    }
  }
  ch.steps = static_cast<int>(ch.log_prob.size() / static_cast<std::size_t>(W));
  ch.proposed_per_walker = iterations;
  ch.final_positions.resize(W, D);
  for (int k = 0; k < W; ++k)
    for (int d = 0; d < D; ++d) ch.final_positions(k, d) = pos[static_cast<std::size_t>(k) * D + d];
  ch.final_log_prob = lp;
  return ch;
}

/// Diagnostics of a run for chains (walkers x steps) of a monitored scalar.
inline SamplerDiagnostics diagnose_chains(const EnsembleChain& ch, const Eigen::MatrixXd& c) {
  SamplerDiagnostics d;
  d.acceptance_fraction = ch.acceptance_fraction();
  d.walkers = ch.walkers;
  d.steps = ch.steps;
  d.evaluations = ch.evaluations;
  d.burn_in = ch.burn_in;
  d.budget_exhausted = ch.budget_exhausted;
  if (ch.steps >= 4) {
    d.autocorr_time = integrated_autocorr_time(c);
    d.split_rhat = split_rhat(c);
    d.ess = static_cast<double>(c.size()) / std::max(d.autocorr_time, 1.0);
  }
  return d;
}

/// Diagnostics of a run for a scalar summary g(theta) (e.g. the predicted final value).
template <class G>
SamplerDiagnostics diagnose(const EnsembleChain& ch, G&& g) {
  return diagnose_chains(ch, ch.chains_of(std::forward<G>(g)));
}

/// Diagnostics of a run for its blobs.
inline SamplerDiagnostics diagnose_blobs(const EnsembleChain& ch) { return diagnose_chains(ch, ch.blob_chains()); }

}  // namespace curvecast
