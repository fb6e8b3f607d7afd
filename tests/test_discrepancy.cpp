// Tests of the default posterior's noise and discrepancy model on long curves:
// the two-state (level, slope) Kalman filter, the tempered likelihood, and the
// calibration they give on correlated noise.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include <Eigen/Dense>

#include <curvecast/detail/basis_posterior.hpp>
#include <curvecast/detail/rng.hpp>
#include <curvecast/ensemble_posterior.hpp>
#include <curvecast/errors.hpp>

#include "helpers.hpp"

using namespace curvecast;

namespace {
// A loss-like power law in x = 1000, 2000, ... (lower is better).
double law(double x) { return 0.3 + 1.5 * std::pow(x / 1000.0, -0.4); }

// n points of law() at x = 1000 (first + i), i = 0..n-1, plus AR(1) evaluation
// noise (stationary sd `ar_sd`, lag-one correlation phi) plus white noise `white_sd`.
Observations correlated_curve(int n, double ar_sd, double phi, double white_sd, std::uint64_t seed, int first = 1) {
  detail::Rng r(seed);
  Observations o;
  o.higher_is_better = false;
  double e = ar_sd * r.normal();
  for (int i = 0; i < n; ++i) {
    const double x = 1000.0 * (first + i);
    o.push_back(x, law(x) + e + white_sd * r.normal());
    e = phi * e + ar_sd * std::sqrt(1 - phi * phi) * r.normal();
  }
  return o;
}

double tail_cover90(const Extrapolator& ex, const Observations& full, std::size_t k) {
  double c = 0;
  for (std::size_t i = k; i < full.size(); ++i) {
    const auto iv = ex.predict(full.x[i]).interval(0.9);
    c += full.y[i] >= iv.first && full.y[i] <= iv.second;
  }
  return c / static_cast<double>(full.size() - k);
}
}  // namespace

CATCH_TEST_CASE("slope discrepancy and tempering: the filtered likelihood equals the dense Gaussian one",
                "[discrepancy]") {
  // z = X b + B + e with B = level + integrated slope: a Brownian level (lambda)
  // plus the integral of a Brownian slope (eta), both 0 at the first point, so
  // Cov(B(s_i), B(s_j)) = lambda^2 a + eta^2 (a^2 c / 2 - a^3 / 6), a = min, c = max.
  // Tempered to the power beta, the b-marginal likelihood is
  //   log N(z; X m, X S X' + C / beta) + (1 - beta) / 2 (log|C| + n ln 2 pi) - n / 2 ln beta.
  const curvecast_test::CorrelatedBasisPrior fixture;
  const detail::BasisPrior pr = fixture.prior();
  std::vector<double> t, z, w;
  detail::Rng rng(5);
  for (int i = 0; i < 12; ++i) {
    t.push_back(1.0 + 1.3 * i + 0.1 * i * i);
    z.push_back(0.1 + 0.07 * i - 0.003 * i * i + 0.02 * rng.normal());
    w.push_back(1.0);
  }
  const double sigma = 0.03, lambda = 0.05, eta = 0.08;
  for (double beta : {1.0, 0.4}) {
    detail::BasisModel model(fixture.families, pr);
    model.learn_discrepancy(true);
    model.learn_slope(true);
    model.set_data(t, z, w);
    if (beta < 1) model.set_tempering(beta);
    CATCH_REQUIRE(model.dim() == 6);
    const std::vector<double> th{std::log(0.7), -1.5, std::log(0.9), std::log(sigma), std::log(lambda), std::log(eta)};
    double L[detail::kMaxBasis * detail::kMaxBasis], mu[detail::kMaxBasis];
    const double ll = model.conditional(th.data(), L, mu);
    const detail::BasisModel::Grid grid(t);
    Eigen::ArrayXXd Xa;
    model.fill(th.data(), grid.lnt, grid.il, Xa);
    const Eigen::MatrixXd X = Xa.matrix();
    const int n = static_cast<int>(t.size());
    Eigen::MatrixXd C(n, n);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        const double si = std::log(t[i] / t[0]), sj = std::log(t[j] / t[0]);
        const double lo = std::min(si, sj), hi = std::max(si, sj);
        C(i, j) =
            lambda * lambda * lo + eta * eta * (lo * lo * hi / 2 - lo * lo * lo / 6) + (i == j ? sigma * sigma : 0.0);
      }
    const Eigen::LLT<Eigen::MatrixXd> lltC(C);
    const double logdetC = 2 * lltC.matrixL().toDenseMatrix().diagonal().array().log().sum();
    double dense = fixture.dense_log_density(X, C / beta, z);
    dense += 0.5 * (1 - beta) * (logdetC + n * std::log(2 * M_PI)) - 0.5 * n * std::log(beta);
    CATCH_CHECK(ll == Approx(dense).epsilon(1e-9));
  }
}

