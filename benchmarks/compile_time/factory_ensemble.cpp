#include <curvecast/factory.hpp>
#include <iostream>
int main() {
  curvecast::Observations obs{{1, 2, 3, 4, 5, 6, 7, 8}, {0.92, 0.71, 0.60, 0.53, 0.49, 0.46, 0.44, 0.43}, false};
  auto ex = curvecast::make_extrapolator("ensemble");
  ex->fit(obs);
  curvecast::Predictive p = ex->predict(50);
  auto [lo, hi] = p.interval(0.9);
  std::cout << p.mean() << " [" << lo << ", " << hi << "] " << ex->prob_better(50, 0.40) << "\n";
}
