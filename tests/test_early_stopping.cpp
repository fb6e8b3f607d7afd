// EarlyStopper: the rule's logic on constructed curves, the direction flag, the
// no-decision cases, bad input, and warm-started decisions against cold ones.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <curvecast/early_stopping.hpp>
#include <curvecast/factory.hpp>

namespace cc = curvecast;

namespace {

// y = floor + amp * x^-0.5 + N(0, noise^2) (seeded), x = 1..n; mirrored to 1 - y when `higher`.
std::vector<double> make_curve(double floor, double amp, int n, double noise, std::uint64_t seed, bool higher = false) {
  cc::detail::Rng rng(seed);
  std::vector<double> y;
  for (int e = 1; e <= n; ++e) {
    const double v = floor + amp * std::pow(e, -0.5) + noise * rng.normal();
    y.push_back(higher ? 1 - v : v);
  }
  return y;
}

void feed(cc::EarlyStopper& s, const std::vector<double>& y, int k) {
  for (int e = 1; e <= k; ++e) s.observe(e, y[static_cast<std::size_t>(e - 1)]);
}

// An extrapolator that always fails to fit, to exercise the FitFailed branch.
class FailingExtrapolator : public cc::Extrapolator {
 public:
  std::string name() const override { return "failing"; }
  void fit(const cc::Observations&) override { throw cc::FitFailure("deliberate failure for the test"); }
  bool is_fitted() const override { return false; }
  const cc::Observations& observations() const override { return obs_; }
  cc::Predictive do_predict(double) const override { throw cc::UsageError("not fitted"); }
  Eigen::MatrixXd do_sample_curves(const std::vector<double>&, std::size_t, std::uint64_t, bool) const override {
    throw cc::UsageError("not fitted");
  }

 private:
  cc::Observations obs_;
};

}  // namespace

CATCH_TEST_CASE("EarlyStoppingOptions::validate rejects bad values", "[early_stopping]") {
  cc::EarlyStoppingOptions o;
  CATCH_CHECK_NOTHROW(o.validate());
  auto bad = [](auto change) {
    cc::EarlyStoppingOptions x;
    change(x);
    return x;
  };
  CATCH_CHECK_THROWS_AS(bad([](auto& x) { x.threshold = 0; }).validate(), cc::InvalidOptions);
  CATCH_CHECK_THROWS_AS(bad([](auto& x) { x.threshold = 1; }).validate(), cc::InvalidOptions);
  CATCH_CHECK_THROWS_AS(bad([](auto& x) { x.threshold = std::nan(""); }).validate(), cc::InvalidOptions);
  CATCH_CHECK_THROWS_AS(bad([](auto& x) { x.min_points = 1; }).validate(), cc::InvalidOptions);
  CATCH_CHECK_THROWS_AS(bad([](auto& x) { x.plateau_delta = -1; }).validate(), cc::InvalidOptions);
  CATCH_CHECK_THROWS_AS(bad([](auto& x) { x.plateau_look_ahead = 0; }).validate(), cc::InvalidOptions);
  CATCH_CHECK_THROWS_AS(bad([](auto& x) { x.optimistic_sd = -0.1; }).validate(), cc::InvalidOptions);
  CATCH_CHECK_THROWS_AS(bad([](auto& x) { x.interval_level = 1; }).validate(), cc::InvalidOptions);
  CATCH_CHECK_THROWS_AS(bad([](auto& x) { x.ls_num_starts = 0; }).validate(), cc::InvalidOptions);
  CATCH_CHECK_THROWS_AS(bad([](auto& x) { x.stop_confirmations = 0; }).validate(), cc::InvalidOptions);
  // The constructor validates eagerly.
  CATCH_CHECK_THROWS_AS(cc::EarlyStopper("ls:akaike", 50, false, bad([](auto& x) { x.threshold = 2; })),
                        cc::InvalidOptions);
  CATCH_CHECK_THROWS_AS(cc::EarlyStopper("ls:akaike", 0.0, false), cc::InvalidOptions);
  CATCH_CHECK_THROWS_AS(cc::EarlyStopper("ls:akaike", std::nan(""), false), cc::InvalidOptions);
  CATCH_CHECK_THROWS_AS(cc::EarlyStopper("no-such-method", 50, false), cc::UsageError);
  cc::EarlyStoppingOptions cold;
  cold.warm_start = false;
  CATCH_CHECK_THROWS_AS(cc::EarlyStopper(cc::make_extrapolator("ls:akaike"), 50, false, cold), cc::InvalidOptions);
  CATCH_CHECK_THROWS_AS(cc::EarlyStopper(std::unique_ptr<cc::Extrapolator>(), 50, false), cc::InvalidOptions);
}

