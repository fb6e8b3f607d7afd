// es_bench: early stopping replayed on real learning curves as model selection.
//
// For each task (the curves' `task` field) and each seed, the task's curves are
// "trained" one after another in a seeded random order. Each run is fed to an
// EarlyStopper point by point; after every point (before the last) the rule is
// asked against the best final value of the runs fully trained so far. A run
// ends when the rule says Stop or when its curve ends (fully trained). Reported
// per threshold and for "never stop":
//   compute_fraction  observed points / all points (sum over runs and seeds)
//   speedup           1 / compute_fraction
//   regret            final value of the best fully trained run minus the true
//                     best final value of all the task's curves (direction-aware, >= 0)
//   regret_rel        regret / max(|true best|, 1e-3)   (the floor guards tasks whose best error is 0)
//   overhead_ms_*     wall time of the decision calls made during the replay that ran a
//                     fit (median and 99th percentile; calls with fewer than min_points
//                     points cost microseconds and are left out); cpu_ms_* in the JSON
//                     is the same calls' thread CPU time (the machine may be shared)
// The "all" row sums compute over tasks and averages regret and regret_rel over tasks.
// Compute is counted by --cost: `points` (default; every observed point costs 1,
// e.g. an epoch), `sum-x` (each point is its own training on x samples, as in
// sample-wise curves like LCDB: a run stopped after k points cost x_1 + ... + x_k)
// or `last-x` (x is cumulative work such as steps: the run cost x_k). The JSON
// gives the compute fraction under all three (`compute_fraction_by_cost`).
// Calibration of p_better: every decision with a target made in a replay is
// binned by its p_better and compared with what happened (did the curve's final
// value beat that target?); per threshold in the JSON (`p_better_calibration`),
// printed for 0.05. A calibrated forecast has the observed frequency equal to the
// mean p_better in every bin. --decisions FILE.csv writes every such decision of
// the 0.05 replays (or of the first threshold if 0.05 is not run), one per line,
// for analyses of where the rule goes wrong.
// The JSON's forecast_digest gives, per task, the forecasts made and the sums of
// the fitted ones' predictive means and sds (a fingerprint for determinism checks).
//
// Implementation: the fit behind a decision does not depend on the target, so
// each curve is run through one EarlyStopper (prefix by prefix, exactly as a
// training loop calls it, warm starts included) and its forecasts and call times
// are kept; every (seed, threshold) replay then applies the rule
// (EarlyStopper::apply_rule) to those forecasts. A curve's stopper is advanced
// lazily, only as far as some replay needs. Tasks are processed on --threads
// worker threads, each curve with its own seed derived from --seed and the
// curve's index, so the output does not depend on the thread count (times aside).
//
// Data: --data FILE, default the bundled data/curves/taskset_imdb_rnn_val_loss.json
// (TaskSet, 1307 runs of 12 tasks); the file and its `source` are printed first and
// recorded in the --out JSON ("data", "source").
//
// Usage: es_bench [--data FILE] [--seeds N] [--thresholds a,b,...] [--threads N]
//                 [--method NAME] [--seed S] [--min-points K] [--no-plateau-cut] [--plateau-delta D] [--plateau-patience F]
//                 [--confirmations K] [--max-extrapolation R] [--cost points|sum-x|last-x] [--max-tasks N]
//                 [--max-curves-per-task N] [--decisions FILE.csv] [--out FILE.json]
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <time.h>

#include <nlohmann/json.hpp>

#include <curvecast/curvecast.hpp>
#include "support/cli.hpp"
#include "support/data.hpp"
#include <curvecast/early_stopping.hpp>
#include <curvecast/factory.hpp>

namespace cc = curvecast;

namespace {

struct CurveRun {
  std::vector<cc::StopForecast> forecasts;  // forecasts[k-1]: after k points (k = 1..n-1)
  std::vector<double> call_ms;              // time of the decide() call after k points
  std::vector<char> fitted_call;            // that call ran a fit (enough points)
  std::vector<double> cpu_ms;               // thread CPU time of that call
};

// CPU time of the calling thread (the machine is shared: wall time includes waiting).
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto i = static_cast<std::size_t>(std::floor(pos));
  const double f = pos - static_cast<double>(i);
  return i + 1 < v.size() ? v[i] * (1 - f) + v[i + 1] * f : v[i];
}

