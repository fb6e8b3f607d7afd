#pragma once
// MCMC posterior of a scaling law under a Huber or Laplace likelihood with a fitted scale
// (flat priors inside optional bounds). Sampler: the affine-invariant ensemble "stretch move"
// of Goodman & Weare (2010), updated in two halves so each walker's move depends only on the
// other half; every walker has its own seeded stream, so results do not depend on threads.
// No Ceres.
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
#include "../errors.hpp"
#include "data.hpp"
#include "detail/parallel.hpp"
#include "laws.hpp"
#include "summary.hpp"

namespace curvecast::scaling {

enum class Likelihood { Huber, Laplace };

/// Options of sample_posterior.
struct PosteriorOptions {
  Likelihood likelihood = Likelihood::Huber;  ///< Huber density (default) or Laplace
  double huber_k = 1.345;                     ///< Huber threshold in units of the scale s (> 0)
  std::optional<Space> space;                 ///< residual space; default: the law's kDefaultSpace
  int num_walkers = 32;                       ///< ensemble size (even, >= 2 (P + 1))
  int num_steps = 3000;                       ///< ensemble steps in total (> burn_in)
  int burn_in = 1000;                         ///< steps discarded at the start (>= 0)
  int thin = 1;                               ///< keep every thin-th step after burn-in (>= 1)
  double stretch = 2.0;                       ///< stretch-move scale a (> 1)
  double init_jitter = 1e-3;                  ///< relative jitter of the walkers around the start (> 0)
  std::vector<double> lower, upper;           ///< optional prior bounds of the law's parameters (flat inside)
  std::uint64_t seed = 0;                     ///< seed (walker w uses stream w)
  int num_threads = 1;                        ///< threads over the walkers of a half; 0: hardware

  void validate(int num_params) const {
    auto bad = [](const std::string& w) { throw InvalidOptions("curvecast: PosteriorOptions: " + w); };
    if (!(huber_k > 0) || !std::isfinite(huber_k)) bad("huber_k must be finite and > 0");
    if (num_walkers < 2 * (num_params + 1) || num_walkers % 2) bad("num_walkers must be even and >= 2 (P + 1)");
    if (burn_in < 0 || num_steps <= burn_in) bad("need 0 <= burn_in < num_steps");
    if (thin < 1) bad("thin must be >= 1");
    if (!(stretch > 1) || !std::isfinite(stretch)) bad("stretch must be finite and > 1");
    if (!(init_jitter > 0) || !std::isfinite(init_jitter)) bad("init_jitter must be finite and > 0");
    if (!lower.empty() && static_cast<int>(lower.size()) != num_params) bad("lower needs one value per parameter");
    if (!upper.empty() && static_cast<int>(upper.size()) != num_params) bad("upper needs one value per parameter");
    if (num_threads < 0) bad("num_threads must be >= 0");
  }
};

/// Posterior draws: rows are kept ensemble states, columns the law's parameters then ln s.
struct PosteriorResult {
  std::vector<std::string> param_names;  ///< the law's names, then "log_scale"
  Eigen::MatrixXd samples;
  std::vector<double> log_posterior;     ///< of each row
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
  const int W = opt.num_walkers, H = W / 2;

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

  std::vector<curvecast::detail::Rng> rngs;
  for (int w = 0; w < W; ++w) rngs.emplace_back(curvecast::detail::derive_seed(opt.seed, static_cast<std::uint64_t>(w)));
  Eigen::Matrix<double, Eigen::Dynamic, D> X(W, D);
  std::vector<double> lp(static_cast<std::size_t>(W));
  for (int w = 0; w < W; ++w) {
    double q[D];
    bool ok = false;
    for (int attempt = 0; attempt < 100 && !ok; ++attempt) {
      for (int i = 0; i < P; ++i)
        q[i] = start[i] + opt.init_jitter * std::max(std::abs(start[i]), 1e-3) * rngs[w].normal();
      q[P] = std::log(mar) + opt.init_jitter * rngs[w].normal();
      lp[w] = log_post(q);
      ok = std::isfinite(lp[w]);
    }
    if (!ok) throw FitFailure("curvecast: sample_posterior: no finite posterior density near the start");
    for (int i = 0; i < D; ++i) X(w, i) = q[i];
  }

  const int kept_steps = (opt.num_steps - opt.burn_in + opt.thin - 1) / opt.thin;
  PosteriorResult res;
  for (const char* n : L::kParamNames) res.param_names.emplace_back(n);
  res.param_names.emplace_back("log_scale");
  res.samples.resize(static_cast<Eigen::Index>(kept_steps) * W, D);
  res.log_posterior.reserve(static_cast<std::size_t>(kept_steps) * W);
  std::vector<int> accepted(static_cast<std::size_t>(W), 0);
  const double a = opt.stretch;
  Eigen::Index row = 0;
  for (int step = 0; step < opt.num_steps; ++step) {
    for (int half = 0; half < 2; ++half) {
      const int base = half * H, other = (1 - half) * H;
      detail::parallel_for(H, opt.num_threads, [&](int, int j) {
        const int w = base + j;
        auto& rng = rngs[w];
        const int partner = other + static_cast<int>(rng.below(static_cast<std::uint64_t>(H)));
        const double u = rng.uniform();
        const double z = std::pow((a - 1) * u + 1, 2) / a;  // g(z) ~ 1/sqrt(z) on [1/a, a]
        double q[D];
        for (int i = 0; i < D; ++i) q[i] = X(partner, i) + z * (X(w, i) - X(partner, i));
        const double lq = log_post(q);
        const double log_accept = (D - 1) * std::log(z) + lq - lp[w];
        if (std::isfinite(lq) && std::log(rng.uniform_pos()) < log_accept) {
          for (int i = 0; i < D; ++i) X(w, i) = q[i];
          lp[w] = lq;
          ++accepted[w];
        }
      });
    }
    if (step >= opt.burn_in && (step - opt.burn_in) % opt.thin == 0)
      for (int w = 0; w < W; ++w, ++row) {
        res.samples.row(row) = X.row(w);
        res.log_posterior.push_back(lp[w]);
      }
  }
  long total = 0;
  for (int c : accepted) total += c;
  res.acceptance_rate = static_cast<double>(total) / (static_cast<double>(W) * opt.num_steps);
  res.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return res;
}

}  // namespace curvecast::scaling