CATCH_TEST_CASE("observe rejects bad points", "[early_stopping]") {
  cc::EarlyStopper s("ls:akaike", 10, false);
  s.observe(1, 0.5);
  CATCH_CHECK_THROWS_AS(s.observe(1, 0.4), cc::InvalidInput);           // x not increasing
  CATCH_CHECK_THROWS_AS(s.observe(2, std::nan("")), cc::InvalidInput);  // NaN
  CATCH_CHECK_THROWS_AS(s.observe(11, 0.4), cc::InvalidInput);          // beyond x_final
  CATCH_CHECK_THROWS_AS(s.observe(-1, 0.4), cc::InvalidInput);
  CATCH_CHECK(s.observations().size() == 1);  // rejected points are not kept
}

CATCH_TEST_CASE("a clearly worse run is stopped", "[early_stopping]") {
  // Levels off near 0.5; the best final so far is 0.2.
  const auto y = make_curve(0.5, 0.3, 50, 0.005, 11);
  cc::EarlyStopper s("ls:akaike", 50, false);
  feed(s, y, 12);
  const cc::Decision d = s.decide(0.2);
  CATCH_CHECK(d.action == cc::StopAction::Stop);
  CATCH_CHECK(d.rule == cc::StopRule::ProbBelowThreshold);
  CATCH_CHECK(d.p_better < 0.05);
  CATCH_CHECK(d.predicted_final > 0.4);
  CATCH_CHECK(d.lower <= d.predicted_final);
  CATCH_CHECK(d.upper >= d.predicted_final);
  CATCH_CHECK(d.target == 0.2);
  // 0.8 -> 0.71 -> ...: from the second point on, 5 points are better than the
  // first by > 0.05, so Domhan's plateau cut drops the first point.
  CATCH_CHECK(d.points_cut == 1);
  CATCH_CHECK(d.points_fitted == 11);
  CATCH_CHECK(!d.reason.empty());
  CATCH_CHECK(d.seconds > 0);
  // With a much laxer target (0.6: worse than this run will end) it continues.
  const cc::Decision lax = s.decide(0.6);
  // Its own best observation already beats 0.6, so that branch fires first.
  CATCH_CHECK(lax.action == cc::StopAction::Continue);
  CATCH_CHECK(lax.rule == cc::StopRule::OwnBestBeatsTarget);
}

CATCH_TEST_CASE("a run still improving past the target is not stopped", "[early_stopping]") {
  // 0.05 + 0.8 / sqrt(x): 0.30 at x = 10, 0.163 at x = 50; the target 0.2 is not yet beaten.
  const auto y = make_curve(0.05, 0.8, 50, 0.002, 12);
  cc::EarlyStopper s("ls:akaike", 50, false);
  feed(s, y, 10);
  CATCH_REQUIRE(s.forecast().own_best > 0.2);
  const cc::Decision d = s.decide(0.2);
  CATCH_CHECK(d.action == cc::StopAction::Continue);
  CATCH_CHECK(d.rule == cc::StopRule::ProbAboveThreshold);
  CATCH_CHECK(d.p_better >= 0.05);
  CATCH_CHECK(d.predicted_final < 0.2);
}

CATCH_TEST_CASE("never stopped while its own best beats the target", "[early_stopping]") {
  // A run that dips below the target and then rises again: the predicted final
  // value is worse than the target, but its best observation beats it.
  std::vector<double> y;
  for (int e = 1; e <= 12; ++e) y.push_back(0.3 + 0.002 * (e - 6) * (e - 6));
  cc::EarlyStopper s("ls:akaike", 50, false);
  feed(s, y, 12);
  const cc::Decision d = s.decide(0.31);
  CATCH_CHECK(d.action == cc::StopAction::Continue);
  CATCH_CHECK(d.rule == cc::StopRule::OwnBestBeatsTarget);
  // The safeguard is an option: without it the prediction decides.
  cc::EarlyStoppingOptions o;
  o.never_stop_if_own_best_beats = false;
  cc::EarlyStopper s2("ls:akaike", 50, false, o);
  feed(s2, y, 12);
  const cc::Decision d2 = s2.decide(0.31);
  CATCH_CHECK(d2.rule != cc::StopRule::OwnBestBeatsTarget);
  CATCH_CHECK(d2.action != cc::StopAction::NoDecision);
}

