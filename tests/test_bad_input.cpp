// Bad input: every case gets a clear exception type and message, or a documented fallback.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <curvecast/curvecast.hpp>
#include "support/cli.hpp"
#include <curvecast/factory.hpp>
#include <curvecast/stop_decision.hpp>

#include "helpers.hpp"

using namespace curvecast;
using Catch::Contains;

namespace {
using curvecast_test::kNaN;
const double kInf = std::numeric_limits<double>::infinity();
std::vector<double> iota(int n) {
  std::vector<double> v;
  for (int i = 1; i <= n; ++i) v.push_back(i);
  return v;
}
std::vector<double> falling(int n) {
  std::vector<double> v;
  for (int i = 1; i <= n; ++i) v.push_back(0.2 + 0.8 / std::sqrt(i));
  return v;
}
const char* kMethods[] = {"last", "pow3", "mmf4", "ls:akaike"};
}  // namespace

CATCH_TEST_CASE("invalid observations raise InvalidInput naming the problem", "[bad-input]") {
  struct Case {
    const char* what;
    std::vector<double> x, y;
    const char* message;
  };
  auto y = falling(8);
  auto x = iota(8);
  std::vector<Case> cases{
      {"empty", {}, {}, "no observations"},
      {"length mismatch", x, falling(7), "differ in length"},
      {"NaN y", x, y, "not finite"},
      {"inf y", x, y, "not finite"},
      {"NaN x", x, y, "not finite"},
      {"-inf x", x, y, "not finite"},
      {"unsorted x", x, y, "strictly increasing"},
      {"duplicate x", x, y, "strictly increasing"},
      {"huge negative x", x, y, "1e300"},
      {"magnitude", x, y, "1e300"},
  };
  cases[2].y[3] = kNaN;
  cases[3].y[5] = kInf;
  cases[4].x[2] = kNaN;
  cases[5].x[0] = -kInf;
  std::swap(cases[6].x[2], cases[6].x[3]);
  cases[7].x[4] = cases[7].x[3];
  cases[8].x[0] = -1e301;
  cases[9].y[1] = 1e301;
  for (const auto& c : cases) {
    for (const char* m : kMethods) {
      CATCH_INFO(c.what << " / " << m);
      auto ex = make_extrapolator(m);
      const Observations o(c.x, c.y, false);
      CATCH_CHECK_THROWS_AS(ex->fit(o), InvalidInput);
      CATCH_CHECK_THROWS_WITH(ex->fit(o), Contains(c.message));
      CATCH_CHECK_FALSE(ex->is_fitted());
    }
  }
}

CATCH_TEST_CASE("too few points for a family's parameters", "[bad-input]") {
  auto ex = make_extrapolator("mmf4");  // 4 parameters + noise: needs 5 points
  CATCH_CHECK_THROWS_WITH(ex->fit(Observations(iota(4), falling(4), false)), Contains("too few points"));
  CATCH_CHECK_NOTHROW(ex->fit(Observations(iota(5), falling(5), false)));
  CATCH_CHECK_THROWS_AS(fit_family("pow3", Observations(iota(3), falling(3), false)), InvalidInput);
  MultiFamilyExtrapolator multi;
  CATCH_CHECK_THROWS_AS(multi.fit(Observations(iota(2), falling(2), false)), InvalidInput);
}

CATCH_TEST_CASE("constant curves use the documented fallback", "[bad-input]") {
  const Observations flat(iota(10), std::vector<double>(10, 0.693), false);
  for (const char* m : {"pow3", "mmf4", "ls:akaike", "last"}) {
    CATCH_INFO(m);
    auto ex = make_extrapolator(m);
    ex->fit(flat);
    const Predictive p = ex->predict(50);
    CATCH_CHECK(p.mean() == Approx(0.693));
    CATCH_CHECK(p.sd() > 0);
    CATCH_CHECK(p.sd() < 1e-5);
    CATCH_CHECK(std::isfinite(p.log_density(0.693)));
    CATCH_CHECK(ex->sample_curves({20, 30}, 5, 1).allFinite());
  }
  LeastSquaresExtrapolator ls("pow3");
  ls.fit(flat);
  CATCH_CHECK(ls.constant_fallback());
  CATCH_CHECK(ls.asymptote().value == Approx(0.693));
  // All-zero constant curve too.
  ls.fit(Observations(iota(6), std::vector<double>(6, 0.0), true));
  CATCH_CHECK(ls.predict(10).mean() == 0.0);
  CATCH_CHECK(ls.predict(10).sd() > 0);
}

