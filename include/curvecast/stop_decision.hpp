#pragma once
// The early-stopping rule's options and answers: EarlyStoppingOptions, the
// action and the rule behind it, the forecast at x_final and the Decision that
// EarlyStopper::decide() returns (early_stopping.hpp), and the plateau tests.
// No Ceres and no extrapolator here.
//
//   curvecast::EarlyStoppingOptions o;
//   o.threshold = 0.1;                        // stop when P(final beats best so far) < 0.1
//   o.validate();                             // InvalidOptions naming the field
//   curvecast::Decision d = stopper.decide(best);
//   if (d.action == curvecast::StopAction::Stop) std::cout << to_string(d.rule) << "\n";
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "curve_summary.hpp"
#include "errors.hpp"
#include "predictive.hpp"

namespace curvecast {

/// Options of the early-stopping rule (defaults: Domhan et al. 2015's rule).
struct EarlyStoppingOptions {
  // clang-format off
  double threshold = 0.05;              ///< stop when P(final beats best so far) < threshold; in (0, 1)
  std::size_t min_points = 5;           ///< fewer fitted points (after the plateau cut) give NoDecision; >= 2
  bool cut_initial_plateau = true;      ///< drop the initial plateau before fitting (Domhan's cut_beginning)
  double plateau_delta = 0.05;          ///< raw units: a point leaves the plateau when better than the first by more; >= 0
  std::size_t plateau_look_ahead = 5;   ///< consecutive points that must leave the plateau; >= 1
  double plateau_patience = 0;          ///< > 0: no decision before the run has left its initial plateau (plateau_look_ahead points beating the first by plateau_delta), up to x = patience * x_final; 0 = off
  std::optional<double> max_extrapolation;  ///< set (finite, >= 1): no decision while x_final / (last observed x) exceeds it (x counted from StopForecast::x_origin); unset: off
  std::size_t stop_confirmations = 1;   ///< Stop only when P(final beats target) < threshold on this many consecutive decisions of the run (1 = Domhan: the first time); >= 1
  double optimistic_sd = 0;             ///< > 0: also stop when the predictive sd at x_final is below it (raw units); 0 = off
  bool never_stop_if_own_best_beats = true;  ///< Continue while the run's own best observation beats the target
  double interval_level = 0.9;          ///< level of the reported interval of the final value; in (0, 1)
  bool warm_start = true;               ///< refit the same extrapolator (warm); false: a fresh one per fit (needs a name or factory)
  std::uint64_t seed = 0;               ///< seed passed to extrapolators built from a method name
  int ls_num_starts = 1;                ///< least-squares starts per family for extrapolators built by name (>= 1; FitOptions' default is 4)
  std::size_t max_points = kDefaultMaxPoints;  ///< runs of more fitted points are fitted to their summary, kept up to date point by point (curve_summary.hpp); passed to extrapolators built by name; 0 = never, else >= 64
  // clang-format on