CATCH_TEST_CASE("the direction flag mirrors the decision", "[early_stopping]") {
  for (std::uint64_t seed : {21u, 22u}) {
    const auto lo = make_curve(0.5, 0.3, 50, 0.005, seed, false);
    const auto hi = make_curve(0.5, 0.3, 50, 0.005, seed, true);  // 1 - lo
    cc::EarlyStopper s_lo("ls:akaike", 50, false), s_hi("ls:akaike", 50, true);
    feed(s_lo, lo, 12);
    feed(s_hi, hi, 12);
    const cc::Decision a = s_lo.decide(0.2), b = s_hi.decide(0.8);
    CATCH_CHECK(a.action == cc::StopAction::Stop);
    CATCH_CHECK(b.action == cc::StopAction::Stop);
    CATCH_CHECK(a.rule == b.rule);
    CATCH_CHECK(a.p_better < 0.05);
    CATCH_CHECK(b.p_better < 0.05);
    CATCH_CHECK(a.points_cut == b.points_cut);
    // Not bit-identical: some least-squares families are fitted on y / max|y|,
    // which is not mirror-symmetric; the two predictions agree within their spread.
    CATCH_CHECK(std::abs(a.predicted_final - (1 - b.predicted_final)) < a.predicted_sd + b.predicted_sd);
    // Read with the wrong direction, the same accuracy curve beats an accuracy
    // target of 0.2 from its first point: "lower is better" sees 0.2 as excellent
    // and the run's values (~0.5) as bad, so it is stopped instead.
    cc::EarlyStopper wrong("ls:akaike", 50, false);
    feed(wrong, hi, 12);
    CATCH_CHECK(wrong.decide(0.8).rule == cc::StopRule::OwnBestBeatsTarget);
  }
}

CATCH_TEST_CASE("no decision when the data cannot support one", "[early_stopping]") {
  const auto y = make_curve(0.5, 0.3, 50, 0.005, 31);
  cc::EarlyStopper s("ls:akaike", 50, false);
  // Nothing observed.
  cc::Decision d = s.decide(0.2);
  CATCH_CHECK(d.action == cc::StopAction::NoDecision);
  CATCH_CHECK(d.rule == cc::StopRule::TooFewPoints);
  // Fewer than min_points.
  feed(s, y, 4);
  d = s.decide(0.2);
  CATCH_CHECK(d.action == cc::StopAction::NoDecision);
  CATCH_CHECK(d.rule == cc::StopRule::TooFewPoints);
  CATCH_CHECK(d.reason.find("at least 5") != std::string::npos);
  CATCH_CHECK(std::isnan(d.p_better));
  // Enough points but no target: the prediction is still reported.
  s.observe(5, y[4]);
  s.observe(6, y[5]);
  d = s.decide(std::nullopt);
  CATCH_CHECK(d.action == cc::StopAction::NoDecision);
  CATCH_CHECK(d.rule == cc::StopRule::NoTarget);
  CATCH_CHECK(std::isfinite(d.predicted_final));
  CATCH_CHECK(s.decide(std::nan("")).rule == cc::StopRule::NoTarget);
  // At the budget.
  cc::EarlyStopper b("ls:akaike", 10, false);
  feed(b, y, 10);
  d = b.decide(0.2);
  CATCH_CHECK(d.action == cc::StopAction::NoDecision);
  CATCH_CHECK(d.rule == cc::StopRule::AtBudget);
  // The extrapolator fails: NoDecision with its reason, never an exception.
  cc::EarlyStopper f(std::make_unique<FailingExtrapolator>(), 50, false);
  feed(f, y, 10);
  d = f.decide(0.2);
  CATCH_CHECK(d.action == cc::StopAction::NoDecision);
  CATCH_CHECK(d.rule == cc::StopRule::FitFailed);
  CATCH_CHECK(d.reason.find("deliberate failure") != std::string::npos);
  // reset() starts a new run.
  s.reset();
  CATCH_CHECK(s.observations().empty());
  CATCH_CHECK(s.decide(0.2).rule == cc::StopRule::TooFewPoints);
}

