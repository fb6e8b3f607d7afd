// Extrapolate one real learning curve and print the prediction with its interval.
//
// Data: by default the bundled data/curves/taskset_imdb_rnn_val_loss.json
// (TaskSet, Metz et al. 2020: validation loss of LSTM text classifiers on IMDB
// over 51 evaluations; see data/curves/README.md), curve
// taskset/FixedTextRNNClassification_imdb_patch128_LSTM128_avg_bs64/cfg0637, a run
// whose loss falls steadily from 0.694 to 0.412, observed for its first 15 points.
// --data FILE names any curve set in the same JSON format, --curve picks a curve
// by id or index.
//
// Usage: extrapolate_curve [--data FILE] [--curve ID|INDEX] [--observe K] [--method NAME]
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include <curvecast/curvecast.hpp>
#include <curvecast/factory.hpp>

#include "arguments.hpp"

int main(int argc, char** argv) {
  std::string data = std::string(CURVECAST_BUNDLED_DATA_DIR) + "/curves/taskset_imdb_rnn_val_loss.json";
  std::string curve = "taskset/FixedTextRNNClassification_imdb_patch128_LSTM128_avg_bs64/cfg0637";
  std::string method = "ensemble";  // the MCMC posterior
  long observe = 15;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--data")
      data = next();
    else if (a == "--curve")
      curve = next();
    else if (a == "--observe") {
      try {
        observe = static_cast<long>(example::parse_count(next(), a));
      } catch (const curvecast::UsageError& e) {
        std::cerr << "extrapolate_curve: " << e.what() << "\n";
        return 2;
      }
    } else if (a == "--method")
      method = next();
    else {
      std::cerr << "usage: extrapolate_curve [--data FILE] [--curve ID|INDEX] [--observe K] [--method NAME]\n";
      return a == "--help" ? 0 : 2;
    }
  }
  try {
    if (!std::ifstream(data).good()) {
      std::cerr << "extrapolate_curve: cannot read " << data
                << " (--data FILE: a curve set in the JSON format of "
                   "data/README.md)\n";
      return 2;
    }
    curvecast::Curve c;
    const curvecast::CurveSet set = curvecast::read_curve_set(data);
    bool found = false;
    for (std::size_t k = 0; k < set.curves.size() && !found; ++k)
      if (set.curves[k].id == curve || std::to_string(k) == curve) c = set.curves[k], found = true;
    if (!found) throw curvecast::UsageError("no curve '" + curve + "' in " + data);
    std::printf("data: %s (%s vs %s)\n", data.c_str(), set.y_name.c_str(), set.x_name.c_str());
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
    std::printf("final %s at %s = %g: predicted %.4f, 90%% interval [%.4f, %.4f], observed %.4f\n", set.y_name.c_str(),
                set.x_name.c_str(), all.x.back(), p.mean(), iv.first, iv.second, all.y.back());
    const auto a = ex->asymptote(0.9);
    if (a.available)
      std::printf("levels off at %.4f, 90%% interval [%.4f, %.4f]\n", a.value, a.lower, a.upper);
    else
      std::printf("asymptote: %s\n", a.reason.c_str());
  } catch (const curvecast::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
