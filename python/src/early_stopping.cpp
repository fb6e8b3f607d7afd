// EarlyStopper and Decision.
#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

#include <curvecast/early_stopping.hpp>

#include "common.hpp"

namespace ccpy {

namespace {
void read_stopping_options(OptionReader& r, curvecast::EarlyStoppingOptions& o) {
  r.get("threshold", o.threshold);
  r.get("min_points", o.min_points);
  r.get("cut_initial_plateau", o.cut_initial_plateau);
  r.get("plateau_delta", o.plateau_delta);
  r.get("plateau_look_ahead", o.plateau_look_ahead);
  r.get("plateau_patience", o.plateau_patience);
  r.get("max_extrapolation", o.max_extrapolation);
  r.get("stop_confirmations", o.stop_confirmations);
  r.get("optimistic_sd", o.optimistic_sd);
  r.get("never_stop_if_own_best_beats", o.never_stop_if_own_best_beats);
  r.get("interval_level", o.interval_level);
  r.get("warm_start", o.warm_start);
  r.get("ls_num_starts", o.ls_num_starts);
  r.get("max_points", o.max_points);
}

struct PyEarlyStopper {
  std::unique_ptr<curvecast::EarlyStopper> s;
  std::string method;
  mutable std::mutex busy;
  std::unique_lock<std::mutex> lock(const char* what) const {
    std::unique_lock<std::mutex> l(busy, std::try_to_lock);
    if (!l.owns_lock())
      throw curvecast::UsageError(std::string("curvecast: EarlyStopper.") + what +
                                  ": another thread is using this stopper (use one per thread)");
    return l;
  }
};

std::optional<double> target_of(py::handle best_final) {
  if (best_final.is_none()) return std::nullopt;
  if (py::isinstance<py::str>(best_final)) throw py::type_error("curvecast: best_final must be a number or None");
  return py::cast<double>(best_final);
}
}  // namespace

void init_early_stopping(py::module_& m) {
  py::class_<curvecast::Decision>(m, "Decision", R"doc(
The answer to "should I stop this run?" (EarlyStopper.decide).

action: "continue", "stop" or "no-decision"; rule: which branch of the rule fired
(e.g. "p-below-threshold", "too-few-points"); reason: one sentence; p_better:
P(value at x_final beats the target) (NaN when not computed); predicted_final,
predicted_sd, lower, upper: the predictive at x_final and its `level` interval.
)doc")
      .def_property_readonly(
          "action", [](const curvecast::Decision& d) { return curvecast::to_string(d.action); },
          "'continue', 'stop' or 'no-decision'.")
      .def_property_readonly(
          "rule", [](const curvecast::Decision& d) { return curvecast::to_string(d.rule); },
          "Which branch of the rule produced the decision.")
      .def_property_readonly("stop", &curvecast::Decision::stop, "True when action is 'stop'.")
      .def_readonly("reason", &curvecast::Decision::reason, "Why the rule fired (one sentence).")
      .def_readonly("p_better", &curvecast::Decision::p_better,
                    "P(value at x_final beats target); NaN if not computed.")
      .def_readonly("target", &curvecast::Decision::target, "Best final value so far (NaN: none).")
      .def_readonly("threshold", &curvecast::Decision::threshold, "The rule's probability threshold.")
      .def_readonly("predicted_final", &curvecast::Decision::predicted_final,
                    "Predictive mean at x_final (NaN: no fit).")
      .def_readonly("predicted_sd", &curvecast::Decision::predicted_sd, "Predictive sd at x_final.")
      .def_readonly("lower", &curvecast::Decision::lower, "Lower end of the interval of the final value.")
      .def_readonly("upper", &curvecast::Decision::upper, "Upper end of the interval of the final value.")
      .def_readonly("level", &curvecast::Decision::level, "Level of that interval.")
      .def_readonly("own_best", &curvecast::Decision::own_best, "Best observation of this run.")
      .def_readonly("points_observed", &curvecast::Decision::points_observed, "Points observed in this run.")
      .def_readonly("points_cut", &curvecast::Decision::points_cut, "Points dropped as initial plateau.")
      .def_readonly("points_fitted", &curvecast::Decision::points_fitted, "Points handed to the extrapolator.")
      .def_readonly("below_streak", &curvecast::Decision::below_streak,
                    "Consecutive decisions of this run (this one included) with p_better < threshold.")
      .def_readonly("seconds", &curvecast::Decision::seconds, "Wall time of this decision (fit included).")
      .def("summary", &curvecast::Decision::summary, "One line: action, rule, p_better, predicted final value, reason.")
      .def("__bool__", &curvecast::Decision::stop, "True when the run should stop.")
      .def("__repr__", [](const curvecast::Decision& d) { return "Decision(" + d.summary() + ")"; });

  py::class_<PyEarlyStopper>(m, "EarlyStopper", R"doc(
EarlyStopper(x_final, higher_is_better=False, method=None, seed=0, method_options=None, **options)

Early stopping inside a training loop (Domhan, Springenberg & Hutter 2015's rule):
observe(x, y) after every evaluation, then decide(best_final) says whether to stop
the run, with the reason, P(final beats best_final) and the predicted final value.

x_final: the run's last x (its budget). method: an extrapolator name (default: the
"ensemble" posterior). method_options: keyword options of that method (a dict).
options: the fields of EarlyStoppingOptions (threshold=0.05, min_points=5,
cut_initial_plateau=True, plateau_delta, plateau_look_ahead, plateau_patience,
max_extrapolation, stop_confirmations, optimistic_sd, never_stop_if_own_best_beats,
interval_level, warm_start, ls_num_starts, max_points). decide() releases the GIL while it fits.
)doc")
      .def(py::init([](double x_final, bool higher_is_better, py::object method, std::uint64_t seed,
                       py::object method_options, py::kwargs kw) {
             curvecast::EarlyStoppingOptions o;
             const json oj = kwargs_to_json(kw);
             OptionReader r(oj, "EarlyStopper");
             read_stopping_options(r, o);
             r.finish();
             o.seed = seed;
             const std::string name =
                 method.is_none() ? curvecast::default_early_stopping_method() : method.cast<std::string>();
             auto out = std::make_unique<PyEarlyStopper>();
             out->method = name;
             // As the C++ EarlyStopper(name, ...) builds by name: least-squares methods
             // get ls_num_starts starts unless method_options says otherwise.
             json mo = method_options.is_none() ? json::object() : kwargs_to_json(method_options.cast<py::dict>());
             const bool least_squares = name.rfind("ls:", 0) == 0 || curvecast::has_family(name);
             if (least_squares && !mo.contains("num_starts")) mo["num_starts"] = std::max(1, o.ls_num_starts);
             // and a non-default max_points of the stopper (its streamed summary is made with it).
             if (name != "last" && o.max_points != curvecast::kDefaultMaxPoints && !mo.contains("max_points"))
               mo["max_points"] = o.max_points;
             (void)build_extrapolator(name, seed, mo);  // an unknown name or bad option raises now
             curvecast::EarlyStopper::Factory f = [name, seed, mo] { return build_extrapolator(name, seed, mo); };
             out->s = std::make_unique<curvecast::EarlyStopper>(std::move(f), x_final, higher_is_better, o);
             return out;
           }),
           py::arg("x_final"), py::arg("higher_is_better") = false, py::arg("method") = py::none(), py::arg("seed") = 0,
           py::arg("method_options") = py::none())
      .def(
          "observe",
          [](PyEarlyStopper& self, double x, double y) {
            auto l = self.lock("observe");
            self.s->observe(x, y);
          },
          py::arg("x"), py::arg("y"),
          "Appends one evaluation (x strictly increasing and <= x_final; InvalidInput otherwise).")
      .def(
          "decide",
          [](PyEarlyStopper& self, py::handle best_final) {
            const std::optional<double> t = target_of(best_final);
            auto l = self.lock("decide");
            py::gil_scoped_release release;
            return self.s->decide(t);
          },
          py::arg("best_final") = py::none(), R"doc(
The Decision for the current run against best_final, the best final value of the
runs trained so far (None for the first run). Fits when points arrived since the
last call.
)doc")
      .def(
          "reset",
          [](PyEarlyStopper& self) {
            auto l = self.lock("reset");
            self.s->reset();
          },
          "Starts a new run: forgets the observations (options and extrapolator are kept).")
      .def_property_readonly(
          "x_final", [](const PyEarlyStopper& s) { return s.s->x_final(); }, "The run's last x.")
      .def_property_readonly(
          "higher_is_better", [](const PyEarlyStopper& s) { return s.s->higher_is_better(); },
          "The metric's direction.")
      .def_property_readonly(
          "method", [](const PyEarlyStopper& s) { return s.method; }, "The extrapolator's name.")
      .def_property_readonly(
          "x", [](const PyEarlyStopper& s) { return to_numpy(s.s->observations().x); }, "x observed in this run.")
      .def_property_readonly(
          "y", [](const PyEarlyStopper& s) { return to_numpy(s.s->observations().y); }, "y observed in this run.")
      .def("__repr__", [](const PyEarlyStopper& s) {
        std::ostringstream o;
        o << "EarlyStopper(x_final=" << s.s->x_final() << ", method='" << s.method << "', "
          << s.s->observations().size() << " points observed)";
        return o.str();
      });
}

}  // namespace ccpy
