// A downstream program: fits a short falling curve and checks the answer is sane.
#include <curvecast/curvecast.hpp>
#include <curvecast/least_squares.hpp>
#include <cmath>
#include <iostream>
int main() {
  std::vector<double> x, y;
  for (int i = 1; i <= 20; ++i) { x.push_back(i); y.push_back(0.2 + 0.8 * std::pow(i, -0.5)); }
  curvecast::LeastSquaresExtrapolator ex("pow3");
  ex.fit(curvecast::Observations{x, y, /*higher_is_better=*/false});
  const double m = ex.predict(40.0).mean();
  std::cout << "pow3 prediction at x=40: " << m << "\n";
  return std::abs(m - (0.2 + 0.8 * std::pow(40.0, -0.5))) < 1e-3 ? 0 : 1;
}
