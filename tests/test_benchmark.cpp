// Scoring by the extrapolation protocol (include/curvecast/benchmark.hpp):
// hand-computed Gaussian cases, the floor, the cutoff rule, failures, the id
// filter, aggregation, and thread-count independence of every number but timings.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/protocol.hpp"
#include "support/runner.hpp"
#include "support/svg.hpp"
#include <curvecast/factory.hpp>

using curvecast::Curve;
using curvecast::CurveSet;
using curvecast::Observations;
using curvecast::Predictive;
namespace bench = curvecast::bench;

namespace {

/// A method whose predictive is N(mu, sigma^2) at every x; optionally fails.
class FakeMethod : public curvecast::Extrapolator {
 public:
  enum class Mode { Gauss, Mixture, ThrowInFit, ThrowStdInFit, ThrowInPredict, Absurd, SeededNoise };
  FakeMethod(Mode mode, double mu, double sigma, std::uint64_t seed = 0)
      : mode_(mode), mu_(mu), sigma_(sigma), seed_(seed) {}
  std::string name() const override { return "fake"; }
  void fit(const Observations& obs) override {
    if (mode_ == Mode::ThrowInFit) throw curvecast::FitFailure("boom: no fit");
    if (mode_ == Mode::ThrowStdInFit) throw std::runtime_error("plain std error");
    obs_ = obs;
    fitted_ = true;
  }
  bool is_fitted() const override { return fitted_; }
  const Observations& observations() const override { return obs_; }
  Predictive do_predict(double x) const override {
    require_fitted();
    if (mode_ == Mode::ThrowInPredict && x > obs_.x.back() + 1.5) throw curvecast::FitFailure("prediction blew up");
    if (mode_ == Mode::Absurd) return Predictive(1e200, 1.0, false);
    if (mode_ == Mode::Mixture)  // equal-weight N(mu - sigma, (sigma/2)^2) and N(mu + sigma, (sigma/2)^2)
      return Predictive({1, 1}, {mu_ - sigma_, mu_ + sigma_}, {sigma_ / 2, sigma_ / 2}, false);
    if (mode_ == Mode::SeededNoise) {
      // Depends on the case seed and x only (never on threads).
      curvecast::detail::Rng rng(curvecast::detail::derive_seed(seed_, static_cast<std::uint64_t>(x * 1000)));
      return Predictive(obs_.y.back() + 0.01 * rng.normal(), 0.02 + 0.01 * rng.uniform(), false);
    }
    return Predictive(mu_, sigma_, false);
  }
  Eigen::MatrixXd do_sample_curves(const std::vector<double>& xs, std::size_t draws, std::uint64_t,
                                   bool) const override {
    return Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(draws), static_cast<Eigen::Index>(xs.size()), mu_);
  }

 private:
  Mode mode_;
  double mu_, sigma_;
  std::uint64_t seed_;
  Observations obs_;
  bool fitted_ = false;
};

bench::Factory fake_factory(FakeMethod::Mode mode, double mu, double sigma) {
  return [=](const std::string&, std::uint64_t seed) { return std::make_unique<FakeMethod>(mode, mu, sigma, seed); };
}

// A 10-point curve: 4 observed at cutoff 0.4 (floor(4.0) = 4), 6 held back at
// z = (y - 0.5) / 0.1 = 0, 1, -1, 2, 1.6, -3.
Curve hand_curve() {
  Curve c;
  c.id = "hand";
  c.x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  c.y = {0.9, 0.8, 0.7, 0.65, 0.5, 0.6, 0.4, 0.7, 0.66, 0.2};
  return c;
}

}  // namespace

