// mcmc_bench: speed and quality of the Bayesian posterior extrapolators.
//
//   mcmc_bench speed [--file F] [--n 50] [--curves 40] [--method ensemble:lcpfn]
//       (--file: a curve set; default the bundled data/lcpfn_prior/prior_draws_seed1_1000.json)
//       milliseconds per curve for a fit on an n-point prefix, effective samples
//       per second, split R-hat of the predicted final value, a warm refit, and
//       the least-squares fits of the same curves in the same run.
//   mcmc_bench score [--file F] [--methods a,b] [--cutoffs 0.1,0.2] [--every 1] [--limit N]
//       the extrapolation protocol (docs/protocol.md)
//       on a curve set: mean ll (per-point log densities floored at -50), mse,
//       cover90, floored points, failures, seconds per case. A scorer of our own
//       until lc_bench is merged; lc_bench is the reference.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include <curvecast/curvecast.hpp>
#include "support/cli.hpp"
#include "support/data.hpp"
#include <curvecast/factory.hpp>
#include <curvecast/posterior.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace curvecast;
// The oracle of the LC-PFN prior file: knows the noise-free curve and sigma.
class OracleExtrapolator : public Extrapolator {
 public:
  OracleExtrapolator(std::vector<double> x, std::vector<double> f, double sigma)
      : x_(std::move(x)), f_(std::move(f)), sigma_(sigma) {}
  std::string name() const override { return "oracle"; }
  void fit(const Observations& o) override { obs_ = o; }
  bool is_fitted() const override { return true; }
  const Observations& observations() const override { return obs_; }
  Predictive do_predict(double x) const override {
    for (std::size_t i = 0; i < x_.size(); ++i)
      if (x_[i] == x) return Predictive(f_[i], sigma_, true);
    throw InvalidInput("oracle: unknown x");
  }
  Eigen::MatrixXd do_sample_curves(const std::vector<double>&, std::size_t, std::uint64_t, bool) const override {
    throw UsageError("oracle: no draws");
  }

 private:
  std::vector<double> x_, f_;
  double sigma_;
  Observations obs_;
};

using namespace curvecast;
using Clock = std::chrono::steady_clock;
#include <ctime>
// CPU time of this thread (robust to other processes on the shared machine).
static double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

