// The contract every extrapolator keeps, checked over every name that
// make_extrapolator accepts and over the one-input scaling-law extrapolator:
// errors before fit(), on a NaN x and on a bad level; predict_many equals
// predict; sample_curves' shape and seed determinism; nested intervals;
// prob_better monotone in the threshold; mirror symmetry under
// higher_is_better (methods whose fit is direction-free); the predictive's
// JSON round trip.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <curvecast/curvecast.hpp>
#include <curvecast/factory.hpp>
#include <curvecast/scaling/extrapolator.hpp>
#include <curvecast/scaling/laws.hpp>

#include "helpers.hpp"

using namespace curvecast;

namespace {

using curvecast_test::kNaN;

// A falling loss, 14 points, seeded noise (Box-Muller on a fixed LCG keeps the
// data independent of the library's generators).
Observations falling_curve(double shift) {
  Observations o;
  o.higher_is_better = false;
  std::uint64_t s = 12345;
  auto uniform = [&s]() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (static_cast<double>(s >> 11) + 0.5) / 9007199254740992.0;
  };
  for (int i = 1; i <= 14; ++i) {
    const double noise = std::sqrt(-2 * std::log(uniform())) * std::cos(6.283185307179586 * uniform());
    o.x.push_back(i);
    o.y.push_back(0.15 + 0.7 * std::pow(i, -0.6) + 0.004 * noise - shift);
  }
  return o;
}

Observations mirrored(Observations o) {
  for (double& v : o.y) v = -v;
  o.higher_is_better = !o.higher_is_better;
  return o;
}

Observations scaling_data() {
  Observations o;
  o.higher_is_better = false;
  for (int i = 0; i < 10; ++i) {
    const double x = std::pow(10.0, 18 + i / 3.0);
    o.x.push_back(x);
    o.y.push_back(1.7 + 1000 * std::pow(x, -0.15) * (1 + 0.002 * std::sin(3.0 * i)));
  }
  return o;
}

struct Case {
  std::string name;
  std::function<std::unique_ptr<Extrapolator>()> make;
  Observations obs;
  std::vector<double> xs;  // beyond the data, increasing
  bool mirror_symmetric;   // the fit does not depend on the direction flag
};

bool direction_free(const std::string& name) {
  // Families fitted in oriented coordinates (z rises as the metric improves)
  // and the posteriors over them; "last" trivially. Scale-normalised families
  // keep the metric's sign and zero, LC-PFN's prior fixes [0, 1], and the ls:*
  // defaults include logpower3 (scale coordinates): not mirror-symmetric.
  if (name == "last" || name == "ensemble") return true;
  std::string fam = name.rfind("mcmc:", 0) == 0 ? name.substr(5) : name;
  if (!has_family(fam)) return false;
  return find_family(fam).normalisation == Normalisation::Oriented;
}

std::vector<Case> cases() {
  std::vector<Case> out;
  for (const std::string& n : extrapolator_names()) {
    FactoryOptions fo;
    fo.seed = 11;
    out.push_back(
        {n, [n, fo]() { return make_extrapolator(n, fo); }, falling_curve(0.0), {20, 40, 100}, direction_free(n)});
  }
  out.push_back({"scaling:saturating_power",
                 []() { return std::make_unique<scaling::ScalingLawExtrapolator<scaling::SaturatingPower>>(); },
                 scaling_data(),
                 {1e22, 1e23, 1e24},
                 false});
  return out;
}

void check_same(const Predictive& a, const Predictive& b, double rel) {
  auto close = [rel](double u, double v) { return std::abs(u - v) <= rel * std::max(1.0, std::abs(u)); };
  CATCH_CHECK(close(a.mean(), b.mean()));
  CATCH_CHECK(close(a.sd(), b.sd()));
  for (double q : {0.05, 0.5, 0.95}) CATCH_CHECK(close(a.quantile(q), b.quantile(q)));
}

}  // namespace