CATCH_TEST_CASE("cutoff rule: k = max(4, floor(f n)); fewer than 2 tail points is no case") {
  CATCH_CHECK(bench::observed_points(40, 0.1) == 4);
  CATCH_CHECK(bench::observed_points(40, 0.2) == 8);
  CATCH_CHECK(bench::observed_points(40, 0.8) == 32);
  CATCH_CHECK(bench::observed_points(20, 0.2) == 4);
  CATCH_CHECK(bench::observed_points(61, 0.4) == 24);  // floor(24.4)
  CATCH_CHECK(bench::observed_points(51, 0.1) == 5);   // floor(5.1)
  CATCH_CHECK(bench::observed_points(9, 0.8) == 7);    // floor(7.2)
  CATCH_CHECK(bench::has_case(9, 0.8));                // tail 7, 8
  CATCH_CHECK(bench::has_case(6, 0.1));                // k = 4, tail 4, 5
  CATCH_CHECK_FALSE(bench::has_case(5, 0.1));          // k = 4, one tail point
  CATCH_CHECK_FALSE(bench::has_case(4, 0.5));          // nothing left
  CATCH_CHECK_FALSE(bench::has_case(10, 0.9));         // k = 9, one tail point

  CurveSet set;
  Curve a = hand_curve();
  Curve b;
  b.id = "short";
  b.x = {1, 2, 3, 4, 5};
  b.y = {5, 4, 3, 2, 1};
  set.curves = {a, b};
  bench::RunOptions o;
  o.methods = {"m1", "m2"};
  o.cutoffs = {0.1, 0.8};
  const auto plan = bench::plan_cases(set, {0, 1}, o);
  // hand: 0.1 -> k 4 (tail 6), 0.8 -> k 8 (tail 2); short: k 4 for both, tail 1 -> skipped.
  CATCH_REQUIRE(plan.size() == 4);
  for (const auto& c : plan) CATCH_CHECK(c.curve_index == 0);
}

CATCH_TEST_CASE("a Gaussian predictive with known mean and sigma gives the hand-computed ll, mse, cover90") {
  const Curve c = hand_curve();
  const auto r = bench::run_case(c, false, 0, 0.4, "fake", 1, fake_factory(FakeMethod::Mode::Gauss, 0.5, 0.1));
  CATCH_REQUIRE_FALSE(r.failed);
  CATCH_CHECK(r.k == 4);
  CATCH_CHECK(r.n == 10);
  // log N(y; 0.5, 0.1) = -0.5 ln(2 pi) - ln(0.1) - z^2 / 2; sum of z^2 / 2 = 0 + .5 + .5 + 2 + 1.28 + 4.5 = 8.78.
  const double ll = -0.91893853320467274 + 2.3025850929940457 - 8.78 / 6;
  CATCH_CHECK(r.ll == Approx(ll).epsilon(1e-12));
  // mse = 0.01 * (0 + 1 + 1 + 4 + 2.56 + 9) / 6
  CATCH_CHECK(r.mse == Approx(0.1756 / 6).epsilon(1e-12));
  CATCH_CHECK(r.final_ae == Approx(0.3).epsilon(1e-12));
  // Central 90% interval = 0.5 +- 1.6449 * 0.1: z = 0, 1, -1, 1.6 inside; 2, -3 outside.
  CATCH_CHECK(r.cover90 == Approx(4.0 / 6).epsilon(1e-15));
  CATCH_CHECK(r.floored == 0);
  CATCH_CHECK(r.mean.size() == 6);
  CATCH_CHECK(r.lower[0] == Approx(0.5 - 0.1 * 1.6448536269514722).epsilon(1e-9));
  CATCH_CHECK(r.upper[0] == Approx(0.5 + 0.1 * 1.6448536269514722).epsilon(1e-9));
  CATCH_CHECK(r.seconds >= 0);
  CATCH_CHECK(r.error.empty());
}

