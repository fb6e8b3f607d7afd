#pragma once
// The benchmark programs' runner (benchmarks/support, not installed): run
// options, curve selection by id lists or seeded samples, the case plan, and a
// thread pool that runs every (curve, cutoff, method) case with progress
// callbacks. Results do not depend on the thread count (per-case seeds, see
// protocol.hpp).
//
//   curvecast::bench::RunOptions o;
//   o.methods = {"last", "pow4"};
//   o.threads = 2;
//   auto cases = curvecast::bench::run(set, curvecast::bench::select_curves(set, {}), o, factory);
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
#include <utility>
#include <vector>

#include <curvecast/detail/rng.hpp>
#include <curvecast/errors.hpp>
#include <curvecast/json.hpp>

#include "protocol.hpp"

namespace curvecast::bench {

/// Options of a benchmark run.
struct RunOptions {
  // clang-format off
  std::vector<std::string> methods{"last", "pow4", "mmf4", "ls:akaike"};  ///< methods by factory name (distinct, non-empty)
  std::vector<double> cutoffs{0.1, 0.2, 0.4, 0.8};                       ///< cutoff fractions, each in (0, 1), distinct
  std::uint64_t seed = 0;                                                ///< run seed (per-case seeds derive from it)
  int threads = 1;                                                       ///< worker threads (>= 1); each case runs on one
  double progress_interval = 0.2;                                        ///< seconds between progress callbacks (> 0)
  // clang-format on

  void validate() const {
    auto bad = [](const std::string& w) { throw InvalidOptions("curvecast: bench::RunOptions: " + w); };
    if (methods.empty()) bad("no methods");
    if (cutoffs.empty()) bad("no cutoffs");
    std::set<std::string> ms;
    for (const auto& m : methods) {
      if (m.empty()) bad("empty method name");
      if (!ms.insert(m).second) bad("method '" + m + "' given twice");
    }
    std::set<double> cs;
    for (double c : cutoffs) {
      if (!(c > 0 && c < 1)) bad("cutoff " + std::to_string(c) + " is not in (0, 1)");
      if (!cs.insert(c).second) bad("cutoff " + std::to_string(c) + " given twice");
    }
    if (threads < 1) bad("threads must be >= 1");
    if (!(progress_interval > 0) || !std::isfinite(progress_interval)) bad("progress_interval must be > 0");
  }
};

/// Which curves of a set to use: those whose id is in `ids` (all when `ids` is
/// empty), in the set's order; then, if sample > 0, a seeded uniform subset of
/// that many (kept in the set's order); then the first `limit` (0 = no limit).
/// Throws UsageError for ids that are not in the set (a typo would silently
/// shrink the run otherwise).
inline std::vector<std::size_t> select_curves(const CurveSet& set, const std::vector<std::string>& ids,
                                              std::size_t limit = 0, std::size_t sample = 0, std::uint64_t seed = 0) {
  std::vector<std::size_t> out;
  if (ids.empty()) {
    for (std::size_t i = 0; i < set.curves.size(); ++i) out.push_back(i);
  } else {
    const std::set<std::string> want(ids.begin(), ids.end());
    std::set<std::string> seen;
    for (std::size_t i = 0; i < set.curves.size(); ++i)
      if (want.count(set.curves[i].id)) {
        out.push_back(i);
        seen.insert(set.curves[i].id);
      }
    if (seen.size() != want.size()) {
      std::string missing;
      int shown = 0;
      for (const auto& id : want)
        if (!seen.count(id) && shown++ < 5) missing += (missing.empty() ? "'" : ", '") + id + "'";
      throw UsageError("curvecast: " + std::to_string(want.size() - seen.size()) +
                       " curve id(s) not in the curve set: " + missing +
                       (want.size() - seen.size() > 5 ? ", ..." : ""));
    }
  }
  if (sample > 0 && sample < out.size()) {
    detail::Rng rng(detail::derive_seed(seed, 0x5a3b1e));
    for (std::size_t i = 0; i < sample; ++i) {  // partial Fisher-Yates
      const std::size_t j = i + static_cast<std::size_t>(rng.below(out.size() - i));
      std::swap(out[i], out[j]);
    }
    out.resize(sample);
    std::sort(out.begin(), out.end());
  }
  if (limit > 0 && limit < out.size()) out.resize(limit);
  return out;
}

/// Parses a JSON list of curve ids (["id", ...]); JsonError otherwise.
inline std::vector<std::string> parse_id_list(const std::string& text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw JsonError(std::string("curvecast: malformed id list: ") + e.what());
  }
  if (!j.is_array()) throw JsonError("curvecast: an id list must be a JSON array of strings");
  std::vector<std::string> out;
  for (const auto& v : j) {
    if (!v.is_string()) throw JsonError("curvecast: an id list must hold only strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

/// One scheduled case (before it is run).
struct CaseSpec {
  std::size_t curve_index;
  double cutoff;
  std::size_t method;
};

/// The cases of a run, in a fixed order: curve, then cutoff, then method.
/// Curves too short for a cutoff are skipped by the protocol rule.
inline std::vector<CaseSpec> plan_cases(const CurveSet& set, const std::vector<std::size_t>& curves,
                                        const RunOptions& o) {
  std::vector<CaseSpec> out;
  for (std::size_t ci : curves) {
    if (ci >= set.curves.size()) throw InvalidInput("curvecast: curve index out of range");
    for (double f : o.cutoffs) {
      if (!has_case(set.curves[ci].y.size(), f)) continue;
      for (std::size_t m = 0; m < o.methods.size(); ++m) out.push_back({ci, f, m});
    }
  }
  return out;
}

/// Progress report: cases done, cases in all, seconds elapsed.
using Progress = std::function<void(std::size_t done, std::size_t total, double elapsed)>;

/// Runs every case on `o.threads` worker threads (each case on one thread) and
/// returns the results in plan_cases order, whatever the thread count.
/// `progress`, if set, is called from the calling thread about every
/// o.progress_interval seconds and once at the end.
inline std::vector<CaseResult> run(const CurveSet& set, const std::vector<std::size_t>& curves, const RunOptions& o,
                                   const Factory& factory, const Progress& progress = {}) {
  o.validate();
  const std::vector<CaseSpec> plan = plan_cases(set, curves, o);
  std::vector<CaseResult> out(plan.size());
  std::atomic<std::size_t> next{0}, done{0};
  std::mutex mu;
  std::condition_variable cv;
  auto worker = [&]() {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= plan.size()) break;
      const CaseSpec& c = plan[i];
      out[i] = run_case(set.curves[c.curve_index], set.higher_is_better, c.curve_index, c.cutoff, o.methods[c.method],
                        o.seed, factory);
      if (done.fetch_add(1) + 1 == plan.size()) {
        std::lock_guard<std::mutex> lk(mu);
        cv.notify_all();
      }
    }
  };
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t nthreads =
      std::min<std::size_t>(static_cast<std::size_t>(o.threads), std::max<std::size_t>(plan.size(), 1));
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < nthreads; ++t) pool.emplace_back(worker);
  {
    std::unique_lock<std::mutex> lk(mu);
    while (done.load() < plan.size()) {
      cv.wait_for(lk, std::chrono::duration<double>(o.progress_interval));
      if (progress && done.load() < plan.size())
        progress(done.load(), plan.size(),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
  }
  for (auto& t : pool) t.join();
  if (progress)
    progress(plan.size(), plan.size(), std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return out;
}

}  // namespace curvecast::bench
