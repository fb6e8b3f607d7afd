// Reliability: documented limits (1e5 points, x up to 1e25, y from
// 1e-200 to 1e250, time budgets), determinism across threads and runs, and
// and extreme inputs found by the fuzz targets (fuzz/, docs/reliability.md).
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <curvecast/curvecast.hpp>
#include <curvecast/factory.hpp>
#include <curvecast/json.hpp>
#include <curvecast/least_squares.hpp>
#include <curvecast/posterior.hpp>

using namespace curvecast;

namespace {
// y = 0.2 + 0.8 (x/x0)^-0.5 (+ noise), falling; x log-spaced over x0..x0*ratio.
Observations power_curve(int n, double x0, double ratio, double scale, double noise, std::uint64_t seed) {
  detail::Rng rng(seed);
  Observations o;
  for (int i = 0; i < n; ++i) {
    const double x = x0 * std::pow(ratio, static_cast<double>(i) / (n - 1));
    o.push_back(x, scale * (0.2 + 0.8 * std::pow(x / x0, -0.5) + noise * rng.normal()));
  }
  return o;
}
double truth(double x, double x0) { return 0.2 + 0.8 * std::pow(x / x0, -0.5); }

void check_finite(const Predictive& p) {
  CATCH_CHECK(std::isfinite(p.mean()));
  CATCH_CHECK(std::isfinite(p.sd()));
  CATCH_CHECK(p.sd() > 0);
  const auto iv = p.interval(0.9);
  CATCH_CHECK(std::isfinite(iv.first));
  CATCH_CHECK(std::isfinite(iv.second));
}
}  // namespace

CATCH_TEST_CASE("very long curves: 1e5 points fit with a time budget", "[reliability][limits]") {
  const Observations obs = power_curve(100000, 1, 1e4, 1.0, 0.01, 5);
  FactoryOptions fo;
  fo.fit.time_budget_seconds = 2.0;  // per family fit
  for (const char* m : {"last", "pow3", "mmf4", "ls:akaike"}) {
    CATCH_INFO(m);
    auto ex = make_extrapolator(m, fo);
    ex->fit(obs);
    const Predictive p = ex->predict(2e4);
    check_finite(p);
    if (std::string(m) != "last") CATCH_CHECK(std::abs(p.mean() - truth(2e4, 1)) < 0.01);
  }
}

CATCH_TEST_CASE("FLOP-scale x: fits on 1e17..1e23 predict at 1e25", "[reliability][limits]") {
  const Observations all = power_curve(40, 1e17, 1e8, 1.0, 1e-4, 6);  // up to 1e25
  const Observations seen = all.prefix(31);                           // x up to ~2.5e23
  for (const char* m : {"pow3", "pow4", "ls:akaike", "last"}) {
    CATCH_INFO(m);
    auto ex = make_extrapolator(m);
    ex->fit(seen);
    const Predictive p = ex->predict(1e25);
    check_finite(p);
    if (std::string(m) != "last") CATCH_CHECK(std::abs(p.mean() - truth(1e25, 1e17)) < 5e-3);
    const auto paths = ex->sample_curves({1e24, 1e25, 1e26}, 50, 3);
    CATCH_CHECK(paths.allFinite());
    const ReachEstimate r = curvecast::reach(*ex, truth(1e25, 1e17), 1e27);
    if (std::string(m) != "last") {
      CATCH_CHECK(r.reached);
      CATCH_CHECK(r.x > 1e24);
      CATCH_CHECK(r.x < 1e26);
    }
  }
  // Beyond the documented range: x > 1e300 is rejected with a clear message.
  Observations huge = seen;
  huge.x.back() = 1e301;
  CATCH_CHECK_THROWS_WITH(make_extrapolator("pow3")->fit(huge), Catch::Contains("1e300"));
}

