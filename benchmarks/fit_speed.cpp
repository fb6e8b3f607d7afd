// Speed of single-family least-squares fits, per family, on 20- and 50-point
// real curves: median CPU microseconds per fit, one thread.
//
// Curves: the first --curves curves of two curve sets, by default the bundled
// data/curves/lcdb11_val_error_vs_trainsize.json (20-point prefixes; every LCDB
// curve has at least 20 points) and data/curves/taskset_imdb_rnn_val_loss.json
// (50-point prefixes of its 51 evaluations). --set20 FILE / --set50 FILE name
// other sets; --data DIR takes the 20-point prefixes from the CIFAR-10 CNN curves
// in DIR/curves/cnn_cifar10_val_error_vs_epoch.json (not bundled: data/README.md,
// "Data that is not bundled"). For each (family, curve) it times a single-start fit (data-driven
// start, the unit scipy's curve_fit is compared with) and the default multi-start
// fit, and with --out writes every case (normalised data, start, bounds, costs,
// times) so that scripts/fit_speed_scipy.py can fit the same problems with scipy.
//
// Usage: fit_speed [--set20 FILE] [--set50 FILE] [--data DIR] [--curves K] [--repeats R] [--families a,b] [--out FILE]
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
#include "support/data.hpp"
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
  std::string set20 = curvecast::bench::bundled("curves/lcdb11_val_error_vs_trainsize.json");
  std::string set50 = curvecast::bench::bundled("curves/taskset_imdb_rnn_val_loss.json");
  int curves = 10, repeats = 15;
  std::vector<std::string> families;
  std::string out;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// The first k curves of `path` with at least n_points points, as n_points-point prefixes.
std::vector<Observations> load(const std::string& path, std::size_t n_points, int k) {
  std::vector<Observations> out;
  const CurveSet set = read_curve_set(path);
  for (const auto& c : set.curves) {
    if (static_cast<int>(out.size()) >= k) break;
    if (c.x.size() >= n_points) out.push_back(c.observations(set.higher_is_better).prefix(n_points));
  }
  if (out.empty()) throw InvalidInput(path + " has no curve with at least " + std::to_string(n_points) + " points");
  return out;
}

// A set's short name for the table and the --out cases: its file name up to the first '_'.
std::string set_label(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  return name.substr(0, name.find_first_of("_."));
}

template <class F>
void bench_family(const std::vector<Observations>& curves, const char* set_name, const Args& a, nlohmann::json& cases) {
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
    if (k == "--set20")
      a.set20 = next();
    else if (k == "--set50")
      a.set50 = next();
    else if (k == "--data") {
      const std::string dir = next();
      const std::string cifar = "curves/cnn_cifar10_val_error_vs_epoch.json";
      if (!curvecast::bench::has_file(dir, cifar)) {
        std::cerr << "fit_speed: " << curvecast::bench::not_bundled(cifar, dir) << "\n";
        return 2;
      }
      a.set20 = dir + "/" + cifar;
    } else if (k == "--families") {
      std::stringstream ss(next());
      for (std::string f; std::getline(ss, f, ',');) a.families.push_back(canonical_family_name(f));
    } else if (k == "--out")
      a.out = next();
    else {
      std::cerr
          << "usage: fit_speed [--set20 FILE] [--set50 FILE] [--data DIR] [--curves K] [--repeats R] [--families a,b] [--out FILE]\n";
      return k == "--help" ? 0 : 2;
    }
  }
  try {
    for (const auto& f : a.families) find_family(f);
    const auto c20 = load(a.set20, 20, a.curves);
    const auto c50 = load(a.set50, 50, a.curves);
    const std::string name20 = set_label(a.set20), name50 = set_label(a.set50);
    std::printf("data: %s (20-point prefixes), %s (50-point prefixes)\n", a.set20.c_str(), a.set50.c_str());
    std::printf("curves: %zu x 20 points, %zu x 50 points; %d repeats, median per curve, then median over curves\n",
                c20.size(), c50.size(), a.repeats);
    std::printf("%-14s %-8s %4s %12s %12s %12s %12s %6s\n", "family", "set", "n", "us/fit(1st)", "us/fit(def)",
                "cost(1st)", "cost(def)", "fails");
    nlohmann::json cases = nlohmann::json::array();
    std::apply(
        [&](auto... fam) {
          auto one = [&](auto f) {
            using F = decltype(f);
            if (!a.families.empty() && std::find(a.families.begin(), a.families.end(), F::kName) == a.families.end())
              return;
            bench_family<F>(c20, name20.c_str(), a, cases);
            bench_family<F>(c50, name50.c_str(), a, cases);
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
