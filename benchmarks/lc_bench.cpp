// lc_bench: how good is an extrapolator on real learning curves, and how fast?
// Scores methods by the shared extrapolation protocol (docs/protocol.md;
// rules in benchmarks/support/protocol.hpp) on a
// curve set in the uniform JSON format of shared/data/curves/.
//
// Default data: shared/data/curves/cnn_cifar10_val_error_vs_epoch.json (CIFAR-10
// CNN validation error over 40 epochs, hoshiraku/dlfinal, attributed to Klein et
// al. 2017; see that folder's README).
//
// Every method is built by curvecast::make_extrapolator(name, FactoryOptions),
// so any name the factory knows works here without a change to this file.
//
// Usage: lc_bench [--data FILE] [--methods a,b] [--cutoffs 0.2,0.4] [--ids FILE]
//                 [--limit N] [--sample N] [--threads N] [--seed S] [--out FILE.json]
//                 [--max-points N] [--time-budget S] [--plots DIR] [--plot-curves N] [--no-progress] [--list-methods]
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/protocol.hpp"
#include "support/runner.hpp"
#include <curvecast/curvecast.hpp>
#include "support/cli.hpp"
#include "support/data.hpp"
#include "support/svg.hpp"
#include <curvecast/factory.hpp>

namespace {

const char* kUsage =
    "usage: lc_bench [options]\n"
    "  --data FILE        curve set (uniform JSON); default the bundled data/curves/taskset_imdb_rnn_val_loss.json\n"
    "  --methods a,b,..   methods by factory name (default last,pow4,mmf4,ls:akaike; see --list-methods)\n"
    "  --cutoffs f,g,..   cutoff fractions in (0,1) (default 0.1,0.2,0.4,0.8)\n"
    "  --ids FILE         JSON list of curve ids to restrict to\n"
    "  --sample N         a seeded uniform subset of N curves (after --ids)\n"
    "  --limit N          only the first N curves (after --ids and --sample)\n"
    "  --threads N        worker threads; each case runs on one thread (default 1)\n"
    "  --seed S           run seed; per-case seeds derive from it (default 0)\n"
    "  --out FILE.json    write per-case rows and aggregates as JSON\n"
    "  --max-points N     curves of more points are fitted to their summary (0 = never; default 256)\n"
    "  --time-budget S    wall-time budget in seconds of each fit (least squares: per family; posteriors:\n"
    "                     the whole fit); 0 = none (default). Cut runs depend on timing: not reproducible\n"
    "  --plots DIR        write SVG pictures of a few cases into DIR\n"
    "  --plot-curves N    curves to picture, evenly spread over the selection (default 4)\n"
    "  --no-progress      no progress bar (it is off anyway when stderr is not a terminal)\n"
    "  --list-methods     print the method names the factory knows and exit\n";

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, ','))
    if (!cur.empty()) out.push_back(cur);
  return out;
}

