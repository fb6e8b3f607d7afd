// One property battery over every learning-curve family.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <curvecast/curvecast.hpp>
#include <curvecast/least_squares.hpp>

using namespace curvecast;
using namespace curvecast::families;

namespace {
// Hand-checked values: the formulas of docs/references.md (Learning-curve families) evaluated independently
// (Python's math module) at each family's reference parameters.
const std::map<std::string, std::vector<std::pair<double, double>>> kHandChecked = {
    {"pow2", {{1, 0.5}, {7, 0.278894912651623}, {50, 0.154624747355496}}},
    {"log2", {{1, 0.2}, {7, 0.394591014905531}, {50, 0.591202300542815}}},
    {"exp2", {{1, 0.760983539600571}, {7, 0.563750471774971}, {50, 0.065667998899119}}},
    {"lin2", {{1, 0.21}, {7, 0.27}, {50, 0.7}}},
    {"ilog2", {{1, 0.159641132417746}, {7, 0.573213710805915}, {50, 0.670636045398062}}},
    {"pow3", {{1, 0.32}, {7, 0.643458474035202}, {50, 0.766460894756599}}},
    {"exp3", {{1, 0.176130065571232}, {7, 0.502731756966872}, {50, 0.894609642400732}}},
    {"expd3", {{1, 0.176130065571232}, {7, 0.502731756966872}, {50, 0.894609642400732}}},
    {"expp3", {{1, -0.818281828459045}, {7, 0.44068890297704}, {50, 0.748090089831091}}},
    {"vap3", {{1, 0.335544732704243}, {7, 0.545075556669143}, {50, 0.627556591195585}}},
    {"logpower3", {{1, 0.138208048680146}, {7, 0.285767643077317}, {50, 0.474816593927255}}},
    {"mmf4", {{1, 0.138095238095238}, {7, 0.372476670253966}, {50, 0.776291408861107}}},
    {"wbl4", {{1, 0.139016460399429}, {7, 0.336249528225029}, {50, 0.834332001100881}}},
    {"janoschek4", {{1, 0.139016460399429}, {7, 0.336249528225029}, {50, 0.834332001100881}}},
    {"exp4", {{1, 0.498103482005345}, {7, 0.592925665419385}, {50, 0.666186935459555}}},
    {"pow4", {{1, 0.334314575050762}, {7, 0.617157287525381}, {50, 0.787977593277759}}},
    {"weibull", {{1, 0.105970099750499}, {7, 0.140563708056431}, {50, 0.33608160417242}}},
    {"mmf", {{1, 0.10000000006}, {7, 0.100001008418305}, {50, 0.118181818181818}}},
    {"janoschek", {{1, 0.267225527482342}, {7, 0.453189675125491}, {50, 0.65285992837642}}},
    {"hill3", {{1, 0.28644739739612}, {7, 0.500662824733872}, {50, 0.659132765485912}}},
    {"loglog_linear", {{1, 0}, {7, 1.08041781827299}, {50, 1.59168587434938}}},
};

template <class F>
double value(double t) {
  const auto p = F::reference_params();
  return F::eval(p.data(), t);
}
}  // namespace

#define CURVECAST_ALL_FAMILIES                                                                                  \
  Pow2, Log2, Exp2, Lin2, Ilog2, Pow3, Exp3, Expd3, Expp3, Vap3, LogPower3, Mmf4, Wbl4, Janoschek4, Exp4, Pow4, \
      Weibull, Mmf, Janoschek, Hill3, LogLogLinear

CATCH_TEMPLATE_TEST_CASE("family formula matches hand-checked values", "[families]", CURVECAST_ALL_FAMILIES) {
  using F = TestType;
  const auto it = kHandChecked.find(F::kName);
  CATCH_REQUIRE(it != kHandChecked.end());
  for (const auto& [x, expected] : it->second)
    CATCH_CHECK(value<F>(x) == Approx(expected).epsilon(1e-12).margin(1e-14));
}

