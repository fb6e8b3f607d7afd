// Tests of the affine-invariant ensemble sampler and the MCMC diagnostics
// against targets with known answers.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include <curvecast/detail/rng.hpp>
#include <curvecast/diagnostics.hpp>
#include <curvecast/ensemble_sampler.hpp>

using namespace curvecast;

namespace {
Eigen::MatrixXd ball(int walkers, int dim, double scale, std::uint64_t seed, double centre = 0.0) {
  detail::Rng r(seed);
  Eigen::MatrixXd m(walkers, dim);
  for (int k = 0; k < walkers; ++k)
    for (int d = 0; d < dim; ++d) m(k, d) = centre + scale * r.normal();
  return m;
}
double mean_of(const EnsembleChain& ch, int d) { return ch.coordinate(d).mean(); }
double cov_of(const EnsembleChain& ch, int a, int b) {
  const Eigen::MatrixXd x = ch.coordinate(a), y = ch.coordinate(b);
  return ((x.array() - x.mean()) * (y.array() - y.mean())).mean();
}
}  // namespace

CATCH_TEST_CASE("correlated Gaussian: means and covariance", "[sampler]") {
  // Sigma = [[1, 1.6], [1.6, 4]] (sd 1 and 2, correlation 0.8), mean (1, -2).
  const double s11 = 1, s12 = 1.6, s22 = 4, det = s11 * s22 - s12 * s12;
  auto logp = [&](const double* x) {
    const double a = x[0] - 1, b = x[1] + 2;
    return -0.5 * (s22 * a * a - 2 * s12 * a * b + s11 * b * b) / det;
  };
  for (double kde : {0.0, 0.5}) {
    SamplerOptions o;
    o.steps = 4000;
    o.burn_in = 500;
    o.seed = 11;
    o.kde_fraction = kde;
    const EnsembleChain ch = run_ensemble(logp, ball(20, 2, 0.1, 3), o);
    const SamplerDiagnostics d = diagnose(ch, [](const double* x) { return x[0]; });
    CATCH_CHECK(d.acceptance_fraction > 0.2);
    CATCH_CHECK(d.acceptance_fraction < 0.95);
    CATCH_CHECK(d.split_rhat < 1.05);
    // Standard errors from the effective sample size.
    const double ess = d.ess;
    CATCH_REQUIRE(ess > 500);
    CATCH_CHECK(std::abs(mean_of(ch, 0) - 1) < 4 * std::sqrt(s11 / ess));
    CATCH_CHECK(std::abs(mean_of(ch, 1) + 2) < 4 * std::sqrt(s22 / ess));
    // Var estimates: relative SE about sqrt(2 / ess).
    const double rel = 5 * std::sqrt(2 / ess);
    CATCH_CHECK(std::abs(cov_of(ch, 0, 0) / s11 - 1) < rel);
    CATCH_CHECK(std::abs(cov_of(ch, 1, 1) / s22 - 1) < rel);
    CATCH_CHECK(std::abs(cov_of(ch, 0, 1) / s12 - 1) < rel);
  }
}

