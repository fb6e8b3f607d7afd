// A downstream program that uses only the Ceres-free core (families, the `last`
// baseline, JSON curve sets): it checks that add_subdirectory and FetchContent
// expose curvecast::curvecast with its include paths and dependencies. The
// find_package consumer (main.cpp) also fits with Ceres.
#include <curvecast/curvecast.hpp>
#include <cmath>
#include <iostream>
int main() {
  std::vector<double> x, y;
  for (int i = 1; i <= 20; ++i) {
    x.push_back(i);
    const double p[3] = {0.2, 0.8, 0.5};
    y.push_back(curvecast::families::Pow3::eval<double>(p, static_cast<double>(i)));
  }
  curvecast::LastValueExtrapolator last;
  last.fit(curvecast::Observations{x, y, /*higher_is_better=*/false});
  const double m = last.predict(40.0).mean();
  const curvecast::CurveSet set = curvecast::parse_curve_set(
      R"({"higher_is_better": false, "curves": [{"id": "a", "x": [1, 2], "y": [0.5, 0.4]}]})");
  std::cout << "last value at x=40: " << m << ", " << set.curves.size() << " curve (curvecast " << curvecast::kVersion
            << ")\n";
  return std::abs(m - y.back()) < 1e-12 && set.curves.size() == 1 ? 0 : 1;
}
