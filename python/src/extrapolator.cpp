// Extrapolator, Predictive (a batch over many x), result objects, curve sets and fit().
#include <cmath>
#include <limits>
#include <sstream>

#include <curvecast/factory.hpp>
#include <curvecast/posterior.hpp>

#include "common.hpp"

namespace ccpy {

using curvecast::Observations;

namespace {
void read_posterior_options(OptionReader& r, curvecast::PosteriorOptions& p, bool ensemble) {
  if (ensemble) r.get("families", p.families);
  r.get("walkers", p.walkers);
  r.get("burn_in", p.burn_in);
  r.get("steps", p.steps);
  r.get("prior_draws", p.prior_draws);
  r.get("kde_fraction", p.kde_fraction);
  r.get("exact_lcpfn_prior", p.exact_lcpfn_prior);
  if (ensemble) r.get("onset_rate", p.onset_rate);
  if (ensemble) r.get("turn_rate", p.turn_rate);
  r.get("start_ess", p.start_ess);
  r.get("coefficient_draws", p.coefficient_draws);
  r.get("max_components", p.max_components);
  r.get("recency", p.recency);
  r.get("rise", p.rise);
  r.get("monotone", p.monotone);
  r.get("bounded", p.bounded);
  r.get("lower", p.lower);
  r.get("upper", p.upper);
  r.get("best_attainable", p.best_attainable);
  r.get("detect_bound", p.detect_bound);
  r.get("coefficient_sd_scale", p.coefficient_sd_scale);
  r.get("headroom_scale", p.headroom_scale);
  r.get("horizon", p.horizon);
  r.get("discrepancy", p.discrepancy);
  r.get("discrepancy_median", p.discrepancy_median);
  r.get("discrepancy_log_sd", p.discrepancy_log_sd);
  r.get("points_per_ln_x", p.points_per_ln_x);
  r.get("slope_discrepancy_median", p.slope_discrepancy_median);
  r.get("slope_discrepancy_log_sd", p.slope_discrepancy_log_sd);
  r.get("warm_start", p.warm_start);
  r.get("warm_burn_in", p.warm_burn_in);
  r.get("warm_steps", p.warm_steps);
  r.get("max_extensions", p.max_extensions);
  r.get("threads", p.threads);
  r.get("time_budget_seconds", p.time_budget_seconds);
  r.get("max_points", p.max_points);
}
}  // namespace

std::unique_ptr<curvecast::Extrapolator> build_extrapolator(const std::string& method, std::uint64_t seed,
                                                            const json& options) {
  curvecast::FactoryOptions fo;
  fo.seed = seed;
  // make_extrapolator names the known methods when `method` is not one of them.
  if (options.empty()) return curvecast::make_extrapolator(method, fo);
  (void)curvecast::make_extrapolator(method, fo);
  OptionReader r(options, "method '" + method + "'");
  std::unique_ptr<curvecast::Extrapolator> ex;
  if (curvecast::PosteriorOptions::is_method(method)) {
    const bool ensemble = method.rfind("mcmc:", 0) != 0;
    curvecast::PosteriorOptions p = curvecast::PosteriorOptions::for_method(method);
    p.seed = seed;
    read_posterior_options(r, p, ensemble);
    r.finish();
    ex = curvecast::make_posterior(p);
  } else if (method == "ls:akaike" || method == "ls:best-aicc" || method == "ls:best-holdout") {
    curvecast::MultiFamilyOptions mo;
    mo.selection = method == "ls:akaike"      ? curvecast::Selection::AkaikeWeights
                   : method == "ls:best-aicc" ? curvecast::Selection::BestAicc
                                              : curvecast::Selection::BestHoldout;
    mo.fit.seed = seed;
    read_fit_options(r, mo.fit);
    r.get("families", mo.families);
    r.get("holdout_fraction", mo.holdout_fraction);
    r.finish();
    mo.validate();
    ex = std::make_unique<curvecast::MultiFamilyExtrapolator>(mo);
  } else if (method == "last") {
    r.finish();  // takes no options: names the unknown ones
    ex = curvecast::make_extrapolator(method, fo);
  } else {  // a single family by least squares
    read_fit_options(r, fo.fit);
    r.finish();
    fo.fit.validate();
    ex = curvecast::make_extrapolator(method, fo);
  }
  return ex;
}

// ---------------------------------------------------------------------------
PyExtrapolator::PyExtrapolator(std::string method, std::uint64_t seed, json options)
    : method_(std::move(method)), seed_(seed), options_(std::move(options)) {
  ex_ = build_extrapolator(method_, seed_, options_);
}

std::unique_lock<std::mutex> PyExtrapolator::lock(const char* what) const {
  std::unique_lock<std::mutex> l(busy_, std::try_to_lock);
  if (!l.owns_lock())
    throw curvecast::UsageError(std::string("curvecast: Extrapolator.") + what +
                                ": another thread is fitting this extrapolator (use one per thread)");
  return l;
}

namespace {
bool extends(const Observations& old, const Observations& o) {
  if (o.size() < old.size() || o.higher_is_better != old.higher_is_better) return false;
  for (std::size_t i = 0; i < old.size(); ++i)
    if (o.x[i] != old.x[i] || o.y[i] != old.y[i]) return false;
  return true;
}
}  // namespace

void PyExtrapolator::fit(Observations obs) {
  auto l = lock("fit");
  const bool warm = ex_->is_fitted() && extends(ex_->observations(), obs);
  try {
    py::gil_scoped_release release;
    ex_->fit(obs);
  } catch (...) {
    fit_prefixes_.clear();
    throw;
  }
  // A fit that extends the previous observations may start from its state (the
  // posterior's warm start): to_json() keeps every such fit so from_json() can replay it.
  if (!warm) fit_prefixes_.clear();
  fit_prefixes_.push_back(obs.size());
}

std::string PyExtrapolator::to_json() const {
  auto l = lock("to_json");
  json j{{"format", "curvecast.extrapolator"},
         {"version", 1},
         {"method", method_},
         {"seed", seed_},
         {"options", options_}};
  if (ex_->is_fitted()) {
    j["observations"] = ex_->observations();
    j["fit_prefixes"] = fit_prefixes_;
  }
  return j.dump();
}

std::unique_ptr<PyExtrapolator> PyExtrapolator::from_json(const std::string& text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw curvecast::JsonError(std::string("curvecast: malformed JSON: ") + e.what());
  }
  const char* w = "extrapolator";
  if (curvecast::detail::json_field_or<std::string>(j, "format", "", w) != "curvecast.extrapolator")
    throw curvecast::JsonError(
        "curvecast: not an extrapolator document (field 'format' must be 'curvecast.extrapolator')");
  auto out = std::make_unique<PyExtrapolator>(curvecast::detail::json_field<std::string>(j, "method", w),
                                              curvecast::detail::json_field<std::uint64_t>(j, "seed", w),
                                              curvecast::detail::json_field_or<json>(j, "options", json::object(), w));
  if (j.contains("observations")) {
    const auto obs = curvecast::detail::json_field<Observations>(j, "observations", w);
    auto prefixes = curvecast::detail::json_field_or<std::vector<std::size_t>>(j, "fit_prefixes", {obs.size()}, w);
    if (prefixes.empty() || prefixes.back() != obs.size())
      throw curvecast::JsonError(
          "curvecast: extrapolator field 'fit_prefixes' must end with the number of observations");
    for (std::size_t k : prefixes) {
      if (k > obs.size())
        throw curvecast::JsonError("curvecast: extrapolator field 'fit_prefixes' exceeds the observations");
      out->fit(obs.prefix(k));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
/// predict() at many x: one curvecast::Predictive per x.
struct PredictiveBatch {
  std::vector<double> x;
  std::vector<curvecast::Predictive> p;
  bool scalar = false;  // made from one number: queries return floats

  py::object out(std::vector<double> v) const {
    if (scalar) return py::float_(v.at(0));
    return to_numpy(v);
  }
  template <class F>
  py::object map(F&& f) const {
    std::vector<double> v(p.size());
    for (std::size_t i = 0; i < p.size(); ++i) v[i] = f(p[i], i);
    return out(std::move(v));
  }
  /// A per-point argument: a number (the same for every x) or an array of len(x).
  std::vector<double> per_point(py::handle arg, const char* what) const {
    bool sc = false;
    std::vector<double> v = to_vector(arg, what, true, &sc);
    if (sc) return std::vector<double>(p.size(), v[0]);
    if (v.size() != p.size()) {
      std::ostringstream m;
      m << "curvecast: " << what << " holds " << v.size() << " values for " << p.size() << " prediction points";
      throw curvecast::InvalidInput(m.str());
    }
    return v;
  }
};

PredictiveBatch predict_batch(const PyExtrapolator& self, py::handle xs) {
  PredictiveBatch b;
  b.x = to_vector(xs, "x", true, &b.scalar);
  auto l = self.lock("predict");
  b.p = self.ex().predict_many(b.x);
  return b;
}

std::string repr_predictive(const PredictiveBatch& b) {
  std::ostringstream s;
  s.precision(6);
  if (b.scalar) {
    const auto iv = b.p[0].interval(0.9);
    s << "Predictive(x=" << b.x[0] << ", mean=" << b.p[0].mean() << ", sd=" << b.p[0].sd() << ", 90% interval=["
      << iv.first << ", " << iv.second << "])";
  } else {
    s << "Predictive(" << b.p.size() << " points)";
  }
  return s.str();
}

void init_extrapolator(py::module_& m) {
  // ----- results of asymptote() and reach()
  py::class_<curvecast::AsymptoteEstimate>(
      m, "AsymptoteEstimate", "Where a curve levels off, with a central interval (Extrapolator.asymptote).")
      .def_readonly("available", &curvecast::AsymptoteEstimate::available,
                    "False (and `reason` says why) for methods without a finite asymptote.")
      .def_readonly("value", &curvecast::AsymptoteEstimate::value, "The asymptote's point estimate (raw units).")
      .def_readonly("lower", &curvecast::AsymptoteEstimate::lower, "Lower end of the interval.")
      .def_readonly("upper", &curvecast::AsymptoteEstimate::upper, "Upper end of the interval.")
      .def_readonly("level", &curvecast::AsymptoteEstimate::level, "Level of the interval.")
      .def_readonly("reason", &curvecast::AsymptoteEstimate::reason, "Why it is not available (else empty).")
      .def("__repr__", [](const curvecast::AsymptoteEstimate& a) {
        std::ostringstream s;
        s.precision(6);
        if (a.available)
          s << "AsymptoteEstimate(value=" << a.value << ", lower=" << a.lower << ", upper=" << a.upper
            << ", level=" << a.level << ")";
        else
          s << "AsymptoteEstimate(available=False, reason='" << a.reason << "')";
        return s.str();
      });
  py::class_<curvecast::ReachEstimate>(m, "ReachEstimate",
                                       "At what x the noise-free curve reaches a target (Extrapolator.reach).")
      .def_readonly("reached", &curvecast::ReachEstimate::reached,
                    "Whether the predicted mean reaches the target by x_max.")
      .def_readonly("x", &curvecast::ReachEstimate::x, "First x where the mean reaches the target (inf if never).")
      .def_readonly("x_lower", &curvecast::ReachEstimate::x_lower, "Optimistic end of the interval of that x.")
      .def_readonly("x_upper", &curvecast::ReachEstimate::x_upper,
                    "Pessimistic end (inf when it does not get there by x_max).")
      .def_readonly("level", &curvecast::ReachEstimate::level, "Level of the interval.")
      .def_readonly("reason", &curvecast::ReachEstimate::reason, "Explanation when not reached (else empty).")
      .def("__repr__", [](const curvecast::ReachEstimate& r) {
        std::ostringstream s;
        s.precision(6);
        s << "ReachEstimate(reached=" << (r.reached ? "True" : "False") << ", x=" << r.x << ", x_lower=" << r.x_lower
          << ", x_upper=" << r.x_upper << ", level=" << r.level << ")";
        return s.str();
      });

  // ----- Predictive
  py::class_<PredictiveBatch>(m, "Predictive", R"doc(
Predictive distributions of the observed value at each query x (Extrapolator.predict).

Every query returns a numpy array with one value per x (a float when predict()
was given a single number). Distributions are Gaussian mixtures in raw units,
observation noise included, possibly censored to the metric's support.
)doc")
      .def_property_readonly(
          "x", [](const PredictiveBatch& b) { return b.out(b.x); }, "The query points.")
      .def_property_readonly(
          "mean",
          [](const PredictiveBatch& b) {
            return b.map([](const curvecast::Predictive& p, std::size_t) { return p.mean(); });
          },
          "Predictive mean at each x.")
      .def_property_readonly(
          "sd",
          [](const PredictiveBatch& b) {
            return b.map([](const curvecast::Predictive& p, std::size_t) { return p.sd(); });
          },
          "Predictive standard deviation at each x.")
      .def(
          "quantile",
          [](const PredictiveBatch& b, py::handle q) -> py::object {
            bool sc = false;
            const std::vector<double> qs = to_vector(q, "q", true, &sc);
            for (double v : qs)
              if (!(v > 0 && v < 1)) throw curvecast::InvalidInput("curvecast: quantile levels must lie in (0, 1)");
            if (sc) return b.map([&](const curvecast::Predictive& p, std::size_t) { return p.quantile(qs[0]); });
            py::array_t<double> a({static_cast<py::ssize_t>(b.p.size()), static_cast<py::ssize_t>(qs.size())});
            auto r = a.mutable_unchecked<2>();
            for (std::size_t i = 0; i < b.p.size(); ++i)
              for (std::size_t k = 0; k < qs.size(); ++k) r(i, k) = b.p[i].quantile(qs[k]);
            if (b.scalar) return a[py::int_(0)];
            return a;
          },
          py::arg("q"), R"doc(
Quantile(s) of the predictive at each x.

q: a level in (0, 1), or an array of m levels.
Returns shape (n,) for one level, (n, m) for m levels (n = number of x).
)doc")
      .def(
          "interval",
          [](const PredictiveBatch& b, double level) {
            if (!(level > 0 && level < 1))
              throw curvecast::InvalidInput("curvecast: interval level must lie in (0, 1)");
            return py::make_tuple(
                b.map([&](const curvecast::Predictive& p, std::size_t) { return p.quantile(0.5 - level / 2); }),
                b.map([&](const curvecast::Predictive& p, std::size_t) { return p.quantile(0.5 + level / 2); }));
          },
          py::arg("level") = 0.9, "Central interval holding `level` of the mass: (lower, upper) arrays.")
      .def(
          "cdf",
          [](const PredictiveBatch& b, py::handle y) {
            const std::vector<double> v = b.per_point(y, "y");
            return b.map([&](const curvecast::Predictive& p, std::size_t i) { return p.cdf(v[i]); });
          },
          py::arg("y"), "P(observed value <= y) at each x; y is a number or one value per x.")
      .def(
          "log_pdf",
          [](const PredictiveBatch& b, py::handle y) {
            const std::vector<double> v = b.per_point(y, "y");
            return b.map([&](const curvecast::Predictive& p, std::size_t i) { return p.log_density(v[i]); });
          },
          py::arg("y"), "Log density of observing y at each x; y is a number or one value per x.")
      .def(
          "prob_better",
          [](const PredictiveBatch& b, py::handle threshold) {
            const std::vector<double> v = b.per_point(threshold, "threshold");
            return b.map([&](const curvecast::Predictive& p, std::size_t i) { return p.prob_better(v[i]); });
          },
          py::arg("threshold"), R"doc(
P(observed value is better than threshold) at each x, respecting higher_is_better.
threshold is a number or one value per x.
)doc")
      .def_property_readonly(
          "higher_is_better", [](const PredictiveBatch& b) { return b.p.empty() ? false : b.p[0].higher_is_better(); },
          "The metric's direction.")
      .def(
          "to_json",
          [](const PredictiveBatch& b) {
            json arr = json::array();
            for (std::size_t i = 0; i < b.p.size(); ++i) {
              json e = b.p[i];
              e["x"] = b.x[i];
              arr.push_back(std::move(e));
            }
            return arr.dump();
          },
          "The predictives as a JSON array (curvecast's predictive form, plus each x).")
      .def("__len__", [](const PredictiveBatch& b) { return b.p.size(); })
      .def(
          "__getitem__",
          [](const PredictiveBatch& b, py::ssize_t i) {
            const auto n = static_cast<py::ssize_t>(b.p.size());
            if (i < 0) i += n;
            if (i < 0 || i >= n) throw py::index_error("curvecast: Predictive index out of range");
            PredictiveBatch one;
            one.x = {b.x[static_cast<std::size_t>(i)]};
            one.p = {b.p[static_cast<std::size_t>(i)]};
            one.scalar = true;
            return one;
          },
          "The predictive at the i-th x (its queries return floats).")
      .def("__repr__", &repr_predictive);

  // ----- Extrapolator
  py::class_<PyExtrapolator>(m, "Extrapolator", R"doc(
Extrapolator(method="ensemble", seed=0, **options)

Fits a partial learning curve and predicts its continuation with uncertainty.
`method` is any name of curvecast.methods(): "last", a family ("pow3", "mmf4", ...),
"ls:akaike", "ls:best-aicc", "ls:best-holdout", "ensemble", "ensemble:lcpfn",
"ensemble:smooth", "mcmc:<family>". Options are the fields of that method's C++ options struct
(FitOptions for families and ls:*, plus families/holdout_fraction for ls:*;
PosteriorOptions for ensemble and mcmc:*); unknown ones raise InvalidOptions.

An Extrapolator pickles and round-trips through to_json()/from_json(): the
document holds the method, seed, options and observations, and loading refits
(the fits are deterministic, so predictions are bit-identical; not so for a fit
cut by time_budget_seconds). Use one object per thread.
)doc")
      .def(py::init([](const std::string& method, std::uint64_t seed, py::kwargs kw) {
             return std::make_unique<PyExtrapolator>(method, seed, kwargs_to_json(kw));
           }),
           py::arg("method") = "ensemble", py::arg("seed") = 0)
      .def(
          "fit",
          [](PyExtrapolator& self, py::handle x, py::handle y, bool higher_is_better) -> PyExtrapolator& {
            Observations obs(to_vector(x, "x"), to_vector(y, "y"), higher_is_better);
            self.fit(std::move(obs));
            return self;
          },
          py::arg("x"), py::arg("y"), py::arg("higher_is_better") = false, py::return_value_policy::reference,
          R"doc(
Fits to the observed curve and returns self.

x: 1-D, finite, strictly increasing (epochs, steps, samples, FLOP); y: 1-D of the
same length (the metric in its own units); higher_is_better: True for accuracy,
False for loss or error. Raises InvalidInput for unusable data, FitFailure when
no fit exists. Releases the GIL while fitting.
)doc")
      .def("predict", &predict_batch, py::arg("x"), R"doc(
Predictive distribution of the observed value at each x (a number or a 1-D array).
Returns a Predictive whose queries (mean, sd, quantile, interval, log_pdf,
prob_better) give numpy arrays, or floats for a single number.
)doc")
      .def(
          "sample_curves",
          [](const PyExtrapolator& self, py::handle xs, std::size_t n, std::uint64_t seed, bool with_noise) {
            const std::vector<double> x = to_vector(xs, "x");
            Eigen::MatrixXd d;
            {
              auto l = self.lock("sample_curves");
              py::gil_scoped_release release;
              d = self.ex().sample_curves(x, n, seed, with_noise);
            }
            return to_numpy(d);
          },
          py::arg("x"), py::arg("n") = 100, py::arg("seed") = 0, py::arg("with_noise") = false, R"doc(
Joint draws of the future curve: an (n, len(x)) array, row d is one draw at every x.
with_noise adds independent observation noise to each point. Same seed, same draws.
)doc")
      .def(
          "asymptote",
          [](const PyExtrapolator& self, double level) {
            auto l = self.lock("asymptote");
            return self.ex().asymptote(level);
          },
          py::arg("level") = 0.9, "Where the curve levels off, with a `level` interval (an AsymptoteEstimate).")
      .def(
          "reach",
          [](const PyExtrapolator& self, double target, double x_max, double level, py::kwargs kw) {
            curvecast::ReachOptions o;
            o.level = level;
            const json j = kwargs_to_json(kw);
            OptionReader r(j, "reach");
            r.get("grid_points", o.grid_points);
            r.get("draws", o.draws);
            r.get("seed", o.seed);
            r.get("bisection_steps", o.bisection_steps);
            r.finish();
            auto l = self.lock("reach");
            py::gil_scoped_release release;
            return curvecast::reach(self.ex(), target, x_max, o);
          },
          py::arg("target"), py::arg("x_max"), py::arg("level") = 0.9, R"doc(
reach(target, x_max, level=0.9, **options) -> ReachEstimate

At what x (between the last observation and x_max) the noise-free curve reaches
`target`: the predicted mean's first crossing, with a `level` interval from the
first crossings of seeded joint draws. Options (ReachOptions): grid_points=128,
draws=400, seed=0x5eed, bisection_steps=40.
)doc")
      .def(
          "prob_better",
          [](const PyExtrapolator& self, py::handle x, py::handle threshold) {
            PredictiveBatch b = predict_batch(self, x);
            const std::vector<double> v = b.per_point(threshold, "threshold");
            return b.map([&](const curvecast::Predictive& p, std::size_t i) { return p.prob_better(v[i]); });
          },
          py::arg("x"), py::arg("threshold"), "P(observed value at x beats threshold), respecting the direction.")
      .def_property_readonly(
          "name", [](const PyExtrapolator& s) { return s.ex().name(); },
          "The C++ extrapolator's name (e.g. 'pow3', 'ls:akaike', 'ensemble').")
      .def_property_readonly("method", &PyExtrapolator::method, "The method name it was built with.")
      .def_property_readonly("seed", &PyExtrapolator::seed, "The seed it was built with.")
      .def_property_readonly(
          "options", [](const PyExtrapolator& s) { return json_to_py(s.options()); },
          "The keyword options it was built with (a dict).")
      .def_property_readonly(
          "is_fitted", [](const PyExtrapolator& s) { return s.ex().is_fitted(); }, "Whether fit() has succeeded.")
      .def_property_readonly(
          "x", [](const PyExtrapolator& s) { return to_numpy(s.ex().observations().x); },
          "x of the last fit (UsageError before fit).")
      .def_property_readonly(
          "y", [](const PyExtrapolator& s) { return to_numpy(s.ex().observations().y); },
          "y of the last fit (UsageError before fit).")
      .def_property_readonly(
          "higher_is_better", [](const PyExtrapolator& s) { return s.ex().observations().higher_is_better; },
          "Direction of the last fit's metric (UsageError before fit).")
      .def_property_readonly(
          "fit_result",
          [](const PyExtrapolator& s) -> py::object {
            auto l = s.lock("fit_result");
            if (auto* ls = dynamic_cast<const curvecast::LeastSquaresExtrapolator*>(&s.ex()))
              return json_to_py(json(ls->result()));
            return py::none();
          },
          "Least-squares fit of a single family as a dict (params, covariance, aicc, ...); None for other methods.")
      .def_property_readonly(
          "members",
          [](const PyExtrapolator& s) -> py::object {
            auto l = s.lock("members");
            if (auto* mf = dynamic_cast<const curvecast::MultiFamilyExtrapolator*>(&s.ex()))
              return py::cast(mf->members());
            return py::none();
          },
          "ls:* methods: the families kept and their weights, [(name, weight)]; None for other methods.")
      .def_property_readonly(
          "diagnostics",
          [](const PyExtrapolator& s) -> py::object {
            auto l = s.lock("diagnostics");
            auto* pe = dynamic_cast<const curvecast::MixturePosterior*>(&s.ex());
            if (!pe) return py::none();
            const curvecast::SamplerDiagnostics& d = pe->diagnostics();
            py::dict out;
            out["acceptance_fraction"] = d.acceptance_fraction;
            out["autocorr_time"] = d.autocorr_time;
            out["split_rhat"] = d.split_rhat;
            out["ess"] = d.ess;
            out["walkers"] = d.walkers;
            out["steps"] = d.steps;
            out["burn_in"] = d.burn_in;
            out["budget_exhausted"] = d.budget_exhausted;
            out["evaluations"] = d.evaluations;
            out["seconds"] = d.seconds;
            out["warm_started"] = d.warm_started;
            out["extensions"] = d.extensions;
            out["converged"] = d.converged();
            return std::move(out);
          },
          "ensemble and mcmc:* methods: the sampler's diagnostics of the last fit (a dict); None otherwise.")
      .def("to_json", &PyExtrapolator::to_json, R"doc(
The extrapolator as a JSON document: method, seed, options and (when fitted) the
observations in curvecast's observations form, with the lengths of the fits that
built its state. Extrapolator.from_json() rebuilds it.
)doc")
      .def_static("from_json", &PyExtrapolator::from_json, py::arg("text"),
                  "Rebuilds an extrapolator from to_json()'s document (refits it; JsonError on a bad document).")
      .def(py::pickle([](const PyExtrapolator& s) { return py::make_tuple(s.to_json()); },
                      [](const py::tuple& t) {
                        if (t.size() != 1) throw curvecast::JsonError("curvecast: bad pickled Extrapolator state");
                        return PyExtrapolator::from_json(t[0].cast<std::string>());
                      }))
      .def("__repr__", [](const PyExtrapolator& s) {
        std::ostringstream o;
        o << "Extrapolator('" << s.method() << "', seed=" << s.seed();
        if (!s.options().empty()) o << ", options=" << s.options().dump();
        o << (s.ex().is_fitted() ? ", fitted on " + std::to_string(s.ex().observations().size()) + " points" : "")
          << ")";
        return o.str();
      });

  m.def(
      "fit",
      [](py::handle x, py::handle y, const std::string& method, bool higher_is_better, std::uint64_t seed,
         py::kwargs kw) {
        auto ex = std::make_unique<PyExtrapolator>(method, seed, kwargs_to_json(kw));
        ex->fit(Observations(to_vector(x, "x"), to_vector(y, "y"), higher_is_better));
        return ex;
      },
      py::arg("x"), py::arg("y"), py::arg("method") = "ensemble", py::arg("higher_is_better") = false,
      py::arg("seed") = 0, R"doc(
fit(x, y, method="ensemble", higher_is_better=False, seed=0, **options) -> Extrapolator

Builds the extrapolator `method` (see methods()) with the seed and options and
fits it to (x, y). Equivalent to Extrapolator(method, seed, **options).fit(x, y, higher_is_better).
)doc");

  m.def(
      "methods", [] { return curvecast::extrapolator_names(); },
      "Every method name fit() and Extrapolator accept (last, the families, ls:*, ensemble, ensemble:lcpfn, mcmc:*).");
  m.def(
      "families",
      [] {
        py::list out;
        for (const auto& f : curvecast::family_registry()) {
          py::dict d;
          d["name"] = f.name;
          d["formula"] = f.formula;
          d["num_params"] = f.num_params;
          d["param_names"] = f.param_names;
          out.append(d);
        }
        return out;
      },
      "The registered curve families: [{name, formula, num_params, param_names}].");

  // ----- curve sets
  py::class_<curvecast::Curve>(m, "Curve", "One curve of a curve set: id, task, x, y.")
      .def_readonly("id", &curvecast::Curve::id, "The curve's identifier.")
      .def_readonly("task", &curvecast::Curve::task, "The task it was trained on (may be empty).")
      .def_property_readonly(
          "x", [](const curvecast::Curve& c) { return to_numpy(c.x); }, "x values (numpy).")
      .def_property_readonly(
          "y", [](const curvecast::Curve& c) { return to_numpy(c.y); }, "y values (numpy).")
      .def("__len__", [](const curvecast::Curve& c) { return c.x.size(); })
      .def("__repr__", [](const curvecast::Curve& c) {
        return "Curve('" + c.id + "', " + std::to_string(c.x.size()) + " points)";
      });
  py::class_<curvecast::CurveSet>(m, "CurveSet", R"doc(
A set of curves in curvecast's uniform JSON format (shared/data/curves/*.json):
source, x_name, y_name, higher_is_better and the list of curves.
Iterating yields Curve objects; len() is the number of curves.
)doc")
      .def_readonly("source", &curvecast::CurveSet::source, "Where the curves come from.")
      .def_readonly("x_name", &curvecast::CurveSet::x_name, "What x measures.")
      .def_readonly("y_name", &curvecast::CurveSet::y_name, "What y measures.")
      .def_readonly("higher_is_better", &curvecast::CurveSet::higher_is_better, "The metric's direction.")
      .def_readonly("curves", &curvecast::CurveSet::curves, "The curves (a list of Curve).")
      .def("__len__", [](const curvecast::CurveSet& s) { return s.curves.size(); })
      .def("__getitem__",
           [](const curvecast::CurveSet& s, py::ssize_t i) {
             const auto n = static_cast<py::ssize_t>(s.curves.size());
             if (i < 0) i += n;
             if (i < 0 || i >= n) throw py::index_error("curvecast: CurveSet index out of range");
             return s.curves[static_cast<std::size_t>(i)];
           })
      .def(
          "__iter__", [](const curvecast::CurveSet& s) { return py::make_iterator(s.curves.begin(), s.curves.end()); },
          py::keep_alive<0, 1>())
      .def(
          "to_json", [](const curvecast::CurveSet& s) { return json(s).dump(); }, "The set in the uniform JSON format.")
      .def("__repr__", [](const curvecast::CurveSet& s) {
        return "CurveSet('" + s.source.substr(0, 40) + "', " + std::to_string(s.curves.size()) + " curves)";
      });
  m.def(
      "read_curve_set", [](const std::string& path) { return curvecast::read_curve_set(path); }, py::arg("path"),
      "Reads a curve set file in the uniform JSON format (JsonError when it cannot be read or parsed).");
  m.def(
      "parse_curve_set", [](const std::string& text) { return curvecast::parse_curve_set(text); }, py::arg("text"),
      "Parses a curve set from JSON text (JsonError on malformed input).");
}

}  // namespace ccpy