CATCH_TEST_CASE("a two-component mixture predictive: ll from the mixture density, cover90 from its interval") {
  Curve c;
  c.id = "mix";
  c.x = {1, 2, 3, 4, 5, 6, 7};
  c.y = {1, 1, 1, 1, 0.4, 0.5, 0.75};  // k = 4 at cutoff 0.2; tail 0.4, 0.5, 0.75
  const auto r = bench::run_case(c, false, 0, 0.2, "fake", 1, fake_factory(FakeMethod::Mode::Mixture, 0.5, 0.1));
  CATCH_REQUIRE_FALSE(r.failed);
  // Components N(0.4, 0.05^2) and N(0.6, 0.05^2), weight 1/2 each.
  auto dens = [](double y) {
    auto phi = [](double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * 3.14159265358979323846); };
    return 0.5 * phi((y - 0.4) / 0.05) / 0.05 + 0.5 * phi((y - 0.6) / 0.05) / 0.05;
  };
  const double ll = (std::log(dens(0.4)) + std::log(dens(0.5)) + std::log(dens(0.75))) / 3;
  CATCH_CHECK(r.ll == Approx(ll).epsilon(1e-10));
  CATCH_CHECK(r.mean[0] == Approx(0.5).epsilon(1e-14));
  CATCH_CHECK(r.mse == Approx((0.01 + 0 + 0.0625) / 3).epsilon(1e-12));
  // The central 90% interval of this mixture is symmetric about 0.5 and lies
  // within 0.6 + 1.645 * 0.05 = 0.682: 0.4 and 0.5 inside, 0.75 outside.
  CATCH_CHECK(r.cover90 == Approx(2.0 / 3));
  CATCH_CHECK(r.upper[0] - 0.5 == Approx(0.5 - r.lower[0]).epsilon(1e-9));
  CATCH_CHECK(r.upper[0] < 0.6 + 1.6448536269514722 * 0.05);
  CATCH_CHECK(r.upper[0] > 0.6);
}

CATCH_TEST_CASE("per-point log densities are floored at -50 and the floored points counted") {
  const Curve c = hand_curve();
  // sigma 0.01 around 0.5: z = 0, 10, -10, 20, 16, -30 -> log p = 3.6862 - z^2/2;
  // z = 20, 16, -30 fall below -50 (-196.3, -124.3, -446.3), z = 10 gives -46.31.
  const auto r = bench::run_case(c, false, 0, 0.4, "fake", 1, fake_factory(FakeMethod::Mode::Gauss, 0.5, 0.01));
  CATCH_REQUIRE_FALSE(r.failed);
  CATCH_CHECK(r.floored == 3);
  const double base = -0.91893853320467274 + 4.6051701859880914;  // -0.5 ln(2 pi) - ln(0.01)
  const double ll = (base + (base - 50) + (base - 50) + 3 * -50.0) / 6;
  CATCH_CHECK(r.ll == Approx(ll).epsilon(1e-10));
  CATCH_CHECK(r.cover90 == Approx(1.0 / 6));

  // score_tail directly: -inf log density (sd tiny, point far) is floored, not a failure.
  const std::vector<Predictive> p{Predictive(0.0, 1e-300, false), Predictive(0.0, 1.0, false)};
  const auto s = bench::score_tail(p, {1.0, 0.0});
  CATCH_CHECK(s.floored == 1);
  CATCH_CHECK(s.ll == Approx((-50.0 - 0.91893853320467274) / 2).epsilon(1e-12));
  CATCH_CHECK_THROWS_AS(bench::score_tail(p, {1.0}), curvecast::InvalidInput);
}

