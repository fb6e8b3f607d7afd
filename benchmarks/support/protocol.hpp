#pragma once
// Scoring of learning-curve extrapolation by the shared protocol (see
// docs/protocol.md): cutoffs, per-case metrics, failures, aggregates. Part of
// the benchmark programs' support library (benchmarks/support, not installed);
// the thread-pool runner is in runner.hpp. No Ceres here: methods are built by
// a factory you pass in.
//
//   #include "support/runner.hpp"
//   #include <curvecast/factory.hpp>
//   curvecast::CurveSet set = curvecast::read_curve_set(path);
//   curvecast::bench::RunOptions o;
//   o.methods = {"last", "pow4"};
//   o.cutoffs = {0.2, 0.4};
//   auto factory = [](const std::string& m, std::uint64_t seed) {
//     curvecast::FactoryOptions f;
//     f.seed = seed;
//     return curvecast::make_extrapolator(m, f);
//   };
//   auto cases = curvecast::bench::run(set, curvecast::bench::select_curves(set, {}), o, factory);  // runner.hpp
//   auto aggs = curvecast::bench::aggregate(cases, o.cutoffs, o.methods);
//
// Protocol rules implemented here (one place, so every benchmark agrees):
// - a curve of n points at cutoff f shows the first k = max(4, floor(f * n))
//   points (floor of the double product f * n) and the tail k .. n-1 is scored;
//   cases with fewer than 2 tail points are skipped;
// - per-point log densities are floored at -50 before averaging and the floored
//   points are counted;
// - a failure (any exception from building, fitting or predicting, or a
//   non-finite number in the scores) scores ll = -50 and uses the last observed
//   value as the mean of every tail point for mse and final_ae; its cover90 is 0
//   (it gives no interval) and its floored count is 0. Failures are counted in
//   the aggregates, never dropped;
// - `seconds` is the wall time of fit + predict of the tail, on the one thread
//   that runs the case (building the method and scoring are not timed);
// - each case's seed is derived from the run seed, the curve's index in the
//   curve set, the cutoff and the method name, so nothing but timings depends
//   on the thread count or on which other curves/methods are in the run.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <curvecast/detail/rng.hpp>
#include <curvecast/errors.hpp>
#include <curvecast/extrapolator.hpp>
#include <curvecast/json.hpp>
#include <curvecast/predictive.hpp>

