// Tests of the default posterior's regime changes beyond the data
// (detail/regime_change.hpp): a plateau that may still break, a curve that may
// still turn for the worse, and a clean power law that keeps its band.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include <curvecast/detail/regime_change.hpp>
#include <curvecast/detail/rng.hpp>
#include <curvecast/early_stopping.hpp>
#include <curvecast/ensemble_posterior.hpp>

using namespace curvecast;

namespace {
// A validation loss on a plateau at chance level (ln 2) with small noise.
Observations chance_plateau(int n, std::uint64_t seed) {
  detail::Rng r(seed);
  Observations o;
  o.higher_is_better = false;
  for (int i = 1; i <= n; ++i) o.push_back(i, std::log(2.0) + 0.004 * r.normal());
  return o;
}
// The default options carry the rates that cross-validation grouped by task
// chose ("ensemble"); "ensemble:smooth" has none.
PosteriorOptions with_changes() { return PosteriorOptions{}; }
PosteriorOptions without_changes() { return PosteriorOptions::smooth(); }
}  // namespace

CATCH_TEST_CASE("regime change: the hazard gives probabilities that grow with ln x and split by rate",
                "[posterior][regime]") {
  const auto rc = detail::RegimeChange::make(0.1, 0.05, 0.01, 0.01, 1.0);  // a flat prefix: almost the full onset rate
  CATCH_CHECK(rc.onset == Approx(0.1 * std::exp(-0.1)));
  double on, turn;
  rc.probabilities(10, 10, &on, &turn);
  CATCH_CHECK(on == 0);
  CATCH_CHECK(turn == 0);
  rc.probabilities(10 * std::exp(2.0), 10, &on, &turn);
  CATCH_CHECK(on + turn == Approx(1 - std::exp(-(rc.onset + 0.05) * 2.0)));
  CATCH_CHECK(on / turn == Approx(rc.onset / 0.05));
  // A prefix that gained half its headroom has (almost) no onset left; no bound, no onset.
  CATCH_CHECK(detail::RegimeChange::make(0.1, 0.05, 0.5, 0.5, 1.0).onset < 0.001);
  CATCH_CHECK(detail::RegimeChange::make(0.1, 0.05, 0.0, 1.0, std::nan("")).onset == 0);
  // The predictive mixture keeps its total weight.
  std::vector<double> w{1, 3}, mu{0.1, 0.12}, sd{0.01, 0.01};
  rc.extend(10 * std::exp(2.0), 10, w, mu, sd);
  CATCH_CHECK(w.size() == 2 + (1 + detail::RegimeChange::kTurnScales) * detail::RegimeChange::kBins);
  // A constant prefix is the flattest plateau: the full onset rate.
  CATCH_CHECK(detail::RegimeChange::make(0.1, 0.05, 0.0, 1.0, 1.0).onset == Approx(0.1));
  double tot = 0;
  for (double v : w) tot += v;
  CATCH_CHECK(tot == Approx(4.0));
}

CATCH_TEST_CASE("regime changes: a long clean power law keeps its narrow band", "[posterior][regime]") {
  detail::Rng r(11);
  Observations o;
  o.higher_is_better = false;
  for (int i = 1; i <= 40; ++i) o.push_back(i, 0.1 + 0.6 * std::pow(i, -0.5) + 0.002 * r.normal());
  PosteriorOptions with = with_changes();
  with.seed = 3;
  PosteriorOptions without = without_changes();
  without.seed = 3;
  EnsemblePosterior a(with), b(without);
  a.fit(o);
  b.fit(o);
  for (double x : {50.0, 100.0}) {
    const auto [alo, ahi] = a.predict(x).interval(0.9);
    const auto [blo, bhi] = b.predict(x).interval(0.9);
    CATCH_CHECK(ahi - alo < 1.25 * (bhi - blo));
    const double truth = 0.1 + 0.6 * std::pow(x, -0.5);
    CATCH_CHECK(alo < truth);
    CATCH_CHECK(truth < ahi);
  }
}

