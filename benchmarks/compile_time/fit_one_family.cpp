#include <curvecast/family_fit.hpp>
#include <iostream>
int main() {
  curvecast::Observations obs{{1, 2, 3, 4, 5, 6, 7, 8}, {0.92, 0.71, 0.60, 0.53, 0.49, 0.46, 0.44, 0.43}, false};
  const curvecast::FitResult r = curvecast::fit_family<curvecast::families::Pow3>(obs);
  std::cout << r.value(&curvecast::families::Pow3::eval<double>, 50.0) << " (cost " << r.cost << ")\n";
}
