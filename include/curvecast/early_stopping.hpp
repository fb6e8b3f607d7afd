#pragma once
// Early stopping inside a training loop: "should I stop this run?" after every
// epoch, with the reason and the numbers behind the answer.
//
//   curvecast::EarlyStopper stopper(/*x_final=*/40, /*higher_is_better=*/false);  // default method
//   // or EarlyStopper("ls:akaike", 40, false), or with any std::unique_ptr<Extrapolator>
//   for (int epoch = 1; epoch <= 40; ++epoch) {
//     double err = train_one_epoch_and_validate();
//     stopper.observe(epoch, err);
//     curvecast::Decision d = stopper.decide(best_final_error_so_far);  // std::nullopt for the first run
//     std::cout << d.summary() << "\n";      // action, rule, p_better, predicted final value
//     if (d.stop()) break;
//   }
//   stopper.reset();                         // next run (same extrapolator, same options)
//
// The rule is the classic one of Domhan, Springenberg & Hutter (IJCAI 2015;
// see docs/references.md, The classic Bayesian ensemble): with y_best the best final value seen so far, stop when
// P(y(x_final) beats y_best | data) < threshold (default 0.05), where the
// probability includes observation noise; never stop while the run's own best
// observation already beats y_best; optionally stop ("optimistic") when the
// predictive standard deviation at x_final falls below a given spread; before
// fitting, cut an initial plateau (the curve starts where `plateau_look_ahead`
// consecutive points are better than the first by more than `plateau_delta`).
// Beyond Domhan's rule, `stop_confirmations` > 1 asks for that many consecutive
// decisions below the threshold before a stop (a guard against the Monte Carlo
// error of a single posterior and against one odd point), and `plateau_patience`
// withholds decisions while a run has not started to learn, and `max_extrapolation`
// withholds them while x_final is more than that many times the last observed x
// (for sample-wise curves, whose forecasts reach across decades).
//
// Every decide() fits the extrapolator to all points observed so far (after the
// plateau cut) and reports the predicted final value and its interval, even when
// no target exists yet. The same extrapolator object is refitted each time, so an
// extrapolator with a warm start (the Bayesian posterior re-uses its previous
// samples when the observations are extended) pays a fraction of a cold fit.
// With `warm_start = false` and a method name or factory, a fresh extrapolator
// is built for each fit instead (useful to check warm against cold).
//
// Long runs: once more than `max_points` points are fitted, the stopper hands
// the extrapolator the run's summary (curve_summary.hpp), which it keeps up to
// date in O(1) per observed point, so a decision costs about the same at 10^5
// points as at a few hundred (benchmarks/long_curve_cost.cpp).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <iomanip>
#include <limits>
#include <memory>
#include <optional>
#include <exception>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

#include "ensemble_posterior.hpp"
#include "errors.hpp"
#include "extrapolator.hpp"
#include "factory_options.hpp"
#include "observations.hpp"
#include "predictive.hpp"
#include "stop_decision.hpp"

namespace curvecast {

/// The extrapolator EarlyStopper uses when none is named: the multi-family
/// ensemble posterior "ensemble" (ensemble_posterior.hpp).
inline std::string default_early_stopping_method() { return "ensemble"; }

namespace detail {
/// T, spelled so that it depends on a template parameter (delays name lookup).
template <class T, class>
struct DependentType {
  using type = T;
};
}  // namespace detail

/// Decision object for one training run at a time (see the header comment).
/// Not thread-safe: use one per thread.
class EarlyStopper {
 public:
  using Factory = std::function<std::unique_ptr<Extrapolator>()>;

