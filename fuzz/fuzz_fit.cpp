// libFuzzer target: every extrapolator of the factory, fitted to a curve made
// from the fuzzer's bytes (any doubles, any lengths, any direction, loss,
// normalisation and weights), then queried through every public method.
// Allowed outcomes: success, or a curvecast::Error. Findings: a crash, a
// sanitizer report, another exception type, a hang (-timeout), or a NaN
// handed back by any query.
//
// Byte layout: [method][flags][n][xmode/scales...][points...][query points...]
// Work per input is bounded: at most 24 points, 2 starts, 30 iterations and
// a 0.2 s time budget per fit.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <curvecast/curvecast.hpp>
#include <curvecast/factory.hpp>

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

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Posteriors (ensemble, mcmc:*) are left out: PosteriorOptions has no time
  // budget yet, so one input could exceed -timeout under the sanitizers.
  static const std::vector<std::string> methods = [] {
    std::vector<std::string> m;
    for (const auto& n : extrapolator_names())
      if (n.rfind("ensemble", 0) != 0 && n.rfind("mcmc:", 0) != 0) m.push_back(n);
    return m;
  }();
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
    ex = make_extrapolator(method, fo);
    ex->fit(obs);
  } catch (const Error&) {
    return 0;  // rejected input or options, or a reported fit failure: fine
  }
  if (!ex->is_fitted()) std::abort();  // fit() returned without throwing: must be fitted

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
    } catch (const Error&) {
    }
  }
  try {
    for (const auto& p : ex->predict_many(xs)) check_predictive(p);
  } catch (const Error&) {
  }
  try {
    const auto paths = ex->sample_curves({xs[0], xs[1], xs[2]}, 4, fo.seed, flags & 4);
    for (Eigen::Index i = 0; i < paths.size(); ++i) fuzz::nan_finding("sample_curves", paths.data()[i]);
  } catch (const Error&) {
  }
  try {
    const auto a = ex->asymptote(0.9);
    if (a.available) {
      fuzz::nan_finding("asymptote.value", a.value);
      fuzz::nan_finding("asymptote.lower", a.lower);
      fuzz::nan_finding("asymptote.upper", a.upper);
    }
  } catch (const Error&) {
  }
  if (flags & 0x10) {  // reach is the heaviest query: only on some inputs
    try {
      const double target = obs.y.front() + (obs.y.back() - obs.y.front()) * (b.u8() / 64.0);
      const auto r = ex->reach(target, xs[1] > xl ? xs[1] : 2 * xl, 0.9);
      fuzz::nan_finding("reach.x", r.x);
      fuzz::nan_finding("reach.x_lower", r.x_lower);
      fuzz::nan_finding("reach.x_upper", r.x_upper);
    } catch (const Error&) {
    }
  }
  return 0;
}
