// Measures how closely PosteriorOptions::time_budget_seconds is honoured when the
// requested work would take minutes (burn_in = steps = 2e6; or prior_draws = 2e8):
// wall time of fit() + predict() over 5 seeds, and the diagnostics of the last.
// Not part of the build (docs/reliability.md quotes its output). Build and run:
//   g++ -std=c++17 -O3 -DNDEBUG -Iinclude -I/usr/include/eigen3 scripts/budget_probe.cpp \
//       -o /tmp/budget_probe -lceres -lglog -lpthread && /tmp/budget_probe
#include <chrono>
#include <cmath>
#include <cstdio>
#include <algorithm>
#include <vector>
#include <curvecast/posterior.hpp>
using namespace curvecast;
int main() {
  Observations obs;
  for (int i = 0; i < 30; ++i) {
    const double x = std::pow(30.0, i / 29.0);
    obs.push_back(x, 0.2 + 0.8 * std::pow(x, -0.5) + 0.01 * std::sin(7.0 * i));
  }
  struct C {
    const char* what;
    PosteriorOptions o;
  };
  std::vector<C> cs;
  PosteriorOptions e;
  e.burn_in = e.steps = 2000000;
  cs.push_back({"ensemble (sampler cut)", e});
  PosteriorOptions e2 = e;
  e2.prior_draws = 200000000;
  cs.push_back({"ensemble (prior start cut)", e2});
  PosteriorOptions l = PosteriorOptions::lcpfn();
  l.burn_in = l.steps = 2000000;
  cs.push_back({"ensemble:lcpfn", l});
  PosteriorOptions s = PosteriorOptions::single("pow4");
  s.burn_in = s.steps = 2000000;
  cs.push_back({"mcmc:pow4", s});
  for (double budget : {0.05, 0.3, 1.0})
    for (auto& c : cs) {
      std::vector<double> t;
      SamplerDiagnostics d;
      for (int r = 0; r < 5; ++r) {
        PosteriorOptions o = c.o;
        o.time_budget_seconds = budget;
        o.seed = r;
        PosteriorExtrapolator ex(o);
        const auto t0 = std::chrono::steady_clock::now();
        ex.fit(obs);
        (void)ex.predict(100);
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        d = ex.diagnostics();
      }
      std::sort(t.begin(), t.end());
      std::printf("budget %.2f  %-28s median %.4f s  max %.4f s  exhausted %d  burn_in %d  steps %d\n", budget, c.what,
                  t[2], t[4], d.budget_exhausted, d.burn_in, d.steps);
    }
}
