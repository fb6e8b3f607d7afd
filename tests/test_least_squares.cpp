// Least-squares fitter and the least-squares extrapolators.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include <curvecast/curvecast.hpp>
#include <curvecast/factory.hpp>
#include <curvecast/least_squares.hpp>

using namespace curvecast;

namespace {
// y = y_inf + s * amp * (x/x0)^(-alpha) + noise, with s = +1 for a falling loss.
Observations power_curve(double x0, double x_ratio, int n, double y_inf, double amp, double alpha, bool higher,
                         double noise, std::uint64_t seed) {
  detail::Rng rng(seed);
  Observations o;
  o.higher_is_better = higher;
  for (int i = 0; i < n; ++i) {
    const double x = x0 * std::pow(x_ratio, static_cast<double>(i) / (n - 1));
    const double clean = y_inf + (higher ? -1.0 : 1.0) * amp * std::pow(x / x0, -alpha);
    o.push_back(x, clean + noise * rng.normal());
  }
  return o;
}
double power_truth(double x, double x0, double y_inf, double amp, double alpha, bool higher) {
  return y_inf + (higher ? -1.0 : 1.0) * amp * std::pow(x / x0, -alpha);
}
}  // namespace

CATCH_TEST_CASE("pow3 extrapolates across x ranges, y scales and directions", "[lsq]") {
  struct Case {
    const char* what;
    double x0, ratio, y_inf, amp, alpha;
    bool higher;
  };
  const Case cases[] = {
      {"epochs 1..100, falling loss", 1, 100, 0.3, 2.0, 0.5, false},
      {"steps 1e3..1e7, falling loss", 1e3, 1e4, 2.1, 3.0, 0.3, false},
      {"train sizes 16..2e6, falling error", 16, 2e6 / 16, 0.05, 0.4, 0.4, false},
      {"epochs, rising accuracy", 1, 100, 0.92, 0.5, 0.7, true},
      {"tiny y scale", 1, 100, 3e-6, 1e-5, 0.5, false},
      {"huge y scale", 1, 100, 4e6, 2e7, 0.5, false},
  };
  for (const auto& c : cases) {
    CATCH_INFO(c.what);
    const double noise = 1e-3 * c.amp;
    const Observations all = power_curve(c.x0, c.ratio, 60, c.y_inf, c.amp, c.alpha, c.higher, noise, 3);
    const Observations seen = all.prefix(30);
    LeastSquaresExtrapolator ex("pow3");
    ex.fit(seen);
    const double x_far = all.x.back();
    const Predictive p = ex.predict(x_far);
    const double truth = power_truth(x_far, c.x0, c.y_inf, c.amp, c.alpha, c.higher);
    // Within 5 predictive sds and within 2% of the amplitude.
    CATCH_CHECK(std::abs(p.mean() - truth) < 5 * p.sd());
    CATCH_CHECK(std::abs(p.mean() - truth) < 0.02 * c.amp);
    // The noise estimate is close to the truth (30 points: within 35%).
    CATCH_CHECK(ex.result().normaliser.sd(ex.result().sigma) == Approx(noise).epsilon(0.35));
    CATCH_CHECK(p.higher_is_better() == c.higher);
  }
}

CATCH_TEST_CASE("multi-start is deterministic and reports its starts", "[lsq]") {
  const Observations o = power_curve(1, 50, 25, 0.2, 0.7, 0.6, false, 0.01, 11);
  FitOptions opt;
  opt.num_starts = 7;
  opt.seed = 42;
  const FitResult a = fit_family("mmf4", o, opt), b = fit_family("mmf4", o, opt);
  CATCH_CHECK(a.params == b.params);
  CATCH_CHECK(a.cost == b.cost);
  CATCH_CHECK(a.num_starts == 7);
  CATCH_CHECK(a.num_starts_at_best >= 1);
  CATCH_CHECK(a.num_starts_at_best <= a.num_converged_starts);
  CATCH_CHECK(a.num_converged_starts <= a.num_starts);
  CATCH_CHECK(a.param_names.size() == a.params.size());
  // More starts can only lower (or keep) the best cost.
  FitOptions one = opt;
  one.num_starts = 1;
  CATCH_CHECK(a.cost <= fit_family("mmf4", o, one).cost * (1 + 1e-9));
}