CATCH_TEST_CASE("regime changes: a flat prefix at chance level has a lower tail well below the plateau",
                "[posterior][regime]") {
  const Observations o = chance_plateau(20, 5);
  PosteriorOptions with = with_changes();
  with.seed = 9;
  PosteriorOptions without = without_changes();
  without.seed = 9;
  EnsemblePosterior a(with), b(without);
  a.fit(o);
  b.fit(o);
  const Predictive pa = a.predict(51), pb = b.predict(51);
  // Without regime changes the plateau is predicted to last (the narrow band).
  CATCH_CHECK(pb.prob_better(0.6) < 0.01);
  // With them, a learning onset keeps real probability of going well below it,
  // and the value far below (0.3) has a density far from the floor.
  CATCH_CHECK(pa.prob_better(0.6) > 0.03);
  CATCH_CHECK(pa.quantile(0.02) < 0.6);
  CATCH_CHECK(pa.log_density(0.3) > -5);
  // The central band still sits on the plateau.
  CATCH_CHECK(std::abs(pa.quantile(0.5) - std::log(2.0)) < 0.03);
}

CATCH_TEST_CASE("regime changes: an upturn in the data is followed", "[posterior][regime]") {
  // A loss that falls as a power law, then rises for its last 8 points (over-fitting).
  detail::Rng r(21);
  Observations o;
  o.higher_is_better = false;
  for (int i = 1; i <= 30; ++i) {
    double y = 0.3 + 0.7 * std::pow(i, -0.8);
    if (i > 22) y += 0.012 * (i - 22);
    o.push_back(i, y + 0.003 * r.normal());
  }
  PosteriorOptions opt = with_changes();
  opt.seed = 4;
  EnsemblePosterior ex(opt);
  ex.fit(o);
  const Predictive p = ex.predict(32);
  const double low = 0.3 + 0.7 * std::pow(22.0, -0.8);  // the curve's best (before the upturn)
  // The forecast starts from the risen level, not from the power law's continuation.
  CATCH_CHECK(p.quantile(0.5) > low + 0.06);
  CATCH_CHECK(p.prob_better(o.y.back()) < 0.75);
}

CATCH_TEST_CASE(
    "early stopping with the default method: a run on a chance-level plateau is not stopped with high confidence",
    "[early_stopping][regime]") {
  // TaskSet's plateau-then-learn run: 5 evaluations at ln 2 out of 51; the best
  // final loss so far is 0.45.
  EarlyStoppingOptions so;
  so.threshold = 0.01;
  EarlyStopper stopper(51, false, so);  // the default method: "ensemble", with regime changes
  const Observations o = chance_plateau(5, 2);
  for (std::size_t i = 0; i < o.size(); ++i) stopper.observe(o.x[i], o.y[i]);
  const Decision d = stopper.decide(0.45);
  CATCH_CHECK(d.p_better > 0.01);
  CATCH_CHECK_FALSE(d.stop());
}

CATCH_TEST_CASE(
    "posterior options by factory name: ensemble has regime changes, ensemble:smooth and ensemble:lcpfn none",
    "[posterior][regime]") {
  const PosteriorOptions e = PosteriorOptions::for_method("ensemble");
  CATCH_CHECK(e.onset_rate > 0);
  CATCH_CHECK(e.turn_rate > 0);
  const PosteriorOptions s = PosteriorOptions::for_method("ensemble:smooth");
  CATCH_CHECK(s.onset_rate == 0);
  CATCH_CHECK(s.turn_rate == 0);
  CATCH_CHECK(s.prior == PriorKind::Default);
  const PosteriorOptions l = PosteriorOptions::for_method("ensemble:lcpfn");
  CATCH_CHECK(l.prior == PriorKind::LcPfn);
  CATCH_CHECK(l.onset_rate == 0);
  CATCH_CHECK(PosteriorOptions::for_method("mcmc:pow4").single_family == "pow4");
  CATCH_CHECK(PosteriorOptions::is_method("ensemble:smooth"));
  CATCH_CHECK_FALSE(PosteriorOptions::is_method("mcmc:nosuchfamily"));
  CATCH_CHECK_FALSE(PosteriorOptions::is_method("ls:akaike"));
  CATCH_CHECK_THROWS_AS(PosteriorOptions::for_method("ensemble:regime"), InvalidInput);
  CATCH_CHECK_THROWS_AS(PosteriorOptions::for_method("mcmc:nosuchfamily"), InvalidInput);
}
