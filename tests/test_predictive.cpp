#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

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
  CATCH_CHECK_THROWS_AS(Predictive(NAN, 1.0, true), curvecast::InvalidInput);
  CATCH_CHECK_THROWS_AS(Predictive(0.0, 0.0, true), curvecast::InvalidInput);
  CATCH_CHECK_THROWS_AS(Predictive(0.0, INFINITY, true), curvecast::InvalidInput);
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

namespace {
// E[g(clamp(Y, lo, hi))] for the uncensored mixture Y, by the trapezoid rule
// over +-12 sd of every component (independent of the closed forms under test).
template <class G>
double censored_expectation(const Predictive& raw, double lo, double hi, G g) {
  double a = 1e300, b = -1e300;
  for (std::size_t i = 0; i < raw.components(); ++i) {
    a = std::min(a, raw.means()[i] - 12 * raw.sds()[i]);
    b = std::max(b, raw.means()[i] + 12 * raw.sds()[i]);
  }
  const int n = 200000;
  const double h = (b - a) / n;
  double s = 0;
  for (int k = 0; k <= n; ++k) {
    const double y = a + k * h;
    const double f = std::exp(raw.log_density(y)) * g(std::min(hi, std::max(lo, y)));
    s += (k == 0 || k == n) ? 0.5 * f : f;
  }
  return s * h;
}
}  // namespace

CATCH_TEST_CASE("Censored predictive: a support bound holds the mass beyond it", "[predictive]") {
  const double inf = std::numeric_limits<double>::infinity();
  const Predictive raw({1.0, 2.0}, {0.05, 0.3}, {0.1, 0.2}, false);
  CATCH_CHECK(!raw.censored());
  CATCH_CHECK(raw.support().first == -inf);
  CATCH_CHECK(raw.support().second == inf);
  for (auto [lo, hi] : {std::pair<double, double>{0.0, inf}, {0.0, 0.45}, {-inf, 0.45}}) {
    Predictive p = raw;
    p.set_support(lo, hi);
    CATCH_CHECK(p.censored());
    // Moments of the censored value against quadrature.
    const double m = censored_expectation(raw, lo, hi, [](double y) { return y; });
    const double v = censored_expectation(raw, lo, hi, [m](double y) { return (y - m) * (y - m); });
    CATCH_CHECK(p.mean() == Approx(m).margin(1e-7));
    CATCH_CHECK(p.sd() == Approx(std::sqrt(v)).epsilon(1e-6));
    // cdf: 0 below the lower bound, the mass beyond it sits at it, 1 from the upper bound on.
    if (std::isfinite(lo)) {
      CATCH_CHECK(p.cdf(lo - 1e-9) == 0);
      CATCH_CHECK(p.cdf(lo) == Approx(raw.cdf(lo)));
      CATCH_CHECK(raw.cdf(lo) > 0.1);  // the case is not vacuous
    }
    if (std::isfinite(hi)) {
      CATCH_CHECK(p.cdf(hi) == 1);
      CATCH_CHECK(raw.cdf(hi) < 0.99);
    }
    // Quantiles are clamped; inside, they are the mixture's.
    CATCH_CHECK(p.quantile(0.5) == Approx(raw.quantile(0.5)));
    const auto iv = p.interval(0.9), riv = raw.interval(0.9);
    CATCH_CHECK(iv.first == std::max(lo, riv.first));
    CATCH_CHECK(iv.second == std::min(hi, riv.second));
    // Lower is better: P(better) is unchanged inside the support, 0 at the lower bound.
    for (double t : {0.01, 0.1, 0.2, 0.4}) CATCH_CHECK(p.prob_better(t) == raw.prob_better(t));
    if (std::isfinite(lo)) CATCH_CHECK(p.prob_better(lo) == 0);
    // Density: the mixture's inside, impossible outside.
    CATCH_CHECK(p.log_density(0.2) == raw.log_density(0.2));
    if (std::isfinite(lo)) CATCH_CHECK(p.log_density(lo - 0.01) == -inf);
    if (std::isfinite(hi)) CATCH_CHECK(p.log_density(hi + 0.01) == -inf);
    // Draws stay inside and are the clamped draws of the mixture.
    const auto d = p.sample(2000, 3), r = raw.sample(2000, 3);
    for (std::size_t i = 0; i < d.size(); ++i) CATCH_CHECK(d[i] == std::min(hi, std::max(lo, r[i])));
  }
  // Higher is better: nothing beats the upper bound.
  Predictive acc({1.0}, {0.95}, {0.05}, true);
  acc.set_support(-inf, 1.0);
  CATCH_CHECK(acc.prob_better(1.0) == 0);
  CATCH_CHECK(acc.prob_better(0.9) == Predictive(0.95, 0.05, true).prob_better(0.9));
  CATCH_CHECK(acc.interval(0.9).second == 1.0);
  CATCH_CHECK(acc.mean() < 0.95);
  // Bad supports.
  Predictive bad = raw;
  CATCH_CHECK_THROWS_AS(bad.set_support(std::nan(""), 1), curvecast::InvalidInput);
  CATCH_CHECK_THROWS_AS(bad.set_support(1, 1), curvecast::InvalidInput);
  CATCH_CHECK_THROWS_AS(bad.set_support(2, 1), curvecast::InvalidInput);
  CATCH_CHECK_THROWS_AS(bad.set_support(inf, inf), curvecast::InvalidInput);
  CATCH_CHECK_THROWS_AS(bad.set_support(-inf, -inf), curvecast::InvalidInput);
  CATCH_CHECK(!bad.censored());  // a rejected support leaves it unchanged
}