CATCH_TEMPLATE_TEST_CASE("family is registered with consistent metadata", "[families]", CURVECAST_ALL_FAMILIES) {
  using F = TestType;
  const FamilyInfo& info = find_family(F::kName);
  CATCH_CHECK(info.num_params == F::kNumParams);
  CATCH_CHECK(info.param_names.size() == static_cast<std::size_t>(F::kNumParams));
  CATCH_CHECK(info.reference_params().size() == static_cast<std::size_t>(F::kNumParams));
  const auto p = F::reference_params();
  CATCH_CHECK(info.eval(p.data(), 3.5) == value<F>(3.5));
}

CATCH_TEMPLATE_TEST_CASE("automatic derivatives match central finite differences", "[families]",
                         CURVECAST_ALL_FAMILIES) {
  using F = TestType;
  constexpr int N = F::kNumParams;
  const auto p0 = F::reference_params();
  for (double t : {1.5, 4.0, 30.0, 200.0}) {
    double g[N];
    const double v = detail::value_and_gradient<F>(p0.data(), t, g);
    CATCH_CHECK(v == Approx(F::eval(p0.data(), t)).epsilon(1e-14));
    for (int i = 0; i < N; ++i) {
      auto p = p0;
      const double h = 1e-6 * std::max(1.0, std::abs(p0[i]));
      p[i] = p0[i] + h;
      const double up = F::eval(p.data(), t);
      p[i] = p0[i] - h;
      const double dn = F::eval(p.data(), t);
      const double fd = (up - dn) / (2 * h);
      CATCH_INFO(F::kName << " param " << i << " at t=" << t);
      CATCH_CHECK(g[i] == Approx(fd).epsilon(1e-5).margin(1e-8));
    }
  }
}

CATCH_TEMPLATE_TEST_CASE("reference shape is monotone, and saturating families approach their asymptote", "[families]",
                         CURVECAST_ALL_FAMILIES) {
  using F = TestType;
  const auto p = F::reference_params();
  int sign = 0;
  double prev = F::eval(p.data(), 1.0);
  for (double t = 1.25; t < 1e4; t *= 1.25) {
    const double v = F::eval(p.data(), t);
    const int s = v > prev ? 1 : (v < prev ? -1 : 0);
    if (s != 0) {
      if (sign == 0) sign = s;
      CATCH_CHECK(s == sign);
    }
    prev = v;
  }
  CATCH_CHECK(sign != 0);
  const auto a = F::asymptote(p.data());
  if (a) {
    const double far = F::eval(p.data(), 1e12), near = F::eval(p.data(), 1.0);
    CATCH_CHECK(std::abs(far - *a) < 0.05 * std::abs(near - *a));
  }
}

CATCH_TEMPLATE_TEST_CASE("fit recovers a noiseless curve of the family (epochs 1..60)", "[families][fit]",
                         CURVECAST_ALL_FAMILIES) {
  using F = TestType;
  const auto p = F::reference_params();
  Observations obs;
  obs.higher_is_better = true;
  for (int i = 1; i <= 60; ++i) obs.push_back(i, F::eval(p.data(), static_cast<double>(i)));
  FitOptions o;
  o.num_starts = 6;
  const FitResult r = fit_family<F>(obs, o);
  const FamilyInfo& info = find_family(F::kName);
  double worst = 0, range = 0;
  for (std::size_t i = 0; i < obs.size(); ++i) {
    worst = std::max(worst, std::abs(r.value(info.eval, obs.x[i]) - obs.y[i]));
    range = std::max(range, std::abs(obs.y[i] - obs.y[0]));
  }
  CATCH_INFO(F::kName << " cost " << r.cost << " status " << r.status);
  CATCH_CHECK(worst < 1e-3 * range);
  CATCH_CHECK(r.num_starts_at_best >= 1);
}

CATCH_TEST_CASE("registry: aliases, unknown names, order", "[families]") {
  CATCH_CHECK(family_registry().size() == std::tuple_size<AllFamilies>::value);
  CATCH_CHECK(find_family("log_power").name == "logpower3");
  CATCH_CHECK(find_family("vap").name == "vap3");
  CATCH_CHECK_THROWS_AS(find_family("nope"), UsageError);
  CATCH_CHECK_THROWS_WITH(find_family("nope"), Catch::Contains("mmf4"));
}