CATCH_TEST_CASE("tiny and huge y: predictions scale with the data", "[reliability][limits]") {
  const Observations base = power_curve(30, 1, 50, 1.0, 0.003, 7);
  for (const char* m : {"last", "pow3", "mmf4", "exp3", "pow2", "ls:akaike"}) {
    auto ex = make_extrapolator(m);
    ex->fit(base);
    const Predictive ref = ex->predict(200);
    for (double scale : {1e-200, 1e-30, 1e30, 1e250}) {
      CATCH_INFO(m << " at scale " << scale);
      Observations o = base;
      for (double& v : o.y) v *= scale;
      auto es = make_extrapolator(m);
      es->fit(o);
      const Predictive p = es->predict(200);
      check_finite(p);
      // Fitting happens in normalised units, so the answer is the same up to
      // rounding and the optimiser's tolerances.
      CATCH_CHECK(p.mean() / scale == Approx(ref.mean()).epsilon(1e-4));
      if (std::string(m) == "last")  // the protocol's `last` floors its sd at 1e-6 (raw units)
        CATCH_CHECK(p.sd() == Approx(std::max(ref.sd() * scale, 1e-6)).epsilon(1e-2));
      else
        CATCH_CHECK(p.sd() / scale == Approx(ref.sd()).epsilon(1e-2));
      CATCH_CHECK(std::isfinite(p.log_density(o.y.back())));
    }
  }
}

CATCH_TEST_CASE("a time budget bounds multi-start and multi-family fits", "[reliability][limits]") {
  const Observations obs = power_curve(20000, 1, 1e3, 1.0, 0.05, 8);
  FitOptions o;
  o.num_starts = 1000;  // far more work than the budget allows
  o.time_budget_seconds = 0.2;
  const auto t0 = std::chrono::steady_clock::now();
  const FitResult r = fit_family("mmf4", obs, o);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CATCH_CHECK(r.num_starts >= 1);
  CATCH_CHECK(r.num_starts < 1000);
  // Generous slack: one Ceres iteration and the covariance may follow the budget
  // (more under the sanitizers on a loaded machine); without it this takes minutes.
  CATCH_CHECK(took < 0.2 + 5.0);
  FactoryOptions fo;
  fo.fit = o;
  auto ex = make_extrapolator("ls:akaike", fo);  // the budget applies to each family's fit
  const auto t1 = std::chrono::steady_clock::now();
  ex->fit(obs);
  const double took_multi = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  CATCH_CHECK(took_multi < 6 * 0.2 + 10.0);
  check_finite(ex->predict(2000));
}

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
// Every number a posterior hands back for a few queries (for bit-for-bit comparisons).
std::vector<double> posterior_numbers(const PosteriorExtrapolator& ex) {
  std::vector<double> out;
  for (const auto& p : ex.predict_many({40, 100, 400})) {
    out.push_back(p.mean());
    out.push_back(p.sd());
    out.push_back(p.quantile(0.05));
    out.push_back(p.log_density(p.mean()));
  }
  const auto paths = ex.sample_curves({50, 200}, 8, 5, true);
  out.insert(out.end(), paths.data(), paths.data() + paths.size());
  out.push_back(ex.diagnostics().acceptance_fraction);
  out.push_back(static_cast<double>(ex.diagnostics().steps));
  return out;
}
}  // namespace