CATCH_TEST_CASE("a failing method is scored ll = -50 with the last observed value as its mean, and counted") {
  const Curve c = hand_curve();
  const double last = 0.65;  // y[k-1] with k = 4
  double se = 0;
  for (std::size_t i = 4; i < 10; ++i) se += (last - c.y[i]) * (last - c.y[i]);
  using M = FakeMethod::Mode;
  for (M mode : {M::ThrowInFit, M::ThrowStdInFit, M::ThrowInPredict, M::Absurd}) {
    const auto r = bench::run_case(c, false, 3, 0.4, "fake", 1, fake_factory(mode, 0.5, 0.1));
    CATCH_REQUIRE(r.failed);
    CATCH_CHECK_FALSE(r.error.empty());
    CATCH_CHECK(r.ll == -50.0);
    CATCH_CHECK(r.mse == Approx(se / 6).epsilon(1e-14));
    CATCH_CHECK(r.final_ae == Approx(std::abs(last - 0.2)).epsilon(1e-14));
    CATCH_CHECK(r.cover90 == 0.0);
    CATCH_CHECK(r.floored == 0);
    CATCH_CHECK(r.curve_index == 3);
    CATCH_CHECK(r.mean == std::vector<double>(6, last));
  }
  CATCH_CHECK(bench::run_case(c, false, 0, 0.4, "fake", 1, fake_factory(M::ThrowInFit, 0, 1)).error.find("boom") !=
              std::string::npos);
  CATCH_CHECK(bench::run_case(c, false, 0, 0.4, "fake", 1, fake_factory(M::ThrowStdInFit, 0, 1))
                  .error.find("plain std error") != std::string::npos);

  // Real methods: an unknown name (UsageError from the factory) and a family that
  // needs more points than are observed (pow4 needs 5; k = 4) are failures too.
  const bench::Factory real = [](const std::string& m, std::uint64_t seed) {
    curvecast::FactoryOptions f;
    f.seed = seed;
    return curvecast::make_extrapolator(m, f);
  };
  const auto unk = bench::run_case(c, false, 0, 0.4, "no-such-method", 1, real);
  CATCH_CHECK(unk.failed);
  CATCH_CHECK(unk.error.find("unknown method") != std::string::npos);
  const auto few = bench::run_case(c, false, 0, 0.4, "pow4", 1, real);
  CATCH_CHECK(few.failed);
  CATCH_CHECK(few.ll == -50.0);

  // Aggregates count failures and keep them in every mean and median.
  CurveSet set;
  set.curves = {c, c};
  set.curves[1].id = "hand2";
  bench::RunOptions o;
  o.methods = {"pow4", "last"};
  o.cutoffs = {0.4};
  const auto cases = bench::run(set, {0, 1}, o, real);
  CATCH_REQUIRE(cases.size() == 4);
  const auto aggs = bench::aggregate(cases, o.cutoffs, o.methods);
  CATCH_REQUIRE(aggs.size() == 2);
  CATCH_CHECK(aggs[0].method == "pow4");
  CATCH_CHECK(aggs[0].n == 2);
  CATCH_CHECK(aggs[0].failures == 2);
  CATCH_CHECK(aggs[0].ll_mean == -50.0);
  CATCH_CHECK(aggs[0].ll_median == -50.0);
  CATCH_CHECK(aggs[0].mse_mean == Approx(se / 6).epsilon(1e-14));
  CATCH_CHECK(aggs[0].cover90_mean == 0.0);
  CATCH_CHECK(aggs[1].method == "last");
  CATCH_CHECK(aggs[1].failures == 0);
  CATCH_CHECK(aggs[1].tail_points == 12);
}

CATCH_TEST_CASE("the `last` baseline through the benchmark matches the protocol formula") {
  const Curve c = hand_curve();
  const bench::Factory real = [](const std::string& m, std::uint64_t) { return curvecast::make_extrapolator(m); };
  const auto r = bench::run_case(c, false, 0, 0.4, "last", 0, real);
  CATCH_REQUIRE_FALSE(r.failed);
  // Prefix 0.9, 0.8, 0.7, 0.65: differences -0.1, -0.1, -0.05 (mean -0.25/3);
  // population sd = sqrt(((1/60)^2 * 2 + (1/30)^2) / 3) = sqrt(1/1800); sd = that / sqrt(2) = 1/60.
  const double sd = 1.0 / 60;
  double ll = 0;
  int in = 0;
  for (std::size_t i = 4; i < 10; ++i) {
    const double z = (c.y[i] - 0.65) / sd;
    ll += std::max(-50.0, -0.91893853320467274 - std::log(sd) - 0.5 * z * z);
    in += std::abs(z) <= 1.6448536269514722;
  }
  CATCH_CHECK(r.ll == Approx(ll / 6).epsilon(1e-12));
  CATCH_CHECK(r.cover90 == Approx(in / 6.0));
  CATCH_CHECK(r.lower[0] == Approx(0.65 - 1.6448536269514722 * sd).epsilon(1e-9));
}

