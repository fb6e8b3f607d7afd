// Cost of fit + predict against the length of the curve, and of a warm
// EarlyStopper decision along a long stream: CPU milliseconds of the calling
// thread (one thread), median of --repeats runs (seeds 0, 1, ...), every
// method on the same synthetic curve.
//
// Curve: y = 0.5 + 2 x^-0.5 + N(0, 0.01^2) at x = 1..n (seed 7): a loss
// logged every step. Curves of more than max_points (256) points are fitted to
// a summary of <= 64 points (include/curvecast/curve_summary.hpp); --max-points 0 fits every
// point (slow beyond a few thousand points for the posteriors and ls:akaike).
// The stream part feeds x = 1..max(--stream-at) into an EarlyStopper
// (default method: the ensemble posterior, warm refits) and, at each n of
// --stream-at, times --repeats decisions each after one new point (the stopper
// has decided at the point before, so every timed decision is warm).
//
// Usage: long_curve_cost [--sizes 50,200,500,5000,10000,100000] [--methods ensemble,ls:akaike,families]
//                        [--repeats 3] [--max-points 256] [--stream-at 100,1000,10000,100000] [--no-stream]
//                        [--out FILE]
// `families` in --methods stands for every registered family (least squares).
#include <algorithm>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <curvecast/curvecast.hpp>
#include <curvecast/early_stopping.hpp>
#include <curvecast/factory.hpp>
#include <curvecast/posterior.hpp>
#include "support/cli.hpp"

using namespace curvecast;

namespace {
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}
std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}
// CPU time of this thread: on a shared machine it is far steadier than wall time.
double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}
Observations power_law(std::size_t n) {
  detail::Rng rng(7);
  Observations o;
  o.x.reserve(n);
  o.y.reserve(n);
  for (std::size_t i = 1; i <= n; ++i) {
    const double x = static_cast<double>(i);
    o.x.push_back(x);
    o.y.push_back(0.5 + 2.0 * std::pow(x, -0.5) + 0.01 * rng.normal());
  }
  return o;
}
std::unique_ptr<Extrapolator> build(const std::string& method, std::size_t max_points, std::uint64_t seed) {
  if (PosteriorOptions::is_method(method)) {
    PosteriorOptions p = PosteriorOptions::for_method(method);
    p.max_points = max_points;
    p.seed = seed;
    return make_posterior(p);
  }
  FactoryOptions fo;
  fo.seed = seed;
  fo.fit.max_points = max_points;
  return make_extrapolator(method, fo);
}
}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes{50, 200, 500, 5000, 10000, 100000}, stream_at{100, 1000, 10000, 100000};
  std::vector<std::string> methods{"ensemble", "ls:akaike", "families"};
  int repeats = 3;
  std::size_t max_points = kDefaultMaxPoints;
  bool stream = true;
  std::string out;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw UsageError(a + " needs a value");
        return argv[++i];
      };
      if (a == "--sizes") {
        sizes.clear();
        for (const auto& s : split(next())) sizes.push_back(bench::parse_count(s, a));
      } else if (a == "--stream-at") {
        stream_at.clear();
        for (const auto& s : split(next())) stream_at.push_back(bench::parse_count(s, a));
      } else if (a == "--methods") {
        methods = split(next());
      } else if (a == "--repeats") {
        repeats = bench::parse_int_count(next(), a);
      } else if (a == "--max-points") {
        max_points = bench::parse_count(next(), a);
      } else if (a == "--no-stream") {
        stream = false;
      } else if (a == "--out") {
        out = next();
      } else {
        throw UsageError("unknown argument " + a);
      }
    }
    if (repeats < 1) throw UsageError("--repeats must be >= 1");
  } catch (const std::exception& e) {
    std::cerr << "long_curve_cost: " << e.what() << "\n";
    return 2;
  }
  std::vector<std::string> expanded;
  for (const auto& m : methods) {
    if (m == "families")
      for (const auto& f : family_registry()) expanded.push_back(f.name);
    else
      expanded.push_back(m);
  }
  nlohmann::json doc;
  doc["max_points"] = max_points;
  doc["repeats"] = repeats;
  doc["sizes"] = sizes;
  std::printf("fit + predict, CPU ms, median of %d (max_points = %zu)\n%-14s", repeats, max_points, "method");
  for (std::size_t n : sizes) std::printf(" %10zu", n);
  std::printf("  %9s %9s\n", "1e4/200", "1e5/200");
  for (const auto& m : expanded) {
    std::printf("%-14s", m.c_str());
    std::fflush(stdout);
    nlohmann::json row;
    double at200 = 0, at1e4 = 0, at1e5 = 0;
    for (std::size_t n : sizes) {
      const Observations obs = power_law(n);
      std::vector<double> t;
      std::string failure;
      for (int r = 0; r < repeats; ++r) {
        // A fresh extrapolator each time (a cold fit), seeded with the repeat's
        // number: the posteriors' cost varies with the seed (extra sampling
        // blocks while split R-hat >= 1.05), so the median is over seeds.
        auto ex = build(m, max_points, static_cast<std::uint64_t>(r));
        const double t0 = cpu_ms();
        try {
          ex->fit(obs);
          (void)ex->predict(10.0 * static_cast<double>(n));
        } catch (const Error& e) {
          failure = e.what();
        }
        t.push_back(cpu_ms() - t0);
      }
      const double med = median(t);
      if (n == 200) at200 = med;
      if (n == 10000) at1e4 = med;
      if (n == 100000) at1e5 = med;
      row[std::to_string(n)] = med;
      if (!failure.empty()) row["failure_" + std::to_string(n)] = failure;
      std::printf(" %10.3g", med);
      std::fflush(stdout);
    }
    const double r4 = at200 > 0 ? at1e4 / at200 : 0, r5 = at200 > 0 ? at1e5 / at200 : 0;
    row["ratio_1e4_to_200"] = r4;
    row["ratio_1e5_to_200"] = r5;
    doc["fit_predict_ms"][m] = row;
    std::printf("  %9.2f %9.2f\n", r4, r5);
  }
  if (stream && !stream_at.empty()) {
    const std::size_t total = *std::max_element(stream_at.begin(), stream_at.end()) + static_cast<std::size_t>(repeats);
    const Observations obs = power_law(total);
    EarlyStoppingOptions eo;
    EarlyStopper st(static_cast<double>(total) * 10.0, false, eo);
    std::vector<std::size_t> at = stream_at;
    std::sort(at.begin(), at.end());
    std::printf("\nEarlyStopper (default method), warm decision after one new point, CPU ms, median of %d\n", repeats);
    std::size_t fed = 0;
    for (std::size_t n : at) {
      while (fed < n - 1) {
        st.observe(obs.x[fed], obs.y[fed]);
        ++fed;
      }
      (void)st.decide(1.0);  // the decision before: cold or after a gap, not timed
      std::vector<double> t;
      for (int r = 0; r < repeats; ++r) {
        st.observe(obs.x[fed], obs.y[fed]);
        ++fed;
        const double t0 = cpu_ms();
        const Decision d = st.decide(1.0);
        t.push_back(cpu_ms() - t0);
        (void)d;
      }
      const double med = median(t);
      doc["stream_decision_ms"][std::to_string(n)] = med;
      std::printf("  n = %-8zu %8.3g ms\n", n, med);
    }
  }
  if (!out.empty()) {
    std::ofstream f(out);
    f << doc.dump(1) << "\n";
  }
  return 0;
}