std::vector<double> parse_list(const std::string& s) {
  std::vector<double> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    out.push_back(cc::bench::parse_number(item, "--thresholds"));
  }
  return out;
}

// Compute models (--cost): what observing points 1..k of a curve costs.
enum class Cost { Points, SumX, LastX };
constexpr int kCosts = 3;
const char* cost_name(int c) { return c == 0 ? "points" : c == 1 ? "sum-x" : "last-x"; }
double cost_of(const std::vector<double>& x, std::size_t k, int c) {
  if (c == 0) return static_cast<double>(k);
  if (c == 2) return x[k - 1];
  double s = 0;
  for (std::size_t i = 0; i < k; ++i) s += x[i];
  return s;
}

// Bins of p_better for the calibration table.
const std::vector<double> kCalEdges{0, 0.001, 0.01, 0.05, 0.1, 0.2, 0.5, 1.0000001};
struct CalBin {
  double n = 0, p_sum = 0, hits = 0;
};
using Calibration = std::vector<CalBin>;  // kCalEdges.size() - 1 bins
void cal_add(Calibration& cal, double p, bool hit) {
  if (!std::isfinite(p)) return;
  for (std::size_t b = 0; b + 1 < kCalEdges.size(); ++b)
    if (p < kCalEdges[b + 1]) {
      cal[b].n += 1;
      cal[b].p_sum += p;
      cal[b].hits += hit;
      return;
    }
}