CATCH_TEST_CASE("every extrapolator keeps the interface's contract", "[contract]") {
  for (const Case& c : cases()) {
    CATCH_CAPTURE(c.name);
    std::unique_ptr<Extrapolator> ex = c.make();
    // Before fit(): a usage error, never an answer.
    CATCH_CHECK_FALSE(ex->is_fitted());
    CATCH_CHECK_THROWS_AS(ex->predict(c.xs[0]), UsageError);
    CATCH_CHECK_THROWS_AS(ex->sample_curves(c.xs, 4, 1), UsageError);
    CATCH_CHECK_THROWS_AS(ex->asymptote(), UsageError);
    CATCH_CHECK_THROWS_AS(ex->observations(), UsageError);

    ex->fit(c.obs);
    CATCH_REQUIRE(ex->is_fitted());
    CATCH_CHECK(ex->observations().x == c.obs.x);

    // A NaN x and a bad level are InvalidInput (reach's options: InvalidOptions).
    CATCH_CHECK_THROWS_AS(ex->predict(kNaN), InvalidInput);
    CATCH_CHECK_THROWS_AS(ex->predict_many({c.xs[0], kNaN}), InvalidInput);
    CATCH_CHECK_THROWS_AS(ex->sample_curves({c.xs[0], kNaN}, 4, 1), InvalidInput);
    CATCH_CHECK_THROWS_AS(ex->predict(c.xs[0]).interval(1.5), InvalidInput);
    CATCH_CHECK_THROWS_AS(ex->asymptote(1.5), InvalidInput);
    CATCH_CHECK_THROWS_AS(ex->asymptote(0.0), InvalidInput);
    ReachOptions bad_level;
    bad_level.level = 1.0;
    CATCH_CHECK_THROWS_AS(reach(*ex, c.obs.y.back() * 0.9, c.xs.back(), bad_level), InvalidOptions);

    // predict_many is predict at each point.
    const std::vector<Predictive> many = ex->predict_many(c.xs);
    CATCH_REQUIRE(many.size() == c.xs.size());
    for (std::size_t i = 0; i < c.xs.size(); ++i) check_same(many[i], ex->predict(c.xs[i]), 0.0);

    // sample_curves: draws x points, finite, the same for the same seed.
    const Eigen::MatrixXd a = ex->sample_curves(c.xs, 16, 5), b = ex->sample_curves(c.xs, 16, 5);
    CATCH_CHECK(a.rows() == 16);
    CATCH_CHECK(a.cols() == static_cast<Eigen::Index>(c.xs.size()));
    CATCH_CHECK(a.allFinite());
    CATCH_CHECK(a == b);
    const Eigen::MatrixXd noisy = ex->sample_curves(c.xs, 16, 5, /*with_noise=*/true);
    CATCH_CHECK(noisy.allFinite());
    CATCH_CHECK(noisy == ex->sample_curves(c.xs, 16, 5, true));

    // Nested central intervals; prob_better monotone in the threshold.
    const Predictive p = ex->predict(c.xs[1]);
    const auto i50 = p.interval(0.5), i90 = p.interval(0.9), i99 = p.interval(0.99);
    CATCH_CHECK(i99.first <= i90.first);
    CATCH_CHECK(i90.first <= i50.first);
    CATCH_CHECK(i50.first <= i50.second);
    CATCH_CHECK(i50.second <= i90.second);
    CATCH_CHECK(i90.second <= i99.second);
    double prev = -1;
    for (double t : {i99.first, i90.first, p.quantile(0.5), i90.second, i99.second}) {
      const double pb = ex->prob_better(c.xs[1], t);  // lower is better: P(y < t) rises with t
      CATCH_CHECK(pb >= 0);
      CATCH_CHECK(pb <= 1);
      CATCH_CHECK(pb >= prev);
      prev = pb;
    }

    // The predictive survives a JSON round trip (through text).
    const Predictive back = nlohmann::json::parse(nlohmann::json(p).dump()).get<Predictive>();
    check_same(back, p, 1e-12);
    CATCH_CHECK(back.higher_is_better() == p.higher_is_better());
  }
}

CATCH_TEST_CASE("direction-free extrapolators are mirror-symmetric under higher_is_better", "[contract]") {
  // A curve crossing zero, so that no bound of the metric is detected either way.
  const Observations down = falling_curve(0.35), up = mirrored(down);
  int checked = 0;
  for (const Case& c : cases()) {
    if (!c.mirror_symmetric) continue;
    CATCH_CAPTURE(c.name);
    std::unique_ptr<Extrapolator> a = c.make(), b = c.make();
    a->fit(down);
    b->fit(up);
    for (double x : c.xs) {
      const Predictive pa = a->predict(x), pb = b->predict(x);
      const double tol = 1e-9 * std::max(1.0, std::abs(pa.mean()));
      CATCH_CHECK(std::abs(pa.mean() + pb.mean()) <= tol);
      CATCH_CHECK(std::abs(pa.sd() - pb.sd()) <= tol);
      CATCH_CHECK(std::abs(pa.quantile(0.1) + pb.quantile(0.9)) <= tol);
      CATCH_CHECK(std::abs(a->prob_better(x, pa.mean()) - b->prob_better(x, -pa.mean())) <= 1e-9);
    }
    ++checked;
  }
  CATCH_CHECK(checked >= 10);
}
