#pragma once
// MCMC posterior of a scaling law under a Huber or Laplace likelihood with a fitted scale
// (flat priors inside optional bounds). Sampler: the library's affine-invariant ensemble
// sampler (ensemble_sampler.hpp, the "stretch move" of Goodman & Weare 2010), so walkers,
// burn_in, steps and threads mean what they mean for the learning-curve posteriors; every
// walker has its own seeded stream, so results do not depend on threads. No Ceres.
//
//   #include <curvecast/scaling/posterior.hpp>
//   namespace cs = curvecast::scaling;
//   cs::PosteriorOptions po;                   // Huber density, k = 1.345, 32 walkers
//   auto post = cs::sample_posterior<cs::Chinchilla>(data, fit.params, po);
//   auto alpha = cs::summarise(post.column(3), fit.params[3], 0.9);
//
// Likelihood of a residual r (law space) with scale s: Huber density
// exp(-huber_k(r/s)) / (s Z(k)), Z(k) = sqrt(2 pi) (2 Phi(k) - 1) + 2 exp(-k^2/2) / k,
// or Laplace exp(-|r|/s) / (2 s). The sampled vector is (law parameters..., ln s).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <Eigen/Core>

#include "../detail/math.hpp"
#include "../detail/rng.hpp"
#include "../ensemble_sampler.hpp"
#include "../errors.hpp"
#include "data.hpp"
#include "laws.hpp"
#include "summary.hpp"

namespace curvecast::scaling {

enum class Likelihood { Huber, Laplace };

/// Options of sample_posterior.
struct PosteriorOptions {
  Likelihood likelihood = Likelihood::Huber;  ///< Huber density (default) or Laplace
  double huber_k = 1.345;                     ///< Huber threshold in units of the scale s (> 0)
  std::optional<Space> space;                 ///< residual space; default: the law's kDefaultSpace
  int walkers = 32;                           ///< ensemble walkers (even, >= 2 (P + 1))
  int burn_in = 1000;                         ///< discarded steps per walker before the kept ones (>= 0)
  int steps = 2000;                           ///< kept steps per walker (>= 1)
  int thin = 1;                               ///< keep every thin-th step after burn-in (>= 1)
  double stretch = 2.0;                       ///< stretch-move scale a (> 1)
  double init_jitter = 1e-3;                  ///< relative jitter of the walkers around the start (> 0)
  std::vector<double> lower, upper;           ///< optional prior bounds of the law's parameters (flat inside)
  std::uint64_t seed = 0;                     ///< seed of the start jitter and of the sampler (walker w: stream w)
  int threads = 1;                            ///< sampler threads (>= 1; results do not depend on it)

  void validate(int num_params) const {
    auto bad = [](const std::string& w) { throw InvalidOptions("curvecast: PosteriorOptions: " + w); };
    if (!(huber_k > 0) || !std::isfinite(huber_k)) bad("huber_k must be finite and > 0");
    if (walkers < 2 * (num_params + 1) || walkers % 2) bad("walkers must be even and >= 2 (P + 1)");
    if (burn_in < 0) bad("burn_in must be >= 0");
    if (steps < 1) bad("steps must be >= 1");
    if (thin < 1) bad("thin must be >= 1");
    if (!(stretch > 1) || !std::isfinite(stretch)) bad("stretch must be finite and > 1");
    if (!(init_jitter > 0) || !std::isfinite(init_jitter)) bad("init_jitter must be finite and > 0");
    if (!lower.empty() && static_cast<int>(lower.size()) != num_params) bad("lower needs one value per parameter");
    if (!upper.empty() && static_cast<int>(upper.size()) != num_params) bad("upper needs one value per parameter");
    if (threads < 1) bad("threads must be >= 1");
  }
};

/// Posterior draws: rows are kept ensemble states, columns the law's parameters then ln s.
struct PosteriorResult {
  std::vector<std::string> param_names;  ///< the law's names, then "log_scale"
  Eigen::MatrixXd samples;
  std::vector<double> log_posterior;  ///< of each row
  double acceptance_rate = 0;
  double seconds = 0;
  std::vector<double> column(int k) const {
    std::vector<double> v(static_cast<std::size_t>(samples.rows()));
    for (Eigen::Index r = 0; r < samples.rows(); ++r) v[static_cast<std::size_t>(r)] = samples(r, k);
    return v;
  }
  template <class F>
  std::vector<double> derive(F&& f) const {
    std::vector<double> v;
    std::vector<double> row(static_cast<std::size_t>(samples.cols()));
    for (Eigen::Index r = 0; r < samples.rows(); ++r) {
      for (Eigen::Index k = 0; k < samples.cols(); ++k) row[static_cast<std::size_t>(k)] = samples(r, k);
      v.push_back(f(row.data()));
    }
    return v;
  }
  /// The highest-posterior row seen among the kept draws (an approximate MAP / MLE under flat priors).
  std::vector<double> best() const {
    const auto it = std::max_element(log_posterior.begin(), log_posterior.end());
    const auto r = static_cast<Eigen::Index>(it - log_posterior.begin());
    std::vector<double> v(static_cast<std::size_t>(samples.cols()));
    for (Eigen::Index k = 0; k < samples.cols(); ++k) v[static_cast<std::size_t>(k)] = samples(r, k);
    return v;
  }
};

/// Log-likelihood of law L's parameters p and ln s on the data.
template <class L>
double log_likelihood(const ScalingData& d, const double* p, double log_s, Likelihood lik, double k, Space space) {
  const double s = std::exp(log_s);
  if (!(s > 0) || !std::isfinite(s)) return -std::numeric_limits<double>::infinity();
  double ll = 0;
  const double n = static_cast<double>(d.size());
  if (lik == Likelihood::Laplace) {
    for (std::size_t i = 0; i < d.size(); ++i)
      ll -= std::abs(predict_in_space<L, double>(space, p, d.row(i)) - to_space(space, d.y[i])) / s;
    ll -= n * (log_s + std::log(2.0));
  } else {
    const double z = std::sqrt(2 * curvecast::detail::kPi) * (2 * curvecast::detail::normal_cdf(k) - 1) +
                     2 * std::exp(-0.5 * k * k) / k;
    for (std::size_t i = 0; i < d.size(); ++i) {
      const double u = std::abs(predict_in_space<L, double>(space, p, d.row(i)) - to_space(space, d.y[i])) / s;
      ll -= u <= k ? 0.5 * u * u : k * u - 0.5 * k * k;
    }
    ll -= n * (log_s + std::log(z));
  }
  return std::isfinite(ll) ? ll : -std::numeric_limits<double>::infinity();
}

/// Samples the posterior of law L starting the walkers around `start` (e.g. a fit's optimum).
template <class L>
PosteriorResult sample_posterior(const ScalingData& data, const std::vector<double>& start,
                                 const PosteriorOptions& opt = {}) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  constexpr int P = L::kNumParams;
  constexpr int D = P + 1;
  opt.validate(P);
  if (static_cast<int>(start.size()) != P)
    throw InvalidInput("curvecast: sample_posterior: start needs one value per parameter");
  if (data.num_inputs != L::kNumInputs) throw InvalidInput("curvecast: sample_posterior: wrong number of inputs");
  const Space space = opt.space.value_or(L::kDefaultSpace);
  data.validate(space, static_cast<std::size_t>(P) + 1);
  const int W = opt.walkers;