  /// Builds its extrapolator(s) by name with make_extrapolator (seeded with
  /// options.seed). The calling file must include <curvecast/factory.hpp>
  /// (which brings in Ceres); the default method's constructor below does not.
  template <class Name, std::enable_if_t<std::is_convertible<const Name&, std::string>::value, int> = 0>
  EarlyStopper(const Name& method, double x_final, bool higher_is_better, EarlyStoppingOptions options = {})
      : EarlyStopper(name_factory<Name>(std::string(method), options), x_final, higher_is_better, options) {}
  /// The default method (default_early_stopping_method(): the ensemble
  /// posterior, built as make_extrapolator("ensemble") would build it).
  EarlyStopper(double x_final, bool higher_is_better, EarlyStoppingOptions options = {})
      : EarlyStopper(default_factory(options), x_final, higher_is_better, options) {}
  /// Builds extrapolators with `factory` (called once when warm_start, else once per fit).
  EarlyStopper(Factory factory, double x_final, bool higher_is_better, EarlyStoppingOptions options = {})
      : factory_(std::move(factory)), x_final_(x_final), opt_(options) {
    obs_.higher_is_better = higher_is_better;
    init();
    if (!factory_) throw InvalidOptions("curvecast: EarlyStopper: empty extrapolator factory");
    ex_ = factory_();
    if (!ex_) throw InvalidOptions("curvecast: EarlyStopper: the factory returned no extrapolator");
  }
  /// Uses this extrapolator for every fit (warm_start must be true: it cannot be copied).
  EarlyStopper(std::unique_ptr<Extrapolator> ex, double x_final, bool higher_is_better,
               EarlyStoppingOptions options = {})
      : ex_(std::move(ex)), x_final_(x_final), opt_(options) {
    obs_.higher_is_better = higher_is_better;
    init();
    if (!ex_) throw InvalidOptions("curvecast: EarlyStopper: null extrapolator");
    if (!opt_.warm_start)
      throw InvalidOptions("curvecast: EarlyStopper: warm_start = false needs a method name or a factory");
  }

  const EarlyStoppingOptions& options() const { return opt_; }
  double x_final() const { return x_final_; }
  bool higher_is_better() const { return obs_.higher_is_better; }
  const Observations& observations() const { return obs_; }
  const Extrapolator& extrapolator() const { return *ex_; }

  /// Appends one observation (x strictly increasing, finite; x <= x_final; x may
  /// start at 0, e.g. an evaluation before the first step).
  void observe(double x, double y) {
    if (x > x_final_) {
      std::ostringstream m;
      m << "curvecast: EarlyStopper: x = " << x << " lies beyond the run's final x = " << x_final_;
      throw InvalidInput(m.str());
    }
    obs_.push_back(x, y);  // validates
    if (summary_) summary_->push(x, y);
    dirty_ = true;
  }
  /// Starts a new run: forgets the observations (options and extrapolator are kept).
  void reset() {
    obs_.x.clear();
    obs_.y.clear();
    summary_.reset();
    dirty_ = true;
    forecast_ = StopForecast{};
    streak_ = streak_before_ = 0;
    streak_points_ = 0;
  }

  /// Fits (when points arrived since the last fit) and predicts the value at x_final.
  const StopForecast& forecast() {
    if (!dirty_) return forecast_;
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    StopForecast f;
    const bool hib = obs_.higher_is_better;
    f.points_observed = obs_.size();
    if (!obs_.empty()) {
      f.last_x = obs_.x.back();
      if (!(obs_.x.front() > 0))  // the fitting coordinates' shift (Normaliser::make)
        f.x_origin = obs_.x.front() - (obs_.size() > 1 ? obs_.x[1] - obs_.x.front() : 1.0);
      f.own_best = obs_.y.front();
      for (double v : obs_.y) f.own_best = hib ? std::max(f.own_best, v) : std::min(f.own_best, v);
      f.at_budget = f.last_x >= x_final_;
    }
    f.points_cut =
        opt_.cut_initial_plateau ? detail::plateau_cut(obs_.y, hib, opt_.plateau_delta, opt_.plateau_look_ahead) : 0;
    f.points_fitted = f.points_observed - f.points_cut;
    f.on_plateau = !detail::left_plateau(obs_.y, hib, opt_.plateau_delta, opt_.plateau_look_ahead);
    f.too_few = f.points_fitted < opt_.min_points;
    if (!f.too_few && !f.at_budget) {
      try {
        Observations cut_obs;  // the points after the cut (no copy without one)
        if (f.points_cut > 0)
          cut_obs = Observations({obs_.x.begin() + static_cast<std::ptrdiff_t>(f.points_cut), obs_.x.end()},
                                 {obs_.y.begin() + static_cast<std::ptrdiff_t>(f.points_cut), obs_.y.end()}, hib);
        const Observations& fit_obs = f.points_cut == 0 ? obs_ : cut_obs;
        if (!opt_.warm_start) {
          ex_ = factory_();
          if (!ex_) throw FitFailure("the factory returned no extrapolator");
        }
        const std::optional<CurveSummary> s = summary_of_fitted(f.points_cut);
        if (s)
          ex_->fit_with_summary(fit_obs, *s);
        else
          ex_->fit(fit_obs);
        Predictive p = ex_->predict(x_final_);
        f.mean = p.mean();
        f.sd = p.sd();
        std::tie(f.lower, f.upper) = p.interval(opt_.interval_level);
        if (!std::isfinite(f.mean) || !std::isfinite(f.sd) || !std::isfinite(f.lower) || !std::isfinite(f.upper))
          throw FitFailure("the prediction at x_final is not finite");
        f.final = std::move(p);
        f.fitted = true;
      } catch (const std::exception& e) {  // curvecast::Error and anything an extrapolator throws
        f.failure = e.what();
        f.fitted = false;
        f.final.reset();
      }
    }
    f.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    forecast_ = std::move(f);
    dirty_ = false;
    return forecast_;
  }

