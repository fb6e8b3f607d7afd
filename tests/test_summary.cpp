// Long curves: the summary (curve_summary.hpp) keeps the sum of squares exactly
// where it should, fits to it agree with point-by-point fits where the summary
// is exact, short curves are fitted exactly as without it, the streaming
// summary equals the batch one, and bad input is still rejected.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <curvecast/curvecast.hpp>
#include <curvecast/early_stopping.hpp>
#include <curvecast/factory.hpp>
#include <curvecast/least_squares.hpp>
#include <curvecast/posterior.hpp>

using namespace curvecast;

namespace {
// y = 0.5 + 2 x^-0.5 + N(0, noise^2) at x = x0, x0 + step, ... (n points).
Observations noisy_power_law(std::size_t n, double noise, std::uint64_t seed, double x0 = 1, double step = 1) {
  detail::Rng rng(seed);
  Observations o;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = x0 + step * static_cast<double>(i);
    const double shifted = x - x0 + 1;
    o.x.push_back(x);
    o.y.push_back(0.5 + 2.0 * std::pow(shifted, -0.5) + noise * rng.normal());
  }
  return o;
}
// y = a + b ln(x - origin) + N(0, noise^2): linear in the summary's coordinate.
Observations noisy_log_line(std::size_t n, double noise, std::uint64_t seed) {
  detail::Rng rng(seed);
  Observations o;
  for (std::size_t i = 1; i <= n; ++i) {
    const double x = static_cast<double>(i);
    o.x.push_back(x);
    o.y.push_back(0.9 - 0.05 * std::log(x) + noise * rng.normal());
  }
  return o;
}
double rel(double a, double b) { return std::abs(a - b) / std::max({std::abs(a), std::abs(b), 1e-300}); }

template <class F>
void check_sum_of_squares(const Observations& o, const CurveSummary& s, F&& f) {
  double exact = 0, summed = s.ss_total;
  for (std::size_t i = 0; i < o.size(); ++i) exact += (o.y[i] - f(o.x[i])) * (o.y[i] - f(o.x[i]));
  for (std::size_t j = 0; j < s.size(); ++j) summed += s.w[j] * (s.y[j] - f(s.x[j])) * (s.y[j] - f(s.x[j]));
  CATCH_CHECK(rel(exact, summed) < 1e-9);
}
}  // namespace

CATCH_TEST_CASE("the summary keeps the sum of squares of every curve linear in ln x", "[summary]") {
  const Observations o = noisy_power_law(20000, 0.01, 3);
  const auto s = summarise(o, 256);
  CATCH_REQUIRE(s.has_value());
  CATCH_CHECK(s->size() <= 64);
  CATCH_CHECK(s->count == o.size());
  double wsum = 0;
  for (double w : s->w) wsum += w;
  CATCH_CHECK(wsum == Approx(20000.0).epsilon(1e-12));
  for (std::size_t j = 1; j < s->size(); ++j) CATCH_CHECK(s->x[j] > s->x[j - 1]);
  CATCH_CHECK(s->x.front() == o.x.front());  // the sparse early points are kept as they are
  CATCH_CHECK(s->y.front() == o.y.front());
  // Any f linear in ln x (so in particular linear inside each bin).
  check_sum_of_squares(o, *s, [](double) { return 0.7; });
  check_sum_of_squares(o, *s, [](double x) { return 0.6 - 0.02 * std::log(x); });
  check_sum_of_squares(o, *s, [](double x) { return -3.0 + 1.5 * std::log(x); });
}

CATCH_TEST_CASE("x starting at 0: the summary's coordinate is shifted as the fitters shift x", "[summary]") {
  const Observations o = noisy_power_law(3000, 0.02, 5, /*x0=*/0, /*step=*/10);
  const auto s = summarise(o, 64);
  CATCH_REQUIRE(s.has_value());
  CATCH_CHECK(s->size() <= 16);
  // origin = x0 - step = -10
  check_sum_of_squares(o, *s, [](double x) { return 1.0 + 0.3 * std::log(x + 10); });
}

CATCH_TEST_CASE("the streaming summary equals the batch summary of every prefix", "[summary]") {
  const Observations o = noisy_power_law(5000, 0.01, 11);
  CurveSummariser stream(64);
  for (std::size_t i = 0; i < o.size(); ++i) {
    stream.push(o.x[i], o.y[i]);
    const std::size_t n = i + 1;
    if (n == 65 || n == 300 || n == 1234 || n == 5000) {
      const auto a = stream.summary();
      const auto b = summarise(o.prefix(n), 64);
      CATCH_REQUIRE(a.has_value());
      CATCH_REQUIRE(b.has_value());
      CATCH_CHECK(a->x == b->x);
      CATCH_CHECK(a->y == b->y);
      CATCH_CHECK(a->w == b->w);
      CATCH_CHECK(a->ss == b->ss);
      CATCH_CHECK(a->count == n);
    }
  }
}