CATCH_TEST_CASE("the initial plateau is cut before fitting", "[early_stopping]") {
  // Domhan's cut_beginning, mirrored for lower-is-better: the curve starts where
  // 5 consecutive points are better than the first by more than 0.05.
  const std::vector<double> flat_then_drop{0.69, 0.69, 0.688, 0.691, 0.62, 0.55, 0.5, 0.47, 0.45, 0.44, 0.43};
  CATCH_CHECK(cc::detail::plateau_cut(flat_then_drop, false, 0.05, 5) == 4);
  std::vector<double> mirrored;
  for (double v : flat_then_drop) mirrored.push_back(1 - v);
  CATCH_CHECK(cc::detail::plateau_cut(mirrored, true, 0.05, 5) == 4);
  CATCH_CHECK(cc::detail::plateau_cut(flat_then_drop, true, 0.05, 5) == 0);    // never "better" upwards
  CATCH_CHECK(cc::detail::plateau_cut({0.7, 0.7, 0.7}, false, 0.05, 5) == 0);  // too short to judge
  // Still on the plateau: nothing is cut (the whole curve is fitted).
  CATCH_CHECK(cc::detail::plateau_cut({0.69, 0.69, 0.69, 0.69, 0.69, 0.69, 0.69}, false, 0.05, 5) == 0);

  // As in Domhan's code, the start is searched among the first n - 5 points, so
  // the cut at index 4 is found once 10 points are in.
  CATCH_CHECK(cc::detail::plateau_cut({flat_then_drop.begin(), flat_then_drop.begin() + 9}, false, 0.05, 5) == 0);
  cc::EarlyStopper s("ls:akaike", 50, false);
  for (std::size_t i = 0; i < 10; ++i) s.observe(static_cast<double>(i + 1), flat_then_drop[i]);
  cc::Decision d = s.decide(0.2);
  CATCH_CHECK(d.points_cut == 4);
  CATCH_CHECK(d.points_fitted == 6);
  CATCH_CHECK(d.action != cc::StopAction::NoDecision);
  cc::EarlyStoppingOptions o;
  o.min_points = 7;
  cc::EarlyStopper s6("ls:akaike", 50, false, o);
  for (std::size_t i = 0; i < 10; ++i) s6.observe(static_cast<double>(i + 1), flat_then_drop[i]);
  d = s6.decide(0.2);
  CATCH_CHECK(d.rule == cc::StopRule::TooFewPoints);
  CATCH_CHECK(d.reason.find("plateau") != std::string::npos);
  o.cut_initial_plateau = false;
  cc::EarlyStopper nocut("ls:akaike", 50, false, o);
  for (std::size_t i = 0; i < 10; ++i) nocut.observe(static_cast<double>(i + 1), flat_then_drop[i]);
  CATCH_CHECK(nocut.decide(0.2).points_cut == 0);
}