  /// The decision for the current run against `best_final` (the best final value
  /// of the runs trained so far; std::nullopt or NaN when there is none yet).
  Decision decide(std::optional<double> best_final = std::nullopt) {
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    const StopForecast& f = forecast();
    if (streak_points_ != obs_.size()) {  // a new observation: the streak so far counts; asking twice does not
      streak_before_ = streak_;
      streak_points_ = obs_.size();
    }
    Decision d = apply_rule(f, best_final, opt_, obs_.higher_is_better, x_final_, streak_before_);
    streak_ = d.below_streak;
    d.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return d;
  }

  /// The rule itself: a pure function of a forecast and a target (cheap; the
  /// benchmark replays many targets against one forecast with it).
  /// `below_before` is the previous decision's below_streak in this run (0 for
  /// the first); it matters only when stop_confirmations > 1.
  static Decision apply_rule(const StopForecast& f, std::optional<double> best_final, const EarlyStoppingOptions& opt,
                             bool higher_is_better, double x_final, std::size_t below_before = 0) {
    Decision d;
    d.threshold = opt.threshold;
    d.level = opt.interval_level;
    d.points_observed = f.points_observed;
    d.points_cut = f.points_cut;
    d.points_fitted = f.points_fitted;
    d.own_best = f.own_best;
    d.seconds = f.seconds;
    const bool has_target = best_final.has_value() && std::isfinite(*best_final);
    if (has_target) d.target = *best_final;
    if (f.fitted) {
      d.predicted_final = f.mean;
      d.predicted_sd = f.sd;
      d.lower = f.lower;
      d.upper = f.upper;
    }
    std::ostringstream r;
    r << std::setprecision(4);
    auto finish = [&](StopAction a, StopRule rule) {
      d.action = a;
      d.rule = rule;
      d.reason = r.str();
      return d;
    };
    const char* better = higher_is_better ? "above" : "below";
    if (f.at_budget) {
      r << "the run has reached its final x = " << x_final << "; nothing left to save";
      return finish(StopAction::NoDecision, StopRule::AtBudget);
    }
    if (f.too_few) {
      r << f.points_fitted << " point(s) to fit";
      if (f.points_cut > 0) r << " after cutting a " << f.points_cut << "-point initial plateau";
      r << "; at least " << opt.min_points << " are needed before any decision";
      return finish(StopAction::NoDecision, StopRule::TooFewPoints);
    }
    if (has_target && opt.never_stop_if_own_best_beats &&
        (higher_is_better ? f.own_best > *best_final : f.own_best < *best_final)) {
      r << "this run's best observation " << f.own_best << " already beats the best final value " << *best_final
        << "; never stopped";
      if (f.fitted) d.p_better = f.final->prob_better(*best_final);
      return finish(StopAction::Continue, StopRule::OwnBestBeatsTarget);
    }
    const double span_seen = f.last_x - f.x_origin, span_final = x_final - f.x_origin;  // x itself unless x starts <= 0
    if (opt.plateau_patience > 0 && f.on_plateau && span_seen < opt.plateau_patience * span_final) {
      r << "the run has not left its initial plateau yet (" << opt.plateau_look_ahead
        << " consecutive points better than the first by more than " << opt.plateau_delta << ") at x = " << f.last_x
        << " < " << opt.plateau_patience << " * x_final; a curve that has not started to"
        << " learn says nothing about its take-off";
      if (f.fitted && has_target) d.p_better = f.final->prob_better(*best_final);
      return finish(StopAction::NoDecision, StopRule::StillOnPlateau);
    }
    if (opt.max_extrapolation && span_final > *opt.max_extrapolation * span_seen) {
      r << "x_final = " << x_final << " is " << span_final / span_seen << " times the last observed x = " << f.last_x
        << ", beyond max_extrapolation = " << *opt.max_extrapolation << "; no decision that far ahead";
      if (f.fitted && has_target) d.p_better = f.final->prob_better(*best_final);
      return finish(StopAction::NoDecision, StopRule::TooFarAhead);
    }
    if (!f.fitted) {
      r << "the extrapolator gave no usable prediction: " << f.failure;
      return finish(StopAction::NoDecision, StopRule::FitFailed);
    }
    if (!has_target) {
      r << "no best final value to compare with yet (first run)";
      return finish(StopAction::NoDecision, StopRule::NoTarget);
    }
    d.p_better = f.final->prob_better(*best_final);
    if (d.p_better < opt.threshold) {
      d.below_streak = below_before + 1;
      r << "P(final value " << better << " the best final " << *best_final << ") = " << d.p_better << " < threshold "
        << opt.threshold;
      if (d.below_streak < opt.stop_confirmations) {
        r << " on " << d.below_streak << " consecutive decision(s); " << opt.stop_confirmations
          << " are needed to stop";
        return finish(StopAction::Continue, StopRule::AwaitingConfirmation);
      }
      if (opt.stop_confirmations > 1) r << " on " << d.below_streak << " consecutive decisions";
      return finish(StopAction::Stop, StopRule::ProbBelowThreshold);
    }
    if (opt.optimistic_sd > 0 && f.sd < opt.optimistic_sd) {
      r << "predictive sd at x_final " << f.sd << " < " << opt.optimistic_sd
        << ": the final value is already known well enough (" << f.mean << ")";
      return finish(StopAction::Stop, StopRule::OptimisticSpread);
    }
    r << "P(final value " << better << " the best final " << *best_final << ") = " << d.p_better << " >= threshold "
      << opt.threshold;
    return finish(StopAction::Continue, StopRule::ProbAboveThreshold);
  }