CATCH_TEST_CASE("robust loss and weights resist an outlier", "[lsq]") {
  Observations o = power_curve(1, 40, 30, 0.25, 0.6, 0.5, false, 0.002, 5);
  Observations bad = o;
  bad.y[20] += 0.5;  // one wild point
  const auto& info = find_family("pow3");
  // Distance, over the observed range, from the fit to the outlier-free data.
  const FitResult clean = fit_family("pow3", o);
  auto dev = [&](const FitResult& r) {
    double d = 0;
    for (double x : o.x) d = std::max(d, std::abs(r.value(info.eval, x) - clean.value(info.eval, x)));
    return d;
  };
  const FitResult plain = fit_family("pow3", bad);
  for (Loss l : {Loss::Huber, Loss::Cauchy}) {
    FitOptions robust_opt;
    robust_opt.loss = l;
    robust_opt.loss_scale = 0.01;  // in fitting units (the prefix spans 1)
    const FitResult robust = fit_family("pow3", bad, robust_opt);
    CATCH_CHECK(dev(robust) < 0.3 * dev(plain));
  }
  FitOptions w;
  w.weights.assign(bad.size(), 1.0);
  w.weights[20] = 0.0;
  const FitResult weighted = fit_family("pow3", bad, w);
  Observations dropped;
  dropped.higher_is_better = false;
  for (std::size_t i = 0; i < bad.size(); ++i)
    if (i != 20) dropped.push_back(bad.x[i], bad.y[i]);
  const FitResult removed = fit_family("pow3", dropped);
  CATCH_CHECK(weighted.value(info.eval, 200.0) == Approx(removed.value(info.eval, 200.0)).epsilon(1e-5));
}

CATCH_TEST_CASE("standard errors match ordinary least squares for a linear family", "[lsq]") {
  detail::Rng rng(9);
  Observations o;
  for (int i = 1; i <= 40; ++i) o.push_back(i, 0.5 + 0.02 * i + 0.05 * rng.normal());
  FitOptions raw;
  raw.normalisation = Normalisation::Identity;  // parameters in raw units
  const FitResult r = fit_family("lin2", o, raw);
  // Closed-form OLS: slope, intercept, their standard errors.
  const double n = 40;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < o.size(); ++i) sx += o.x[i], sy += o.y[i], sxx += o.x[i] * o.x[i], sxy += o.x[i] * o.y[i];
  const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx), icpt = (sy - slope * sx) / n;
  double sse = 0;
  for (std::size_t i = 0; i < o.size(); ++i) sse += std::pow(o.y[i] - icpt - slope * o.x[i], 2);
  const double s2 = sse / (n - 2), sxx_c = sxx - sx * sx / n;
  CATCH_CHECK(r.params[0] == Approx(slope).epsilon(1e-6));
  CATCH_CHECK(r.params[1] == Approx(icpt).epsilon(1e-6));
  CATCH_REQUIRE(r.std_errors.size() == 2);
  CATCH_CHECK(r.std_errors[0] == Approx(std::sqrt(s2 / sxx_c)).epsilon(1e-6));
  CATCH_CHECK(r.std_errors[1] == Approx(std::sqrt(s2 * (1 / n + sx * sx / n / n / sxx_c))).epsilon(1e-6));
}

CATCH_TEST_CASE("families are ranked by AICc and by a held-back tail", "[lsq]") {
  const Observations o = power_curve(1, 100, 50, 0.2, 0.8, 0.5, false, 0.002, 21);
  const auto by_ic = rank_families(o, {"lin2", "pow3", "exp2"}, false);
  CATCH_REQUIRE(by_ic.size() == 3);
  CATCH_CHECK(by_ic.front().family == "pow3");
  for (std::size_t i = 1; i < by_ic.size(); ++i) CATCH_CHECK(by_ic[i - 1].score <= by_ic[i].score);
  const auto by_tail = rank_families(o, {"lin2", "pow3", "log2"}, true, 0.3);
  CATCH_REQUIRE(!by_tail.empty());
  CATCH_CHECK(by_tail.front().family == "pow3");
}

