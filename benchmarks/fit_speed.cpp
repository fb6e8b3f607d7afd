// Speed of single-family least-squares fits, per family, on 20- and 50-point
// real curves: median CPU microseconds per fit, one thread.
//
// Curves: the first --curves curves of shared/data/curves/cnn_cifar10 (20-point
// prefixes of its 40 epochs) and of taskset_imdb_rnn_val_loss (50-point prefixes
// of its 51 evaluations); synthetic power-law curves (seed 1) when the data folder
// is absent. For each (family, curve) it times a single-start fit (data-driven
// start, the unit scipy's curve_fit is compared with) and the default multi-start
// fit, and with --out writes every case (normalised data, start, bounds, costs,
// times) so that scripts/fit_speed_scipy.py can fit the same problems with scipy.
//
// Usage: fit_speed [--data DIR] [--curves K] [--repeats R] [--families a,b] [--out FILE]
#include <algorithm>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <curvecast/curvecast.hpp>
#include "support/cli.hpp"
#include <curvecast/least_squares.hpp>

using namespace curvecast;

// CPU time of this thread: on a shared machine it is far steadier than wall
// time, and the scipy script measures its side the same way.
double cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec * 1e-3;
}

namespace {
struct Args {
  std::string data = CURVECAST_DATA_DIR;
  int curves = 10, repeats = 15;
  std::vector<std::string> families;
  std::string out;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::vector<Observations> load(const std::string& path, std::size_t n_points, int k, bool& real) {
  std::vector<Observations> out;
  if (std::ifstream(path).good()) {
    const CurveSet set = read_curve_set(path);
    for (const auto& c : set.curves) {
      if (static_cast<int>(out.size()) >= k) break;
      if (c.x.size() >= n_points) out.push_back(c.observations(set.higher_is_better).prefix(n_points));
    }
    real = true;
    return out;
  }
  detail::Rng rng(1);
  for (int i = 0; i < k; ++i) {
    Observations o;
    const double c = 0.1 + 0.3 * rng.uniform(), a = 0.5 + rng.uniform(), al = 0.2 + rng.uniform();
    for (std::size_t j = 1; j <= n_points; ++j) o.push_back(j, c + a * std::pow(j, -al) + 0.01 * rng.normal());
    out.push_back(o);
  }
  real = false;
  return out;
}

template <class F>
void bench_family(const std::vector<Observations>& curves, const char* set_name, const Args& a,
                  nlohmann::json& cases) {
  constexpr int N = F::kNumParams;
  std::vector<double> t_single, t_multi, c_single, c_multi;
  int failures = 0;
  for (std::size_t ci = 0; ci < curves.size(); ++ci) {
    const Observations& o = curves[ci];
    FitOptions one;
    one.num_starts = 1;
    const FitOptions multi;
    std::vector<double> ts, tm;
    FitResult r1, rm;
    try {
      for (int r = 0; r < a.repeats; ++r) {
        const double t0 = cpu_us();
        r1 = fit_family<F>(o, one);
        const double t1 = cpu_us();
        rm = fit_family<F>(o, multi);
        const double t2 = cpu_us();
        ts.push_back(t1 - t0);
        tm.push_back(t2 - t1);
      }
    } catch (const Error& e) {
      ++failures;
      continue;
    }
    t_single.push_back(median(ts));
    t_multi.push_back(median(tm));
    c_single.push_back(r1.cost);
    c_multi.push_back(rm.cost);
    if (!a.out.empty()) {
      const detail::FitData d = detail::make_fit_data(o, F::kNormalisation, {});
      const detail::Summary s = d.summary();
      std::array<double, N> lo{}, hi{};
      F::bounds(s, lo.data(), hi.data());
      const auto p0 = detail::starting_points<F>(s, lo, hi, 1, 0).front();
      cases.push_back({{"family", F::kName},
                       {"set", set_name},
                       {"n", o.size()},
                       {"curve", ci},
                       {"t", d.t},
                       {"z", d.z},
                       {"p0", p0},
                       {"lo", lo},
                       {"hi", hi},
                       {"ours_cost_single", r1.cost},
                       {"ours_cost_multi", rm.cost},
                       {"ours_us_single", median(ts)},
                       {"ours_us_multi", median(tm)}});
    }
  }
  if (t_single.empty()) {
    std::printf("%-14s %-8s %4s  all %d fits failed\n", F::kName, set_name, "", failures);
    return;
  }
  std::printf("%-14s %-8s %4zu %12.1f %12.1f %12.3g %12.3g %6d\n", F::kName, set_name, curves.front().size(),
              median(t_single), median(t_multi), median(c_single), median(c_multi), failures);
}
}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << k << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    try {
      if (k == "--curves") a.curves = std::max(1, curvecast::bench::parse_int_count(next(), k));
      if (k == "--repeats") a.repeats = std::max(1, curvecast::bench::parse_int_count(next(), k));
    } catch (const curvecast::UsageError& e) {
      std::cerr << "fit_speed: " << e.what() << "\n";
      return 2;
    }
    if (k == "--curves" || k == "--repeats") continue;
    if (k == "--data") a.data = next();
    else if (k == "--families") {
      std::stringstream ss(next());
      for (std::string f; std::getline(ss, f, ',');) a.families.push_back(canonical_family_name(f));
    } else if (k == "--out") a.out = next();
    else {
      std::cerr << "usage: fit_speed [--data DIR] [--curves K] [--repeats R] [--families a,b] [--out FILE]\n";
      return k == "--help" ? 0 : 2;
    }
  }
  try {
    for (const auto& f : a.families) find_family(f);
    bool real20 = false, real50 = false;
    const auto c20 = load(a.data + "/curves/cnn_cifar10_val_error_vs_epoch.json", 20, a.curves, real20);
    const auto c50 = load(a.data + "/curves/taskset_imdb_rnn_val_loss.json", 50, a.curves, real50);
    std::printf("curves: %zu x 20 points (%s), %zu x 50 points (%s); %d repeats, median per curve, then median over curves\n",
                c20.size(), real20 ? "cnn_cifar10 prefixes" : "synthetic", c50.size(),
                real50 ? "taskset prefixes" : "synthetic", a.repeats);
    std::printf("%-14s %-8s %4s %12s %12s %12s %12s %6s\n", "family", "set", "n", "us/fit(1st)", "us/fit(def)",
                "cost(1st)", "cost(def)", "fails");
    nlohmann::json cases = nlohmann::json::array();
    std::apply(
        [&](auto... fam) {
          auto one = [&](auto f) {
            using F = decltype(f);
            if (!a.families.empty() && std::find(a.families.begin(), a.families.end(), F::kName) == a.families.end())
              return;
            bench_family<F>(c20, "cifar20", a, cases);
            bench_family<F>(c50, "taskset50", a, cases);
          };
          (one(fam), ...);
        },
        families::AllFamilies{});
    if (!a.out.empty()) {
      std::ofstream(a.out) << nlohmann::json{{"cases", cases}}.dump();
      std::printf("wrote %zu cases to %s\n", cases.size(), a.out.c_str());
    }
  } catch (const Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
