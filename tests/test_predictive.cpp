#include <catch2/catch.hpp>

#include <cmath>

#include <curvecast/predictive.hpp>

using curvecast::Predictive;

CATCH_TEST_CASE("Gaussian predictive matches closed forms", "[predictive]") {
  const Predictive p(2.0, 0.5, /*higher_is_better=*/false);
  CATCH_CHECK(p.mean() == Approx(2.0));
  CATCH_CHECK(p.sd() == Approx(0.5));
  // log N(2.5; 2, 0.5^2) = -0.5 - ln(0.5) - 0.5 ln(2 pi)
  CATCH_CHECK(p.log_density(2.5) == Approx(-0.5 - std::log(0.5) - 0.5 * std::log(2 * M_PI)));
  const auto iv = p.interval(0.9);
  CATCH_CHECK(iv.first == Approx(2.0 - 1.6448536269514722 * 0.5).epsilon(1e-12));
  CATCH_CHECK(iv.second == Approx(2.0 + 1.6448536269514722 * 0.5).epsilon(1e-12));
  // lower is better: P(Y < 2) = 0.5, P(Y < 2 - 0.5) = Phi(-1)
  CATCH_CHECK(p.prob_better(2.0) == Approx(0.5));
  CATCH_CHECK(p.prob_better(1.5) == Approx(0.15865525393145707).epsilon(1e-10));
  const Predictive q(2.0, 0.5, /*higher_is_better=*/true);
  CATCH_CHECK(q.prob_better(1.5) == Approx(1 - 0.15865525393145707).epsilon(1e-10));
}

CATCH_TEST_CASE("Mixture predictive: moments, quantiles, density", "[predictive]") {
  const Predictive m({1.0, 3.0}, {0.0, 4.0}, {1.0, 1.0}, true);  // weights 0.25 / 0.75
  CATCH_CHECK(m.weights()[0] == Approx(0.25));
  CATCH_CHECK(m.mean() == Approx(3.0));
  CATCH_CHECK(m.sd() == Approx(std::sqrt(1.0 + 0.25 * 9 + 0.75 * 1)));
  for (double q : {0.05, 0.3, 0.5, 0.9}) CATCH_CHECK(m.cdf(m.quantile(q)) == Approx(q).margin(1e-9));
  const double y = 1.7;
  const double dens = 0.25 * std::exp(-0.5 * y * y) / std::sqrt(2 * M_PI) +
                      0.75 * std::exp(-0.5 * (y - 4) * (y - 4)) / std::sqrt(2 * M_PI);
  CATCH_CHECK(m.log_density(y) == Approx(std::log(dens)));
  // Far tails stay finite (log-sum-exp), never -inf or NaN.
  CATCH_CHECK(std::isfinite(m.log_density(1e3)));
}

CATCH_TEST_CASE("Predictive draws are seeded and follow the distribution", "[predictive]") {
  const Predictive p(-1.0, 2.0, true);
  const auto a = p.sample(20000, 5), b = p.sample(20000, 5), c = p.sample(20000, 6);
  CATCH_CHECK(a == b);
  CATCH_CHECK(a != c);
  double s = 0, ss = 0;
  for (double v : a) s += v, ss += v * v;
  const double mean = s / a.size(), var = ss / a.size() - mean * mean;
  CATCH_CHECK(mean == Approx(-1.0).margin(4 * 2.0 / std::sqrt(20000.0)));
  CATCH_CHECK(std::sqrt(var) == Approx(2.0).epsilon(0.03));
}

CATCH_TEST_CASE("Predictive rejects non-finite or degenerate parameters", "[predictive][bad-input]") {
  CATCH_CHECK_THROWS_AS(Predictive(NAN, 1.0, true), curvecast::FitFailure);
  CATCH_CHECK_THROWS_AS(Predictive(0.0, 0.0, true), curvecast::FitFailure);
  CATCH_CHECK_THROWS_AS(Predictive(0.0, INFINITY, true), curvecast::FitFailure);
  CATCH_CHECK_THROWS_AS(Predictive({}, {}, {}, true), curvecast::InvalidInput);
  CATCH_CHECK_THROWS_AS(Predictive(0.0, 1.0, true).quantile(1.0), curvecast::InvalidInput);
  CATCH_CHECK_THROWS_AS(Predictive(0.0, 1.0, true).log_density(NAN), curvecast::InvalidInput);
}

CATCH_TEST_CASE("Predictive handles magnitudes near 1e300", "[predictive][bad-input]") {
  const Predictive p({1, 1}, {1e300, -1e300}, {1e299, 1e299}, false);
  CATCH_CHECK(std::isfinite(p.sd()));
  CATCH_CHECK(p.sd() == Approx(std::sqrt(101.0) * 1e299).epsilon(1e-9));  // sqrt(sd^2 + (1e300)^2)
  CATCH_CHECK(std::isfinite(p.log_density(0.0)));
  CATCH_CHECK(std::isfinite(p.quantile(0.7)));
}