CATCH_TEST_CASE("one-dimensional Gamma(3,1): chi-squared test of the histogram", "[sampler]") {
  auto logp = [](const double* x) {
    return x[0] > 0 ? 2 * std::log(x[0]) - x[0] : -std::numeric_limits<double>::infinity();
  };
  auto cdf = [](double x) { return 1 - std::exp(-x) * (1 + x + 0.5 * x * x); };
  SamplerOptions o;
  o.steps = 20000;  // the stretch move mixes slowly in 1-d (tau ~ 35 steps)
  o.burn_in = 500;
  o.seed = 5;
  Eigen::MatrixXd start = ball(16, 1, 0.3, 9, 3.0);
  const EnsembleChain ch = run_ensemble(logp, start, o);
  const Eigen::MatrixXd c = ch.coordinate(0);
  const double tau = integrated_autocorr_time(c);
  // Thin by 2 tau so the kept draws are nearly independent.
  const int thin = static_cast<int>(std::ceil(2 * tau));
  const int bins = 20;
  // Equal-probability bin edges by bisection on the CDF.
  std::vector<double> edges(bins - 1);
  for (int b = 1; b < bins; ++b) {
    double lo = 0, hi = 50;
    for (int it = 0; it < 100; ++it) {
      const double mid = 0.5 * (lo + hi);
      (cdf(mid) < static_cast<double>(b) / bins ? lo : hi) = mid;
    }
    edges[b - 1] = lo;
  }
  std::vector<double> count(bins, 0.0);
  double n = 0;
  for (Eigen::Index k = 0; k < c.rows(); ++k)
    for (Eigen::Index s = 0; s < c.cols(); s += thin) {
      const auto it = std::upper_bound(edges.begin(), edges.end(), c(k, s));
      count[static_cast<std::size_t>(it - edges.begin())] += 1;
      n += 1;
    }
  double chi2 = 0;
  for (double k : count) chi2 += (k - n / bins) * (k - n / bins) / (n / bins);
  CATCH_INFO("tau " << tau << ", draws " << n << ", chi2 " << chi2);
  CATCH_REQUIRE(n > 2000);
  CATCH_CHECK(chi2 < 43.8);  // chi^2_19 at p = 0.001
  // A wrong target (Gamma(3.5, 1)) must fail the same test: the check has power.
  auto logp2 = [](const double* x) {
    return x[0] > 0 ? 2.5 * std::log(x[0]) - x[0] : -std::numeric_limits<double>::infinity();
  };
  const Eigen::MatrixXd c2 = run_ensemble(logp2, start, o).coordinate(0);
  std::vector<double> count2(bins, 0.0);
  double n2 = 0;
  for (Eigen::Index k = 0; k < c2.rows(); ++k)
    for (Eigen::Index s = 0; s < c2.cols(); s += thin) {
      count2[static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), c2(k, s)) - edges.begin())] += 1;
      n2 += 1;
    }
  double chi2b = 0;
  for (double k : count2) chi2b += (k - n2 / bins) * (k - n2 / bins) / (n2 / bins);
  CATCH_CHECK(chi2b > 43.8);
}

CATCH_TEST_CASE("banana-shaped target: known moments", "[sampler]") {
  // x1 ~ N(0, 1), x2 | x1 ~ N(x1^2, 0.5^2): E x2 = 1, Var x2 = 0.25 + 2 = 2.25, Cov(x1, x2) = 0.
  auto logp = [](const double* x) {
    const double r = (x[1] - x[0] * x[0]) / 0.5;
    return -0.5 * x[0] * x[0] - 0.5 * r * r;
  };
  SamplerOptions o;
  o.steps = 8000;
  o.burn_in = 1000;
  o.seed = 77;
  const EnsembleChain ch = run_ensemble(logp, ball(32, 2, 0.2, 1), o);
  const SamplerDiagnostics d = diagnose(ch, [](const double* x) { return x[1]; });
  CATCH_INFO("ess " << d.ess << " tau " << d.autocorr_time << " rhat " << d.split_rhat);
  CATCH_REQUIRE(d.ess > 1000);
  CATCH_CHECK(d.split_rhat < 1.05);
  CATCH_CHECK(std::abs(mean_of(ch, 1) - 1.0) < 4 * std::sqrt(2.25 / d.ess));
  CATCH_CHECK(std::abs(cov_of(ch, 1, 1) / 2.25 - 1) < 0.15);
  CATCH_CHECK(std::abs(mean_of(ch, 0)) < 4 * std::sqrt(1.0 / d.ess));
  CATCH_CHECK(std::abs(cov_of(ch, 0, 0) - 1) < 0.1);
}

CATCH_TEST_CASE("reproducible bit for bit, whatever the thread count", "[sampler]") {
  auto logp = [](const double* x) { return -0.5 * (x[0] * x[0] + 4 * x[1] * x[1] + x[2] * x[2] * 9); };
  SamplerOptions o;
  o.steps = 200;
  o.burn_in = 20;
  o.seed = 123;
  o.kde_fraction = 0.3;
  const Eigen::MatrixXd start = ball(12, 3, 0.5, 2);
  const EnsembleChain a = run_ensemble(logp, start, o);
  const EnsembleChain b = run_ensemble(logp, start, o);
  o.threads = 3;
  const EnsembleChain c = run_ensemble(logp, start, o);
  CATCH_CHECK(a.draws == b.draws);
  CATCH_CHECK(a.draws == c.draws);
  CATCH_CHECK(a.log_prob == c.log_prob);
  CATCH_CHECK(a.accepted == c.accepted);
  o.seed = 124;
  const EnsembleChain e = run_ensemble(logp, start, o);
  CATCH_CHECK(a.draws != e.draws);
}