CATCH_TEST_CASE("huge and tiny magnitudes give finite answers or clear errors", "[bad-input]") {
  for (double scale : {1e-300, 1e-150, 1e150, 1e299}) {
    CATCH_INFO("scale " << scale);
    auto y = falling(20);
    for (auto& v : y) v *= scale;
    for (const char* m : kMethods) {
      CATCH_INFO(m);
      auto ex = make_extrapolator(m);
      try {
        ex->fit(Observations(iota(20), y, false));
        const Predictive p = ex->predict(60);
        CATCH_CHECK(std::isfinite(p.mean()));
        CATCH_CHECK(std::isfinite(p.sd()));
        CATCH_CHECK(p.sd() > 0);
        CATCH_CHECK(std::isfinite(p.log_density(y.back())));
        // Relative accuracy survives the scaling: the curve's shape is unchanged.
        CATCH_CHECK(std::abs(p.mean() / scale - 0.2 - 0.8 / std::sqrt(60.0)) < 0.1);
      } catch (const Error& e) {
        CATCH_FAIL("unexpected error: " << e.what());
      }
    }
  }
  // Huge x (FLOP budgets).
  std::vector<double> x;
  for (int i = 0; i < 20; ++i) x.push_back(1e18 * std::pow(10.0, i * 0.3));
  auto ex = make_extrapolator("pow3");
  ex->fit(Observations(x, falling(20), false));
  CATCH_CHECK(std::isfinite(ex->predict(1e25).mean()));
}

CATCH_TEST_CASE("queries before fit and at invalid x are usage errors", "[bad-input]") {
  for (const char* m : kMethods) {
    CATCH_INFO(m);
    auto ex = make_extrapolator(m);
    CATCH_CHECK_THROWS_AS(ex->predict(3), UsageError);
    CATCH_CHECK_THROWS_AS(ex->observations(), UsageError);
  }
  for (const char* m : kMethods) {  // a NaN or infinite x is an error for every method, `last` included
    CATCH_INFO(m);
    auto e = make_extrapolator(m);
    e->fit(Observations(iota(10), falling(10), false));
    CATCH_CHECK_THROWS_AS(e->predict(kNaN), InvalidInput);
    CATCH_CHECK_THROWS_AS(e->predict(kInf), InvalidInput);
    CATCH_CHECK_THROWS_AS(e->sample_curves({12.0, kNaN}, 3, 1), InvalidInput);
  }
  LeastSquaresExtrapolator ex("pow3");
  ex.fit(Observations(iota(10), falling(10), false));
  CATCH_CHECK_THROWS_AS(ex.predict(-1), InvalidInput);
  CATCH_CHECK_THROWS_AS(ex.predict(kNaN), InvalidInput);
  CATCH_CHECK_THROWS_AS(curvecast::reach(ex, kNaN, 100), InvalidInput);
  CATCH_CHECK_THROWS_AS(curvecast::reach(ex, 0.1, 5), InvalidInput);  // x_max before the last observation
  CATCH_CHECK_THROWS_AS(ex.asymptote(1.5), InvalidInput);
}

CATCH_TEST_CASE("invalid options are rejected eagerly", "[bad-input]") {
  FitOptions o;
  o.num_starts = 0;
  CATCH_CHECK_THROWS_AS(LeastSquaresExtrapolator("pow3", o), InvalidOptions);
  o = {};
  o.loss_scale = -1;
  CATCH_CHECK_THROWS_AS(o.validate(), InvalidOptions);
  o = {};
  o.weights = {1, -1};
  CATCH_CHECK_THROWS_AS(o.validate(), InvalidOptions);
  o = {};
  o.weights = {1, 1, 1};  // wrong length for 10 points
  CATCH_CHECK_THROWS_AS(fit_family("pow3", Observations(iota(10), falling(10), false), o), InvalidOptions);
  o = {};
  o.time_budget_seconds = kNaN;
  CATCH_CHECK_THROWS_AS(o.validate(), InvalidOptions);
  MultiFamilyOptions m;
  m.families = {};
  CATCH_CHECK_THROWS_AS(MultiFamilyExtrapolator(m), InvalidOptions);
  m.families = {"pow3", "nonsense"};
  CATCH_CHECK_THROWS_AS(MultiFamilyExtrapolator(m), UsageError);
  CATCH_CHECK_THROWS_AS(make_extrapolator("nonsense"), UsageError);
  CATCH_CHECK_THROWS_AS(LeastSquaresExtrapolator("nonsense"), UsageError);
}