CATCH_TEST_CASE("plateau patience: no decision while a run has not started to learn", "[early_stopping]") {
  // A loss stuck at ln 2 (chance) for 8 of 50 epochs; the target 0.3 is far below.
  std::vector<double> y;
  for (int e = 1; e <= 8; ++e) y.push_back(0.693 + 0.001 * ((e % 3) - 1));
  for (int e = 9; e <= 50; ++e) y.push_back(0.25 + 0.44 * std::exp(-(e - 8) / 6.0));
  // Leaving is confirmed by 5 consecutive points better than the first by > 0.05.
  CATCH_CHECK(!cc::detail::left_plateau({0.69, 0.69, 0.63, 0.62}, false, 0.05, 5));
  CATCH_CHECK(!cc::detail::left_plateau({0.69, 0.63, 0.62, 0.66, 0.6, 0.58, 0.55}, false, 0.05, 5));
  CATCH_CHECK(cc::detail::left_plateau({0.69, 0.63, 0.62, 0.6, 0.58, 0.55}, false, 0.05, 5));
  CATCH_CHECK(cc::detail::left_plateau({0.31, 0.37, 0.38, 0.4, 0.42, 0.45}, true, 0.05, 5));
  CATCH_CHECK(!cc::detail::left_plateau({0.69, 0.63, 0.62, 0.6, 0.58, 0.55}, true, 0.05, 5));
  cc::EarlyStoppingOptions o;
  o.plateau_patience = 0.3;  // wait up to x = 15 of 50
  cc::EarlyStopper patient("ls:akaike", 50, false, o), classic("ls:akaike", 50, false);
  feed(patient, y, 7);
  feed(classic, y, 7);
  const cc::Decision dp = patient.decide(0.3), dc = classic.decide(0.3);
  CATCH_CHECK(dc.action == cc::StopAction::Stop);  // the classic rule extrapolates the flat start and stops it
  CATCH_CHECK(dp.action == cc::StopAction::NoDecision);
  CATCH_CHECK(dp.rule == cc::StopRule::StillOnPlateau);
  CATCH_CHECK(std::string(cc::to_string(dp.rule)) == "still-on-plateau");
  CATCH_CHECK(dp.reason.find("plateau") != std::string::npos);
  CATCH_CHECK(dp.p_better < 0.05);  // the numbers are still reported
  // Once it leaves the plateau the ordinary rule applies again (still improving: continue).
  for (int e = 8; e <= 14; ++e) patient.observe(e, y[static_cast<std::size_t>(e - 1)]);
  CATCH_CHECK(patient.decide(0.3).rule != cc::StopRule::StillOnPlateau);
  // A run that never leaves it is judged once patience runs out (x >= 15).
  cc::EarlyStopper stuck("ls:akaike", 50, false, o);
  for (int e = 1; e <= 14; ++e) stuck.observe(e, 0.693 + 0.001 * ((e % 3) - 1));
  CATCH_CHECK(stuck.decide(0.3).rule == cc::StopRule::StillOnPlateau);
  stuck.observe(15, 0.693);
  CATCH_CHECK(stuck.decide(0.3).action == cc::StopAction::Stop);
  // Mirrored for higher-is-better metrics.
  cc::EarlyStopper acc("ls:akaike", 50, true, o);
  for (int e = 1; e <= 7; ++e) acc.observe(e, 1 - y[static_cast<std::size_t>(e - 1)]);
  CATCH_CHECK(acc.decide(0.7).rule == cc::StopRule::StillOnPlateau);
  // Validation.
  o.plateau_patience = 1.5;
  CATCH_CHECK_THROWS_AS(o.validate(), cc::InvalidOptions);
}

CATCH_TEST_CASE("max extrapolation: no decision while x_final is too far beyond the data", "[early_stopping]") {
  // The clearly worse run of the first test (P(better) < 0.05 from point 12 of 50 on).
  const auto y = make_curve(0.5, 0.3, 50, 0.005, 11);
  cc::EarlyStoppingOptions o;
  o.max_extrapolation = 4;  // decide only from x >= 50 / 4 = 12.5
  cc::EarlyStopper s("ls:akaike", 50, false, o), domhan("ls:akaike", 50, false);
  feed(s, y, 12);
  feed(domhan, y, 12);
  CATCH_REQUIRE(domhan.decide(0.2).stop());
  const cc::Decision d = s.decide(0.2);
  CATCH_CHECK(d.action == cc::StopAction::NoDecision);
  CATCH_CHECK(d.rule == cc::StopRule::TooFarAhead);
  CATCH_CHECK(std::string(cc::to_string(d.rule)) == "too-far-ahead");
  CATCH_CHECK(d.reason.find("max_extrapolation") != std::string::npos);
  CATCH_CHECK(d.p_better < 0.05);  // the numbers are still reported
  CATCH_CHECK(d.predicted_final > 0.4);
  s.observe(13, y[12]);  // 50 / 13 < 4: the ordinary rule applies
  const cc::Decision d13 = s.decide(0.2);
  CATCH_CHECK(d13.action == cc::StopAction::Stop);
  CATCH_CHECK(d13.rule == cc::StopRule::ProbBelowThreshold);
  // The run's own best beating the target still answers Continue first.
  cc::EarlyStopper early("ls:akaike", 50, false, o);
  feed(early, y, 6);
  CATCH_CHECK(early.decide(0.7).rule == cc::StopRule::OwnBestBeatsTarget);
  CATCH_CHECK(early.decide(0.2).rule == cc::StopRule::TooFarAhead);
  // Pure rule: the ratio is x_final / last_x, at exactly max_extrapolation the rule decides.
  const cc::StopForecast& f = s.forecast();
  cc::EarlyStoppingOptions edge;
  edge.max_extrapolation = 50.0 / 13.0;
  CATCH_CHECK(cc::EarlyStopper::apply_rule(f, 0.2, edge, false, 50).rule == cc::StopRule::ProbBelowThreshold);
  edge.max_extrapolation = 50.0 / 13.0 * 0.99;
  CATCH_CHECK(cc::EarlyStopper::apply_rule(f, 0.2, edge, false, 50).rule == cc::StopRule::TooFarAhead);
  // Validation: unset is off; a value must be finite and >= 1.
  o.max_extrapolation.reset();
  CATCH_CHECK_NOTHROW(o.validate());
  for (double bad : {0.0, 0.5, -1.0, std::nan(""), HUGE_VAL}) {
    o.max_extrapolation = bad;
    CATCH_CHECK_THROWS_AS(o.validate(), cc::InvalidOptions);
  }
  o.max_extrapolation = 1;
  CATCH_CHECK_NOTHROW(o.validate());
}

