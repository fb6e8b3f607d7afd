// Extrapolate one real learning curve and print the prediction with its interval.
//
// Data: shared/data/curves/cnn_cifar10_val_error_vs_epoch.json by default:
// validation error of a 3-layer CNN on CIFAR-10 over 40 epochs, from the
// hoshiraku/dlfinal repository (University of Freiburg course data, attributed
// to Klein et al. 2017; see that folder's README). When the file is absent, a
// built-in synthetic curve (0.12 + 0.8 x^-0.6 plus noise, seed 1) is used.
//
// Usage: extrapolate_curve [--data FILE] [--curve ID|INDEX] [--observe K] [--method NAME]
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <string>

#include <curvecast/curvecast.hpp>
#include <curvecast/factory.hpp>

#include "arguments.hpp"

int main(int argc, char** argv) {
  std::string data = std::string(CURVECAST_DATA_DIR) + "/curves/cnn_cifar10_val_error_vs_epoch.json";
  std::string curve = "0", method = "ensemble";  // the MCMC posterior
  long observe = 10;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--data") data = next();
    else if (a == "--curve") curve = next();
    else if (a == "--observe") {
      try {
        observe = static_cast<long>(example::parse_count(next(), a));
      } catch (const curvecast::UsageError& e) {
        std::cerr << "extrapolate_curve: " << e.what() << "\n";
        return 2;
      }
    }
    else if (a == "--method") method = next();
    else {
      std::cerr << "usage: extrapolate_curve [--data FILE] [--curve ID|INDEX] [--observe K] [--method NAME]\n";
      return a == "--help" ? 0 : 2;
    }
  }
  try {
    curvecast::Curve c;
    curvecast::CurveSet set;
    if (std::ifstream(data).good()) {
      set = curvecast::read_curve_set(data);
      bool found = false;
      for (std::size_t k = 0; k < set.curves.size() && !found; ++k)
        if (set.curves[k].id == curve || std::to_string(k) == curve) c = set.curves[k], found = true;
      if (!found) throw curvecast::UsageError("no curve '" + curve + "' in " + data);
      std::printf("data: %s (%s vs %s)\n", data.c_str(), set.y_name.c_str(), set.x_name.c_str());
    } else {
      std::printf("data: %s not found; using a built-in synthetic curve\n", data.c_str());
      std::mt19937 rng(1);
      std::normal_distribution<double> noise(0.0, 1.0);
      c.id = "synthetic";
      for (int e = 1; e <= 40; ++e) {
        c.x.push_back(e);
        c.y.push_back(0.12 + 0.8 * std::pow(e, -0.6) + 0.005 * noise(rng));
      }
      set.y_name = "error";
      set.x_name = "epoch";
    }
    const curvecast::Observations all = c.observations(set.higher_is_better);
    const auto k = static_cast<std::size_t>(std::max(4L, std::min<long>(observe, static_cast<long>(all.size()) - 1)));
    const curvecast::Observations seen = all.prefix(k);
    auto ex = curvecast::make_extrapolator(method);
    ex->fit(seen);
    std::printf("curve %s: observed %zu of %zu points; method %s\n", c.id.c_str(), k, all.size(), ex->name().c_str());
    std::printf("%10s %10s %10s %10s %10s\n", set.x_name.c_str(), "truth", "mean", "q05", "q95");
    for (std::size_t i = k; i < all.size(); i += std::max<std::size_t>(1, (all.size() - k) / 8)) {
      const auto p = ex->predict(all.x[i]);
      const auto iv = p.interval(0.9);
      std::printf("%10g %10.4f %10.4f %10.4f %10.4f\n", all.x[i], all.y[i], p.mean(), iv.first, iv.second);
    }
    const auto p = ex->predict(all.x.back());
    const auto iv = p.interval(0.9);
    std::printf("final %s at %s = %g: predicted %.4f, 90%% interval [%.4f, %.4f], observed %.4f\n",
                set.y_name.c_str(), set.x_name.c_str(), all.x.back(), p.mean(), iv.first, iv.second, all.y.back());
    const auto a = ex->asymptote(0.9);
    if (a.available) std::printf("levels off at %.4f, 90%% interval [%.4f, %.4f]\n", a.value, a.lower, a.upper);
    else std::printf("asymptote: %s\n", a.reason.c_str());
  } catch (const curvecast::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