CATCH_TEST_CASE("an optional option is either unset (auto / none / off) or a value in its range", "[bad-input]") {
  PosteriorOptions p;  // every optional unset: valid
  CATCH_CHECK_NOTHROW(p.validate());
  CATCH_CHECK(p.learns_discrepancy());
  p.discrepancy = 0.0;  // a fixed rate of 0 is a value, not "auto"
  CATCH_CHECK_NOTHROW(p.validate());
  CATCH_CHECK_FALSE(p.learns_discrepancy());
  CATCH_CHECK(p.discrepancy_rate() == 0.0);
  p.discrepancy = -1.0;
  CATCH_CHECK_THROWS_WITH(p.validate(), Contains("discrepancy"));
  p = {};
  p.horizon = 0.0;
  CATCH_CHECK_THROWS_WITH(p.validate(), Contains("horizon"));
  p.horizon = kNaN;
  CATCH_CHECK_THROWS_AS(p.validate(), InvalidOptions);
  p = {};
  p.best_attainable = std::numeric_limits<double>::infinity();
  CATCH_CHECK_THROWS_WITH(p.validate(), Contains("best_attainable"));
  p.best_attainable = 0.0;
  CATCH_CHECK_NOTHROW(p.validate());
  p = {};
  p.time_budget_seconds = 0.0;  // no budget is unset, not 0
  CATCH_CHECK_THROWS_WITH(p.validate(), Contains("time_budget_seconds"));
  CATCH_CHECK_THROWS_AS(EnsemblePosterior(p), InvalidOptions);
  FitOptions f;
  f.time_budget_seconds = 0.0;
  CATCH_CHECK_THROWS_WITH(f.validate(), Contains("time_budget_seconds"));
  SamplerOptions s;
  s.kde_bandwidth = 0.0;
  CATCH_CHECK_THROWS_WITH(s.validate(), Contains("kde_bandwidth"));
  s.kde_bandwidth = 0.5;
  CATCH_CHECK_NOTHROW(s.validate());
  EarlyStoppingOptions e;
  CATCH_CHECK_NOTHROW(e.validate());
  e.max_extrapolation = 0.0;
  CATCH_CHECK_THROWS_WITH(e.validate(), Contains("max_extrapolation"));
}

CATCH_TEST_CASE("a time budget is honoured", "[bad-input]") {
  FitOptions o;
  o.num_starts = 500;
  o.time_budget_seconds = 0.05;
  std::vector<double> x, y;
  detail::Rng rng(1);
  for (int i = 1; i <= 200; ++i) x.push_back(i), y.push_back(0.2 + 0.8 / std::sqrt(i) + 0.05 * rng.normal());
  const FitResult r = fit_family("mmf4", Observations(x, y, false), o);
  CATCH_CHECK(r.num_starts >= 1);
  CATCH_CHECK(r.num_starts < 500);
  CATCH_CHECK(r.seconds < 0.05 + 0.25);  // one start may finish after the budget
}

CATCH_TEST_CASE("malformed JSON raises JsonError", "[bad-input][json]") {
  CATCH_CHECK_THROWS_AS(parse_curve_set("{not json"), JsonError);
  CATCH_CHECK_THROWS_AS(parse_curve_set(""), JsonError);
  CATCH_CHECK_THROWS_AS(parse_curve_set("[]"), JsonError);
  CATCH_CHECK_THROWS_AS(parse_curve_set(R"({"curves": 3})"), JsonError);
  CATCH_CHECK_THROWS_AS(parse_curve_set(R"({"curves": [{"x": [1], "y": [1]}]})"), JsonError);  // no id
  CATCH_CHECK_THROWS_WITH(parse_curve_set(R"({"curves": [{"id": "a", "x": [1, 2], "y": [1]}]})"),
                          Contains("different lengths"));
  CATCH_CHECK_THROWS_WITH(parse_curve_set(R"({"curves": [{"id": "a", "x": "1", "y": [1]}]})"), Contains("wrong type"));
  CATCH_CHECK_THROWS_AS(parse_curve_set(R"({"curves": [{"id": "a", "x": [NaN], "y": [1]}]})"), JsonError);
  CATCH_CHECK_THROWS_AS(read_curve_set("/nonexistent/file.json"), JsonError);
  CATCH_CHECK_THROWS_AS(nlohmann::json::parse(R"({"family": "pow3"})").get<FitResult>(), JsonError);
}

