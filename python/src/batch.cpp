// extrapolate_many: many curves fitted on all cores without the GIL.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include <curvecast/detail/rng.hpp>

#include "common.hpp"

namespace ccpy {

namespace {
struct Job {
  curvecast::Observations obs;
  std::vector<double> xq, yq;  // query points and (optional) observed values there
};
struct Outcome {
  std::vector<double> mean, sd, quantiles, log_density;  // quantiles: xq.size() x levels, row-major
  std::string failure;
  double seconds = 0;
};

/// Seed of curve i: a function of (seed, i) only, whatever thread runs it.
std::uint64_t curve_seed(std::uint64_t seed, std::size_t i) { return curvecast::detail::derive_seed(seed, i); }

void run_one(const std::string& method, std::uint64_t seed, const json& options, const std::vector<double>& levels,
             const Job& job, Outcome& out) {
  const auto t0 = std::chrono::steady_clock::now();
  try {
    auto ex = build_extrapolator(method, seed, options);
    ex->fit(job.obs);
    const auto preds = ex->predict_many(job.xq);
    const std::size_t m = job.xq.size(), k = levels.size();
    out.mean.resize(m);
    out.sd.resize(m);
    out.quantiles.resize(m * k);
    out.log_density.assign(m, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t i = 0; i < m; ++i) {
      out.mean[i] = preds[i].mean();
      out.sd[i] = preds[i].sd();
      for (std::size_t q = 0; q < k; ++q) out.quantiles[i * k + q] = preds[i].quantile(levels[q]);
      if (!job.yq.empty() && !std::isnan(job.yq[i])) out.log_density[i] = preds[i].log_density(job.yq[i]);
    }
  } catch (const std::exception& e) {  // curvecast::Error, std::bad_alloc, anything a fit throws
    out = Outcome{};
    out.failure = e.what();
    if (out.failure.empty()) out.failure = "unknown error";
  } catch (...) {
    out = Outcome{};
    out.failure = "unknown error";
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// x_query / y_query: None, one 1-D array shared by every curve, or a sequence of one 1-D array per curve.
std::vector<std::vector<double>> per_curve(py::handle q, std::size_t n, const char* what) {
  std::vector<std::vector<double>> out(n);
  if (q.is_none()) return out;
  const bool shared = py::isinstance<py::array>(q)
                          ? py::reinterpret_borrow<py::array>(q).ndim() == 1 && !py::isinstance<py::str>(q)
                          : false;
  bool list_of_arrays = false;
  if (!shared && (py::isinstance<py::list>(q) || py::isinstance<py::tuple>(q))) {
    py::sequence s = py::reinterpret_borrow<py::sequence>(q);
    list_of_arrays = s.size() > 0 && !PyFloat_Check(s[0].ptr()) && !PyLong_Check(s[0].ptr()) &&
                     !py::isinstance(s[0], py::module_::import("numpy").attr("number"));
  }
  if (list_of_arrays) {
    py::sequence s = py::reinterpret_borrow<py::sequence>(q);
    if (s.size() != n)
      throw curvecast::InvalidInput(std::string("curvecast: extrapolate_many: ") + what + " holds " +
                                    std::to_string(s.size()) + " arrays for " + std::to_string(n) + " curves");
    for (std::size_t i = 0; i < n; ++i) out[i] = to_vector(s[i], std::string(what) + "[" + std::to_string(i) + "]");
  } else {
    const std::vector<double> v = to_vector(q, what);
    for (auto& o : out) o = v;
  }
  return out;
}
}  // namespace

void init_batch(py::module_& m) {
  // The C++ side of benchmarks/python_overhead.py: the same fit + predict + means
  // as curvecast.fit(x, y, method, seed=seed).predict(x_query).mean, timed in C++.
  m.def(
      "_time_fit_predict",
      [](py::handle x, py::handle y, const std::string& method, py::handle x_query, int repeats, std::uint64_t seed) {
        const curvecast::Observations obs(to_vector(x, "x"), to_vector(y, "y"), false);
        const std::vector<double> xq = to_vector(x_query, "x_query");
        std::vector<double> secs;
        double sink = 0;
        {
          py::gil_scoped_release release;
          for (int r = 0; r < repeats; ++r) {
            const auto t0 = std::chrono::steady_clock::now();
            auto ex = build_extrapolator(method, seed, json::object());
            ex->fit(obs);
            std::vector<double> means;
            for (const auto& p : ex->predict_many(xq)) means.push_back(p.mean());
            sink += means.back();
            secs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
          }
        }
        return py::make_tuple(to_numpy(secs), sink);
      },
      py::arg("x"), py::arg("y"), py::arg("method"), py::arg("x_query"), py::arg("repeats"), py::arg("seed") = 0,
      "Benchmark support: seconds of each of `repeats` C++ fit + predict calls (and a checksum).");
  m.def("curve_seed", &curve_seed, py::arg("seed"), py::arg("index"), R"doc(
The seed extrapolate_many gives curve `index` for its `seed` (independent of the
thread count): fit(x, y, method, seed=curve_seed(seed, i)) reproduces curve i.
)doc");
  m.def(
      "_extrapolate_many",
      [](py::handle curves, const std::string& method, py::handle x_query, py::handle y_query, py::handle quantiles,
         int threads, std::uint64_t seed, std::uint64_t index_offset, bool higher_is_better, py::dict options) {
        const json opts = kwargs_to_json(options);
        (void)build_extrapolator(method, seed, opts);  // unknown method or option: raise now, not once per curve
        std::vector<Job> jobs;
        std::vector<std::string> ids;
        if (py::isinstance<curvecast::CurveSet>(curves)) {
          const auto& set = curves.cast<const curvecast::CurveSet&>();
          for (const auto& c : set.curves) {
            jobs.push_back({c.observations(set.higher_is_better), {}, {}});
            ids.push_back(c.id);
          }
        } else {
          if (py::isinstance<py::str>(curves) || !py::isinstance<py::sequence>(curves))
            throw py::type_error(
                "curvecast: extrapolate_many: curves must be a CurveSet or a sequence of (x, y) pairs");
          py::sequence s = py::reinterpret_borrow<py::sequence>(curves);
          for (std::size_t i = 0; i < s.size(); ++i) {
            py::object c = s[i];
            if (py::isinstance<curvecast::Curve>(c)) {
              const auto& cv = c.cast<const curvecast::Curve&>();
              jobs.push_back({cv.observations(higher_is_better), {}, {}});
              ids.push_back(cv.id);
              continue;
            }
            if (py::isinstance<py::str>(c) || !py::isinstance<py::sequence>(c) || py::len(c) != 2)
              throw py::type_error("curvecast: extrapolate_many: curve " + std::to_string(i) +
                                   " is not an (x, y) pair");
            const std::string tag = "curves[" + std::to_string(i) + "]";
            // Bad values (NaN, unsorted x, ...) become this curve's failure; bad types raise now.
            jobs.push_back({curvecast::Observations(to_vector(c[py::int_(0)], tag + " x"),
                                                    to_vector(c[py::int_(1)], tag + " y"), higher_is_better),
                            {},
                            {}});
            ids.push_back(std::to_string(index_offset + i));
          }
        }
        const std::size_t n = jobs.size();
        const auto xq = per_curve(x_query, n, "x_query");
        const auto yq = per_curve(y_query, n, "y_query");
        for (std::size_t i = 0; i < n; ++i) {
          jobs[i].xq = xq[i];
          jobs[i].yq = yq[i];
          if (!y_query.is_none() && yq[i].size() != xq[i].size())
            throw curvecast::InvalidInput("curvecast: extrapolate_many: y_query of curve " + std::to_string(i) +
                                          " holds " + std::to_string(yq[i].size()) + " values for " +
                                          std::to_string(xq[i].size()) + " query points");
        }
        const std::vector<double> levels = to_vector(quantiles, "quantiles");
        for (double q : levels)
          if (!(q > 0 && q < 1)) throw curvecast::InvalidInput("curvecast: quantile levels must lie in (0, 1)");
        if (threads < 0)
          throw curvecast::InvalidOptions("curvecast: extrapolate_many: threads must be >= 0 (0 = all cores)");
        const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
        const int nthreads =
            std::max(1, std::min(threads == 0 ? hw : threads, static_cast<int>(std::max<std::size_t>(n, 1))));

        std::vector<Outcome> out(n);
        double wall = 0;
        {
          py::gil_scoped_release release;
          const auto t0 = std::chrono::steady_clock::now();
          std::atomic<std::size_t> next{0};
          auto worker = [&] {
            for (std::size_t i; (i = next.fetch_add(1)) < n;)
              run_one(method, curve_seed(seed, index_offset + i), opts, levels, jobs[i], out[i]);
          };
          std::vector<std::thread> pool;
          for (int t = 1; t < nthreads; ++t) pool.emplace_back(worker);
          worker();
          for (auto& t : pool) t.join();
          wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        }

        std::size_t width = 0;
        for (const auto& j : jobs) width = std::max(width, j.xq.size());
        const auto N = static_cast<py::ssize_t>(n), W = static_cast<py::ssize_t>(width),
                   K = static_cast<py::ssize_t>(levels.size());
        const double nan = std::numeric_limits<double>::quiet_NaN();
        py::array_t<double> mean({N, W}), sd({N, W}), quant({N, W, K}), logd({N, W}), secs(N);
        std::fill(mean.mutable_data(), mean.mutable_data() + mean.size(), nan);
        std::fill(sd.mutable_data(), sd.mutable_data() + sd.size(), nan);
        std::fill(quant.mutable_data(), quant.mutable_data() + quant.size(), nan);
        std::fill(logd.mutable_data(), logd.mutable_data() + logd.size(), nan);
        auto M = mean.mutable_unchecked<2>(), S = sd.mutable_unchecked<2>(), L = logd.mutable_unchecked<2>();
        auto Q = quant.mutable_unchecked<3>();
        py::list failures;
        for (std::size_t i = 0; i < n; ++i) {
          secs.mutable_data()[i] = out[i].seconds;
          if (!out[i].failure.empty()) {
            failures.append(out[i].failure);
            continue;
          }
          failures.append(py::none());
          for (std::size_t k = 0; k < out[i].mean.size(); ++k) {
            M(i, k) = out[i].mean[k];
            S(i, k) = out[i].sd[k];
            L(i, k) = out[i].log_density[k];
            for (std::size_t q = 0; q < levels.size(); ++q) Q(i, k, q) = out[i].quantiles[k * levels.size() + q];
          }
        }
        py::dict r;
        r["ids"] = ids;
        r["mean"] = mean;
        r["sd"] = sd;
        r["quantile_levels"] = to_numpy(levels);
        r["quantiles"] = quant;
        r["log_density"] = logd;
        r["failures"] = failures;
        r["seconds"] = secs;
        r["wall_seconds"] = wall;
        r["threads"] = nthreads;
        return r;
      },
      py::arg("curves"), py::arg("method"), py::arg("x_query"), py::arg("y_query"), py::arg("quantiles"),
      py::arg("threads"), py::arg("seed"), py::arg("index_offset"), py::arg("higher_is_better"), py::arg("options"),
      "Implementation of curvecast.extrapolate_many (see there).");
}

}  // namespace ccpy