CATCH_TEST_CASE("the sampler honours a time budget and keeps a few steps", "[reliability][limits][sampler]") {
  auto logp = [](const double* th) { return -0.5 * (th[0] * th[0] + th[1] * th[1]); };
  Eigen::MatrixXd start(16, 2);
  detail::Rng rng(4);
  for (Eigen::Index k = 0; k < start.rows(); ++k) start(k, 0) = rng.normal(), start(k, 1) = rng.normal();
  SamplerOptions o;
  o.seed = 3;
  o.time_budget_seconds = 0.05;
  // Cut during the burn-in (1e9 steps would take hours): the burn-in ends and 4 steps are kept.
  o.burn_in = 1000000000;
  o.steps = 1000;
  auto t0 = std::chrono::steady_clock::now();
  EnsembleChain ch = run_ensemble(logp, start, o);
  CATCH_CHECK(seconds_since(t0) < 0.05 + 5.0);
  CATCH_CHECK(ch.budget_exhausted);
  CATCH_CHECK(ch.burn_in > 0);
  CATCH_CHECK(ch.burn_in < o.burn_in);
  CATCH_CHECK(ch.steps == 4);
  CATCH_CHECK(ch.draws.size() == static_cast<std::size_t>(ch.steps) * 16 * 2);
  CATCH_CHECK(ch.proposed_per_walker == ch.burn_in + ch.steps);
  const SamplerDiagnostics d = diagnose(ch, [](const double* th) { return th[0]; });
  CATCH_CHECK(d.budget_exhausted);
  CATCH_CHECK(d.steps == 4);
  CATCH_CHECK(d.burn_in == ch.burn_in);
  // Cut during the kept steps: what was kept stays, and it stops there.
  o.burn_in = 10;
  o.steps = 1000000000;
  o.thin = 2;
  t0 = std::chrono::steady_clock::now();
  ch = run_ensemble(logp, start, o);
  CATCH_CHECK(seconds_since(t0) < 0.05 + 5.0);
  CATCH_CHECK(ch.budget_exhausted);
  CATCH_CHECK(ch.burn_in == 10);
  CATCH_CHECK(ch.steps >= 4);
  CATCH_CHECK(ch.steps < o.steps);
  CATCH_CHECK(ch.log_prob.size() == static_cast<std::size_t>(ch.steps) * 16);
  CATCH_CHECK(ch.proposed_per_walker == 10 + 2L * ch.steps);
  // budget_min_steps is capped at steps.
  o.thin = 1;
  o.burn_in = 1000000000;
  o.steps = 3;
  o.budget_min_steps = 10;
  ch = run_ensemble(logp, start, o);
  CATCH_CHECK(ch.budget_exhausted);
  CATCH_CHECK(ch.steps == 3);
  // A budget that is not reached changes nothing, bit for bit.
  SamplerOptions plain;
  plain.seed = 3;
  plain.burn_in = 50;
  plain.steps = 100;
  SamplerOptions budgeted = plain;
  budgeted.time_budget_seconds = 1e6;
  const EnsembleChain a = run_ensemble(logp, start, plain), b = run_ensemble(logp, start, budgeted);
  CATCH_CHECK_FALSE(b.budget_exhausted);
  CATCH_CHECK(b.steps == 100);
  CATCH_CHECK(b.burn_in == 50);
  CATCH_CHECK(a.draws == b.draws);
  CATCH_CHECK(a.log_prob == b.log_prob);
  CATCH_CHECK(a.accepted == b.accepted);
  // Validation.
  for (double bad : {-1.0, 0.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    SamplerOptions v;
    v.time_budget_seconds = bad;
    CATCH_CHECK_THROWS_AS(v.validate(), InvalidOptions);
  }
  SamplerOptions v;
  v.budget_min_steps = 0;
  CATCH_CHECK_THROWS_AS(v.validate(), InvalidOptions);
}

CATCH_TEST_CASE("a time budget bounds posterior fits and is flagged", "[reliability][limits][posterior]") {
  const Observations obs = power_curve(30, 1, 30, 1.0, 0.01, 21);
  const double budget = 0.3;
  struct Case {
    const char* what;
    PosteriorOptions o;
  };
  std::vector<Case> cases;
  // Each of these would run for minutes (or hours) without the budget.
  PosteriorOptions ens;
  ens.burn_in = 2000000;
  ens.steps = 2000000;
  cases.push_back({"ensemble, cut in the sampler", ens});
  ens.prior_draws = 200000000;  // the prior importance start alone: minutes
  cases.push_back({"ensemble, cut in the prior start", ens});
  PosteriorOptions lcpfn = PosteriorOptions::lcpfn();
  lcpfn.burn_in = 2000000;
  lcpfn.steps = 2000000;
  cases.push_back({"ensemble:lcpfn", lcpfn});
  PosteriorOptions single = PosteriorOptions::single("pow4");
  single.burn_in = 2000000;
  single.steps = 2000000;
  cases.push_back({"mcmc:pow4", single});
  for (auto& c : cases) {
    CATCH_INFO(c.what);
    c.o.seed = 5;
    c.o.time_budget_seconds = budget;
    PosteriorExtrapolator ex(c.o);
    const auto t0 = std::chrono::steady_clock::now();
    ex.fit(obs);
    const double took = seconds_since(t0);
    // Generous slack for a loaded machine and the sanitizers: after the budget
    // come 4 kept steps and the predictive's components (bounded by max_components).
    CATCH_CHECK(took < budget + 10.0);
    const SamplerDiagnostics& d = ex.diagnostics();
    CATCH_CHECK(d.budget_exhausted);
    CATCH_CHECK(d.steps == 4);
    CATCH_CHECK(d.burn_in < 2000000);
    CATCH_CHECK(d.walkers >= 4);
    check_finite(ex.predict(100));
    const auto paths = ex.sample_curves({40, 100}, 16, 3, true);
    CATCH_CHECK(paths.allFinite());
    // A warm-started refit is bounded the same way.
    Observations more = obs;
    more.push_back(31, obs.y.back() * 0.999);
    const auto t1 = std::chrono::steady_clock::now();
    ex.fit(more);
    CATCH_CHECK(seconds_since(t1) < budget + 10.0);
    check_finite(ex.predict(100));
  }
  // Through the factory: FitOptions::time_budget_seconds bounds the posterior's fit.
  FactoryOptions fo;
  fo.fit.time_budget_seconds = 0.5;
  for (const char* m : {"ensemble", "ensemble:lcpfn", "mcmc:pow3"}) {
    auto ex = make_extrapolator(m, fo);
    auto* post = dynamic_cast<MixturePosterior*>(ex.get());
    CATCH_REQUIRE(post != nullptr);
    CATCH_CHECK(post->options().time_budget_seconds == 0.5);
  }
}

CATCH_TEST_CASE("a posterior the budget does not cut is bit-identical to one without",
                "[reliability][determinism][posterior]") {
  const Observations obs = power_curve(25, 1, 25, 1.0, 0.02, 33);
  for (PosteriorOptions o : {PosteriorOptions{}, PosteriorOptions::single("pow3")}) {
    o.seed = 9;
    if (!o.single_family.empty()) o.burn_in = 100, o.steps = 100;  // keep the test short
    PosteriorExtrapolator plain(o);
    o.time_budget_seconds = 1e6;
    PosteriorExtrapolator budgeted(o);
    plain.fit(obs);
    budgeted.fit(obs);
    CATCH_CHECK_FALSE(plain.diagnostics().budget_exhausted);
    CATCH_CHECK_FALSE(budgeted.diagnostics().budget_exhausted);
    CATCH_CHECK(budgeted.diagnostics().steps == plain.diagnostics().steps);  // extension blocks included
    CATCH_CHECK(budgeted.diagnostics().steps >= o.steps);
    CATCH_CHECK(budgeted.diagnostics().burn_in == o.burn_in);
    CATCH_CHECK(posterior_numbers(plain) == posterior_numbers(budgeted));
  }
}

CATCH_TEST_CASE("posterior time budget validation", "[reliability][posterior]") {
  for (double bad : {-1.0, -1e-9, 0.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    PosteriorOptions o;
    o.time_budget_seconds = bad;
    CATCH_CHECK_THROWS_AS(o.validate(), InvalidOptions);
    CATCH_CHECK_THROWS_AS(PosteriorExtrapolator(o), InvalidOptions);
    FactoryOptions fo;
    fo.fit.time_budget_seconds = bad;
    CATCH_CHECK_THROWS_AS(make_extrapolator("ensemble", fo), InvalidOptions);
  }
  PosteriorOptions ok;  // unset: no budget
  CATCH_CHECK_NOTHROW(ok.validate());
  ok.time_budget_seconds = 1e-6;
  CATCH_CHECK_NOTHROW(ok.validate());
}

CATCH_TEST_CASE("same seed, same output across threads and runs", "[reliability][determinism]") {
  // Fit 8 curves with every kind of method, serially and from 2 and 8 threads;
  // every number must be bit-identical.
  std::vector<Observations> curves;
  for (int c = 0; c < 8; ++c) curves.push_back(power_curve(25, 1, 40, 1.0 + c, 0.02, 100 + c));
  const std::vector<std::string> methods{"last", "pow4", "mmf4", "ls:akaike", "ls:best-holdout"};
  auto run_one = [&](std::size_t job) {
    const auto& obs = curves[job % curves.size()];
    FactoryOptions fo;
    fo.seed = 42;
    fo.fit.num_starts = 6;  // exercises the seeded jittered starts
    auto ex = make_extrapolator(methods[job / curves.size()], fo);
    ex->fit(obs);
    std::vector<double> out;
    for (const auto& p : ex->predict_many({30, 60, 120})) {
      out.push_back(p.mean());
      out.push_back(p.sd());
      out.push_back(p.quantile(0.05));
    }
    const auto paths = ex->sample_curves({50, 100}, 16, 9, true);
    out.insert(out.end(), paths.data(), paths.data() + paths.size());
    return out;
  };
  const std::size_t jobs = methods.size() * curves.size();
  auto run_all = [&](unsigned threads) {
    std::vector<std::vector<double>> res(jobs);
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        for (std::size_t j = t; j < jobs; j += threads) res[j] = run_one(j);
      });
    for (auto& th : pool) th.join();
    return res;
  };
  const auto serial = run_all(1);
  CATCH_CHECK(run_all(1) == serial);  // repeated run
  CATCH_CHECK(run_all(2) == serial);
  CATCH_CHECK(run_all(8) == serial);
}