namespace curvecast::bench {

/// Floor of each per-point log density (protocol), and the ll of a failed case.
inline constexpr double kLogDensityFloor = -50.0;
/// Level of the central interval behind cover90.
inline constexpr double kCoverLevel = 0.9;

/// Number of observed points at cutoff fraction f for a curve of n points:
/// max(4, floor(f * n)), never more than n.
inline std::size_t observed_points(std::size_t n, double f) {
  const double fk = std::floor(f * static_cast<double>(n));
  const std::size_t k = fk <= 4 ? 4 : static_cast<std::size_t>(fk);
  return std::min(k, n);
}

/// True when the protocol scores this (curve length, cutoff): at least 2 tail points.
inline bool has_case(std::size_t n, double f) {
  const std::size_t k = observed_points(n, f);
  return n >= k + 2;
}

/// 64-bit FNV-1a of a string (stable across platforms; used for method seeds).
inline std::uint64_t stable_hash(const std::string& s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

/// The seed of one case, from the run seed and (curve index in the set, cutoff, method).
inline std::uint64_t case_seed(std::uint64_t seed, std::size_t curve_index, double cutoff, const std::string& method) {
  const auto cutoff_key = static_cast<std::uint64_t>(std::llround(cutoff * 1e9));
  std::uint64_t s = detail::derive_seed(seed, static_cast<std::uint64_t>(curve_index));
  s = detail::derive_seed(s, cutoff_key);
  return detail::derive_seed(s, stable_hash(method));
}

/// Scores of one case's tail, and the per-point summaries (for plots).
struct TailScores {
  double ll = 0;                           ///< mean over tail points of max(log p(y_i), -50)
  double mse = 0;                          ///< mean over tail points of (mean_i - y_i)^2
  double final_ae = 0;                     ///< |mean - y| at the last point
  double cover90 = 0;                      ///< fraction of tail points inside the central 90% interval
  int floored = 0;                         ///< tail points whose log density hit the floor
  std::vector<double> mean, lower, upper;  ///< per tail point: mean and central 90% interval
};

/// Scores predictives against the held-back values by the protocol. Throws
/// FitFailure when a predictive yields a non-finite mean, interval, log
/// density (NaN; -inf is floored) or when a metric overflows.
inline TailScores score_tail(const std::vector<Predictive>& preds, const std::vector<double>& y) {
  if (preds.size() != y.size() || y.empty())
    throw InvalidInput("curvecast: score_tail needs one predictive per held-back value (and at least one)");
  TailScores s;
  const std::size_t m = y.size();
  double ll = 0, se = 0, covered = 0;
  for (std::size_t i = 0; i < m; ++i) {
    const Predictive& p = preds[i];
    const double mu = p.mean();
    const auto iv = p.interval(kCoverLevel);
    double lp = p.log_density(y[i]);
    if (!std::isfinite(mu) || !std::isfinite(iv.first) || !std::isfinite(iv.second) || std::isnan(lp))
      throw FitFailure("curvecast: non-finite prediction at tail point " + std::to_string(i));
    if (!(lp > kLogDensityFloor)) {
      lp = kLogDensityFloor;
      ++s.floored;
    }
    ll += lp;
    const double d = mu - y[i];
    se += d * d;
    if (iv.first <= y[i] && y[i] <= iv.second) covered += 1;
    s.mean.push_back(mu);
    s.lower.push_back(iv.first);
    s.upper.push_back(iv.second);
  }
  s.ll = ll / static_cast<double>(m);
  s.mse = se / static_cast<double>(m);
  s.final_ae = std::abs(s.mean.back() - y.back());
  s.cover90 = covered / static_cast<double>(m);
  if (!std::isfinite(s.mse) || !std::isfinite(s.final_ae))
    throw FitFailure("curvecast: the squared error overflows (absurd predicted mean)");
  return s;
}

/// One (curve, cutoff, method) case and its scores.
struct CaseResult {
  std::size_t curve_index = 0;  ///< index of the curve in the curve set
  std::string curve_id, task;
  double cutoff = 0;
  std::string method;
  std::uint64_t seed = 0;  ///< the seed handed to the method
  std::size_t n = 0;       ///< points on the curve
  std::size_t k = 0;       ///< points observed
  double ll = kLogDensityFloor, mse = 0, final_ae = 0, cover90 = 0, seconds = 0;
  int floored = 0;
  bool failed = false;
  std::string error;                       ///< the failure's message (empty when not failed)
  std::vector<double> mean, lower, upper;  ///< per tail point (failure: mean = last value, no interval)
};

/// Builds a fresh method by name with a seed.
using Factory = std::function<std::unique_ptr<Extrapolator>(const std::string& method, std::uint64_t seed)>;

/// Runs one case: builds `method`, fits the first k points, predicts the tail,
/// scores it. Never throws for a method's failure (it is recorded in the result).
inline CaseResult run_case(const Curve& curve, bool higher_is_better, std::size_t curve_index, double cutoff,
                           const std::string& method, std::uint64_t run_seed, const Factory& factory) {
  using Clock = std::chrono::steady_clock;
  CaseResult r;
  r.curve_index = curve_index;
  r.curve_id = curve.id;
  r.task = curve.task;
  r.cutoff = cutoff;
  r.method = method;
  r.seed = case_seed(run_seed, curve_index, cutoff, method);
  r.n = curve.y.size();
  if (curve.x.size() != r.n) throw InvalidInput("curvecast: curve '" + curve.id + "' has x and y of different lengths");
  if (!has_case(r.n, cutoff))
    throw InvalidInput("curvecast: curve '" + curve.id + "' has fewer than 2 tail points at this cutoff");
  r.k = observed_points(r.n, cutoff);
  const Observations prefix = curve.observations(higher_is_better).prefix(r.k);
  const std::vector<double> xt(curve.x.begin() + static_cast<std::ptrdiff_t>(r.k), curve.x.end());
  const std::vector<double> yt(curve.y.begin() + static_cast<std::ptrdiff_t>(r.k), curve.y.end());
  auto fail = [&](const std::string& why) {
    r.failed = true;
    r.error = why.empty() ? std::string("unknown failure") : why;
    r.ll = kLogDensityFloor;
    r.floored = 0;
    r.cover90 = 0;
    const double last = prefix.y.back();
    double se = 0;
    for (double v : yt) se += (last - v) * (last - v);
    r.mse = se / static_cast<double>(yt.size());
    r.final_ae = std::abs(last - yt.back());
    r.mean.assign(yt.size(), last);
    r.lower.clear();
    r.upper.clear();
  };
  Clock::time_point t0{};
  bool timing = false;
  try {
    std::unique_ptr<Extrapolator> ex = factory(method, r.seed);
    if (!ex) throw UsageError("curvecast: the factory returned no method for '" + method + "'");
    t0 = Clock::now();
    timing = true;
    ex->fit(prefix);
    const std::vector<Predictive> preds = ex->predict_many(xt);
    r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    timing = false;
    if (preds.size() != xt.size()) throw FitFailure("curvecast: predict_many returned the wrong number of predictives");
    TailScores s = score_tail(preds, yt);
    r.ll = s.ll;
    r.mse = s.mse;
    r.final_ae = s.final_ae;
    r.cover90 = s.cover90;
    r.floored = s.floored;
    r.mean = std::move(s.mean);
    r.lower = std::move(s.lower);
    r.upper = std::move(s.upper);
  } catch (const Error& e) {
    if (timing) r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    fail(e.what());
  } catch (const std::exception& e) {  // not a curvecast error: still a failure, never a crash
    if (timing) r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    fail(std::string("unexpected exception: ") + e.what());
  }
  return r;
}

/// Median of values (mean of the two middle ones for an even count); 0 for none.
inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  const std::size_t h = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h), v.end());
  const double hi = v[h];
  if (v.size() % 2) return hi;
  const double lo = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h));
  return 0.5 * lo + 0.5 * hi;
}