  void validate() const {
    auto bad = [](const std::string& what) { throw InvalidOptions("curvecast: EarlyStoppingOptions: " + what); };
    if (!(threshold > 0 && threshold < 1)) bad("threshold must lie in (0, 1)");
    if (min_points < 2) bad("min_points must be >= 2");
    if (!(plateau_delta >= 0) || !std::isfinite(plateau_delta)) bad("plateau_delta must be finite and >= 0");
    if (plateau_look_ahead < 1) bad("plateau_look_ahead must be >= 1");
    if (!(plateau_patience >= 0 && plateau_patience <= 1)) bad("plateau_patience must lie in [0, 1] (0 = off)");
    if (max_extrapolation && !(*max_extrapolation >= 1 && std::isfinite(*max_extrapolation)))
      bad("max_extrapolation must be finite and >= 1 (or unset: off)");
    if (stop_confirmations < 1)
      bad("stop_confirmations must be >= 1 (1 = stop the first time P falls below threshold)");
    if (!(optimistic_sd >= 0) || !std::isfinite(optimistic_sd)) bad("optimistic_sd must be finite and >= 0 (0 = off)");
    if (!(interval_level > 0 && interval_level < 1)) bad("interval_level must lie in (0, 1)");
    if (ls_num_starts < 1) bad("ls_num_starts must be >= 1");
    if (max_points != 0 && max_points < kMinMaxPoints) bad("max_points must be 0 (never summarise) or >= 64");
  }
};

/// What to do with the run.
enum class StopAction { Continue, Stop, NoDecision };

/// Which branch of the rule produced the decision.
enum class StopRule {
  // clang-format off
  TooFewPoints,        ///< NoDecision: fewer than min_points points to fit (after the plateau cut)
  AtBudget,            ///< NoDecision: the run has reached x_final
  FitFailed,           ///< NoDecision: the extrapolator could not fit or predict (reason says why)
  NoTarget,            ///< NoDecision: no best final value to compare with (first run)
  StillOnPlateau,      ///< NoDecision: the run has not left its initial plateau yet (plateau_patience)
  TooFarAhead,         ///< NoDecision: x_final lies more than max_extrapolation times beyond the last observed x
  OwnBestBeatsTarget,  ///< Continue: an observation of this run already beats the target
  ProbBelowThreshold,  ///< Stop: P(final beats target) < threshold (on stop_confirmations consecutive decisions)
  AwaitingConfirmation,  ///< Continue: P(final beats target) < threshold, but on fewer than stop_confirmations consecutive decisions
  OptimisticSpread,    ///< Stop: the predictive sd at x_final is below optimistic_sd
  ProbAboveThreshold,  ///< Continue: P(final beats target) >= threshold
  // clang-format on
};

inline const char* to_string(StopAction a) {
  switch (a) {
    case StopAction::Continue: return "continue";
    case StopAction::Stop: return "stop";
    default: return "no-decision";
  }
}
inline const char* to_string(StopRule r) {
  switch (r) {
    case StopRule::TooFewPoints: return "too-few-points";
    case StopRule::AtBudget: return "at-budget";
    case StopRule::FitFailed: return "fit-failed";
    case StopRule::NoTarget: return "no-target";
    case StopRule::StillOnPlateau: return "still-on-plateau";
    case StopRule::TooFarAhead: return "too-far-ahead";
    case StopRule::OwnBestBeatsTarget: return "own-best-beats-target";
    case StopRule::ProbBelowThreshold: return "p-below-threshold";
    case StopRule::OptimisticSpread: return "optimistic-small-spread";
    case StopRule::AwaitingConfirmation: return "awaiting-confirmation";
    default: return "p-above-threshold";
  }
}

/// The target-independent part of a decision: the fit of the current run and
/// its predictive distribution at x_final. EarlyStopper::forecast() makes one;
/// EarlyStopper::apply_rule() turns it and a target into a Decision.
struct StopForecast {
  std::size_t points_observed = 0;  ///< points observed in this run
  std::size_t points_cut = 0;       ///< points dropped as initial plateau
  std::size_t points_fitted = 0;    ///< points handed to the extrapolator
  double last_x = std::numeric_limits<double>::quiet_NaN();
  // clang-format off
  double x_origin = 0;              ///< where x counts from for plateau_patience and max_extrapolation: 0, or x[0] - (x[1] - x[0]) when x starts at or below 0
  double own_best = std::numeric_limits<double>::quiet_NaN();  ///< best observation of this run
  bool at_budget = false;           ///< last_x >= x_final
  bool too_few = false;             ///< points_fitted < min_points
  bool on_plateau = false;          ///< no plateau_look_ahead consecutive points beat the first by more than plateau_delta yet
  bool fitted = false;              ///< the predictive below is valid
  std::string failure;              ///< why no prediction (fit failure text), when !fitted and !too_few
  std::optional<Predictive> final;  ///< predictive of the observed value at x_final
  double mean = std::numeric_limits<double>::quiet_NaN();   ///< final.mean()
  double sd = std::numeric_limits<double>::quiet_NaN();     ///< final.sd()
  double lower = std::numeric_limits<double>::quiet_NaN();  ///< central interval of the final value
  // clang-format on
  double upper = std::numeric_limits<double>::quiet_NaN();
  double seconds = 0;  ///< wall time of the fit and prediction
};

/// The answer to "should I stop this run?".
struct Decision {
  StopAction action = StopAction::NoDecision;
  StopRule rule = StopRule::TooFewPoints;
  // clang-format off
  std::string reason;  ///< one sentence: why this rule fired (the predicted final value is in the fields below)
  double p_better = std::numeric_limits<double>::quiet_NaN();  ///< P(value at x_final beats target); NaN if not computed
  double target = std::numeric_limits<double>::quiet_NaN();    ///< best final value so far (NaN: none)
  // clang-format on
  double threshold = 0;
  double predicted_final = std::numeric_limits<double>::quiet_NaN();  ///< predictive mean at x_final
  double predicted_sd = std::numeric_limits<double>::quiet_NaN();
  double lower = std::numeric_limits<double>::quiet_NaN();  ///< interval of the final value
  double upper = std::numeric_limits<double>::quiet_NaN();
  double level = 0.9;
  double own_best = std::numeric_limits<double>::quiet_NaN();
  std::size_t points_observed = 0, points_cut = 0, points_fitted = 0;
  // clang-format off
  std::size_t below_streak = 0;  ///< consecutive decisions of this run, this one included, with P(final beats target) < threshold
  double seconds = 0;  ///< wall time of this decision (fit included)
  // clang-format on

  bool stop() const { return action == StopAction::Stop; }
  /// One line: action, rule, p_better, predicted final value and interval, reason.
  std::string summary() const {
    std::ostringstream s;
    s << std::setprecision(4) << to_string(action) << " [" << to_string(rule) << "]";
    if (!std::isnan(p_better)) s << " p_better=" << p_better;
    if (!std::isnan(predicted_final)) s << " final=" << predicted_final << " [" << lower << ", " << upper << "]";
    s << " (" << std::setprecision(3) << seconds * 1e3 << " ms): " << reason;
    return s.str();
  }
};

namespace detail {
/// Domhan et al.'s cut_beginning, mirrored for lower-is-better metrics: the index
/// of the first point from which `look` consecutive points are better than the
/// first by more than `delta`; 0 (nothing cut) when there is none.
inline std::size_t plateau_cut(const std::vector<double>& y, bool higher_is_better, double delta, std::size_t look) {
  if (y.size() <= look) return 0;
  for (std::size_t i = 0; i + look < y.size(); ++i) {
    bool leaves = true;
    for (std::size_t j = i; j < i + look && leaves; ++j) {
      const double gain = higher_is_better ? y[j] - y[0] : y[0] - y[j];
      leaves = gain > delta;
    }
    if (leaves) return i;
  }
  return 0;
}
}  // namespace detail

namespace detail {
/// Whether the run has left its initial plateau: `look` consecutive points
/// (or all points after the first, if fewer) better than the first by more
/// than `delta`.
inline bool left_plateau(const std::vector<double>& y, bool higher_is_better, double delta, std::size_t look) {
  std::size_t run = 0;
  for (std::size_t j = 1; j < y.size(); ++j) {
    const double gain = higher_is_better ? y[j] - y[0] : y[0] - y[j];
    run = gain > delta ? run + 1 : 0;
    if (run >= look) return true;
  }
  return false;
}
}  // namespace detail

}  // namespace curvecast
