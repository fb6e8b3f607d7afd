// libFuzzer target: every extrapolator of the factory, fitted to a curve made
// from the fuzzer's bytes (any doubles, any lengths, any direction, loss,
// normalisation and weights), then queried through every public method.
// Allowed outcomes: success, or a curvecast::Error. Findings: a crash, a
// sanitizer report, another exception type, a hang (-timeout), or a NaN
// handed back by any query.
//
// Byte layout: [method][flags][n][xmode/scales...][points...][posterior options
// (posteriors only)][query points...]
// Work per input is bounded: at most 24 points, 2 starts, 30 iterations and
// a 0.2 s time budget per least-squares fit; posteriors (ensemble, ensemble:lcpfn, ensemble:smooth,
// mcmc:<family>) get fuzzed options (prior, members, constraints, recency,
// walkers, burn-in, steps, threads, a warm-started refit) and a 0.1 s
// PosteriorOptions::time_budget_seconds per fit, which some inputs exhaust on
// purpose (a million steps) to exercise the budget-cut path.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <curvecast/curvecast.hpp>
#include <curvecast/factory.hpp>
#include <curvecast/posterior.hpp>

#include "common.hpp"

using namespace curvecast;

namespace {

void check_predictive(const Predictive& p) {
  fuzz::nan_finding("Predictive::mean", p.mean());
  fuzz::nan_finding("Predictive::sd", p.sd());
  fuzz::nan_finding("Predictive::quantile(0.05)", p.quantile(0.05));
  fuzz::nan_finding("Predictive::quantile(0.5)", p.quantile(0.5));
  const auto iv = p.interval(0.9);
  fuzz::nan_finding("Predictive::interval.lo", iv.first);
  fuzz::nan_finding("Predictive::interval.hi", iv.second);
  fuzz::nan_finding("Predictive::log_density(mean)", p.log_density(p.mean()));
  fuzz::nan_finding("Predictive::cdf(mean)", p.cdf(p.mean()));
  fuzz::nan_finding("Predictive::prob_better(q05)", p.prob_better(iv.first));
  for (double v : p.sample(3, 1)) fuzz::nan_finding("Predictive::sample", v);
}

}  // namespace

