// A training loop that asks curvecast after every epoch: "should I stop this run?"
//
// Training is simulated by replaying real learning curves: by default the bundled
// data/curves/taskset_imdb_rnn_val_loss.json (TaskSet, Metz et al. 2020:
// validation loss of LSTM text classifiers on IMDB over 51 evaluations, one
// curve per hyperparameter configuration; its first curves are runs of one task;
// see data/curves/README.md). --data FILE names another curve set in the same
// format. Several configurations are "trained" one after another; the best final
// value of the fully trained runs is the target the rule compares each new run against.
//
// Usage: training_loop_early_stopping [--data FILE] [--runs N] [--first INDEX]
//                                     [--method NAME] [--threshold P] [--confirmations K]
//                                     [--max-extrapolation R] [--quiet]
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <curvecast/curvecast.hpp>
#include <curvecast/early_stopping.hpp>
#include <curvecast/factory.hpp>

#include "arguments.hpp"

namespace {
// Stand-in for "train one more epoch and evaluate on the validation set".
struct SimulatedTraining {
  const curvecast::Curve* curve;
  std::size_t epoch = 0;
  bool done() const { return epoch >= curve->x.size(); }
  std::pair<double, double> train_one_epoch() {
    ++epoch;
    return {curve->x[epoch - 1], curve->y[epoch - 1]};
  }
};
}  // namespace

int main(int argc, char** argv) {
  std::string data = std::string(CURVECAST_BUNDLED_DATA_DIR) + "/curves/taskset_imdb_rnn_val_loss.json";
  std::string method = curvecast::default_early_stopping_method();
  long runs = 6, first = 0;
  bool quiet = false;
  curvecast::EarlyStoppingOptions opt;  // Domhan et al.'s rule: threshold 0.05, plateau cut, min 5 points
  using example::parse_count;
  using example::parse_number;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    try {
      if (a == "--data")
        data = next();
      else if (a == "--runs")
        runs = static_cast<long>(parse_count(next(), a));
      else if (a == "--first")
        first = static_cast<long>(parse_count(next(), a));
      else if (a == "--method")
        method = next();
      else if (a == "--threshold")
        opt.threshold = parse_number(next(), a);
      else if (a == "--confirmations")
        opt.stop_confirmations = static_cast<std::size_t>(parse_count(next(), a));
      else if (a == "--max-extrapolation") {
        const double r = parse_number(next(), a);
        if (r != 0) opt.max_extrapolation = r;  // 0: off
      } else if (a == "--quiet")
        quiet = true;
      else {
        std::cerr << "usage: training_loop_early_stopping [--data FILE] [--runs N] [--first INDEX] [--method NAME]"
                     " [--threshold P] [--confirmations K] [--max-extrapolation R] [--quiet]\n";
        return a == "--help" ? 0 : 2;
      }
    } catch (const curvecast::UsageError& e) {
      std::cerr << "training_loop_early_stopping: " << e.what() << "\n";
      return 2;
    }
  }
  try {
    if (!std::ifstream(data).good()) {
      std::cerr << "training_loop_early_stopping: cannot read " << data
                << " (--data FILE: a curve set in the JSON format of data/README.md)\n";
      return 2;
    }
    const curvecast::CurveSet set = curvecast::read_curve_set(data);
    std::printf("data: %s (%s vs %s)\n", data.c_str(), set.y_name.c_str(), set.x_name.c_str());
    if (runs < 1 || first < 0 || static_cast<std::size_t>(first + runs) > set.curves.size())
      throw curvecast::UsageError("--first/--runs select curves beyond the data set");

    std::optional<double> best_final;  // best final validation error of the fully trained runs
    double epochs_used = 0, epochs_all = 0;
    for (long r = 0; r < runs; ++r) {
      const curvecast::Curve& c = set.curves[static_cast<std::size_t>(first + r)];
      SimulatedTraining train{&c};
      // One decision object per run; x_final is the run's budget (its last epoch).
      curvecast::EarlyStopper stopper(method, c.x.back(), set.higher_is_better, opt);
      std::printf("\nrun %ld: %s (budget %s %g), best final so far: %s\n", r + 1, c.id.c_str(), set.x_name.c_str(),
                  c.x.back(), best_final ? std::to_string(*best_final).c_str() : "none");
      bool stopped = false;
      double last = 0;
      while (!train.done()) {
        const auto [epoch, err] = train.train_one_epoch();
        last = err;
        stopper.observe(epoch, err);
        if (train.done()) break;  // the budget is spent: nothing left to decide
        const curvecast::Decision d = stopper.decide(best_final);
        if (!quiet || d.stop())
          std::printf("  %s %3g  %s %.4f  -> %s\n", set.x_name.c_str(), epoch, set.y_name.c_str(), err,
                      d.summary().c_str());
        if (d.stop()) {
          stopped = true;
          break;
        }
      }
      epochs_used += static_cast<double>(train.epoch);
      epochs_all += static_cast<double>(c.x.size());
      if (stopped) {
        std::printf("  stopped after %zu of %zu points (true final %s would have been %.4f)\n", train.epoch, c.x.size(),
                    set.y_name.c_str(), c.y.back());
      } else {
        std::printf("  trained to the end: final %s %.4f\n", set.y_name.c_str(), last);
        if (!best_final || (set.higher_is_better ? last > *best_final : last < *best_final)) best_final = last;
      }
    }
    std::printf("\npoints trained: %.0f of %.0f (%.1f%%), best final value %.4f\n", epochs_used, epochs_all,
                100 * epochs_used / epochs_all, *best_final);
  } catch (const curvecast::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