// ---- Extreme inputs from the fuzz targets (see docs/reliability.md) ----

CATCH_TEST_CASE("a predictive rejects sds beyond 1e300 and its quantiles stay finite at the limit",
                "[reliability][extreme]") {
  // A mixture with sd 1.72e308 would make the quantile search overflow
  // (lo = -inf, hi = +inf, mid = NaN): means and sds beyond 1e300 are
  // rejected, like observations beyond 1e300.
  const std::vector<double> w{1, 1, 1}, mu{6.25e60, 1.71875e-230, 1.875e-230}, sd{1.71875e30, 1.71875e308, 4e-147};
  CATCH_CHECK_THROWS_WITH(Predictive(w, mu, sd, false), Catch::Contains("beyond 1e300"));
  CATCH_CHECK_THROWS_AS(Predictive(0.0, 1e301, true), InvalidInput);
  CATCH_CHECK_THROWS_AS(Predictive(-1e301, 1.0, true), InvalidInput);
  // At the limit every query is finite.
  const Predictive p({1, 1, 1}, {1e300, -1e300, 0}, {1e300, 1e-300, 1}, false);
  for (double q : {1e-300, 0.05, 0.5, 0.95, 1 - 1e-16}) CATCH_CHECK(std::isfinite(p.quantile(q)));
  CATCH_CHECK(std::isfinite(p.sd()));
  CATCH_CHECK(std::isfinite(p.log_density(-1.7e308)));
}