namespace {
bool is_posterior(const std::string& m) { return m.rfind("ensemble", 0) == 0 || m.rfind("mcmc:", 0) == 0; }

/// A posterior named like the factory's, with options from the bytes.
std::unique_ptr<MixturePosterior> fuzzed_posterior(const std::string& method, fuzz::Bytes& b, std::uint64_t seed,
                                                   bool& refit) {
  PosteriorOptions p = PosteriorOptions::for_method(method);
  const std::uint8_t f1 = b.u8(), f2 = b.u8();
  p.seed = seed;
  p.recency = f1 & 1;
  p.monotone = f1 & 2;
  p.rise = !(f1 & 4);
  p.bounded = !(f1 & 8);
  refit = f1 & 16;  // fit a prefix first, so the full fit is a warm start
  p.threads = f1 & 32 ? 2 : 1;
  switch (f1 >> 6) {  // ensemble members
    case 1: p.families = {"pow3", "ilog2", "janoschek", "mmf"}; break;
    case 2: p.families = {"pow3"}; break;
    case 3: p.families = {"janoschek", "ilog2"}; break;
    default: break;
  }
  p.walkers = 2 * (5 + (f2 & 15));  // 10..40; too few for the dimension is an InvalidOptions
  p.burn_in = b.u8() % 64;
  p.steps = 4 + b.u8() % 64;
  p.warm_burn_in = p.burn_in / 2;
  p.warm_steps = std::max(4, p.steps / 2);
  p.prior_draws = std::max(p.walkers, 64 + 16 * (b.u8() % 64));
  p.kde_fraction = (f2 >> 4 & 3) / 3.0;
  p.coefficient_draws = 1 + (f2 >> 6 & 1);
  if (f2 & 0x80) {  // far more work than the budget allows: the cut path
    p.burn_in = 1000000;
    p.steps = 1000000;
  }
  const std::uint8_t h = b.u8();
  if (h & 1) p.horizon = std::pow(10.0, (h >> 1) % 41 - 10);  // maybe inside the data: must not break
  if (h & 0x40) p.discrepancy = (h >> 1 & 31) / 10.0;
  p.max_components = 1 + b.u8() * 2;
  p.time_budget_seconds = 0.1;
  return curvecast::make_posterior(p);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Least-squares methods first (their indices match the seed corpus), then
  // the posteriors.
  static const std::vector<std::string> methods = [] {
    std::vector<std::string> m;
    for (const auto& n : extrapolator_names())
      if (!is_posterior(n)) m.push_back(n);
    for (const auto& n : extrapolator_names())
      if (is_posterior(n)) m.push_back(n);
    return m;
  }();
  static const bool verbose = std::getenv("FUZZ_VERBOSE") != nullptr;  // for reproducing an input by hand
  fuzz::Bytes b{data, size};
  const std::string method = methods[b.u8() % methods.size()];
  const std::uint8_t flags = b.u8();
  const bool higher = flags & 1;
  const bool raw_values = flags & 2;  // x and y straight from the bytes as doubles
  const std::size_t n = b.u8() % 25;

  FactoryOptions fo;
  fo.seed = b.u8();
  fo.fit.num_starts = 1 + (flags >> 2 & 1);
  fo.fit.max_iterations = 1 + b.u8() % 30;
  fo.fit.time_budget_seconds = 0.2;
  fo.fit.loss = static_cast<Loss>((flags >> 3) % 3);
  const int norm = (flags >> 5) & 3;
  if (norm > 0) fo.fit.normalisation = static_cast<Normalisation>(norm - 1);
  const bool weighted = flags & 0x80;

  Observations obs;
  obs.higher_is_better = higher;
  if (raw_values) {
    for (std::size_t i = 0; i < n; ++i) {
      obs.x.push_back(b.raw_double());
      obs.y.push_back(b.raw_double());
    }
  } else {
    // Structured: positive increasing x at scale 10^[-40, 40], y at 10^[-40, 40]
    // around an offset, both from small integers, so that fits really run.
    const double x_scale = std::pow(10.0, static_cast<int>(b.u8() % 81) - 40);
    const double y_scale = std::pow(10.0, static_cast<int>(b.u8() % 81) - 40);
    const double y_offset = y_scale * (static_cast<int>(b.u8()) - 128) / 8.0;
    double x = 0;
    for (std::size_t i = 0; i < n; ++i) {
      x += x_scale * (b.u8() % 16);  // steps of 0 give duplicates (rejected)
      obs.x.push_back(x);
      obs.y.push_back(y_offset + y_scale * (static_cast<int>(b.u16()) - 32768) / 32768.0);
    }
  }
  if (weighted)
    for (std::size_t i = 0; i < n; ++i) fo.fit.weights.push_back((b.u8() % 5) * 0.5);

  std::unique_ptr<Extrapolator> ex;
  try {
    bool refit = false;
    if (is_posterior(method)) {
      ex = fuzzed_posterior(method, b, fo.seed, refit);
    } else {
      ex = make_extrapolator(method, fo);
    }
    if (refit && obs.size() > 3) {
      Observations prefix = obs;
      prefix.x.pop_back();
      prefix.y.pop_back();
      try {
        ex->fit(prefix);
      } catch (const Error&) {}
    }
    ex->fit(obs);
  } catch (const Error& e) {
    if (verbose) std::fprintf(stderr, "%s: %s\n", method.c_str(), e.what());
    return 0;  // rejected input or options, or a reported fit failure: fine
  }
  if (!ex->is_fitted()) std::abort();  // fit() returned without throwing: must be fitted
  if (auto* post = dynamic_cast<const MixturePosterior*>(ex.get())) {
    const SamplerDiagnostics& d = post->diagnostics();
    if (d.steps < 1 || d.walkers < 4) {
      std::fprintf(stderr, "FINDING: posterior fitted with %d steps, %d walkers\n", d.steps, d.walkers);
      std::abort();
    }
    fuzz::nan_finding("diagnostics.acceptance_fraction", d.acceptance_fraction);
    if (verbose)
      std::fprintf(stderr, "%s: fitted, %d walkers, burn-in %d, %d steps, budget exhausted %d, %.3f s\n",
                   method.c_str(), d.walkers, d.burn_in, d.steps, d.budget_exhausted, d.seconds);
  } else if (verbose) {
    std::fprintf(stderr, "%s: fitted\n", method.c_str());
  }

  // Query points: beyond the data, far beyond, and raw doubles (maybe invalid).
  std::vector<double> xs;
  const double xl = obs.x.back();
  xs.push_back(xl);
  xs.push_back(xl * (1 + b.u8()));
  xs.push_back(xl * std::pow(10.0, b.u8() % 40));
  xs.push_back(b.raw_double());
  for (double x : xs) {
    try {
      check_predictive(ex->predict(x));
      fuzz::nan_finding("prob_better", ex->prob_better(x, obs.y.back()));
    } catch (const Error&) {}
  }
  try {
    for (const auto& p : ex->predict_many(xs)) check_predictive(p);
  } catch (const Error&) {}
  try {
    const auto paths = ex->sample_curves({xs[0], xs[1], xs[2]}, 4, fo.seed, flags & 4);
    for (Eigen::Index i = 0; i < paths.size(); ++i) fuzz::nan_finding("sample_curves", paths.data()[i]);
  } catch (const Error&) {}
  try {
    const auto a = ex->asymptote(0.9);
    if (a.available) {
      fuzz::nan_finding("asymptote.value", a.value);
      fuzz::nan_finding("asymptote.lower", a.lower);
      fuzz::nan_finding("asymptote.upper", a.upper);
    }
  } catch (const Error&) {}
  if (flags & 0x10) {  // reach is the heaviest query: only on some inputs
    try {
      const double target = obs.y.front() + (obs.y.back() - obs.y.front()) * (b.u8() / 64.0);
      const auto r = curvecast::reach(*ex, target, xs[1] > xl ? xs[1] : 2 * xl);
      fuzz::nan_finding("reach.x", r.x);
      fuzz::nan_finding("reach.x_lower", r.x_lower);
      fuzz::nan_finding("reach.x_upper", r.x_upper);
    } catch (const Error&) {}
  }
  return 0;
}
