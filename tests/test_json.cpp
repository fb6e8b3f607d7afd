// JSON round trips for every type a user serialises.
#include <catch2/catch.hpp>

#include <fstream>
#include <limits>

#include <curvecast/curvecast.hpp>
#include <curvecast/least_squares.hpp>

#include "support/data.hpp"

using namespace curvecast;

CATCH_TEST_CASE("observations and curve sets round-trip", "[json]") {
  const Observations o({1, 2, 5}, {0.5, 0.4, 0.35}, true);
  const Observations back = nlohmann::json(o).get<Observations>();
  CATCH_CHECK(back.x == o.x);
  CATCH_CHECK(back.y == o.y);
  CATCH_CHECK(back.higher_is_better);
  CurveSet s;
  s.source = "test";
  s.x_name = "epoch";
  s.y_name = "loss";
  s.curves.push_back({"c1", "t", {1, 2}, {3, 4}});
  s.curves.push_back({"c2", "t", {1, 2, 3}, {3, 4, 5}});
  const CurveSet s2 = parse_curve_set(nlohmann::json(s).dump());
  CATCH_CHECK(s2.curves.size() == 2);
  CATCH_CHECK(s2.curves[1].id == "c2");
  CATCH_CHECK(s2.curves[1].y == s.curves[1].y);
  CATCH_CHECK(s2.y_name == "loss");
  CATCH_CHECK_FALSE(s2.higher_is_better);
}

CATCH_TEST_CASE("fit results and predictives round-trip", "[json]") {
  Observations o;
  for (int i = 1; i <= 20; ++i) o.push_back(i, 0.3 + 0.5 / std::sqrt(i) + 0.001 * std::sin(i));
  const FitResult r = fit_family("pow3", o);
  const FitResult r2 = nlohmann::json::parse(nlohmann::json(r).dump()).get<FitResult>();
  CATCH_CHECK(r2.family == r.family);
  CATCH_CHECK(r2.params == r.params);
  CATCH_CHECK(r2.std_errors == r.std_errors);
  CATCH_CHECK(r2.covariance.isApprox(r.covariance));
  CATCH_CHECK(r2.normaliser.y_scale == r.normaliser.y_scale);
  CATCH_CHECK(r2.num_starts_at_best == r.num_starts_at_best);
  CATCH_CHECK(r2.value(find_family("pow3").eval, 50) == r.value(find_family("pow3").eval, 50));
  CATCH_CHECK(!nlohmann::json(r)["normaliser"].contains("x_offset"));  // x starts above 0: no shift
  // x starting at 0: the shift of the fitting coordinates is kept.
  Observations z;
  for (int i = 0; i < 20; ++i) z.push_back(i, 0.3 + 0.5 / std::sqrt(i + 1.0));
  const FitResult rz = fit_family("pow3", z);
  const nlohmann::json jz = rz;
  CATCH_CHECK(jz["normaliser"]["x_offset"].get<double>() == 1.0);
  const FitResult rz2 = jz.get<FitResult>();
  CATCH_CHECK(rz2.normaliser.x_offset == rz.normaliser.x_offset);
  CATCH_CHECK(rz2.value(find_family("pow3").eval, 50) == rz.value(find_family("pow3").eval, 50));
  nlohmann::json jbad = jz;
  jbad["normaliser"]["x_offset"] = "one";
  CATCH_CHECK_THROWS_AS(jbad.get<FitResult>(), curvecast::JsonError);
  const Predictive p({1, 2}, {0.1, 0.2}, {0.01, 0.02}, true);
  const Predictive p2 = nlohmann::json(p).get<Predictive>();
  CATCH_CHECK(p2.mean() == Approx(p.mean()));
  CATCH_CHECK(p2.log_density(0.15) == Approx(p.log_density(0.15)));
  CATCH_CHECK(nlohmann::json(p)["q95"].get<double>() == Approx(p.quantile(0.95)));
  CATCH_CHECK(!nlohmann::json(p).contains("lower"));
  // A censored predictive keeps its support.
  Predictive c({1, 2}, {0.1, 0.2}, {0.1, 0.2}, false);
  c.set_support(0.0, std::numeric_limits<double>::infinity());
  const nlohmann::json jc = c;
  CATCH_CHECK(jc["lower"].get<double>() == 0.0);
  CATCH_CHECK(!jc.contains("upper"));
  CATCH_CHECK(jc["q05"].get<double>() == 0.0);
  const Predictive c2 = jc.get<Predictive>();
  CATCH_CHECK(c2.support() == c.support());
  CATCH_CHECK(c2.mean() == Approx(c.mean()));
  CATCH_CHECK(c2.prob_better(0.0) == 0);
  // A bad support is a JSON error, not a crash.
  nlohmann::json bad = jc;
  bad["upper"] = -1.0;
  CATCH_CHECK_THROWS_AS(bad.get<Predictive>(), curvecast::JsonError);
  bad["upper"] = "high";
  CATCH_CHECK_THROWS_AS(bad.get<Predictive>(), curvecast::JsonError);
}

CATCH_TEST_CASE("the bundled curve sets parse, with their sizes and directions", "[json][data]") {
  struct Expected {
    const char* file;
    std::size_t curves;
    bool higher_is_better;
  };
  const Expected sets[] = {{"curves/taskset_imdb_rnn_val_loss.json", 1307, false},
                           {"curves/lcdb11_val_error_vs_trainsize.json", 3312, false},
                           {"lcpfn_prior/prior_draws_seed1_1000.json", 1000, true}};
  for (const auto& e : sets) {
    CATCH_INFO(e.file);
    const CurveSet s = read_curve_set(curvecast::bench::bundled(e.file));
    CATCH_CHECK(s.curves.size() == e.curves);
    CATCH_CHECK(s.higher_is_better == e.higher_is_better);
    CATCH_CHECK_FALSE(s.source.empty());
    for (const auto& c : s.curves) CATCH_CHECK_NOTHROW(c.observations(s.higher_is_better).validate(2));
  }
}

CATCH_TEST_CASE("the CIFAR-10 CNN curve set parses when present in the user's data folder", "[json][data]") {
  const std::string file = "curves/cnn_cifar10_val_error_vs_epoch.json";
  const std::string dir = curvecast::bench::user_data_dir();
  if (!curvecast::bench::has_file(dir, file)) {
    CATCH_WARN("skipped: " << curvecast::bench::not_bundled(file, dir));
    return;
  }
  const CurveSet s = read_curve_set(dir + "/" + file);
  CATCH_CHECK(s.curves.size() == 265);
  CATCH_CHECK_FALSE(s.higher_is_better);
  for (const auto& c : s.curves) CATCH_CHECK_NOTHROW(c.observations(s.higher_is_better).validate(2));
}