/// Mean of values, summed in order (0 for none).
inline double mean(const std::vector<double>& v) {
  if (v.empty()) return 0;
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

/// Aggregate of one (cutoff, method) over curves; failures are included.
struct Aggregate {
  double cutoff = 0;
  std::string method;
  std::size_t n = 0;         ///< cases (failures included)
  std::size_t failures = 0;  ///< cases where the method failed
  double ll_mean = 0, ll_median = 0;
  double mse_mean = 0, mse_median = 0;
  double final_ae_mean = 0, final_ae_median = 0;
  double cover90_mean = 0, cover90_median = 0;
  double seconds_mean = 0, seconds_median = 0;
  std::size_t floored = 0;      ///< tail points whose log density hit the floor (non-failed cases)
  std::size_t tail_points = 0;  ///< tail points scored in all
};

/// Aggregates per (cutoff, method), in the order of `cutoffs` then `methods`
/// (pairs without cases are left out).
inline std::vector<Aggregate> aggregate(const std::vector<CaseResult>& cases, const std::vector<double>& cutoffs,
                                        const std::vector<std::string>& methods) {
  std::vector<Aggregate> out;
  for (double f : cutoffs)
    for (const auto& m : methods) {
      Aggregate a;
      a.cutoff = f;
      a.method = m;
      std::vector<double> ll, mse, fae, cov, sec;
      for (const auto& c : cases) {
        if (c.cutoff != f || c.method != m) continue;
        ++a.n;
        if (c.failed) ++a.failures;
        a.floored += static_cast<std::size_t>(c.floored);
        a.tail_points += c.n - c.k;
        ll.push_back(c.ll);
        mse.push_back(c.mse);
        fae.push_back(c.final_ae);
        cov.push_back(c.cover90);
        sec.push_back(c.seconds);
      }
      if (a.n == 0) continue;
      a.ll_mean = mean(ll);
      a.ll_median = median(ll);
      a.mse_mean = mean(mse);
      a.mse_median = median(mse);
      a.final_ae_mean = mean(fae);
      a.final_ae_median = median(fae);
      a.cover90_mean = mean(cov);
      a.cover90_median = median(cov);
      a.seconds_mean = mean(sec);
      a.seconds_median = median(sec);
      out.push_back(std::move(a));
    }
  return out;
}

/// JSON of a case row (per-point predictions are left out).
inline nlohmann::ordered_json case_json(const CaseResult& c) {
  nlohmann::ordered_json j;
  j["curve_index"] = c.curve_index;
  j["curve_id"] = c.curve_id;
  j["task"] = c.task;
  j["cutoff"] = c.cutoff;
  j["method"] = c.method;
  j["n"] = c.n;
  j["k"] = c.k;
  j["tail"] = c.n - c.k;
  j["ll"] = c.ll;
  j["mse"] = c.mse;
  j["final_ae"] = c.final_ae;
  j["cover90"] = c.cover90;
  j["seconds"] = c.seconds;
  j["floored"] = c.floored;
  j["failed"] = c.failed;
  j["error"] = c.error;
  j["seed"] = c.seed;
  return j;
}

/// JSON of an aggregate row.
inline nlohmann::ordered_json aggregate_json(const Aggregate& a) {
  nlohmann::ordered_json j;
  j["cutoff"] = a.cutoff;
  j["method"] = a.method;
  j["n"] = a.n;
  j["failures"] = a.failures;
  j["ll_mean"] = a.ll_mean;
  j["ll_median"] = a.ll_median;
  j["mse_mean"] = a.mse_mean;
  j["mse_median"] = a.mse_median;
  j["final_ae_mean"] = a.final_ae_mean;
  j["final_ae_median"] = a.final_ae_median;
  j["cover90_mean"] = a.cover90_mean;
  j["cover90_median"] = a.cover90_median;
  j["seconds_mean"] = a.seconds_mean;
  j["seconds_median"] = a.seconds_median;
  j["floored"] = a.floored;
  j["tail_points"] = a.tail_points;
  return j;
}

}  // namespace curvecast::bench