CATCH_TEST_CASE("optimistic stop on a small predictive spread", "[early_stopping]") {
  // A run that will beat the target (so the probability rule says continue),
  // predicted with a small spread: only the optimistic option stops it.
  const auto y = make_curve(0.05, 0.8, 50, 0.001, 41);
  cc::EarlyStoppingOptions o;
  o.optimistic_sd = 0.5;  // deliberately loose, so the spread is surely below it
  cc::EarlyStopper s("ls:akaike", 50, false, o), plain("ls:akaike", 50, false);
  feed(s, y, 15);
  feed(plain, y, 15);
  const cc::Decision d = s.decide(0.2), p = plain.decide(0.2);
  CATCH_CHECK(p.rule == cc::StopRule::ProbAboveThreshold);
  CATCH_CHECK(d.action == cc::StopAction::Stop);
  CATCH_CHECK(d.rule == cc::StopRule::OptimisticSpread);
  CATCH_CHECK(d.predicted_sd < 0.5);
}

CATCH_TEST_CASE("apply_rule is a pure function of the forecast and the target", "[early_stopping]") {
  const auto y = make_curve(0.3, 0.4, 50, 0.005, 51);
  cc::EarlyStopper s("ls:akaike", 50, false);
  feed(s, y, 15);
  const cc::StopForecast& f = s.forecast();
  CATCH_REQUIRE(f.fitted);
  // p_better rises with the target (a laxer target is easier to beat).
  double prev = -1;
  for (double target : {0.25, 0.3, 0.32, 0.34, 0.36}) {
    const cc::Decision d = cc::EarlyStopper::apply_rule(f, target, s.options(), false, 50);
    if (d.rule == cc::StopRule::OwnBestBeatsTarget) break;
    CATCH_CHECK(d.p_better >= prev);
    CATCH_CHECK(std::abs(d.p_better - f.final->prob_better(target)) < 1e-15);
    CATCH_CHECK((d.action == cc::StopAction::Stop) == (d.p_better < 0.05));
    prev = d.p_better;
  }
  const cc::Decision a = s.decide(0.3), b = s.decide(0.3);  // no refit between identical calls
  CATCH_CHECK(a.p_better == b.p_better);
  CATCH_CHECK(a.predicted_final == b.predicted_final);
}