CATCH_TEST_CASE("blobs are stored next to the draws", "[sampler]") {
  auto logp = [](const double* x, double* blob) {
    *blob = 2 * x[0] + 1;
    return -0.5 * x[0] * x[0];
  };
  SamplerOptions o;
  o.steps = 50;
  o.burn_in = 5;
  const EnsembleChain ch = run_ensemble(logp, ball(8, 1, 1.0, 4), o);
  CATCH_REQUIRE(ch.blobs.size() == ch.log_prob.size());
  for (int s = 0; s < ch.steps; ++s)
    for (int k = 0; k < ch.walkers; ++k)
      CATCH_CHECK(ch.blobs[static_cast<std::size_t>(s) * ch.walkers + k] == 2 * ch.at(s, k, 0) + 1);
}

CATCH_TEST_CASE("bad input and options are rejected", "[sampler]") {
  auto logp = [](const double* x) { return x[0] > 0 ? 0.0 : -std::numeric_limits<double>::infinity(); };
  SamplerOptions o;
  CATCH_CHECK_THROWS_AS(run_ensemble(logp, ball(5, 1, 1, 1, 5), o), InvalidInput);   // odd walkers
  CATCH_CHECK_THROWS_AS(run_ensemble(logp, ball(2, 1, 1, 1, 5), o), InvalidInput);   // too few
  CATCH_CHECK_THROWS_AS(run_ensemble(logp, ball(8, 1, 1, 1, -5), o), InvalidInput);  // -inf start
  o.stretch = 1.0;
  CATCH_CHECK_THROWS_AS(o.validate(), InvalidOptions);
  o = SamplerOptions{};
  o.kde_fraction = 1.5;
  CATCH_CHECK_THROWS_AS(o.validate(), InvalidOptions);
  o = SamplerOptions{};
  o.steps = 0;
  CATCH_CHECK_THROWS_AS(o.validate(), InvalidOptions);
}

CATCH_TEST_CASE("diagnostics: AR(1) autocorrelation time, R-hat and ESS", "[diagnostics]") {
  // AR(1) with phi = 0.8: tau = (1 + phi) / (1 - phi) = 9.
  const double phi = 0.8;
  detail::Rng r(17);
  Eigen::MatrixXd ch(8, 20000);
  for (Eigen::Index k = 0; k < ch.rows(); ++k) {
    double x = r.normal() / std::sqrt(1 - phi * phi);
    for (Eigen::Index s = 0; s < ch.cols(); ++s) {
      x = phi * x + r.normal();
      ch(k, s) = x;
    }
  }
  const double tau = integrated_autocorr_time(ch);
  CATCH_CHECK(std::abs(tau - 9.0) < 0.9);
  CATCH_CHECK(split_rhat(ch) < 1.01);
  CATCH_CHECK(std::abs(effective_sample_size(ch) - ch.size() / tau) < 1e-6 * ch.size());
  // Chains stuck at different levels: R-hat well above 1.
  Eigen::MatrixXd shifted = ch;
  for (Eigen::Index k = 0; k < shifted.rows(); ++k) shifted.row(k).array() += 3.0 * static_cast<double>(k);
  CATCH_CHECK(split_rhat(shifted) > 1.5);
  // A trend within each chain is caught by splitting.
  Eigen::MatrixXd trend = ch;
  for (Eigen::Index s = 0; s < trend.cols(); ++s) trend.col(s).array() += 10.0 * s / trend.cols();
  CATCH_CHECK(split_rhat(trend) > 1.1);
  // Constant input: tau 1, R-hat 1.
  const Eigen::MatrixXd flat = Eigen::MatrixXd::Constant(4, 100, 2.0);
  CATCH_CHECK(integrated_autocorr_time(flat) == 1.0);
  CATCH_CHECK(split_rhat(flat) == 1.0);
  CATCH_CHECK_THROWS_AS(split_rhat(Eigen::MatrixXd(2, 3)), InvalidInput);
}