CATCH_TEST_CASE("command-line numbers of the programs are parsed strictly", "[bad-input][cli]") {
  using bench::parse_count;
  using bench::parse_int_count;
  using bench::parse_number;
  CATCH_CHECK(parse_number("0.05", "--threshold") == 0.05);
  CATCH_CHECK(parse_number("-2.5e3", "--x") == -2500.0);
  CATCH_CHECK(parse_number("10", "--x") == 10.0);
  // What std::atof reads as 0 or as a prefix, or what is not finite.
  for (const char* bad : {"", "abc", "0.05x", "5 ", " ", "nan", "inf", "-inf", "1e999", "0x"}) {
    CATCH_CHECK_THROWS_AS(parse_number(bad, "--plateau-patience"), UsageError);
    CATCH_CHECK_THROWS_WITH(parse_number(bad, "--plateau-patience"),
                            Contains("--plateau-patience") && Contains("is not a finite number"));
  }
  CATCH_CHECK(parse_count("0", "--seeds") == 0u);
  CATCH_CHECK(parse_count("18446744073709551615", "--seed") == 18446744073709551615ull);
  for (const char* bad : {"", "-1", "+3", "2.5", "5x", "1e3", " 7", "18446744073709551616"}) {
    CATCH_CHECK_THROWS_AS(parse_count(bad, "--seeds"), UsageError);
    CATCH_CHECK_THROWS_WITH(parse_count(bad, "--seeds"), Contains("--seeds") && Contains("non-negative integer"));
  }
  CATCH_CHECK(parse_int_count("2147483647", "--threads") == 2147483647);
  CATCH_CHECK_THROWS_WITH(parse_int_count("2147483648", "--threads"), Contains("larger than"));
  CATCH_CHECK_THROWS_WITH(parse_int_count("11", "--k", 10), Contains("larger than 10"));
}

CATCH_TEST_CASE("x starting at 0 or below is fitted one step above the origin (documented fallback)", "[bad-input]") {
  // An evaluation at step 0 (or a negative x) used to be rejected. The fitting
  // coordinates now shift x so that x[0] sits one step (x[1] - x[0]) above the
  // origin: with unit steps, x = 0..n-1 is fitted exactly as x = 1..n, and
  // x = -5.. exactly as x = 1.., for every method and both kinds of family
  // coordinates (expp3 and loglog_linear are fitted in raw x).
  auto y = falling(12);
  std::vector<double> x1 = iota(12), x0, xm;
  for (double v : x1) x0.push_back(v - 1), xm.push_back(v - 6);
  const Observations o1(x1, y, false), o0(x0, y, false), om(xm, y, false);
  for (const char* m : {"last", "pow3", "mmf4", "expp3", "loglog_linear", "ls:akaike", "ensemble"}) {
    CATCH_INFO(m);
    auto a = make_extrapolator(m), b = make_extrapolator(m), c = make_extrapolator(m);
    a->fit(o1);
    b->fit(o0);
    c->fit(om);
    for (double dx : {0.5, 3.0, 12.0, 50.0}) {  // from x[0] + 0.5 up to far beyond the data
      const Predictive pa = a->predict(1 + dx), pb = b->predict(0 + dx), pc = c->predict(-5 + dx);
      CATCH_CHECK(std::isfinite(pb.mean()));
      CATCH_CHECK(pb.mean() == Approx(pa.mean()).epsilon(1e-9));
      CATCH_CHECK(pb.sd() == Approx(pa.sd()).epsilon(1e-9));
      CATCH_CHECK(pc.mean() == Approx(pa.mean()).epsilon(1e-9));
      CATCH_CHECK(pc.sd() == Approx(pa.sd()).epsilon(1e-9));
    }
    // Predictions need x beyond x[0] - step (t > 0); before it is a clear error
    // (`last` predicts its constant at any finite x).
    if (std::string(m) != "last") {
      CATCH_CHECK_THROWS_AS(b->predict(-1), InvalidInput);
      CATCH_CHECK_THROWS_AS(c->predict(-7), InvalidInput);
      CATCH_CHECK_THROWS_AS(c->sample_curves({-3.0, -7.0}, 4, 1), InvalidInput);
    }
  }
  // A non-unit step: x = 0, 100, 200, ... is fitted as 100, 200, 300, ...
  std::vector<double> s0, s1;
  for (double v : x1) s0.push_back(100 * (v - 1)), s1.push_back(100 * v);
  auto a = make_extrapolator("ls:akaike"), b = make_extrapolator("ls:akaike");
  a->fit(Observations(s1, y, false));
  b->fit(Observations(s0, y, false));
  CATCH_CHECK(b->predict(4000).mean() == Approx(a->predict(4100).mean()).epsilon(1e-9));
  // A single point at 0 (the `last` baseline) and a constant curve from 0 work too.
  auto l = make_extrapolator("last");
  l->fit(Observations({0.0}, {0.3}, false));
  CATCH_CHECK(l->predict(10).mean() == 0.3);
  auto k = make_extrapolator("pow3");
  k->fit(Observations(x0, std::vector<double>(12, 0.25), false));
  CATCH_CHECK(k->predict(30).mean() == 0.25);
}
