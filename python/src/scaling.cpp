// curvecast._core.scaling: scaling-law fits, bootstrap, posterior and compute-optimal allocation.
#include <cmath>
#include <sstream>

#include <curvecast/scaling.hpp>

#include "common.hpp"

namespace ccpy {

namespace cs = curvecast::scaling;

namespace {
using Laws = std::tuple<cs::Chinchilla, cs::Kaplan, cs::OverTraining, cs::SaturatingPower>;

template <std::size_t I = 0, class Fn>
decltype(auto) with_law(const std::string& name, Fn&& fn) {
  using L = std::tuple_element_t<I, Laws>;
  if (name == L::kName) return fn(L{});
  if constexpr (I + 1 < std::tuple_size<Laws>::value) {
    return with_law<I + 1>(name, std::forward<Fn>(fn));
  } else {
    std::string known;
    std::apply([&](auto... l) { ((known += (known.empty() ? "" : ", ") + std::string(decltype(l)::kName)), ...); },
               Laws{});
    throw curvecast::UsageError("curvecast: unknown scaling law '" + name + "' (known: " + known + ")");
    return fn(L{});
  }
}

/// x: (n,) for one input or (n, k) for k inputs; y: (n,).
cs::ScalingData make_data(py::handle x, py::handle y, int inputs) {
  const RealArray xa = as_real_array(x, "x", 1, 2);
  const std::vector<double> ys = to_vector(y, "y");
  const int k = xa.ndim() == 1 ? 1 : static_cast<int>(xa.shape(1));
  if (k != inputs) {
    std::ostringstream m;
    m << "curvecast: this law takes " << inputs << " input(s) per point (x of shape (n, " << inputs << ")), x has "
      << k;
    throw curvecast::InvalidInput(m.str());
  }
  if (static_cast<std::size_t>(xa.shape(0)) != ys.size()) {
    std::ostringstream m;
    m << "curvecast: x has " << xa.shape(0) << " rows for " << ys.size() << " values of y";
    throw curvecast::InvalidInput(m.str());
  }
  cs::ScalingData d(inputs);
  d.x.assign(xa.data(), xa.data() + xa.size());
  d.y = ys;
  return d;
}

void read_space(OptionReader& r, std::optional<cs::Space>& space) {
  std::string s;
  r.get("space", s);
  if (s.empty()) return;
  if (s == "raw")
    space = cs::Space::Raw;
  else if (s == "log")
    space = cs::Space::Log;
  else if (s == "log1p")
    space = cs::Space::Log1p;
  else
    throw curvecast::InvalidOptions("curvecast: option 'space' must be 'raw', 'log' or 'log1p'");
}

cs::ScalingFitOptions fit_options(const json& j, std::uint64_t seed, const char* context, bool finish = true) {
  cs::ScalingFitOptions o;
  o.seed = seed;
  OptionReader r(j, context);
  std::string method;
  r.get("method", method);
  if (method == "ceres")
    o.method = cs::Method::CeresLM;
  else if (method == "newton")
    o.method = cs::Method::Newton;
  else if (!method.empty() && method != "auto")
    throw curvecast::InvalidOptions("curvecast: option 'method' must be 'auto', 'ceres' or 'newton'");
  r.get("loss", o.loss);
  r.get("huber_delta", o.huber_delta);
  read_space(r, o.space);
  r.get("starts", o.starts);
  r.get("random_starts", o.random_starts);
  r.get("random_lo", o.random_lo);
  r.get("random_hi", o.random_hi);
  r.get("lower", o.lower);
  r.get("upper", o.upper);
  r.get("max_iterations", o.max_iterations);
  r.get("function_tolerance", o.function_tolerance);
  r.get("gradient_tolerance", o.gradient_tolerance);
  r.get("parameter_tolerance", o.parameter_tolerance);
  r.get("best_rtol", o.best_rtol);
  r.get("threads", o.threads);
  if (finish) r.finish();
  return o;
}

struct PyScalingFit {
  std::string law;
  cs::ScalingFit fit;
};

py::array_t<double> predict_law(const std::string& law, const std::vector<double>& params, py::handle x) {
  return with_law(law, [&](auto l) {
    using L = decltype(l);
    if (static_cast<int>(params.size()) != L::kNumParams)
      throw curvecast::InvalidInput("curvecast: " + law + " takes " + std::to_string(L::kNumParams) +
                                    " parameters, got " + std::to_string(params.size()));
    const RealArray xa = as_real_array(x, "x", 1, 2);
    const int k = xa.ndim() == 1 ? 1 : static_cast<int>(xa.shape(1));
    if (k != L::kNumInputs)
      throw curvecast::InvalidInput("curvecast: " + law + " takes " + std::to_string(L::kNumInputs) +
                                    " input(s) per point, x has " + std::to_string(k));
    const auto n = xa.shape(0);
    py::array_t<double> out(n);
    for (py::ssize_t i = 0; i < n; ++i)
      out.mutable_data()[i] = L::template predict<double>(params.data(), xa.data() + i * k);
    return out;
  });
}
}  // namespace

void init_scaling(py::module_& parent) {
  py::module_ m =
      parent.def_submodule("scaling", "Scaling laws: fits, bootstrap, posterior, compute-optimal allocation.");

  m.def(
      "laws",
      [] {
        py::list out;
        std::apply(
            [&](auto... l) {
              (out.append(py::dict(py::arg("name") = decltype(l)::kName, py::arg("formula") = decltype(l)::kFormula,
                                   py::arg("num_inputs") = decltype(l)::kNumInputs,
                                   py::arg("param_names") = std::vector<std::string>(decltype(l)::kParamNames.begin(),
                                                                                     decltype(l)::kParamNames.end()),
                                   py::arg("default_space") = cs::space_name(decltype(l)::kDefaultSpace))),
               ...);
            },
            Laws{});
        return out;
      },
      "The laws this module fits: [{name, formula, num_inputs, param_names, default_space}].");

  py::class_<PyScalingFit>(m, "ScalingFit", "The outcome of a multi-start scaling-law fit (fit_law).")
      .def_readonly("law", &PyScalingFit::law, "The law's name.")
      .def_property_readonly(
          "params", [](const PyScalingFit& f) { return to_numpy(f.fit.params); }, "Best parameters.")
      .def_property_readonly(
          "param_names", [](const PyScalingFit& f) { return f.fit.param_names; }, "Their names.")
      .def_property_readonly(
          "space", [](const PyScalingFit& f) { return cs::space_name(f.fit.space); },
          "Residual space used ('raw', 'log', 'log1p').")
      .def_property_readonly(
          "objective", [](const PyScalingFit& f) { return f.fit.objective; }, "Objective at the best.")
      .def_property_readonly(
          "rms_residual", [](const PyScalingFit& f) { return f.fit.rms_residual; },
          "sqrt(mean r^2) at the best, in the law's space.")
      .def_property_readonly(
          "num_starts", [](const PyScalingFit& f) { return f.fit.num_starts; }, "Starts run.")
      .def_property_readonly(
          "num_converged_starts", [](const PyScalingFit& f) { return f.fit.num_converged_starts; },
          "Starts that ended at a finite optimum.")
      .def_property_readonly(
          "num_starts_at_best", [](const PyScalingFit& f) { return f.fit.num_starts_at_best; },
          "Starts within best_rtol of the best objective.")
      .def_property_readonly(
          "status", [](const PyScalingFit& f) { return f.fit.status; }, "Solver message of the best start.")
      .def_property_readonly(
          "seconds", [](const PyScalingFit& f) { return f.fit.seconds; }, "Wall time of the fit.")
      .def(
          "param", [](const PyScalingFit& f, const std::string& n) { return f.fit.param(n); }, py::arg("name"),
          "One parameter by name.")
      .def(
          "predict", [](const PyScalingFit& f, py::handle x) { return predict_law(f.law, f.fit.params, x); },
          py::arg("x"), "The fitted law at x ((n,) or (n, num_inputs)).")
      .def("__repr__", [](const PyScalingFit& f) {
        std::ostringstream s;
        s.precision(6);
        s << "ScalingFit('" << f.law << "'";
        for (std::size_t i = 0; i < f.fit.params.size(); ++i)
          s << ", " << f.fit.param_names[i] << "=" << f.fit.params[i];
        s << ")";
        return s.str();
      });

  m.def(
      "fit_law",
      [](const std::string& law, py::handle x, py::handle y, std::uint64_t seed, py::kwargs kw) {
        const json j = kwargs_to_json(kw);
        return with_law(law, [&](auto l) {
          using L = decltype(l);
          const cs::ScalingData d = make_data(x, y, L::kNumInputs);
          const cs::ScalingFitOptions o = fit_options(j, seed, "fit_law");
          PyScalingFit out{law, {}};
          py::gil_scoped_release release;
          out.fit = cs::fit_law<L>(d, o);
          return out;
        });
      },
      py::arg("law"), py::arg("x"), py::arg("y"), py::arg("seed") = 0, R"doc(
fit_law(law, x, y, seed=0, **options) -> ScalingFit

Multi-start robust fit of a scaling law (see laws()). x: (n,) for one input or
(n, num_inputs) (Chinchilla: columns N, D); y: (n,) targets (loss). Options:
method ('auto', 'ceres', 'newton'), loss ('huber', 'squared', 'cauchy'),
huber_delta, space ('raw', 'log', 'log1p'), starts, random_starts, random_lo,
random_hi, lower, upper, max_iterations, the tolerances, best_rtol, threads.
)doc");

  m.def("predict_law", &predict_law, py::arg("law"), py::arg("params"), py::arg("x"),
        "The law with these parameters at x ((n,) or (n, num_inputs)): an (n,) array.");

  py::class_<cs::BootstrapResult>(m, "BootstrapResult", "Refitted parameters of every bootstrap resample.")
      .def_readonly("param_names", &cs::BootstrapResult::param_names, "The law's parameter names.")
      .def_property_readonly(
          "params", [](const cs::BootstrapResult& b) { return to_numpy(b.params); },
          "(resamples, P): row r is resample r's optimum (NaN row when its refit failed).")
      .def_property_readonly(
          "objectives", [](const cs::BootstrapResult& b) { return to_numpy(b.objectives); }, "Objective of each refit.")
      .def_readonly("num_failed", &cs::BootstrapResult::num_failed, "Refits with no finite optimum.")
      .def_readonly("seconds", &cs::BootstrapResult::seconds, "Wall time.");

  m.def(
      "bootstrap_law",
      [](const PyScalingFit& full, py::handle x, py::handle y, int num_resamples, std::uint64_t seed,
         std::optional<int> threads, py::kwargs kw) {
        const json j = kwargs_to_json(kw);
        return with_law(full.law, [&](auto l) {
          using L = decltype(l);
          const cs::ScalingData d = make_data(x, y, L::kNumInputs);
          cs::ScalingFitOptions fo = fit_options(j, 0, "bootstrap_law");
          fo.space = full.fit.space;
          cs::BootstrapOptions bo;
          bo.num_resamples = num_resamples;
          bo.seed = seed;
          bo.threads = threads;
          py::gil_scoped_release release;
          return cs::bootstrap_law<L>(d, full.fit, fo, bo);
        });
      },
      py::arg("fit"), py::arg("x"), py::arg("y"), py::arg("num_resamples") = 4000, py::arg("seed") = 0,
      py::arg("threads") = py::none(), R"doc(
Bootstraps a fit: refits every resample of (x, y) from the full-data optimum with
the fit's loss and space (options as fit_law). Resample r uses stream r of the
seed, so the result does not depend on `threads` (None = all cores).
)doc");

  py::class_<cs::PosteriorResult>(m, "PosteriorResult", "Posterior draws of a scaling law's parameters.")
      .def_readonly("param_names", &cs::PosteriorResult::param_names, "The law's names, then 'log_scale'.")
      .def_property_readonly(
          "samples", [](const cs::PosteriorResult& p) { return to_numpy(p.samples); },
          "(draws, P + 1) array of kept ensemble states.")
      .def_property_readonly(
          "log_posterior", [](const cs::PosteriorResult& p) { return to_numpy(p.log_posterior); },
          "Log posterior of each draw.")
      .def_readonly("acceptance_rate", &cs::PosteriorResult::acceptance_rate, "Mean acceptance rate.")
      .def_readonly("seconds", &cs::PosteriorResult::seconds, "Wall time.");

  m.def(
      "sample_posterior",
      [](const PyScalingFit& fit, py::handle x, py::handle y, std::uint64_t seed, py::kwargs kw) {
        const json j = kwargs_to_json(kw);
        return with_law(fit.law, [&](auto l) {
          using L = decltype(l);
          const cs::ScalingData d = make_data(x, y, L::kNumInputs);
          cs::PosteriorOptions o;
          o.seed = seed;
          OptionReader r(j, "sample_posterior");
          std::string lik;
          r.get("likelihood", lik);
          if (lik == "laplace")
            o.likelihood = cs::Likelihood::Laplace;
          else if (!lik.empty() && lik != "huber")
            throw curvecast::InvalidOptions("curvecast: option 'likelihood' must be 'huber' or 'laplace'");
          r.get("huber_k", o.huber_k);
          read_space(r, o.space);
          r.get("walkers", o.walkers);
          r.get("burn_in", o.burn_in);
          r.get("steps", o.steps);
          r.get("thin", o.thin);
          r.get("stretch", o.stretch);
          r.get("init_jitter", o.init_jitter);
          r.get("lower", o.lower);
          r.get("upper", o.upper);
          r.get("threads", o.threads);
          r.finish();
          py::gil_scoped_release release;
          return cs::sample_posterior<L>(d, fit.fit.params, o);
        });
      },
      py::arg("fit"), py::arg("x"), py::arg("y"), py::arg("seed") = 0, R"doc(
Samples the posterior of the fit's law with walkers started around its optimum.
Options: likelihood ('huber', 'laplace'), huber_k, space, walkers, burn_in,
steps (kept steps per walker), thin, stretch, init_jitter, lower, upper, threads.
)doc");

  py::class_<cs::Interval>(m, "Interval", "A point estimate with the spread and central interval of its draws.")
      .def_readonly("estimate", &cs::Interval::estimate, "Point estimate (from the full-data fit).")
      .def_readonly("se", &cs::Interval::se, "Standard deviation of the draws.")
      .def_readonly("median", &cs::Interval::median, "Median of the draws.")
      .def_readonly("lower", &cs::Interval::lower, "Lower end of the central interval.")
      .def_readonly("upper", &cs::Interval::upper, "Upper end.")
      .def_readonly("level", &cs::Interval::level, "Level of the interval.")
      .def_readonly("num_draws", &cs::Interval::num_draws, "Draws used.")
      .def("__repr__", [](const cs::Interval& i) {
        std::ostringstream s;
        s.precision(6);
        s << "Interval(estimate=" << i.estimate << ", lower=" << i.lower << ", upper=" << i.upper
          << ", level=" << i.level << ")";
        return s.str();
      });

  auto chin = [](const std::vector<double>& p) {
    const cs::ChinchillaParams c = cs::ChinchillaParams::from_log(p);
    cs::require_valid(c);
    return c;
  };
  m.def(
      "compute_optimal",
      [chin](const std::vector<double>& params, py::handle compute) {
        const cs::ChinchillaParams c = chin(params);
        bool scalar = false;
        const std::vector<double> cv = to_vector(compute, "compute", true, &scalar);
        std::vector<double> n(cv.size()), d(cv.size()), l(cv.size());
        for (std::size_t i = 0; i < cv.size(); ++i) {
          if (!(cv[i] > 0) || !std::isfinite(cv[i]))
            throw curvecast::InvalidInput("curvecast: compute must be finite and > 0");
          n[i] = cs::optimal_params(c, cv[i]);
          d[i] = cs::optimal_tokens(c, cv[i]);
          l[i] = c.loss(n[i], d[i]);
        }
        if (scalar) return py::make_tuple(n[0], d[0], l[0]);
        return py::make_tuple(to_numpy(n), to_numpy(d), to_numpy(l));
      },
      py::arg("params"), py::arg("compute"), R"doc(
Compute-optimal allocation under a fitted Chinchilla law (params = fit.params,
i.e. a, b, e, alpha, beta) for compute C (FLOP, a number or an array), with C = 6 N D:
returns (N_opt, D_opt, L_opt).
)doc");
  m.def(
      "allocation_intervals",
      [chin](const std::vector<double>& params, py::handle draws, double compute, double level) {
        const RealArray dr = as_real_array(draws, "draws", 2, 2);
        Eigen::MatrixXd D(dr.shape(0), dr.shape(1));
        for (py::ssize_t i = 0; i < dr.shape(0); ++i)
          for (py::ssize_t k = 0; k < dr.shape(1); ++k) D(i, k) = dr.data()[i * dr.shape(1) + k];
        const cs::AllocationSummary s = cs::allocation_intervals(chin(params), D, compute, level);
        py::dict out;
        out["compute"] = s.compute;
        out["a"] = s.a;
        out["b"] = s.b;
        out["n_opt"] = s.n_opt;
        out["d_opt"] = s.d_opt;
        out["tokens_per_param"] = s.tokens_per_param;
        out["loss_opt"] = s.loss_opt;
        return out;
      },
      py::arg("params"), py::arg("draws"), py::arg("compute"), py::arg("level") = 0.8, R"doc(
Allocation at one compute budget with intervals from parameter draws (rows of
a, b, e, alpha, beta, e.g. bootstrap_law(...).params): a dict of Interval for
a, b (the exponents), n_opt, d_opt, tokens_per_param and loss_opt.
)doc");
  m.def(
      "load_chinchilla",
      [](const std::string& data_dir, bool drop_top5) {
        const cs::ScalingData d = cs::load_chinchilla(data_dir, drop_top5);
        py::array_t<double> x({static_cast<py::ssize_t>(d.size()), static_cast<py::ssize_t>(2)});
        std::copy(d.x.begin(), d.x.end(), x.mutable_data());
        return py::make_tuple(x, to_numpy(d.y));
      },
      py::arg("data_dir"), py::arg("drop_top5") = true,
      "The Chinchilla replication's data from data_dir/chinchilla: (x of shape (n, 2) with columns N, D; loss).");
}

}  // namespace ccpy
