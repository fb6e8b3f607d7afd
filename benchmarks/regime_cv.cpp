// regime_cv: scores the default ensemble's predictive on the lc_bench protocol
// for a grid of regime-change rates (PosteriorOptions::onset_rate, turn_rate),
// fitting each case once: the rates only enter the predictive after the fit
// (detail/regime_change.hpp), so every grid point shares the same posterior
// draws. The fits are those of `lc_bench --methods ensemble` (same case seeds).
// Output: one JSON row per case with the ll, cover90 and floored count of every
// grid point, for scripts/regime_cv.py (cross-validation grouped by task).
//
//   regime_cv --data taskset.json --cutoffs 0.2,0.4 --onset 0,0.05,0.1 --turn 0,0.02 --out grid.json
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <curvecast/ensemble_posterior.hpp>
#include <curvecast/json.hpp>

#include "support/cli.hpp"
#include "support/protocol.hpp"
#include "support/runner.hpp"

namespace {

/// The default ensemble, with the regime-change rates settable after a fit.
class Tunable : public curvecast::EnsemblePosterior {
 public:
  using curvecast::EnsemblePosterior::EnsemblePosterior;
  void fit(const curvecast::Observations& obs) override {
    curvecast::EnsemblePosterior::fit(obs);
    const auto [lo, hi] = std::minmax_element(obs.y.begin(), obs.y.end());
    gain_ = std::abs((*hi - *lo) / norm_.y_scale);  // as EnsemblePosterior::fit_draws computes it
  }
  void set_rates(double onset, double turn) {
    if (opt_.prior == curvecast::PriorKind::Default)
      regime_ = curvecast::detail::RegimeChange::make(onset, turn, gain_, regime_.zr, regime_.z_bound);
  }

 private:
  double gain_ = 0;
};

std::vector<double> parse_list(const std::string& s, const std::string& flag) {
  std::vector<double> v;
  std::stringstream ss(s);
  std::string tok;
  while (std::getline(ss, tok, ',')) v.push_back(curvecast::bench::parse_number(tok, flag));
  return v;
}

const char* kUsage =
    "usage: regime_cv --data FILE [--cutoffs f,g] [--ids FILE] [--sample N] [--seed S] [--threads N]\n"
    "                 [--onset a,b,..] [--turn a,b,..] --out FILE.json\n";

}  // namespace

int main(int argc, char** argv) {
  std::string data, out, ids_file;
  std::vector<double> cutoffs{0.2, 0.4}, onset{0, 0.05}, turn{0, 0.02};
  std::size_t sample = 0;
  std::uint64_t seed = 0;
  int threads = 1;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw curvecast::UsageError("regime_cv: " + a + " needs a value");
        return argv[++i];
      };
      if (a == "--data")
        data = next();
      else if (a == "--out")
        out = next();
      else if (a == "--ids")
        ids_file = next();
      else if (a == "--cutoffs")
        cutoffs = parse_list(next(), a);
      else if (a == "--onset")
        onset = parse_list(next(), a);
      else if (a == "--turn")
        turn = parse_list(next(), a);
      else if (a == "--sample")
        sample = curvecast::bench::parse_count(next(), a);
      else if (a == "--seed")
        seed = curvecast::bench::parse_count(next(), a);
      else if (a == "--threads")
        threads = curvecast::bench::parse_int_count(next(), a);
      else if (a == "--help" || a == "-h") {
        std::printf("%s", kUsage);
        return 0;
      } else
        throw curvecast::UsageError("regime_cv: unknown option '" + a + "'");
    }
    if (data.empty() || out.empty()) throw curvecast::UsageError("regime_cv: --data and --out are required");
    if (threads < 1) throw curvecast::UsageError("regime_cv: --threads must be >= 1");
  } catch (const curvecast::Error& e) {
    std::fprintf(stderr, "%s\n%s", e.what(), kUsage);
    return 2;
  }
  try {
    const curvecast::CurveSet set = curvecast::read_curve_set(data);
    std::vector<std::string> ids;
    if (!ids_file.empty()) {
      std::ifstream f(ids_file);
      std::stringstream b;
      b << f.rdbuf();
      ids = curvecast::bench::parse_id_list(b.str());
    }
    const auto selected = curvecast::bench::select_curves(set, ids, 0, sample, seed);
    curvecast::bench::RunOptions ro;
    ro.methods = {"ensemble"};
    ro.cutoffs = cutoffs;
    ro.seed = seed;
    const auto plan = curvecast::bench::plan_cases(set, selected, ro);
    std::vector<nlohmann::json> rows(plan.size());
    std::atomic<std::size_t> next_case{0};
    auto worker = [&]() {
      for (;;) {
        const std::size_t i = next_case.fetch_add(1);
        if (i >= plan.size()) break;
        const auto& c = plan[i];
        const curvecast::Curve& cv = set.curves[c.curve_index];
        nlohmann::json r;
        r["id"] = cv.id;
        r["task"] = cv.task;
        r["cutoff"] = c.cutoff;
        const std::size_t n = cv.y.size(), k = curvecast::bench::observed_points(n, c.cutoff);
        curvecast::PosteriorOptions po;
        po.seed = curvecast::bench::case_seed(seed, c.curve_index, c.cutoff, "ensemble");
        std::vector<double> ll, cover, floored;
        try {
          Tunable ex(po);
          ex.fit(cv.observations(set.higher_is_better).prefix(k));
          const std::vector<double> xt(cv.x.begin() + static_cast<std::ptrdiff_t>(k), cv.x.end());
          const std::vector<double> yt(cv.y.begin() + static_cast<std::ptrdiff_t>(k), cv.y.end());
          for (double on : onset)
            for (double tu : turn) {
              ex.set_rates(on, tu);
              const auto s = curvecast::bench::score_tail(ex.predict_many(xt), yt);
              ll.push_back(s.ll);
              cover.push_back(s.cover90);
              floored.push_back(s.floored);
            }
          r["failed"] = false;
        } catch (const std::exception& e) {
          ll.assign(onset.size() * turn.size(), curvecast::bench::kLogDensityFloor);
          cover.assign(ll.size(), 0.0);
          floored.assign(ll.size(), 0.0);
          r["failed"] = true;
        }
        r["ll"] = ll;
        r["cover90"] = cover;
        r["floored"] = floored;
        rows[i] = r;
      }
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
    nlohmann::json j;
    j["data"] = data;
    j["onset"] = onset;
    j["turn"] = turn;
    j["cases"] = rows;
    std::ofstream(out) << j.dump() << "\n";
    std::printf("regime_cv: %zu cases, %zu grid points -> %s\n", plan.size(), onset.size() * turn.size(), out.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "regime_cv: %s\n", e.what());
    return 1;
  }
  return 0;
}