static std::vector<std::string> split(const std::string& s, char c) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, c))
    if (!item.empty()) out.push_back(item);
  return out;
}
static double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "speed";
  std::map<std::string, std::string> a;
  for (int i = 2; i + 1 < argc; i += 2) a[argv[i]] = argv[i + 1];
  auto get = [&](const char* k, const std::string& d) { return a.count(k) ? a[k] : d; };
  // Numbers are parsed strictly: a malformed one is a UsageError naming the flag.
  auto geti = [&](const char* k, const std::string& d) { return bench::parse_int_count(get(k, d), k); };
  auto getd = [&](const char* k, const std::string& d) { return bench::parse_number(get(k, d), k); };
  const std::string file = get("--file", bench::bundled("lcpfn_prior/prior_draws_seed1_1000.json"));
  try {
    const CurveSet set = read_curve_set(file);
    if (mode == "speed") {
      const int n = geti("--n", "50"), ncurves = geti("--curves", "40");
      const std::string method = get("--method", "ensemble:lcpfn");
      std::vector<double> ms, cpu_ms, ess_per_s, rhat, warm_ms, ls_ms, acc, tau;
      int conv = 0, used = 0, extended = 0;
      for (std::size_t c = 0; c < set.curves.size() && used < ncurves; ++c) {
        const Curve& cv = set.curves[c];
        if (static_cast<int>(cv.x.size()) < n + 1) continue;
        ++used;
        Observations obs = cv.observations(set.higher_is_better).prefix(static_cast<std::size_t>(n));
        std::unique_ptr<Extrapolator> ex;
        if (method.rfind("ensemble", 0) == 0) {
          PosteriorOptions po = PosteriorOptions::for_method(method);
          po.walkers = geti("--walkers", std::to_string(po.walkers));
          po.steps = geti("--steps", std::to_string(po.steps));
          po.burn_in = geti("--burn", std::to_string(po.burn_in));
          po.prior_draws = geti("--prior-draws", std::to_string(po.prior_draws));
          po.start_ess = getd("--start-ess", std::to_string(po.start_ess));
          po.kde_fraction = getd("--kde", std::to_string(po.kde_fraction));
          po.max_extensions = geti("--extensions", std::to_string(po.max_extensions));
          if (a.count("--disc")) po.discrepancy = getd("--disc", "");
          if (a.count("--headroom")) po.headroom_scale = a["--headroom"] == "1";
          ex = make_posterior(po);
        } else {
          ex = make_extrapolator(method);
        }
        auto* post = dynamic_cast<MixturePosterior*>(ex.get());
        auto t0 = Clock::now();
        double c0 = cpu_seconds();
        ex->fit(obs);
        const double sec = std::chrono::duration<double>(Clock::now() - t0).count();
        const double csec = cpu_seconds() - c0;
        ms.push_back(1e3 * sec);
        cpu_ms.push_back(1e3 * csec);
        if (post) {
          const auto& d = post->diagnostics();
          ess_per_s.push_back(d.ess / csec);
          rhat.push_back(d.split_rhat);
          acc.push_back(d.acceptance_fraction);
          tau.push_back(d.autocorr_time);
          conv += d.converged();
          extended += d.extensions > 0;
          // Warm refit with one more point.
          Observations more = cv.observations(set.higher_is_better).prefix(static_cast<std::size_t>(n + 1));
          c0 = cpu_seconds();
          ex->fit(more);
          warm_ms.push_back(1e3 * (cpu_seconds() - c0));
        }
        for (const char* fam : {"pow3", "janoschek"}) {
          c0 = cpu_seconds();
          try {
            fit_family(fam, obs);
          } catch (const Error&) {}
          ls_ms.push_back(1e3 * (cpu_seconds() - c0));
        }
      }
      std::printf("method %s, %d curves of %s, prefix n = %d, one thread\n", method.c_str(), used,
                  set.source.substr(0, 40).c_str(), n);
      std::printf("  cold fit, wall      median %.2f ms  (min %.2f, max %.2f)\n", median(ms),
                  *std::min_element(ms.begin(), ms.end()), *std::max_element(ms.begin(), ms.end()));
      std::printf("  cold fit, thread CPU median %.2f ms  (min %.2f, max %.2f, mean %.2f)\n", median(cpu_ms),
                  *std::min_element(cpu_ms.begin(), cpu_ms.end()), *std::max_element(cpu_ms.begin(), cpu_ms.end()),
                  std::accumulate(cpu_ms.begin(), cpu_ms.end(), 0.0) / static_cast<double>(cpu_ms.size()));
      if (!warm_ms.empty()) {
        std::printf("  warm refit (+1 pt), CPU median %.2f ms\n", median(warm_ms));
        std::printf("  ESS / CPU s (final value) median %.0f\n", median(ess_per_s));
        std::printf("  split R-hat         median %.3f, max %.3f, converged (<1.05) %d/%d, extended %d/%d\n",
                    median(rhat), *std::max_element(rhat.begin(), rhat.end()), conv, used, extended, used);
        std::printf("  acceptance          median %.2f, tau median %.1f steps\n", median(acc), median(tau));
      }
      std::printf("  least squares (Ceres) one family, CPU: median %.2f ms\n", median(ls_ms));
      return 0;
    }
    if (mode == "single") {
      // The single-family posterior of mcmc:<family> (flat prior inside the
      // family's bounds, ln sigma ~ N(ln sigma_LS, 2), normalised units), with
      // the plain stretch move, printed as JSON for scripts/mcmc_emcee.py.
      const std::string family = get("--family", "pow3");
      const int n = geti("--n", "50"), curve = geti("--curve", "0");
      const int walkers = geti("--walkers", "32"), steps = geti("--steps", "2000");
      const int reps = geti("--reps", "5");
      const Observations obs = set.curves.at(static_cast<std::size_t>(curve))
                                   .observations(set.higher_is_better)
                                   .prefix(static_cast<std::size_t>(n));
      const FitResult ls = fit_family(family, obs);
      const FamilyInfo& fam = find_family(family);
      std::vector<double> t(obs.size()), z(obs.size());
      for (std::size_t i = 0; i < obs.size(); ++i) t[i] = ls.normaliser.t(obs.x[i]), z[i] = ls.normaliser.z(obs.y[i]);
      const int P = fam.num_params, D = P + 1;
      std::vector<double> lo(P), hi(P);
      detail::Summary sm;
      sm.t = t.data(), sm.z = z.data(), sm.n = static_cast<int>(t.size()), sm.t1 = t.front(), sm.tn = t.back();
      fam.bounds(sm, lo.data(), hi.data());
      const double lsig0 = std::log(std::max(ls.sigma, 1e-6));
      auto logp = [&](const double* th) {
        for (int j = 0; j < P; ++j)
          if (!(th[j] >= lo[j] && th[j] <= hi[j])) return -std::numeric_limits<double>::infinity();
        const double lsg = th[P];
        if (!(lsg > -25 && lsg < 6)) return -std::numeric_limits<double>::infinity();
        double ss = 0;
        for (std::size_t i = 0; i < t.size(); ++i) {
          const double r = z[i] - fam.eval(th, t[i]);
          ss += r * r;
        }
        if (!std::isfinite(ss)) return -std::numeric_limits<double>::infinity();
        const double u = (lsg - lsig0) / 2.0;
        return -static_cast<double>(t.size()) * lsg - 0.5 * ss * std::exp(-2 * lsg) - 0.5 * u * u;
      };
      detail::Rng rng(3);
      Eigen::MatrixXd start(walkers, D);
      for (int k = 0; k < walkers; ++k) {
        std::vector<double> row(D);
        do {
          for (int j = 0; j < P; ++j) row[j] = ls.params[j] * (1 + 1e-3 * rng.normal()) + 1e-4 * rng.normal();
          row[P] = lsig0 + 1e-2 * rng.normal();
        } while (!std::isfinite(logp(row.data())));
        for (int d = 0; d < D; ++d) start(k, d) = row[d];
      }
      SamplerOptions so;
      so.steps = steps;
      so.burn_in = 0;
      so.seed = 1;
      std::vector<double> secs;
      EnsembleChain ch;
      for (int r = 0; r < reps; ++r) {
        auto t0 = Clock::now();
        ch = run_ensemble(logp, start, so);
        secs.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
      }
      // ESS of every coordinate over the second half (first half = burn-in); report the minimum.
      double ess = 1e300;
      for (int d = 0; d < D; ++d) {
        const Eigen::MatrixXd c = ch.coordinate(d).rightCols(steps / 2);
        ess = std::min(ess, effective_sample_size(c));
      }
      nlohmann::json out;
      out["family"] = family;
      out["t"] = t;
      out["z"] = z;
      out["lo"] = lo;
      out["hi"] = hi;
      out["lsig0"] = lsig0;
      std::vector<std::vector<double>> st(walkers, std::vector<double>(D));
      for (int k = 0; k < walkers; ++k)
        for (int d = 0; d < D; ++d) st[k][d] = start(k, d);
      out["start"] = st;
      out["steps"] = steps;
      out["seconds_median"] = median(secs);
      out["ess_min"] = ess;
      out["acceptance"] = ch.acceptance_fraction();
      out["evaluations"] = ch.evaluations;
      std::cout << out.dump() << std::endl;
      return 0;
    }
    if (mode == "score") {
      const auto methods = split(get("--methods", "last,pow4,mmf4,ensemble"), ',');
      const auto cut_s = split(get("--cutoffs", "0.2,0.4"), ',');
      const int every = geti("--every", "1"), limit = geti("--limit", "1000000");
      if (every < 1) throw UsageError("--every must be >= 1");
      std::printf("%s: %zu curves (every %d, limit %d)\n", file.c_str(), set.curves.size(), every, limit);
      nlohmann::json raw;
      if (std::find(methods.begin(), methods.end(), "oracle") != methods.end()) {
        std::ifstream in(file);
        in >> raw;
      }
      std::printf("%-16s %6s %6s %9s %9s %11s %8s %7s %6s %9s\n", "method", "cutoff", "cases", "mean_ll", "median_ll",
                  "mse", "cover90", "floored", "fails", "ms/case");
      for (const auto& cs : cut_s) {
        const double f = bench::parse_number(cs, "--cutoffs");
        for (const auto& m : methods) {
          std::vector<double> lls, mses, covs, secs;
          long floored = 0, fails = 0;
          int used = 0;
          for (std::size_t c = 0; c < set.curves.size() && used < limit; c += static_cast<std::size_t>(every)) {
            const Curve& cv = set.curves[c];
            const std::size_t n = cv.x.size();
            const std::size_t k = std::max<std::size_t>(4, static_cast<std::size_t>(std::floor(f * n)));
            if (n < k + 2) continue;
            ++used;
            Observations obs = cv.observations(set.higher_is_better).prefix(k);
            auto t0 = Clock::now();
            double ll = 0, se = 0, cov = 0;
            try {
              std::unique_ptr<Extrapolator> ex;
              if (m == "oracle")
                ex = std::make_unique<OracleExtrapolator>(cv.x, raw["curves"][c]["y_true"].get<std::vector<double>>(),
                                                          raw["curves"][c]["sigma"].get<double>());
              else if (m.rfind("ensemble", 0) == 0 &&
                       (a.count("--disc") || a.count("--disc-median") || a.count("--disc-sd") || a.count("--coef-sd") ||
                        a.count("--headroom") || a.count("--extensions"))) {
                PosteriorOptions po = m == "ensemble" ? PosteriorOptions{} : PosteriorOptions::lcpfn();
                if (a.count("--disc")) po.discrepancy = getd("--disc", "");
                if (a.count("--disc-median")) po.discrepancy_median = getd("--disc-median", "");
                if (a.count("--disc-sd")) po.discrepancy_log_sd = getd("--disc-sd", "");
                if (a.count("--coef-sd")) po.coefficient_sd_scale = getd("--coef-sd", "");
                if (a.count("--headroom")) po.headroom_scale = a["--headroom"] == "1";
                if (a.count("--extensions")) po.max_extensions = geti("--extensions", "");
                ex = make_posterior(po);
              } else
                ex = make_extrapolator(m);
              ex->fit(obs);
              std::vector<double> xs(cv.x.begin() + static_cast<std::ptrdiff_t>(k), cv.x.end());
              const auto preds = ex->predict_many(xs);
              for (std::size_t i = k; i < n; ++i) {
                const Predictive& p = preds[i - k];
                double l = p.log_density(cv.y[i]);
                if (!(l > -50)) {
                  l = -50;
                  ++floored;
                }
                ll += l;
                se += (p.mean() - cv.y[i]) * (p.mean() - cv.y[i]);
                const auto iv = p.interval(0.9);
                cov += cv.y[i] >= iv.first && cv.y[i] <= iv.second;
              }
            } catch (const Error& e) {
              ++fails;
              ll = -50.0 * (n - k);
              se = 0;
              for (std::size_t i = k; i < n; ++i) se += (obs.y.back() - cv.y[i]) * (obs.y.back() - cv.y[i]);
              cov = 0;
            }
            secs.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
            const double nt = static_cast<double>(n - k);
            lls.push_back(ll / nt);
            mses.push_back(se / nt);
            covs.push_back(cov / nt);
          }
          auto mean = [](const std::vector<double>& v) {
            return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / v.size();
          };
          std::printf("%-16s %6.2f %6zu %9.4f %9.4f %11.4g %8.3f %7ld %6ld %9.2f\n", m.c_str(), f, lls.size(),
                      mean(lls), median(lls), mean(mses), mean(covs), floored, fails, 1e3 * median(secs));
          std::fflush(stdout);
        }
      }
      return 0;
    }
    std::fprintf(stderr, "usage: mcmc_bench speed|score [--file F] ...\n");
    return 2;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "mcmc_bench: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {  // curvecast::Error, or e.g. --curve beyond the set
    std::fprintf(stderr, "mcmc_bench: %s\n", e.what());
    return 1;
  }
}