CATCH_TEST_CASE("aggregation: means and medians over cases, in cutoff then method order") {
  CATCH_CHECK(bench::median({}) == 0);
  CATCH_CHECK(bench::median({3}) == 3);
  CATCH_CHECK(bench::median({4, 1, 3}) == 3);
  CATCH_CHECK(bench::median({4, 1, 3, 2}) == 2.5);
  std::vector<bench::CaseResult> rows(5);
  const double ll[] = {1, 2, 9, -50, 4};
  for (int i = 0; i < 5; ++i) {
    rows[i].cutoff = i < 4 ? 0.2 : 0.4;
    rows[i].method = "m";
    rows[i].n = 10;
    rows[i].k = 4;
    rows[i].ll = ll[i];
    rows[i].mse = i;
    rows[i].seconds = 0.1 * i;
    rows[i].floored = 1;
    rows[i].failed = i == 3;
  }
  const auto a = bench::aggregate(rows, {0.4, 0.2}, {"m", "unused"});
  CATCH_REQUIRE(a.size() == 2);  // pairs without cases are left out
  CATCH_CHECK(a[0].cutoff == 0.4);
  CATCH_CHECK(a[1].cutoff == 0.2);
  CATCH_CHECK(a[1].n == 4);
  CATCH_CHECK(a[1].failures == 1);
  CATCH_CHECK(a[1].ll_mean == Approx(-38.0 / 4));
  CATCH_CHECK(a[1].ll_median == 1.5);
  CATCH_CHECK(a[1].mse_mean == 1.5);
  CATCH_CHECK(a[1].seconds_median == Approx(0.15));
  CATCH_CHECK(a[1].floored == 4);
  CATCH_CHECK(a[1].tail_points == 24);
  const auto j = bench::aggregate_json(a[1]);
  for (const char* key : {"cutoff", "method", "n", "failures", "ll_mean", "ll_median", "mse_mean", "mse_median",
                          "final_ae_mean", "cover90_mean", "seconds_median", "floored"})
    CATCH_CHECK(j.contains(key));
  const auto cj = bench::case_json(rows[3]);
  for (const char* key :
       {"curve_id", "cutoff", "method", "ll", "mse", "final_ae", "cover90", "seconds", "failed", "error", "floored"})
    CATCH_CHECK(cj.contains(key));
}

CATCH_TEST_CASE("id filter: keeps the set's order, rejects unknown ids; sample and limit") {
  CurveSet set;
  for (int i = 0; i < 10; ++i) {
    Curve c;
    c.id = "c" + std::to_string(i);
    c.x = {1, 2, 3, 4, 5, 6};
    c.y = {6, 5, 4, 3, 2, 1};
    set.curves.push_back(c);
  }
  CATCH_CHECK(bench::select_curves(set, {}).size() == 10);
  CATCH_CHECK(bench::select_curves(set, {"c7", "c2", "c7"}) == std::vector<std::size_t>{2, 7});
  CATCH_CHECK(bench::select_curves(set, {"c7", "c2", "c5"}, 2) == std::vector<std::size_t>{2, 5});
  CATCH_CHECK_THROWS_AS(bench::select_curves(set, {"c1", "nope"}), curvecast::UsageError);
  const auto s1 = bench::select_curves(set, {}, 0, 4, 11);
  const auto s2 = bench::select_curves(set, {}, 0, 4, 11);
  CATCH_CHECK(s1 == s2);
  CATCH_REQUIRE(s1.size() == 4);
  for (std::size_t i = 1; i < s1.size(); ++i) CATCH_CHECK(s1[i - 1] < s1[i]);
  CATCH_CHECK(bench::select_curves(set, {}, 3) == std::vector<std::size_t>{0, 1, 2});
  CATCH_CHECK(bench::parse_id_list("[\"a\", \"b\"]") == std::vector<std::string>{"a", "b"});
  CATCH_CHECK_THROWS_AS(bench::parse_id_list("{\"a\": 1}"), curvecast::JsonError);
  CATCH_CHECK_THROWS_AS(bench::parse_id_list("[1, 2]"), curvecast::JsonError);
  CATCH_CHECK_THROWS_AS(bench::parse_id_list("[\"a\""), curvecast::JsonError);
  // The id filter restricts the cases run.
  bench::RunOptions o;
  o.methods = {"last"};
  o.cutoffs = {0.1};
  const bench::Factory real = [](const std::string& m, std::uint64_t) { return curvecast::make_extrapolator(m); };
  const auto cases = bench::run(set, bench::select_curves(set, {"c3", "c8"}), o, real);
  CATCH_REQUIRE(cases.size() == 2);
  CATCH_CHECK(cases[0].curve_id == "c3");
  CATCH_CHECK(cases[1].curve_id == "c8");
  CATCH_CHECK(cases[1].curve_index == 8);
}

