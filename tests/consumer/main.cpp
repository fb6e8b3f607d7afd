// A downstream program: fits a short falling curve with one family (Ceres) and
// checks the answer is sane.
#include <curvecast/curvecast.hpp>
#include <curvecast/family_fit.hpp>  // the one family fitted below: no other fitter is compiled
#include <cmath>
#include <iostream>
int main() {
  std::vector<double> x, y;
  for (int i = 1; i <= 20; ++i) {
    x.push_back(i);
    y.push_back(0.2 + 0.8 * std::pow(i, -0.5));
  }
  const curvecast::Observations obs{x, y, /*higher_is_better=*/false};
  const curvecast::FitResult r = curvecast::fit_family<curvecast::families::Pow3>(obs);
  const double m = r.value(&curvecast::families::Pow3::eval<double>, 40.0);
  std::cout << "pow3 prediction at x=40: " << m << " (curvecast " << curvecast::kVersion << ")\n";
  return std::abs(m - (0.2 + 0.8 * std::pow(40.0, -0.5))) < 1e-4 ? 0 : 1;
}