CATCH_TEST_CASE("mixture weights near DBL_MAX are normalised without overflow", "[reliability][extreme]") {
  // Weights are scaled by the largest before summing, so 1e308 + 1e308 does
  // not overflow to inf and zero every weight (which gave mean 0, sd 0).
  const Predictive p({1e308, 1e308}, {0.0, 1.0}, {0.1, 0.1}, false);
  CATCH_CHECK(p.weights()[0] == Approx(0.5));
  CATCH_CHECK(p.mean() == Approx(0.5));
  CATCH_CHECK(p.sd() > 0);
}

CATCH_TEST_CASE("least squares: an x beyond a family's domain is InvalidInput for predict and sample_curves",
                "[reliability][extreme]") {
  // loglog_linear = ln(a ln x + b) fitted with a < 0 to a falling curve is
  // undefined (log of a negative number) far out: predict() and
  // sample_curves() both reject such an x (InvalidInput) rather than return NaN.
  Observations obs;
  for (int i = 1; i <= 12; ++i) obs.push_back(i, 0.9 / std::sqrt(static_cast<double>(i)));
  FactoryOptions fo;
  fo.seed = 7;
  fo.fit.num_starts = 1;
  fo.fit.max_iterations = 29;
  auto ex = make_extrapolator("loglog_linear", fo);
  ex->fit(obs);
  CATCH_REQUIRE_THROWS_AS(ex->predict(1.2e21), InvalidInput);  // the case is still hit
  CATCH_CHECK_THROWS_AS(ex->sample_curves({12, 48, 1.2e21}, 4, 7), InvalidInput);
  const Eigen::MatrixXd near = ex->sample_curves({12, 48}, 4, 7);  // inside the domain: fine
  CATCH_CHECK(near.allFinite());
}