CATCH_TEST_CASE("stop confirmations: stop only after k consecutive decisions below threshold", "[early_stopping]") {
  // The clearly worse run of the first test: P(better) < 0.05 from point 12 on.
  const auto y = make_curve(0.5, 0.3, 50, 0.005, 11);
  cc::EarlyStoppingOptions o;
  o.stop_confirmations = 3;
  cc::EarlyStopper s("ls:akaike", 50, false, o), domhan("ls:akaike", 50, false);
  feed(s, y, 12);
  feed(domhan, y, 12);
  CATCH_REQUIRE(domhan.decide(0.2).stop());
  const cc::Decision d1 = s.decide(0.2);
  CATCH_CHECK(d1.action == cc::StopAction::Continue);
  CATCH_CHECK(d1.rule == cc::StopRule::AwaitingConfirmation);
  CATCH_CHECK(d1.below_streak == 1);
  CATCH_CHECK(d1.p_better < 0.05);
  CATCH_CHECK(d1.reason.find("3 are needed") != std::string::npos);
  // Asking again without a new observation does not advance the streak.
  CATCH_CHECK(s.decide(0.2).below_streak == 1);
  s.observe(13, y[12]);
  const cc::Decision d2 = s.decide(0.2);
  CATCH_CHECK(d2.rule == cc::StopRule::AwaitingConfirmation);
  CATCH_CHECK(d2.below_streak == 2);
  s.observe(14, y[13]);
  const cc::Decision d3 = s.decide(0.2);
  CATCH_CHECK(d3.action == cc::StopAction::Stop);
  CATCH_CHECK(d3.rule == cc::StopRule::ProbBelowThreshold);
  CATCH_CHECK(d3.below_streak == 3);
  // A decision at or above the threshold breaks the streak (a lax target the run's
  // prediction can beat, while its own observations do not).
  s.observe(15, y[14]);
  const cc::Decision lax = s.decide(0.555);
  CATCH_CHECK(lax.rule == cc::StopRule::ProbAboveThreshold);
  CATCH_CHECK(lax.below_streak == 0);
  s.observe(16, y[15]);
  CATCH_CHECK(s.decide(0.2).below_streak == 1);
  // reset() starts the next run with no streak.
  s.reset();
  feed(s, y, 12);
  CATCH_CHECK(s.decide(0.2).below_streak == 1);
  // apply_rule takes the streak explicitly.
  const cc::StopForecast& f = s.forecast();
  CATCH_CHECK(cc::EarlyStopper::apply_rule(f, 0.2, o, false, 50, 0).rule == cc::StopRule::AwaitingConfirmation);
  CATCH_CHECK(cc::EarlyStopper::apply_rule(f, 0.2, o, false, 50, 2).rule == cc::StopRule::ProbBelowThreshold);
}

CATCH_TEST_CASE("warm-started decisions agree with cold ones", "[early_stopping]") {
  // Warm: one extrapolator refitted as points arrive (what a training loop does).
  // Cold: a fresh extrapolator for every fit. For a deterministic extrapolator
  // (least squares) the two must agree to optimiser precision; a sampling
  // extrapolator would differ by Monte Carlo error only.
  int made = 0;
  cc::EarlyStopper::Factory factory = [&made]() {
    ++made;
    return cc::make_extrapolator("ls:akaike");
  };
  cc::EarlyStoppingOptions cold_opt;
  cold_opt.warm_start = false;
  cc::EarlyStopper warm(factory, 50, false), cold(factory, 50, false, cold_opt);
  CATCH_CHECK(made == 2);
  const auto y = make_curve(0.3, 0.4, 50, 0.005, 61);
  const double target = 0.36;
  int compared = 0;
  for (int e = 1; e < 50; ++e) {
    warm.observe(e, y[static_cast<std::size_t>(e - 1)]);
    cold.observe(e, y[static_cast<std::size_t>(e - 1)]);
    const cc::Decision a = warm.decide(target), b = cold.decide(target);
    CATCH_CHECK(a.action == b.action);
    CATCH_CHECK(a.rule == b.rule);
    if (std::isfinite(a.predicted_final)) {
      ++compared;
      CATCH_CHECK(std::abs(a.predicted_final - b.predicted_final) <= 1e-6 * a.predicted_sd + 1e-12);
      if (!std::isnan(a.p_better)) CATCH_CHECK(std::abs(a.p_better - b.p_better) <= 1e-6);
    }
  }
  CATCH_CHECK(compared == 45);
  CATCH_CHECK(made == 2 + 45);  // the cold stopper built one extrapolator per fit; the warm one none
}

