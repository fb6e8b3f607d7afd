#include <curvecast/early_stopping.hpp>
#include <iostream>
int main() {
  curvecast::EarlyStopper stop(/*x_final=*/40, /*higher_is_better=*/false);
  for (int epoch = 1; epoch <= 12; ++epoch) {
    stop.observe(epoch, 0.2 + 0.8 / epoch);
    const curvecast::Decision d = stop.decide(0.21);
    std::cout << d.summary() << "\n";
    if (d.stop()) break;
  }
}