CATCH_TEST_CASE("least-squares extrapolator: draws, probabilities, asymptote, reach", "[lsq][extrapolator]") {
  const Observations o = power_curve(1, 30, 30, 0.2, 0.8, 0.7, false, 0.003, 8);
  LeastSquaresExtrapolator ex("pow3");
  ex.fit(o);
  const std::vector<double> xs{40, 80, 160};
  const Eigen::MatrixXd d1 = ex.sample_curves(xs, 4000, 1), d2 = ex.sample_curves(xs, 4000, 1);
  CATCH_CHECK(d1 == d2);
  CATCH_CHECK(d1.rows() == 4000);
  CATCH_CHECK(d1.cols() == 3);
  CATCH_CHECK(d1.allFinite());
  const Eigen::MatrixXd noisy = ex.sample_curves(xs, 4000, 2, true);
  for (int j = 0; j < 3; ++j) {
    const Predictive p = ex.predict(xs[j]);
    CATCH_CHECK(d1.col(j).mean() == Approx(p.mean()).margin(4 * p.sd() / std::sqrt(4000.0)));
    // Draws with noise have the predictive's spread.
    const double m = noisy.col(j).mean();
    const double sd = std::sqrt((noisy.col(j).array() - m).square().mean());
    CATCH_CHECK(sd == Approx(p.sd()).epsilon(0.08));
  }
  // prob_better is the predictive's CDF on the right side (lower is better here).
  const Predictive p = ex.predict(100);
  CATCH_CHECK(ex.prob_better(100, p.quantile(0.3)) == Approx(0.3).margin(1e-9));
  // Asymptote: the truth 0.2 lies inside the interval; the interval is ordered.
  const AsymptoteEstimate a = ex.asymptote(0.9);
  CATCH_REQUIRE(a.available);
  CATCH_CHECK(a.lower <= a.value);
  CATCH_CHECK(a.value <= a.upper);
  CATCH_CHECK(a.lower < 0.2 + 0.01);
  CATCH_CHECK(a.upper > 0.2 - 0.01);
  // Reach: 0.23 is below every observation (x <= 30) and above the asymptote.
  const double target = 0.23;
  const ReachEstimate r = curvecast::reach(ex, target, 1e5);
  CATCH_REQUIRE(r.reached);
  CATCH_CHECK(r.x > 30);
  CATCH_CHECK(ex.predict(r.x).mean() == Approx(target).margin(1e-6));
  CATCH_CHECK(r.x_lower <= r.x * 1.0001);
  CATCH_CHECK(r.x * 0.9999 <= r.x_upper);
  // Below the asymptote's interval: not within range, with a reason.
  const ReachEstimate never = curvecast::reach(ex, 0.1, 1e5);
  CATCH_CHECK_FALSE(never.reached);
  CATCH_CHECK_FALSE(never.reason.empty());
  // Unbounded family: no asymptote, with a reason.
  LeastSquaresExtrapolator lin("lin2");
  lin.fit(o);
  CATCH_CHECK_FALSE(lin.asymptote().available);
  CATCH_CHECK_FALSE(lin.asymptote().reason.empty());
}

CATCH_TEST_CASE("direction flag: mirrored data give mirrored predictions", "[lsq][extrapolator]") {
  const Observations loss = power_curve(1, 50, 30, 0.3, 0.6, 0.5, false, 0.004, 4);
  Observations acc = loss;
  acc.higher_is_better = true;
  for (auto& v : acc.y) v = 1 - v;
  // Families fitted in oriented coordinates are exactly mirror-symmetric; the default
  // multi-family set includes logpower3 (scale coordinates) and is not, so it is left out.
  MultiFamilyOptions oriented;
  oriented.families = {"pow3", "pow4", "mmf4", "wbl4", "exp3", "ilog2"};
  for (const char* m : {"pow4", "mmf4", "oriented-multi"}) {
    CATCH_INFO(m);
    const bool multi = std::string(m) == "oriented-multi";
    std::unique_ptr<Extrapolator> a =
        multi ? std::make_unique<MultiFamilyExtrapolator>(oriented) : make_extrapolator(m);
    std::unique_ptr<Extrapolator> b =
        multi ? std::make_unique<MultiFamilyExtrapolator>(oriented) : make_extrapolator(m);
    a->fit(loss);
    b->fit(acc);
    const Predictive pa = a->predict(120), pb = b->predict(120);
    CATCH_CHECK(pb.mean() == Approx(1 - pa.mean()).margin(1e-6));
    CATCH_CHECK(pb.sd() == Approx(pa.sd()).epsilon(1e-4));
    CATCH_CHECK(b->prob_better(120, 1 - 0.3) == Approx(a->prob_better(120, 0.3)).margin(1e-6));
  }
}

CATCH_TEST_CASE("multi-family extrapolator: weights, selections, failures", "[lsq][extrapolator]") {
  const Observations o = power_curve(1, 60, 40, 0.1, 0.9, 0.4, false, 0.003, 2);
  for (Selection s : {Selection::AkaikeWeights, Selection::BestAicc, Selection::BestHoldout}) {
    MultiFamilyOptions opt;
    opt.selection = s;
    MultiFamilyExtrapolator ex(opt);
    ex.fit(o);
    double tot = 0;
    for (const auto& m : ex.members()) tot += m.second;
    CATCH_CHECK(tot == Approx(1.0));
    if (s != Selection::AkaikeWeights) CATCH_CHECK(ex.members().size() == 1);
    const Predictive p = ex.predict(200);
    CATCH_CHECK(std::abs(p.mean() - power_truth(200, 1, 0.1, 0.9, 0.4, false)) < 4 * p.sd());
    const Eigen::MatrixXd d = ex.sample_curves({100, 200}, 50, 3);
    CATCH_CHECK(d.allFinite());
  }
  // Five points: the 4-parameter families need 5, so they fit; a family needing more is skipped.
  MultiFamilyOptions few;
  few.families = {"pow3", "mmf4"};
  MultiFamilyExtrapolator ex(few);
  ex.fit(o.prefix(4));
  CATCH_CHECK(ex.members().size() == 1);
  CATCH_CHECK(ex.failures().size() == 1);
}