CATCH_TEST_CASE("warm and cold decisions agree with the default method", "[early_stopping]") {
  // The default method is the Bayesian posterior when it is built in (a sampler:
  // warm and cold fits then differ by Monte Carlo error), else least squares
  // (deterministic). The Monte Carlo error is measured, not assumed: four cold
  // fits with different seeds give its spread s at each checkpoint, and the warm
  // decision must lie within 4 standard errors of their mean, 4 s sqrt(1 + 1/4)
  // (plus a small floor for a deterministic method, where s = 0). The spread
  // itself must stay small enough for decisions (s of the probability < 0.1).
  const std::string method = cc::default_early_stopping_method();
  CATCH_INFO("method " << method);
  const auto y = make_curve(0.3, 0.4, 40, 0.005, 71);
  const double target = 0.37;
  cc::EarlyStopper warm(method, 40, false);
  std::vector<std::unique_ptr<cc::EarlyStopper>> cold;
  for (std::uint64_t seed = 11; seed < 15; ++seed) {
    cc::EarlyStoppingOptions o;
    o.warm_start = false;
    o.seed = seed;
    cold.push_back(std::make_unique<cc::EarlyStopper>(method, 40, false, o));
  }
  int checked = 0;
  for (int e = 1; e < 40; ++e) {
    warm.observe(e, y[static_cast<std::size_t>(e - 1)]);
    for (auto& c : cold) c->observe(e, y[static_cast<std::size_t>(e - 1)]);
    if (e % 6 != 0) {
      (void)warm.decide(target);  // the warm chain refits at every epoch, as in a loop
      continue;
    }
    const cc::Decision a = warm.decide(target);
    CATCH_REQUIRE(std::isfinite(a.predicted_final));
    double mp = 0, mm = 0, vp = 0, vm = 0;
    std::vector<cc::Decision> b;
    for (auto& c : cold) b.push_back(c->decide(target));
    for (const auto& d : b) {
      CATCH_REQUIRE(std::isfinite(d.predicted_final));
      mp += d.p_better / 4;
      mm += d.predicted_final / 4;
    }
    for (const auto& d : b) {
      vp += (d.p_better - mp) * (d.p_better - mp) / 3;
      vm += (d.predicted_final - mm) * (d.predicted_final - mm) / 3;
    }
    const double sp = std::sqrt(vp), sm = std::sqrt(vm), k = 4 * std::sqrt(1.25);
    CATCH_INFO("epoch " << e << ": warm p " << a.p_better << " mean " << a.predicted_final << "; cold p " << mp
                        << " +- " << sp << ", mean " << mm << " +- " << sm);
    CATCH_CHECK(sp < 0.1);
    CATCH_CHECK(std::abs(a.p_better - mp) <= k * sp + 0.01);
    CATCH_CHECK(std::abs(a.predicted_final - mm) <= k * sm + 0.02 * a.predicted_sd);
    ++checked;
  }
  CATCH_CHECK(checked == 6);
}

CATCH_TEST_CASE("a run evaluated from step 0 decides as the same run counted from 1", "[early_stopping]") {
  // Training loops often validate before the first step (x = 0). The fitting
  // coordinates shift such a run one step up, and plateau_patience and
  // max_extrapolation count x from the same origin, so every decision equals
  // the one for x + 1 with x_final + 1. (With the plateau cut on, a cut run's
  // fitted part starts above 0 in both cases and is fitted in its own x.)
  const auto y = make_curve(0.45, 0.3, 40, 0.004, 21);
  cc::EarlyStoppingOptions o;
  o.seed = 3;
  o.cut_initial_plateau = false;
  o.max_extrapolation = 5;
  o.plateau_patience = 0.2;
  cc::EarlyStopper from1(40, false, o), from0(39, false, o);
  for (int e = 1; e <= 30; ++e) {
    from1.observe(e, y[static_cast<std::size_t>(e - 1)]);
    from0.observe(e - 1, y[static_cast<std::size_t>(e - 1)]);
    const cc::Decision a = from1.decide(0.3), b = from0.decide(0.3);
    CATCH_INFO("epoch " << e << ": " << a.summary() << " | " << b.summary());
    CATCH_CHECK(a.action == b.action);
    CATCH_CHECK(a.rule == b.rule);
    if (!std::isnan(a.p_better)) CATCH_CHECK(b.p_better == Approx(a.p_better).margin(1e-12));
    if (!std::isnan(a.predicted_final)) CATCH_CHECK(b.predicted_final == Approx(a.predicted_final).epsilon(1e-12));
  }
}