 private:
  // make_extrapolator is found when the constructor is instantiated (the
  // options' type depends on Name), so only by-name users need factory.hpp.
  template <class Name>
  static Factory name_factory(const std::string& method, const EarlyStoppingOptions& o) {
    typename detail::DependentType<FactoryOptions, Name>::type fo;
    fo.seed = o.seed;
    fo.fit.num_starts = std::max(1, o.ls_num_starts);
    fo.fit.max_points = o.max_points;
    (void)make_extrapolator(method, fo);  // an unknown name throws UsageError now, not at the first fit
    return [method, fo]() { return make_extrapolator(method, fo); };
  }
  static Factory default_factory(const EarlyStoppingOptions& o) {
    PosteriorOptions p;
    p.seed = o.seed;
    p.max_points = o.max_points;
    return [p]() { return std::make_unique<EnsemblePosterior>(p); };
  }
  /// The summary of the points after the plateau cut (std::nullopt when they
  /// are at most max_points or the summary is unusable). The summariser follows
  /// observe() point by point; a new cut rebuilds it once.
  std::optional<CurveSummary> summary_of_fitted(std::size_t cut) {
    const std::size_t n = obs_.size();
    if (opt_.max_points == 0 || n - cut <= opt_.max_points) return std::nullopt;
    if (!summary_ || summary_from_ != cut) {
      summary_.emplace(opt_.max_points);
      summary_from_ = cut;
      for (std::size_t i = cut; i < n; ++i) summary_->push(obs_.x[i], obs_.y[i]);
    }
    return summary_->summary();
  }
  void init() {
    opt_.validate();
    if (!std::isfinite(x_final_) || !(x_final_ > 0))
      throw InvalidOptions("curvecast: EarlyStopper: x_final must be finite and > 0");
  }

  Factory factory_;
  std::unique_ptr<Extrapolator> ex_;
  double x_final_;
  EarlyStoppingOptions opt_;
  Observations obs_;
  StopForecast forecast_;
  std::optional<CurveSummariser> summary_;  // points from summary_from_ on, once a summary is needed
  std::size_t summary_from_ = 0;
  bool dirty_ = true;
  std::size_t streak_ = 0;         // below_streak of the last decision
  std::size_t streak_before_ = 0;  // below_streak before the current observation's first decision
  std::size_t streak_points_ = 0;  // observations when streak_before_ was taken
};

}  // namespace curvecast