CATCH_TEST_CASE("default posterior: a slope dimension on long prefixes only, none under LC-PFN's prior",
                "[discrepancy]") {
  // 150 points over ln 150 = 5.0 units of ln x: 30 per unit, a long prefix.
  const Observations full = correlated_curve(150, 0.01, 0.9, 0.002, 3);
  EnsemblePosterior def;
  def.fit(full);
  CATCH_CHECK(def.final_ensemble().cols() == 6);  // ln alpha, ln kappa, ln delta, ln sigma, ln lambda, ln eta
  // At most points_per_ln_x (25) points per unit of ln x: fitted as before, 5
  // dimensions (every other point of x = 1000, 3000, ..., 39000: 20 points over ln 39).
  Observations sparse;
  sparse.higher_is_better = false;
  for (std::size_t i = 0; i < 40; i += 2) sparse.push_back(full.x[i], full.y[i]);
  EnsemblePosterior short_prefix;
  short_prefix.fit(sparse);
  CATCH_CHECK(short_prefix.final_ensemble().cols() == 5);
  PosteriorOptions flat;
  flat.slope_discrepancy_median = 0;
  EnsemblePosterior no_slope(flat);
  no_slope.fit(full);
  CATCH_CHECK(no_slope.final_ensemble().cols() == 5);
  PosteriorOptions never;
  never.points_per_ln_x = 0;
  EnsemblePosterior never_long(never);
  never_long.fit(full);
  CATCH_CHECK(never_long.final_ensemble().cols() == 5);
  // A short prefix gets exactly the model without the long-prefix parts.
  EnsemblePosterior sparse_never(never);
  sparse_never.fit(sparse);
  for (double x : {45000.0, 200000.0}) {
    CATCH_CHECK(short_prefix.predict(x).mean() == sparse_never.predict(x).mean());
    CATCH_CHECK(short_prefix.predict(x).sd() == sparse_never.predict(x).sd());
  }
  // LC-PFN's prior has no discrepancy at all (and so no slope or tempering).
  Observations unit;
  unit.higher_is_better = true;
  for (int i = 1; i <= 30; ++i) unit.push_back(i, 0.8 - 0.5 * std::pow(i, -0.6));
  EnsemblePosterior lc(PosteriorOptions::lcpfn());
  lc.fit(unit);
  CATCH_CHECK(lc.final_ensemble().cols() == 4);
}

CATCH_TEST_CASE("options: the slope and tempering fields are validated by name", "[discrepancy]") {
  PosteriorOptions o;
  o.slope_discrepancy_median = -1;
  CATCH_CHECK_THROWS_WITH(o.validate(), Catch::Contains("slope_discrepancy_median"));
  o = PosteriorOptions{};
  o.slope_discrepancy_log_sd = 0;
  CATCH_CHECK_THROWS_WITH(o.validate(), Catch::Contains("slope_discrepancy_log_sd"));
  o = PosteriorOptions{};
  o.points_per_ln_x = std::nan("");
  CATCH_CHECK_THROWS_WITH(o.validate(), Catch::Contains("points_per_ln_x"));
  o.points_per_ln_x = -3;
  CATCH_CHECK_THROWS_AS(o.validate(), InvalidOptions);
}

CATCH_TEST_CASE("AR(1)-correlated evaluation noise: the 90% band covers about 90% of the future", "[discrepancy]") {
  // 350 evaluations from step 20,000 on (a run whose early steps were not
  // logged) with slowly decorrelating noise (lag-one correlation 0.95) on top
  // of white noise; the first 150 are seen (70 per unit of ln x), the other
  // 200 forecast.
  double cover = 0, cover_white = 0;
  const int curves = 6;
  for (int c = 0; c < curves; ++c) {
    const Observations full = correlated_curve(350, 0.004, 0.95, 0.002, 100 + c, 20);
    const Observations obs = full.prefix(150);
    PosteriorOptions o;
    o.seed = static_cast<std::uint64_t>(c);
    EnsemblePosterior ex(o);
    ex.fit(obs);
    cover += tail_cover90(ex, full, 150) / curves;
    // The same model without its long-prefix parts (no slope, untempered).
    o.points_per_ln_x = 0;
    EnsemblePosterior plain(o);
    plain.fit(obs);
    cover_white += tail_cover90(plain, full, 150) / curves;
  }
  CATCH_CHECK(cover >= 0.8);
  CATCH_CHECK(cover <= 1.0);
  CATCH_CHECK(cover >= cover_white);
}