CATCH_TEST_CASE("mcmc:<family> raises too few walkers to an even count valid for its dimension",
                "[reliability][extreme]") {
  // Single-family posteriors raise the walker count to the sampler's minimum
  // for their dimension D = params + 1: max(walkers, 2D + 2), which is even,
  // so valid options (walkers = 10, even) fit for odd D too (pow4: D = 5).
  const Observations obs = power_curve(20, 1, 20, 1.0, 0.01, 44);
  for (const char* fam : {"pow4", "mmf4", "pow3", "exp4"}) {
    CATCH_INFO(fam);
    PosteriorOptions o = PosteriorOptions::single(fam);
    o.walkers = 10;
    o.burn_in = 20;
    o.steps = 20;
    PosteriorExtrapolator ex(o);
    CATCH_REQUIRE_NOTHROW(ex.fit(obs));
    const int D = find_family(fam).num_params + 1;
    CATCH_CHECK(ex.diagnostics().walkers == std::max(10, 2 * D + 2));
    CATCH_CHECK(ex.diagnostics().walkers % 2 == 0);
    check_finite(ex.predict(60));
  }
}

CATCH_TEST_CASE(
    "a posterior's sample_curves falls back to the last observation beyond a family's domain, as predict does",
    "[reliability][extreme]") {
  // mcmc:loglog_linear (ln(a ln x + b)) on a falling curve draws a < 0,
  // undefined far beyond the data: predict() and sample_curves() fall back to
  // the last observation for such draws (sample_curves plus the discrepancy
  // walk), never NaN. The curve is one the fuzz_fit target generated.
  const Observations obs(
      {1, 2, 3, 4, 5, 6, 7, 9, 11, 13, 15, 17},
      {0.89996337890625, 0.6363525390625, 0.51959228515625, 0.449981689453125, 0.4024658203125, 0.367401123046875,
       0.27056884765625, 0.27056884765625, 0.27056884765625, 0.27056884765625, 0.27056884765625, 0.27056884765625},
      false);
  PosteriorOptions o = PosteriorOptions::single("loglog_linear");
  o.seed = 7;
  o.burn_in = 100;
  o.steps = 100;
  o.monotone = true;
  PosteriorExtrapolator ex(o);
  ex.fit(obs);
  const std::vector<double> xs{17, 1700, 2771, 1e6, 1e12};
  for (bool noise : {false, true}) {
    const Eigen::MatrixXd paths = ex.sample_curves(xs, 64, 7, noise);
    CATCH_CHECK(paths.allFinite());
  }
  for (double x : xs) check_finite(ex.predict(x));
}