CATCH_TEST_CASE("the summary's bad input and fallbacks", "[summary][bad_input]") {
  CATCH_CHECK_THROWS_AS(CurveSummariser(32), InvalidOptions);
  CurveSummariser s(64);
  s.push(1, 0.5);
  CATCH_CHECK_THROWS_AS(s.push(1, 0.4), InvalidInput);  // not increasing
  CATCH_CHECK_THROWS_AS(s.push(2, std::numeric_limits<double>::quiet_NaN()), InvalidInput);
  CATCH_CHECK_THROWS_AS(s.push(std::numeric_limits<double>::infinity(), 0.4), InvalidInput);
  // Short curves are never summarised; a summary of too few distinguishable
  // points, or with a scatter beyond double range, is not used.
  CATCH_CHECK_FALSE(summarise(noisy_power_law(256, 0.01, 1), 256).has_value());
  Observations narrow;
  for (int i = 0; i < 1000; ++i) {
    narrow.x.push_back(1e15 + i);
    narrow.y.push_back(0.1 * i);
  }
  CATCH_CHECK_FALSE(summarise(narrow, 64).has_value());
  Observations huge;
  for (int i = 1; i <= 2000; ++i) {
    huge.x.push_back(i);
    huge.y.push_back(i % 2 ? 9e299 : -9e299);
  }
  CATCH_CHECK_FALSE(summarise(huge, 64).has_value());
  // The fitters then fit point by point (a clear answer or a clear error, never a crash).
  try {
    LeastSquaresExtrapolator ex("pow3");
    ex.fit(huge);
    CATCH_CHECK(std::isfinite(ex.predict(3000).mean()));
  } catch (const Error&) {}
  // Options.
  FitOptions fo;
  fo.max_points = 10;
  CATCH_CHECK_THROWS_AS(fo.validate(), InvalidOptions);
  PosteriorOptions po;
  po.max_points = 15;
  CATCH_CHECK_THROWS_AS(po.validate(), InvalidOptions);
  EarlyStoppingOptions eo;
  eo.max_points = 1;
  CATCH_CHECK_THROWS_AS(eo.validate(), InvalidOptions);
  // Bad points in a long curve are still rejected by every method.
  Observations bad = noisy_power_law(1000, 0.01, 2);
  bad.y[700] = std::numeric_limits<double>::quiet_NaN();
  for (const char* m : {"pow4", "ls:akaike", "ensemble"})
    CATCH_CHECK_THROWS_AS(make_extrapolator(m)->fit(bad), InvalidInput);
  bad.y[700] = 0.5;
  bad.x[700] = bad.x[699];
  for (const char* m : {"pow4", "ls:akaike", "ensemble"})
    CATCH_CHECK_THROWS_AS(make_extrapolator(m)->fit(bad), InvalidInput);
}

CATCH_TEST_CASE("a least-squares fit to the summary equals the exact fit where the summary is exact",
                "[summary][lsq]") {
  // log2 = -a ln x + b is linear in ln x: the summarised problem is the exact one.
  const Observations o = noisy_log_line(5000, 0.01, 4);
  FitOptions exact;
  exact.max_points = 0;
  const FitResult a = fit_family("log2", o, exact);
  const FitResult b = fit_family("log2", o);  // summarised (5000 > 256)
  CATCH_REQUIRE(a.params.size() == b.params.size());
  for (std::size_t k = 0; k < a.params.size(); ++k) CATCH_CHECK(rel(a.params[k], b.params[k]) < 1e-6);
  CATCH_CHECK(rel(a.sigma, b.sigma) < 1e-6);
  CATCH_CHECK(rel(a.sse_raw, b.sse_raw) < 1e-6);
  CATCH_CHECK(rel(a.aicc, b.aicc) < 1e-6);
  CATCH_CHECK(a.num_points == b.num_points);
  for (std::size_t k = 0; k < a.params.size(); ++k)
    CATCH_CHECK(rel(std::sqrt(a.covariance(k, k)), std::sqrt(b.covariance(k, k))) < 1e-6);
}