// Numbers on the command line: whole and finite, else UsageError naming the flag.
double parse_double(const std::string& s, const std::string& what) {
  return curvecast::bench::parse_number(s, "lc_bench: " + what);
}
unsigned long long parse_count(const std::string& s, const std::string& what) {
  return curvecast::bench::parse_count(s, "lc_bench: " + what);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw curvecast::UsageError("lc_bench: cannot open '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string fmt_duration(double s) {
  char b[32];
  if (!std::isfinite(s) || s < 0) return "?";
  if (s < 60)
    std::snprintf(b, sizeof b, "%.0fs", s);
  else if (s < 3600)
    std::snprintf(b, sizeof b, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  else
    std::snprintf(b, sizeof b, "%dh%02dm", static_cast<int>(s) / 3600, (static_cast<int>(s) % 3600) / 60);
  return b;
}

/// Progress bar on stderr: cases done, rate, time left.
void draw_progress(std::size_t done, std::size_t total, double elapsed) {
  const int width = 30;
  const double frac = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  const int filled = static_cast<int>(frac * width);
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  const double left = rate > 0 ? static_cast<double>(total - done) / rate : -1;
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(width, '.');
  std::fprintf(stderr, "\r[%s] %zu/%zu cases  %.1f/s  elapsed %s  left %s   ", bar.c_str(), done, total, rate,
               fmt_duration(elapsed).c_str(), done == total ? "0s" : fmt_duration(left).c_str());
  std::fflush(stderr);
}

std::string safe_file_name(const std::string& s) {
  std::string o;
  for (char c : s) o += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  return o;
}

/// One picture per (pictured curve, cutoff): observed prefix, held-back truth,
/// each method's mean and central 90% band, with its scores in the legend.
void write_plots(const std::string& dir, const curvecast::CurveSet& set, const std::vector<std::size_t>& selected,
                 const std::vector<curvecast::bench::CaseResult>& cases, const curvecast::bench::RunOptions& o,
                 std::size_t plot_curves) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  std::vector<std::size_t> pick;
  const std::size_t m = std::min(plot_curves, selected.size());
  for (std::size_t i = 0; i < m; ++i) {
    const std::size_t j = m == 1 ? 0 : i * (selected.size() - 1) / (m - 1);
    if (pick.empty() || pick.back() != selected[j]) pick.push_back(selected[j]);
  }
  std::size_t written = 0;
  for (std::size_t ci : pick) {
    const curvecast::Curve& c = set.curves[ci];
    for (double f : o.cutoffs) {
      if (!curvecast::bench::has_case(c.y.size(), f)) continue;
      const std::size_t k = curvecast::bench::observed_points(c.y.size(), f);
      curvecast::bench::SvgPlot p;
      p.title(c.id + ": cutoff " + curvecast::bench::svg_num(f) + " (" + std::to_string(k) + " of " +
              std::to_string(c.y.size()) + " points observed)");
      p.subtitle(set.source + (c.task.empty() ? "" : "  |  task " + c.task));
      p.xlabel(set.x_name);
      p.ylabel(set.y_name + (set.higher_is_better ? " (higher is better)" : " (lower is better)"));
      const bool logx = c.x.front() > 0 && c.x.back() / c.x.front() > 50;
      p.log_x(logx);
      double lo = *std::min_element(c.y.begin(), c.y.end()), hi = *std::max_element(c.y.begin(), c.y.end());
      const double r = std::max(hi - lo, 1e-9 * std::max(std::abs(hi), 1.0));
      p.ylim(lo - 0.3 * r, hi + 0.3 * r);
      const std::vector<double> xo(c.x.begin(), c.x.begin() + static_cast<std::ptrdiff_t>(k));
      const std::vector<double> yo(c.y.begin(), c.y.begin() + static_cast<std::ptrdiff_t>(k));
      const std::vector<double> xt(c.x.begin() + static_cast<std::ptrdiff_t>(k), c.x.end());
      const std::vector<double> yt(c.y.begin() + static_cast<std::ptrdiff_t>(k), c.y.end());
      int colour = 0;
      for (const auto& name : o.methods) {
        const auto it = std::find_if(cases.begin(), cases.end(), [&](const curvecast::bench::CaseResult& cr) {
          return cr.curve_index == ci && cr.cutoff == f && cr.method == name;
        });
        if (it == cases.end()) continue;
        if (it->failed) {
          std::string e = it->error.substr(0, 60);
          p.line(xt, it->mean, colour, name + ": FAILED (ll = -50; mean = last value): " + e, true);
        } else {
          p.band(xt, it->lower, it->upper, colour, "");
          p.line(xt, it->mean, colour,
                 name + ": ll " + curvecast::bench::svg_num(it->ll, 3) + ", mse " +
                     curvecast::bench::svg_num(it->mse, 3) + ", cover90 " + curvecast::bench::svg_num(it->cover90, 2) +
                     ", final_ae " + curvecast::bench::svg_num(it->final_ae, 3));
        }
        ++colour;
      }
      p.points(xo, yo, -1, "observed prefix (first " + std::to_string(k) + " points)");
      p.points(xt, yt, -1, "held-back truth", true);
      p.vline(0.5 * (xo.back() + xt.front()), "cutoff");
      p.note("lines: predictive mean; shaded: central 90% interval");
      p.note("ll: mean log density of held-back points (floor -50), higher is better");
      const std::string file = dir + "/" + safe_file_name(c.id) + "_cutoff" + curvecast::bench::svg_num(f) + ".svg";
      std::ofstream out(file);
      if (!out) throw curvecast::UsageError("lc_bench: cannot write '" + file + "'");
      out << p.str();
      ++written;
    }
  }
  std::printf("plots: %zu SVG files in %s\n", written, dir.c_str());
}

void print_table(const std::vector<curvecast::bench::Aggregate>& aggs) {
  std::printf("%-7s %-14s %6s %5s %10s %10s %11s %11s %11s %8s %10s %8s\n", "cutoff", "method", "n", "fail", "ll_mean",
              "ll_median", "mse_mean", "mse_median", "final_ae_mn", "cover90", "sec_median", "floored");
  double last_cutoff = -1;
  for (const auto& a : aggs) {
    if (last_cutoff >= 0 && a.cutoff != last_cutoff) std::printf("\n");
    last_cutoff = a.cutoff;
    std::printf("%-7g %-14s %6zu %5zu %10.4f %10.4f %11.4g %11.4g %11.4g %8.3f %10.3g %8zu\n", a.cutoff,
                a.method.c_str(), a.n, a.failures, a.ll_mean, a.ll_median, a.mse_mean, a.mse_median, a.final_ae_mean,
                a.cover90_mean, a.seconds_median, a.floored);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = curvecast::bench::bundled("curves/taskset_imdb_rnn_val_loss.json");
  std::string ids_file, out_file, plots_dir;
  std::size_t limit = 0, sample = 0, plot_curves = 4;
  bool progress = true;
  double time_budget = 0;
  std::size_t max_points = curvecast::kDefaultMaxPoints;
  curvecast::bench::RunOptions o;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw curvecast::UsageError("lc_bench: " + a + " needs a value");
        return argv[++i];
      };
      if (a == "--data")
        data = next();
      else if (a == "--methods")
        o.methods = split(next());
      else if (a == "--cutoffs") {
        o.cutoffs.clear();
        for (const auto& s : split(next())) o.cutoffs.push_back(parse_double(s, "--cutoffs"));
      } else if (a == "--ids")
        ids_file = next();
      else if (a == "--limit")
        limit = parse_count(next(), "--limit");
      else if (a == "--sample")
        sample = parse_count(next(), "--sample");
      else if (a == "--threads") {
        const auto t = parse_count(next(), "--threads");
        if (t < 1 || t > 1024) throw curvecast::UsageError("lc_bench: --threads must be in 1..1024");
        o.threads = static_cast<int>(t);
      } else if (a == "--seed")
        o.seed = parse_count(next(), "--seed");
      else if (a == "--out")
        out_file = next();
      else if (a == "--time-budget") {
        time_budget = parse_double(next(), "--time-budget");
        if (!(time_budget >= 0) || !std::isfinite(time_budget))
          throw curvecast::UsageError("lc_bench: --time-budget must be finite and >= 0");
      } else if (a == "--max-points") {
        max_points = parse_count(next(), "--max-points");
        if (max_points != 0 && max_points < curvecast::kMinMaxPoints)
          throw curvecast::UsageError("lc_bench: --max-points must be 0 or >= 64");
      } else if (a == "--plots")
        plots_dir = next();
      else if (a == "--plot-curves")
        plot_curves = parse_count(next(), "--plot-curves");
      else if (a == "--no-progress")
        progress = false;
      else if (a == "--list-methods") {
        for (const auto& n : curvecast::extrapolator_names()) std::printf("%s\n", n.c_str());
        return 0;
      } else if (a == "--help" || a == "-h") {
        std::printf("%s", kUsage);
        return 0;
      } else {
        throw curvecast::UsageError("lc_bench: unknown option '" + a + "'");
      }
    }
    o.validate();
    // Unknown method names fail here, before any work.
    for (const auto& m : o.methods) (void)curvecast::make_extrapolator(m, curvecast::FactoryOptions{});
  } catch (const curvecast::Error& e) {
    std::fprintf(stderr, "%s\n%s", e.what(), kUsage);
    return 2;
  }

  try {
    const curvecast::CurveSet set = curvecast::read_curve_set(data);
    std::vector<std::string> ids;
    if (!ids_file.empty()) ids = curvecast::bench::parse_id_list(read_text(ids_file));
    const std::vector<std::size_t> selected = curvecast::bench::select_curves(set, ids, limit, sample, o.seed);
    const std::size_t n_cases = curvecast::bench::plan_cases(set, selected, o).size();

    std::string methods_s, cutoffs_s;
    for (const auto& m : o.methods) methods_s += (methods_s.empty() ? "" : ",") + m;
    for (double f : o.cutoffs) cutoffs_s += (cutoffs_s.empty() ? "" : ",") + curvecast::bench::svg_num(f, 6);
    std::printf("lc_bench (curvecast %s, protocol v1)\n", curvecast::kVersion);
    std::printf("data: %s\n  %s: %s vs %s, %s\n", data.c_str(), set.source.c_str(), set.y_name.c_str(),
                set.x_name.c_str(), set.higher_is_better ? "higher is better" : "lower is better");
    std::printf("curves: %zu of %zu; cases: %zu (cutoffs %s; methods %s); threads %d; seed %llu\n", selected.size(),
                set.curves.size(), n_cases, cutoffs_s.c_str(), methods_s.c_str(), o.threads,
                static_cast<unsigned long long>(o.seed));
    std::fflush(stdout);

    const bool bar = progress && isatty(STDERR_FILENO);
    auto factory = [time_budget, max_points](const std::string& m, std::uint64_t seed) {
      curvecast::FactoryOptions f;
      f.seed = seed;
      if (time_budget > 0) f.fit.time_budget_seconds = time_budget;
      f.fit.max_points = max_points;
      return curvecast::make_extrapolator(m, f);
    };
    const auto t0 = std::chrono::steady_clock::now();
    const auto cases = curvecast::bench::run(
        set, selected, o, factory, bar ? curvecast::bench::Progress(draw_progress) : curvecast::bench::Progress{});
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (bar) std::fprintf(stderr, "\n");
    const auto aggs = curvecast::bench::aggregate(cases, o.cutoffs, o.methods);

    std::printf("\n");
    print_table(aggs);
    std::printf(
        "\nll: mean log density of held-back points (each floored at -50; higher is better); mse, final_ae in raw "
        "units;\ncover90: share of held-back points inside the central 90%% interval; sec_median: fit + predict per "
        "case;\nfail: cases where the method failed (scored ll = -50, last value as mean); floored: points at the "
        "floor.\n");
    std::printf("wall time %.1f s on %d thread(s); hardware threads %u\n", wall, o.threads,
                std::thread::hardware_concurrency());

    // The first few distinct failure messages per method, so failures are visible.
    for (const auto& m : o.methods) {
      std::vector<std::string> seen;
      std::size_t count = 0;
      for (const auto& c : cases)
        if (c.method == m && c.failed) {
          ++count;
          if (seen.size() < 3 && std::find(seen.begin(), seen.end(), c.error) == seen.end()) {
            seen.push_back(c.error);
            std::printf("failure %s (e.g. %s, cutoff %g): %s\n", m.c_str(), c.curve_id.c_str(), c.cutoff,
                        c.error.c_str());
          }
        }
      if (count > seen.size() && !seen.empty()) std::printf("  ... %zu failed cases of %s in all\n", count, m.c_str());
    }

    if (!out_file.empty()) {
      nlohmann::ordered_json j;
      j["meta"] = {{"tool", "lc_bench"},
                   {"curvecast_version", curvecast::kVersion},
                   {"protocol", "extrapolation-protocol v1"},
                   {"data", data},
                   {"source", set.source},
                   {"x_name", set.x_name},
                   {"y_name", set.y_name},
                   {"higher_is_better", set.higher_is_better},
                   {"methods", o.methods},
                   {"cutoffs", o.cutoffs},
                   {"seed", o.seed},
                   {"threads", o.threads},
                   {"time_budget_seconds", time_budget},
                   {"ids_file", ids_file},
                   {"sample", sample},
                   {"limit", limit},
                   {"curves_in_set", set.curves.size()},
                   {"curves_selected", selected.size()},
                   {"wall_seconds", wall},
                   {"hardware_threads", std::thread::hardware_concurrency()}};
      j["cases"] = nlohmann::ordered_json::array();
      for (const auto& c : cases) j["cases"].push_back(curvecast::bench::case_json(c));
      j["aggregates"] = nlohmann::ordered_json::array();
      for (const auto& a : aggs) j["aggregates"].push_back(curvecast::bench::aggregate_json(a));
      std::ofstream out(out_file);
      if (!out) throw curvecast::UsageError("lc_bench: cannot write '" + out_file + "'");
      out << j.dump(1) << "\n";
      if (!out) throw curvecast::UsageError("lc_bench: writing '" + out_file + "' failed");
      std::printf("wrote %s (%zu cases, %zu aggregates)\n", out_file.c_str(), cases.size(), aggs.size());
    }
    if (!plots_dir.empty()) write_plots(plots_dir, set, selected, cases, o, plot_curves);
  } catch (const curvecast::Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lc_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