  auto log_post = [&](const double* q) {
    for (int i = 0; i < P; ++i) {
      if (!opt.lower.empty() && q[i] < opt.lower[i]) return -std::numeric_limits<double>::infinity();
      if (!opt.upper.empty() && q[i] > opt.upper[i]) return -std::numeric_limits<double>::infinity();
    }
    return log_likelihood<L>(data, q, q[P], opt.likelihood, opt.huber_k, space);
  };
  // Initial scale: the mean absolute residual at the start (Laplace MLE of s), floored.
  double mar = 0;
  for (std::size_t i = 0; i < data.size(); ++i)
    mar += std::abs(predict_in_space<L, double>(space, start.data(), data.row(i)) - to_space(space, data.y[i]));
  mar = std::max(mar / static_cast<double>(data.size()), 1e-12);
  if (!std::isfinite(mar)) throw InvalidInput("curvecast: sample_posterior: the start gives non-finite residuals");

  // Start: walker w jitters around `start` with its own stream (independent of the
  // sampler's streams, which are derive_seed(seed, w)).
  const std::uint64_t start_seed = curvecast::detail::derive_seed(opt.seed, 0x5ca1e57a47ULL);
  Eigen::MatrixXd X(W, D);
  for (int w = 0; w < W; ++w) {
    curvecast::detail::Rng rng(curvecast::detail::derive_seed(start_seed, static_cast<std::uint64_t>(w)));
    double q[D];
    bool ok = false;
    for (int attempt = 0; attempt < 100 && !ok; ++attempt) {
      for (int i = 0; i < P; ++i) q[i] = start[i] + opt.init_jitter * std::max(std::abs(start[i]), 1e-3) * rng.normal();
      q[P] = std::log(mar) + opt.init_jitter * rng.normal();
      ok = std::isfinite(log_post(q));
    }
    if (!ok)
      throw InvalidInput(
          "curvecast: sample_posterior: no finite posterior density near the start "
          "(is it inside lower/upper?)");
    for (int i = 0; i < D; ++i) X(w, i) = q[i];
  }

  curvecast::SamplerOptions so;
  so.steps = opt.steps;
  so.burn_in = opt.burn_in;
  so.thin = opt.thin;
  so.stretch = opt.stretch;
  so.seed = opt.seed;
  so.threads = opt.threads;
  const curvecast::EnsembleChain ch = curvecast::run_ensemble(log_post, X, so);

  PosteriorResult res;
  for (const char* n : L::kParamNames) res.param_names.emplace_back(n);
  res.param_names.emplace_back("log_scale");
  res.samples.resize(static_cast<Eigen::Index>(ch.steps) * W, D);
  res.log_posterior = ch.log_prob;
  for (int s = 0; s < ch.steps; ++s)
    for (int w = 0; w < W; ++w) {
      const double* q = ch.position(s, w);
      for (int i = 0; i < D; ++i) res.samples(static_cast<Eigen::Index>(s) * W + w, i) = q[i];
    }
  res.acceptance_rate = ch.acceptance_fraction();
  res.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return res;
}

}  // namespace curvecast::scaling