CATCH_TEST_CASE("the posterior's likelihood of a summary equals the exact one where the summary is exact",
                "[summary][posterior]") {
  // pow3 with alpha = e^-12 makes t^-alpha linear in ln t to ~1e-10: the basis
  // is then linear in ln t inside every bin, and so is the summary's error.
  const Observations o = noisy_log_line(4000, 0.02, 9);
  const auto s = summarise(o, 128);
  CATCH_REQUIRE(s.has_value());
  detail::BasisPrior prior;
  prior.b_cov[0] = 1;
  prior.b_cov[3] = 1;
  std::vector<double> t, z, w;
  for (std::size_t i = 0; i < o.size(); ++i) {
    t.push_back(o.x[i]);
    z.push_back(o.y[i]);
    w.push_back(1.0);
  }
  std::vector<double> ts, zs;
  for (std::size_t j = 0; j < s->size(); ++j) {
    ts.push_back(s->x[j]);
    zs.push_back(s->y[j]);
  }
  for (bool learn : {false, true}) {
    detail::BasisModel exact({detail::kPow3}, prior), summed({detail::kPow3}, prior);
    exact.learn_discrepancy(learn);
    summed.learn_discrepancy(learn);
    exact.set_data(t, z, w);
    summed.set_data(ts, zs, s->w);
    summed.set_summary(static_cast<double>(o.size() - s->size()), s->ss_total);
    // ln alpha, ln sigma (, ln lambda: a negligible discrepancy rate, so that
    // the discrepancy is constant inside each bin too)
    for (double ls : {-4.0, -3.0, -2.0}) {
      const double th[3] = {-12.0, ls, -40.0};
      CATCH_INFO("learned discrepancy " << learn << ", ln sigma " << ls);
      double L1[25], mu1[5], L2[25], mu2[5];
      const double l1 = exact.conditional(th, L1, mu1), l2 = summed.conditional(th, L2, mu2);
      CATCH_CHECK(std::isfinite(l1));
      CATCH_CHECK(std::abs(l1 - l2) < 1e-6 * std::abs(l1));
      CATCH_CHECK(rel(mu1[0], mu2[0]) < 1e-6);
      CATCH_CHECK(rel(mu1[1], mu2[1]) < 1e-6);
    }
  }
}

CATCH_TEST_CASE("curves at or below max_points are fitted exactly as without a summary", "[summary]") {
  const Observations o = noisy_power_law(256, 0.01, 21);
  for (const char* m : {"pow4", "ls:akaike", "ensemble"}) {
    FactoryOptions on, off;
    off.fit.max_points = 0;
    auto a = make_extrapolator(m, on), b = make_extrapolator(m, off);
    a->fit(o);
    b->fit(o);
    const Predictive pa = a->predict(2560), pb = b->predict(2560);
    CATCH_CHECK(pa.mean() == pb.mean());
    CATCH_CHECK(pa.sd() == pb.sd());
  }
  // One point more and the summary is used (and changes the answer a little).
  const Observations longer = noisy_power_law(2000, 0.01, 21);
  FactoryOptions off;
  off.fit.max_points = 0;
  auto a = make_extrapolator("pow4"), b = make_extrapolator("pow4", off);
  a->fit(longer);
  b->fit(longer);
  const double ma = a->predict(20000).mean(), mb = b->predict(20000).mean();
  CATCH_CHECK(ma != mb);
  CATCH_CHECK(std::abs(ma - mb) < 0.01 * std::abs(a->predict(20000).sd() + 1e-3) + 1e-3);
}

CATCH_TEST_CASE("fits of long curves are deterministic, whatever the thread count", "[summary][determinism]") {
  const Observations o = noisy_power_law(3000, 0.01, 31);
  PosteriorOptions p1, p2;
  p1.seed = p2.seed = 5;
  p2.threads = 2;
  EnsemblePosterior a(p1), b(p1), c(p2);
  a.fit(o);
  b.fit(o);
  c.fit(o);
  for (double x : {3000.0, 30000.0}) {
    CATCH_CHECK(a.predict(x).mean() == b.predict(x).mean());
    CATCH_CHECK(a.predict(x).sd() == b.predict(x).sd());
    CATCH_CHECK(a.predict(x).mean() == c.predict(x).mean());
  }
  auto l1 = make_extrapolator("ls:akaike"), l2 = make_extrapolator("ls:akaike");
  l1->fit(o);
  l2->fit(o);
  CATCH_CHECK(l1->predict(30000).mean() == l2->predict(30000).mean());
}

CATCH_TEST_CASE("a stopper's streamed summary gives the fits of the batch summary", "[summary][early_stopping]") {
  const Observations o = noisy_power_law(1500, 0.01, 41);
  EarlyStoppingOptions eo;
  eo.cut_initial_plateau = false;
  eo.max_points = 64;
  EarlyStopper st("ls:akaike", 1e5, false, eo);
  FactoryOptions fo;
  fo.fit.num_starts = 1;  // as EarlyStopper builds it (ls_num_starts = 1)
  fo.fit.max_points = 64;
  for (std::size_t i = 0; i < o.size(); ++i) {
    st.observe(o.x[i], o.y[i]);
    const std::size_t n = i + 1;
    if (n == 100 || n == 700 || n == 1500) {
      const Decision d = st.decide(0.1);
      auto fresh = make_extrapolator("ls:akaike", fo);
      fresh->fit(o.prefix(n));  // summarised in one go
      CATCH_CHECK(d.predicted_final == fresh->predict(1e5).mean());
      CATCH_CHECK(d.predicted_sd == fresh->predict(1e5).sd());
    }
  }
}