CATCH_TEST_CASE("every number but timings is independent of the thread count and of the other methods") {
  // Twelve noisy synthetic saturating curves (seeded) of 20-40 points.
  CurveSet set;
  curvecast::detail::Rng rng(2024);
  for (int i = 0; i < 12; ++i) {
    Curve c;
    c.id = "syn" + std::to_string(i);
    const int n = 20 + 2 * i;
    const double a = 0.1 + 0.05 * (i % 3), b = 0.8, alpha = 0.4 + 0.1 * (i % 4);
    for (int e = 1; e <= n; ++e) {
      c.x.push_back(e);
      c.y.push_back(a + b * std::pow(e, -alpha) + 0.01 * rng.normal());
    }
    set.curves.push_back(c);
  }
  const bench::Factory factory = [](const std::string& m,
                                    std::uint64_t seed) -> std::unique_ptr<curvecast::Extrapolator> {
    if (m == "noise") return std::make_unique<FakeMethod>(FakeMethod::Mode::SeededNoise, 0, 1, seed);
    curvecast::FactoryOptions f;
    f.seed = seed;
    return curvecast::make_extrapolator(m, f);
  };
  bench::RunOptions o;
  o.methods = {"last", "pow4", "ls:akaike", "noise"};
  o.cutoffs = {0.1, 0.4};
  o.seed = 99;
  const auto sel = bench::select_curves(set, {});
  o.threads = 1;
  const auto one = bench::run(set, sel, o, factory);
  o.threads = 3;
  std::size_t progress_calls = 0, last_done = 0;
  const auto three = bench::run(set, sel, o, factory, [&](std::size_t done, std::size_t total, double) {
    ++progress_calls;
    CATCH_CHECK(done <= total);
    last_done = done;
  });
  CATCH_CHECK(progress_calls >= 1);
  CATCH_CHECK(last_done == one.size());
  CATCH_REQUIRE(one.size() == 12 * 2 * 4);
  CATCH_REQUIRE(three.size() == one.size());
  auto same = [](const bench::CaseResult& a, const bench::CaseResult& b) {
    return a.curve_index == b.curve_index && a.curve_id == b.curve_id && a.cutoff == b.cutoff && a.method == b.method &&
           a.seed == b.seed && a.n == b.n && a.k == b.k && a.ll == b.ll && a.mse == b.mse && a.final_ae == b.final_ae &&
           a.cover90 == b.cover90 && a.floored == b.floored && a.failed == b.failed && a.error == b.error &&
           a.mean == b.mean && a.lower == b.lower && a.upper == b.upper;
  };
  for (std::size_t i = 0; i < one.size(); ++i) CATCH_CHECK(same(one[i], three[i]));
  const auto a1 = bench::aggregate(one, o.cutoffs, o.methods), a3 = bench::aggregate(three, o.cutoffs, o.methods);
  CATCH_REQUIRE(a1.size() == a3.size());
  for (std::size_t i = 0; i < a1.size(); ++i) {
    auto j1 = bench::aggregate_json(a1[i]), j3 = bench::aggregate_json(a3[i]);
    j1.erase("seconds_mean");
    j1.erase("seconds_median");
    j3.erase("seconds_mean");
    j3.erase("seconds_median");
    CATCH_CHECK(j1 == j3);
  }
  // The seeded method does depend on the seed (so the check above is not vacuous) ...
  std::size_t differ = 0;
  o.seed = 100;
  o.threads = 2;
  const auto other_seed = bench::run(set, sel, o, factory);
  for (std::size_t i = 0; i < one.size(); ++i)
    if (one[i].method == "noise" && one[i].ll != other_seed[i].ll) ++differ;
  CATCH_CHECK(differ > 0);
  // ... and a case's seed and scores do not depend on which other methods or curves are run.
  o.seed = 99;
  o.methods = {"noise"};
  const auto alone = bench::run(set, bench::select_curves(set, {"syn5"}), o, factory);
  CATCH_REQUIRE(alone.size() == 2);
  for (const auto& r : alone) {
    bool found = false;
    for (const auto& x : one)
      if (x.curve_index == r.curve_index && x.cutoff == r.cutoff && x.method == r.method) {
        found = true;
        CATCH_CHECK(same(x, r));
      }
    CATCH_CHECK(found);
  }
  // Least squares fits these well: no failures at cutoff 0.4.
  for (const auto& r : one)
    if (r.cutoff == 0.4) CATCH_CHECK_FALSE(r.failed);
}