CATCH_TEST_CASE("a long clean power law with white noise keeps a narrow band", "[discrepancy]") {
  detail::Rng r(8);
  Observations full;
  full.higher_is_better = false;
  const double sd = 0.002;
  for (int i = 1; i <= 600; ++i) full.push_back(1000.0 * i, law(1000.0 * i) + sd * r.normal());
  const Observations obs = full.prefix(300);
  EnsemblePosterior ex;
  ex.fit(obs);
  const Predictive pr = ex.predict(600000.0);
  const auto iv = pr.interval(0.9);
  CATCH_CHECK(iv.first <= law(600000.0));
  CATCH_CHECK(iv.second >= law(600000.0));
  // Narrow: the 90% band at twice the last x spans less than a twentieth of
  // the prefix's range (noise alone: 3.3 sd = 0.0066; prefix range ~ 1.3).
  const double range = obs.y.front() - obs.y.back();
  CATCH_CHECK(iv.second - iv.first < range / 20);
  CATCH_CHECK(tail_cover90(ex, full, 300) >= 0.8);
}

CATCH_TEST_CASE("slope discrepancy: deterministic, thread-independent, joint draws match the marginals",
                "[discrepancy]") {
  const Observations obs = correlated_curve(200, 0.004, 0.95, 0.002, 21);
  // Without regime changes: their rare, wide steps make the sample sd of a few
  // thousand joint draws too noisy to compare (the default is checked by
  // quantiles in the next test case).
  PosteriorOptions o = PosteriorOptions::smooth();
  o.seed = 4;
  EnsemblePosterior a(o), b(o);
  o.threads = 2;
  EnsemblePosterior c(o);
  a.fit(obs);
  b.fit(obs);
  c.fit(obs);
  for (double x : {201000.0, 260000.0, 400000.0}) {
    const Predictive pa = a.predict(x), pb = b.predict(x), pc = c.predict(x);
    CATCH_CHECK(pa.mean() == pb.mean());
    CATCH_CHECK(pa.sd() == pb.sd());
    CATCH_CHECK(pa.mean() == pc.mean());
    CATCH_CHECK(pa.sd() == pc.sd());
  }
  const std::vector<double> xs{250000.0, 400000.0};
  const Eigen::MatrixXd d = a.sample_curves(xs, 4000, 9, true);
  CATCH_CHECK(d == a.sample_curves(xs, 4000, 9, true));
  for (int j = 0; j < 2; ++j) {
    const Predictive pr = a.predict(xs[static_cast<std::size_t>(j)]);
    const Eigen::ArrayXd col = d.col(j).array();
    const double mean = col.mean(), sd = std::sqrt((col - mean).square().mean());
    CATCH_CHECK(mean == Approx(pr.mean()).margin(4 * pr.sd() / std::sqrt(4000.0)));
    CATCH_CHECK(sd == Approx(pr.sd()).epsilon(0.1));
  }
}

CATCH_TEST_CASE("slope discrepancy with regime changes (the default): joint draws follow the marginal quantiles",
                "[discrepancy][regime]") {
  const Observations obs = correlated_curve(200, 0.004, 0.95, 0.002, 21);
  PosteriorOptions o;
  o.seed = 4;
  EnsemblePosterior a(o);
  a.fit(obs);
  const std::vector<double> xs{250000.0, 400000.0};
  const int n = 4000;
  const Eigen::MatrixXd d = a.sample_curves(xs, n, 9, true);
  for (int j = 0; j < 2; ++j) {
    const Predictive pr = a.predict(xs[static_cast<std::size_t>(j)]);
    for (double p : {0.05, 0.25, 0.5, 0.75, 0.95}) {
      const double q = pr.quantile(p);
      const double below = (d.col(j).array() <= q).cast<double>().mean();
      // Binomial standard error of the share of draws below the quantile.
      CATCH_CHECK(std::abs(below - p) < 4 * std::sqrt(p * (1 - p) / n));
    }
  }
}