struct Row {
  std::optional<double> threshold;
  std::string task;
  double compute_fraction = 0, speedup = 0, regret = 0, regret_rel = 0;
  double fraction_by_cost[kCosts] = {0, 0, 0};
  double overhead_median = 0, overhead_p99 = 0, cpu_median = 0, cpu_p99 = 0;
  std::size_t calls = 0, stopped_runs = 0, runs = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::string data = cc::bench::bundled("curves/taskset_imdb_rnn_val_loss.json");
  std::string out_path, decisions_path, method = cc::default_early_stopping_method();
  int seeds = 5, threads = 1;
  long max_tasks = 0, max_curves = 0;
  int cost = 0;  // index into the compute models (--cost)
  std::uint64_t base_seed = 1;
  std::vector<double> thresholds{0.001, 0.01, 0.05, 0.1};
  cc::EarlyStoppingOptions base;
  const char* usage =
      "usage: es_bench [--data FILE] [--seeds N] [--thresholds a,b,...] [--threads N] [--method NAME]\n"
      "                [--seed S] [--min-points K] [--no-plateau-cut] [--plateau-delta D] [--plateau-patience F]\n"
      "                [--confirmations K] [--max-extrapolation R] [--cost points|sum-x|last-x] [--max-tasks N] [--max-curves-per-task N] [--num-starts N]\n"
      "                [--decisions FILE.csv] [--out FILE.json]\n";
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw cc::UsageError(a + " needs a value");
        return argv[++i];
      };
      if (a == "--data")
        data = next();
      else if (a == "--seeds")
        seeds = cc::bench::parse_int_count(next(), a);
      else if (a == "--thresholds")
        thresholds = parse_list(next());
      else if (a == "--threads")
        threads = cc::bench::parse_int_count(next(), a);
      else if (a == "--method")
        method = next();
      else if (a == "--num-starts")
        base.ls_num_starts = cc::bench::parse_int_count(next(), a);
      else if (a == "--seed")
        base_seed = cc::bench::parse_count(next(), a);
      else if (a == "--min-points")
        base.min_points = static_cast<std::size_t>(cc::bench::parse_count(next(), a));
      else if (a == "--no-plateau-cut")
        base.cut_initial_plateau = false;
      else if (a == "--plateau-delta")
        base.plateau_delta = cc::bench::parse_number(next(), a);
      else if (a == "--plateau-patience")
        base.plateau_patience = cc::bench::parse_number(next(), a);
      else if (a == "--max-extrapolation") {
        const double r = cc::bench::parse_number(next(), a);
        if (r != 0) base.max_extrapolation = r;  // 0: off
      } else if (a == "--confirmations")
        base.stop_confirmations = static_cast<std::size_t>(cc::bench::parse_count(next(), a));
      else if (a == "--cost") {
        const std::string c = next();
        if (c == "points")
          cost = 0;
        else if (c == "sum-x")
          cost = 1;
        else if (c == "last-x")
          cost = 2;
        else
          throw cc::UsageError("--cost must be points, sum-x or last-x, not '" + c + "'");
      } else if (a == "--max-tasks")
        max_tasks = static_cast<long>(cc::bench::parse_count(next(), a));
      else if (a == "--max-curves-per-task")
        max_curves = static_cast<long>(cc::bench::parse_count(next(), a));
      else if (a == "--out")
        out_path = next();
      else if (a == "--decisions")
        decisions_path = next();
      else if (a == "--help" || a == "-h") {
        std::cout << usage;
        return 0;
      } else
        throw cc::UsageError("unknown option " + a);
    }
    if (seeds < 1) throw cc::UsageError("--seeds must be >= 1");
    if (threads < 1) throw cc::UsageError("--threads must be >= 1");
    if (max_tasks < 0 || max_curves < 0) throw cc::UsageError("--max-tasks/--max-curves-per-task must be >= 0");
    for (double t : thresholds) {
      cc::EarlyStoppingOptions o = base;
      o.threshold = t;
      o.validate();
    }
    base.validate();
  } catch (const cc::Error& e) {
    std::cerr << "es_bench: " << e.what() << "\n" << usage;
    return 2;
  }

  try {
    const auto t_start = std::chrono::steady_clock::now();
    const cc::CurveSet set = cc::read_curve_set(data);
    const bool hib = set.higher_is_better;
    std::printf("data: %s\n  %s: %s vs %s, %s\n", data.c_str(), set.source.c_str(), set.y_name.c_str(),
                set.x_name.c_str(), hib ? "higher is better" : "lower is better");
    std::fflush(stdout);

    // Tasks in order of first appearance; optional seeded subsets.
    std::vector<std::string> task_names;
    std::map<std::string, std::vector<std::size_t>> by_task;
    for (std::size_t i = 0; i < set.curves.size(); ++i) {
      const auto& c = set.curves[i];
      if (c.x.size() < 2) continue;  // nothing to decide on a one-point curve
      if (!by_task.count(c.task)) task_names.push_back(c.task);
      by_task[c.task].push_back(i);
    }
    auto seeded_subset = [&](std::vector<std::size_t> v, std::size_t n, std::uint64_t stream) {
      if (n == 0 || v.size() <= n) return v;
      cc::detail::Rng rng(cc::detail::derive_seed(base_seed, stream));
      for (std::size_t i = v.size() - 1; i > 0; --i) std::swap(v[i], v[rng.below(i + 1)]);
      v.resize(n);
      std::sort(v.begin(), v.end());
      return v;
    };
    if (max_tasks > 0 && task_names.size() > static_cast<std::size_t>(max_tasks)) {
      std::vector<std::size_t> idx(task_names.size());
      for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
      idx = seeded_subset(idx, static_cast<std::size_t>(max_tasks), 0x7a5c);
      std::vector<std::string> kept;
      for (auto i : idx) kept.push_back(task_names[i]);
      task_names = kept;
    }
    std::vector<std::size_t> curves_used;
    for (std::size_t t = 0; t < task_names.size(); ++t) {
      auto& v = by_task[task_names[t]];
      v = seeded_subset(v, static_cast<std::size_t>(max_curves), 0xc0de + t);
      curves_used.insert(curves_used.end(), v.begin(), v.end());
    }

    // Each task on one worker thread. Within a task, every curve owns one
    // EarlyStopper that is advanced point by point only as far as some replay
    // needs it (lazily), so each fit follows the previous prefix's fit exactly
    // as in a training loop, whatever the order of the replays.
    std::vector<std::optional<double>> settings;
    for (double t : thresholds) settings.emplace_back(t);
    settings.emplace_back(std::nullopt);  // never stop
    std::size_t logged_setting = 0;       // --decisions: the 0.05 replays, else the first threshold
    for (std::size_t si = 0; si + 1 < settings.size(); ++si)
      if (std::abs(*settings[si] - 0.05) < 1e-12) logged_setting = si;
    auto better = [&](double a, double b) { return hib ? a > b : a < b; };

    struct TaskOut {
      std::vector<Row> rows;                     // one per setting
      std::vector<std::vector<double>> ms, cpu;  // per setting: decision wall / CPU times (fitting calls)
      std::vector<std::array<double, kCosts>> used_by, total_by;  // per setting, every compute model
      std::vector<Calibration> cal;                               // per setting
      std::string decisions_csv;                                  // --decisions lines of the logged setting
      std::size_t fits = 0;
      // Digest of every forecast made (curves in index order, prefixes in
      // order): sums of the fitted forecasts' predictive means and sds, for
      // determinism checks finer than the decisions (tests/determinism.cmake).
      std::size_t forecasts = 0, fitted_forecasts = 0;
      double mean_sum = 0, sd_sum = 0;
    };
    std::vector<TaskOut> outs(task_names.size());
    std::atomic<std::size_t> next_task{0}, done{0};
    std::mutex err_mu;
    std::string first_error;
    auto run_task = [&](std::size_t t) {
      const auto& idx = by_task[task_names[t]];
      TaskOut& out = outs[t];
      struct Lazy {
        std::unique_ptr<cc::EarlyStopper> stopper;
        CurveRun run;
      };
      std::map<std::size_t, Lazy> lazy;
      auto forecast_at = [&](std::size_t ci, std::size_t k) -> std::tuple<const cc::StopForecast*, double, double> {
        Lazy& l = lazy[ci];
        const cc::Curve& c = set.curves[ci];
        if (!l.stopper) {
          cc::EarlyStoppingOptions o = base;
          o.seed = cc::detail::derive_seed(base_seed, 0x5100 + ci);
          l.stopper = std::make_unique<cc::EarlyStopper>(method, c.x.back(), hib, o);
        }
        while (l.run.forecasts.size() < k) {
          const std::size_t j = l.run.forecasts.size();
          l.stopper->observe(c.x[j], c.y[j]);
          const double c0 = thread_cpu_ms();
          const cc::Decision d = l.stopper->decide(std::nullopt);  // fits; the target is applied below
          l.run.cpu_ms.push_back(thread_cpu_ms() - c0);
          l.run.forecasts.push_back(l.stopper->forecast());  // cached: no second fit
          l.run.call_ms.push_back(d.seconds * 1e3);
          const bool fitted = d.rule != cc::StopRule::TooFewPoints && d.rule != cc::StopRule::AtBudget;
          l.run.fitted_call.push_back(fitted);
          out.fits += fitted;
        }
        if (!l.run.fitted_call[k - 1]) return {&l.run.forecasts[k - 1], -1.0, -1.0};
        return {&l.run.forecasts[k - 1], l.run.call_ms[k - 1], l.run.cpu_ms[k - 1]};
      };
      double true_best = set.curves[idx.front()].y.back();
      for (auto ci : idx)
        if (better(set.curves[ci].y.back(), true_best)) true_best = set.curves[ci].y.back();
      for (std::size_t si = 0; si < settings.size(); ++si) {
        const auto& setting = settings[si];
        const bool log_decisions = !decisions_path.empty() && si == logged_setting && setting;
        cc::EarlyStoppingOptions o = base;
        if (setting) o.threshold = *setting;
        double regret = 0, rel = 0;
        std::array<double, kCosts> used_by{}, total_by{};
        Calibration cal(kCalEdges.size() - 1);
        std::vector<double> ms, cpu;
        std::size_t stopped = 0;
        for (int s = 0; s < seeds; ++s) {
          std::vector<std::size_t> order = idx;
          cc::detail::Rng rng(cc::detail::derive_seed(base_seed + static_cast<std::uint64_t>(s), 0x0de5 + t));
          for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
          std::optional<double> target;
          for (auto ci : order) {
            const cc::Curve& c = set.curves[ci];
            const std::size_t n = c.x.size();
            std::size_t k = 1, streak = 0;
            bool stop = false;
            // The first run has no target: every answer would be NoDecision.
            for (; setting && target && k < n; ++k) {
              const auto [f, call_ms, cpu_ms] = forecast_at(ci, k);
              const auto t0 = std::chrono::steady_clock::now();
              const cc::Decision d = cc::EarlyStopper::apply_rule(*f, target, o, hib, c.x.back(), streak);
              streak = d.below_streak;
              cal_add(cal, d.p_better, better(c.y.back(), *target));
              if (log_decisions && !std::isnan(d.p_better)) {
                char line[512];
                std::snprintf(line, sizeof line, "%d,%zu,%zu,%.17g,%.17g,%zu,%d,%.6g,%s,%.17g,%.17g,%.17g,%d,%d\n", s,
                              ci, k, f->last_x, c.x.back(), f->points_cut, f->on_plateau ? 1 : 0, d.p_better,
                              cc::to_string(d.rule), c.y[k - 1], c.y.back(), *target,
                              better(c.y.back(), *target) ? 1 : 0, d.stop() ? 1 : 0);
                out.decisions_csv += line;
              }
              const double rule_ms =
                  std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
              if (call_ms >= 0) {
                ms.push_back(call_ms + rule_ms);
                cpu.push_back(cpu_ms + rule_ms);
              }
              if (d.stop()) {
                stop = true;
                break;
              }
            }
            for (int m = 0; m < kCosts; ++m) {
              used_by[m] += cost_of(c.x, stop ? k : n, m);
              total_by[m] += cost_of(c.x, n, m);
            }
            if (stop) {
              ++stopped;
            } else if (!target || better(c.y.back(), *target)) {
              target = c.y.back();
            }
          }
          const double r = std::abs(*target - true_best);
          regret += r;
          rel += r / std::max(std::abs(true_best), 1e-3);
        }
        Row row;
        row.threshold = setting;
        row.task = task_names[t];
        for (int m = 0; m < kCosts; ++m) row.fraction_by_cost[m] = used_by[m] / total_by[m];
        row.compute_fraction = row.fraction_by_cost[cost];
        row.speedup = 1 / row.compute_fraction;
        row.regret = regret / seeds;
        row.regret_rel = rel / seeds;
        row.overhead_median = percentile(ms, 0.5);
        row.overhead_p99 = percentile(ms, 0.99);
        row.cpu_median = percentile(cpu, 0.5);
        row.cpu_p99 = percentile(cpu, 0.99);
        row.calls = ms.size();
        row.stopped_runs = stopped;
        row.runs = idx.size() * static_cast<std::size_t>(seeds);
        out.rows.push_back(row);
        out.ms.push_back(std::move(ms));
        out.cpu.push_back(std::move(cpu));
        out.used_by.push_back(used_by);
        out.total_by.push_back(total_by);
        out.cal.push_back(std::move(cal));
      }
      for (const auto& [ci, l] : lazy) {
        (void)ci;
        for (const auto& f : l.run.forecasts) {
          ++out.forecasts;
          if (!f.fitted) continue;
          ++out.fitted_forecasts;
          out.mean_sum += f.mean;
          out.sd_sum += f.sd;
        }
      }
    };
    auto worker = [&]() {
      for (;;) {
        const std::size_t t = next_task.fetch_add(1);
        if (t >= task_names.size()) return;
        try {
          run_task(t);
        } catch (const std::exception& e) {
          std::lock_guard<std::mutex> lk(err_mu);
          if (first_error.empty()) first_error = task_names[t] + ": " + e.what();
        }
        const std::size_t nd = ++done;
        if (task_names.size() > 12 && nd % 10 == 0) {
          std::lock_guard<std::mutex> lk(err_mu);
          std::fprintf(stderr, "  %zu / %zu tasks\n", nd, task_names.size());
        }
      }
    };
    std::vector<std::thread> pool;
    for (int th = 0; th < threads; ++th) pool.emplace_back(worker);
    for (auto& th : pool) th.join();
    if (!first_error.empty()) throw cc::Error("failed on task " + first_error);

    std::vector<Row> rows;
    std::vector<Calibration> cals;  // per setting, over all tasks
    std::size_t fits = 0;
    for (const auto& out : outs) fits += out.fits;
    for (std::size_t si = 0; si < settings.size(); ++si) {
      std::array<double, kCosts> all_used{}, all_total{};
      Calibration all_cal(kCalEdges.size() - 1);
      double sum_regret = 0, sum_rel = 0;
      std::vector<double> all_ms, all_cpu;
      std::size_t all_stopped = 0, all_runs = 0;
      for (std::size_t t = 0; t < task_names.size(); ++t) {
        const TaskOut& out = outs[t];
        all_cpu.insert(all_cpu.end(), out.cpu[si].begin(), out.cpu[si].end());
        rows.push_back(out.rows[si]);
        for (int m = 0; m < kCosts; ++m) {
          all_used[m] += out.used_by[si][m];
          all_total[m] += out.total_by[si][m];
        }
        for (std::size_t b = 0; b < all_cal.size(); ++b) {
          all_cal[b].n += out.cal[si][b].n;
          all_cal[b].p_sum += out.cal[si][b].p_sum;
          all_cal[b].hits += out.cal[si][b].hits;
        }
        sum_regret += out.rows[si].regret;
        sum_rel += out.rows[si].regret_rel;
        all_ms.insert(all_ms.end(), out.ms[si].begin(), out.ms[si].end());
        all_stopped += out.rows[si].stopped_runs;
        all_runs += out.rows[si].runs;
      }
      Row all;
      all.threshold = settings[si];
      all.task = "all";
      for (int m = 0; m < kCosts; ++m) all.fraction_by_cost[m] = all_used[m] / all_total[m];
      all.compute_fraction = all.fraction_by_cost[cost];
      all.speedup = 1 / all.compute_fraction;
      all.regret = sum_regret / static_cast<double>(task_names.size());
      all.regret_rel = sum_rel / static_cast<double>(task_names.size());
      all.overhead_median = percentile(all_ms, 0.5);
      all.overhead_p99 = percentile(all_ms, 0.99);
      all.cpu_median = percentile(all_cpu, 0.5);
      all.cpu_p99 = percentile(all_cpu, 0.99);
      all.calls = all_ms.size();
      all.stopped_runs = all_stopped;
      all.runs = all_runs;
      rows.push_back(all);
      cals.push_back(std::move(all_cal));
    }
    const double total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();

    // Table.
    std::printf(
        "es_bench: %s\n  method %s, %zu tasks, %zu curves, %d seed(s), %d thread(s), min_points %zu, plateau cut %s (delta %g), plateau patience %g, stop confirmations %zu, max extrapolation %g, cost %s\n",
        data.c_str(), method.c_str(), task_names.size(), curves_used.size(), seeds, threads, base.min_points,
        base.cut_initial_plateau ? "on" : "off", base.plateau_delta, base.plateau_patience, base.stop_confirmations,
        base.max_extrapolation.value_or(0), cost_name(cost));
    std::printf(
        "  %zu fits (decision calls with enough points, made lazily: only as far as some replay ran); %.1f s wall\n",
        fits, total_seconds);
    const bool many_tasks = task_names.size() > 12;
    std::printf("%-10s %-44s %9s %8s %10s %10s %9s %9s %9s %8s\n", "threshold", "task", "compute", "speedup", "regret",
                "regret_rel", "ms_med", "ms_p99", "cpu_med", "stopped");
    for (const auto& r : rows) {
      if (many_tasks && r.task != "all") continue;
      char th[32];
      if (r.threshold)
        std::snprintf(th, sizeof th, "%g", *r.threshold);
      else
        std::snprintf(th, sizeof th, "never");
      std::string task = r.task.size() > 44 ? r.task.substr(r.task.size() - 44) : r.task;
      std::printf("%-10s %-44s %9.4f %8.2f %10.5f %9.3f%% %9.3f %9.3f %9.3f %3zu/%-4zu\n", th, task.c_str(),
                  r.compute_fraction, r.speedup, r.regret, 100 * r.regret_rel, r.overhead_median, r.overhead_p99,
                  r.cpu_median, r.stopped_runs, r.runs);
    }
    if (many_tasks) std::printf("  (%zu tasks: per-task rows only in --out JSON)\n", task_names.size());
    for (std::size_t si = 0; si < settings.size(); ++si) {
      if (!settings[si] || std::abs(*settings[si] - 0.05) > 1e-12) continue;
      std::printf(
          "  calibration of p_better, threshold 0.05 replays (decisions with a target; hit = the final value beat it):\n");
      std::printf("    %-15s %9s %12s %12s\n", "p_better bin", "decisions", "mean p", "observed");
      for (std::size_t b = 0; b < cals[si].size(); ++b) {
        const CalBin& cb = cals[si][b];
        if (cb.n == 0) continue;
        std::printf("    [%.3f, %.3f) %9.0f %12.4f %12.4f\n", kCalEdges[b], std::min(kCalEdges[b + 1], 1.0), cb.n,
                    cb.p_sum / cb.n, cb.hits / cb.n);
      }
    }

    if (!decisions_path.empty()) {
      std::ofstream dout(decisions_path);
      if (!dout) throw cc::Error("cannot write " + decisions_path);
      dout
          << "seed,curve_index,points,last_x,x_final,points_cut,on_plateau,p_better,rule,y_last,y_final,target,hit,stop\n";
      for (const auto& out : outs) dout << out.decisions_csv;
    }
    if (!out_path.empty()) {
      nlohmann::json j;
      j["data"] = data;
      j["source"] = set.source;
      j["method"] = method;
      j["seeds"] = seeds;
      j["seed"] = base_seed;
      j["threads"] = threads;
      j["min_points"] = base.min_points;
      j["plateau_cut"] = base.cut_initial_plateau;
      j["plateau_delta"] = base.plateau_delta;
      j["plateau_patience"] = base.plateau_patience;
      j["stop_confirmations"] = base.stop_confirmations;
      j["max_extrapolation"] =
          base.max_extrapolation ? nlohmann::json(*base.max_extrapolation) : nlohmann::json(nullptr);
      j["cost"] = cost_name(cost);
      j["tasks"] = task_names.size();
      j["curves"] = curves_used.size();
      j["max_tasks"] = max_tasks;
      j["max_curves_per_task"] = max_curves;
      j["fits"] = fits;
      j["total_seconds"] = total_seconds;
      j["regret_rel_floor"] = 1e-3;
      j["forecast_digest"] = nlohmann::json::array();
      for (std::size_t t = 0; t < task_names.size(); ++t)
        j["forecast_digest"].push_back({{"task", task_names[t]},
                                        {"forecasts", outs[t].forecasts},
                                        {"fitted", outs[t].fitted_forecasts},
                                        {"mean_sum", outs[t].mean_sum},
                                        {"sd_sum", outs[t].sd_sum}});
      j["results"] = nlohmann::json::array();
      for (const auto& r : rows) {
        nlohmann::json jr;
        jr["threshold"] = r.threshold ? nlohmann::json(*r.threshold) : nlohmann::json(nullptr);
        jr["task"] = r.task;
        jr["compute_fraction"] = r.compute_fraction;
        jr["speedup"] = r.speedup;
        jr["regret"] = r.regret;
        jr["regret_rel"] = r.regret_rel;
        for (int m = 0; m < kCosts; ++m) jr["compute_fraction_by_cost"][cost_name(m)] = r.fraction_by_cost[m];
        auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
        jr["overhead_ms_median"] = num(r.overhead_median);
        jr["overhead_ms_p99"] = num(r.overhead_p99);
        jr["cpu_ms_median"] = num(r.cpu_median);
        jr["cpu_ms_p99"] = num(r.cpu_p99);
        jr["calls"] = r.calls;
        jr["stopped_runs"] = r.stopped_runs;
        jr["runs"] = r.runs;
        j["results"].push_back(jr);
      }
      j["p_better_calibration"] = nlohmann::json::array();
      for (std::size_t si = 0; si < settings.size(); ++si) {
        if (!settings[si]) continue;
        nlohmann::json jc;
        jc["threshold"] = *settings[si];
        jc["bins"] = nlohmann::json::array();
        for (std::size_t b = 0; b < cals[si].size(); ++b) {
          const CalBin& cb = cals[si][b];
          if (cb.n == 0) continue;
          jc["bins"].push_back({{"lo", kCalEdges[b]},
                                {"hi", std::min(kCalEdges[b + 1], 1.0)},
                                {"decisions", cb.n},
                                {"mean_p_better", cb.p_sum / cb.n},
                                {"observed_frequency", cb.hits / cb.n}});
        }
        j["p_better_calibration"].push_back(jc);
      }
      std::ofstream out(out_path);
      if (!out) throw cc::Error("cannot write " + out_path);
      out << j.dump(2) << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "es_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