CATCH_TEST_CASE("run options are validated eagerly") {
  bench::RunOptions o;
  o.cutoffs = {0.2, 1.0};
  CATCH_CHECK_THROWS_AS(o.validate(), curvecast::InvalidOptions);
  o.cutoffs = {0.2, 0.2};
  CATCH_CHECK_THROWS_AS(o.validate(), curvecast::InvalidOptions);
  o.cutoffs = {0.2};
  o.methods = {};
  CATCH_CHECK_THROWS_AS(o.validate(), curvecast::InvalidOptions);
  o.methods = {"last", "last"};
  CATCH_CHECK_THROWS_AS(o.validate(), curvecast::InvalidOptions);
  o.methods = {"last"};
  o.threads = 0;
  CATCH_CHECK_THROWS_AS(o.validate(), curvecast::InvalidOptions);
  o.threads = 2;
  CATCH_CHECK_NOTHROW(o.validate());
}

CATCH_TEST_CASE("svg writer: well-formed text with title, axis labels and legend, escaped") {
  curvecast::bench::SvgPlot p;
  p.title("curve <a&b>");
  p.xlabel("epoch");
  p.ylabel("val_error_rate");
  p.band({1, 2, 3}, {0.1, 0.2, 0.3}, {0.3, 0.4, 0.5}, 0, "band");
  p.line({1, 2, 3}, {0.2, 0.3, 0.4}, 0, "pow4: ll 1.2");
  p.points({1, 2}, {0.25, NAN}, -1, "observed");
  const std::string s = p.str();
  CATCH_CHECK(s.rfind("<svg", 0) == 0);
  CATCH_CHECK(s.find("</svg>") != std::string::npos);
  CATCH_CHECK(s.find("curve &lt;a&amp;b&gt;") != std::string::npos);
  CATCH_CHECK(s.find(">epoch<") != std::string::npos);
  CATCH_CHECK(s.find(">val_error_rate<") != std::string::npos);
  CATCH_CHECK(s.find("pow4: ll 1.2") != std::string::npos);
  CATCH_CHECK(s.find("nan") == std::string::npos);
  curvecast::bench::SvgPlot empty;
  empty.log_x(true);
  CATCH_CHECK(empty.str().find("nan") == std::string::npos);
}
