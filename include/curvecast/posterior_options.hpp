#pragma once
// Options of the learning-curve posteriors: the multi-family ensemble
// (ensemble_posterior.hpp) and the single-family posterior
// (single_family_posterior.hpp). No Ceres here.
//
//   curvecast::PosteriorOptions o;                         // ensemble of pow3 + ilog2 + janoschek
//   o.prior = curvecast::PriorKind::LcPfn;                 // LC-PFN's prior (metric in [0,1], x = 1..100)
//   o.seed = 7;
//   o.validate();                                          // InvalidOptions naming the field
//   auto single = curvecast::PosteriorOptions::single("pow4");  // for SingleFamilyPosterior
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "curve_summary.hpp"
#include "errors.hpp"
#include "registry.hpp"

namespace curvecast {

/// Which prior the posterior uses.
enum class PriorKind {
  // clang-format off
  Default,  ///< scale-free: any metric, any direction, any positive x (normalised internally)
  LcPfn,    ///< LC-PFN's prior (docs/references.md, The LC-PFN prior): metric in [0,1] (flipped if lower is better), x on 1..100
  // clang-format on
};

/// Options of the learning-curve posteriors (EnsemblePosterior, SingleFamilyPosterior).
struct PosteriorOptions {
  // clang-format off
  PriorKind prior = PriorKind::Default;  ///< Default (any data) or LcPfn (LC-PFN's prior, [0,1] and x = 1..100)
  std::vector<std::string> families{"pow3", "ilog2", "janoschek"};  ///< ensemble members: subset of pow3, ilog2, janoschek, mmf
  std::string single_family;             ///< non-empty: a single-family posterior of that registered family instead
  int walkers = 32;                      ///< ensemble walkers (even, >= 2 * dim + 2)
  int burn_in = 60;                      ///< discarded steps per walker after the prior importance start
  int steps = 200;                       ///< kept steps per walker
  int prior_draws = 1024;                ///< prior draws for the importance-sampling start (>= walkers)
  double kde_fraction = 0.8;             ///< share of kernel-density moves (mode jumping) in the sampler, [0, 1]
  bool exact_lcpfn_prior = true;         ///< LcPfn prior: importance-weight draws from the Gaussian coefficient prior to LC-PFN's exact one
  double start_ess = 0.0;                ///< start: temper the prior importance weights until their ESS >= start_ess * walkers (>= 0)
  int coefficient_draws = 4;             ///< conditional draws of the linear coefficients per posterior draw (>= 1)
  int max_components = 400;              ///< posterior draws kept for the predictive mixture (>= 1)
  bool recency = false;                  ///< weight point i's log-likelihood by 10^(i/n) (Domhan et al.'s option)
  bool rise = true;                      ///< constraint: the curve ends higher (better) than it starts on the check range
  bool monotone = false;                 ///< constraint: non-decreasing (in the better direction) on the check range
  bool bounded = true;                   ///< constraint: stays within [lower, upper] (normalised units) on the check range
  double lower = 0.0;                    ///< lower bound, normalised units (LcPfn: raw [0,1]; Default: prefix range = [0,1])
  double upper = 1.0;                    ///< upper bound, normalised units (LcPfn: raw; Default: [lower - 1, best attainable], see make_constraints)
  std::optional<double> best_attainable; ///< Default prior: raw value the metric cannot improve beyond (finite); unset: detected (detect_bound) or none
  bool detect_bound = true;              ///< Default prior, best_attainable unset: losses/errors observed >= 0 are bounded by 0, higher-is-better values in [0,1] by 1, in [0,100] (percent) by 100
  double coefficient_sd_scale = 2.0;     ///< Default prior: multiplier on the sd of LC-PFN's coefficient prior (levels, amplitudes)
  bool headroom_scale = true;            ///< Default prior with a bound: z = 0 at the prefix's worst value, 1 at the bound (else 1 at its best)
  std::optional<double> horizon;         ///< check range end / monitored x, raw units (finite, > 0); unset: LcPfn 100, Default 10 * last x
  std::optional<double> discrepancy;     ///< model-discrepancy rate lambda (z units per sqrt(ln x)), fixed (finite, >= 0), added beyond the data only; unset: LcPfn 0, Default learned per curve
  double discrepancy_median = 0.15;      ///< learned discrepancy: prior median of lambda (z units per sqrt(ln x)), log-normal prior
  double discrepancy_log_sd = 1.0;       ///< learned discrepancy: prior sd of ln lambda
  double points_per_ln_x = 25;           ///< learned discrepancy: a prefix denser than this many points per unit of ln x (n > points_per_ln_x * ln(t_n / t_1)) is long: its likelihood is tempered to the power points_per_ln_x * ln(t_n / t_1) / n (coarsened posterior) and its discrepancy gains a wandering slope; 0 = never
  double slope_discrepancy_median = 0.25; ///< long prefixes: prior median of the slope-wander rate eta, in units of the prefix's recent slope (z per ln x) per sqrt(ln x); log-normal prior; 0 = no wandering slope
  double slope_discrepancy_log_sd = 1.0;  ///< long prefixes: prior sd of ln eta
  double onset_rate = 0.05;              ///< Default-prior ensemble: hazard per unit ln x, on a flat prefix, of learning onset after the data (detail/regime_change.hpp), chosen by cross-validation grouped by task (docs/results.md); 0 = none
  double turn_rate = 0.01;               ///< Default-prior ensemble: hazard per unit ln x of a turn for the worse after the data, chosen by the same cross-validation; 0 = none
  bool warm_start = true;                ///< refit on extended observations starts from the previous ensemble
  int warm_burn_in = 15;                 ///< burn-in steps of a warm-started refit
  int warm_steps = 50;                   ///< kept steps of a warm-started refit
  int max_extensions = 2;                ///< cold ensemble fits: extra blocks of `steps` kept steps while split R-hat >= 1.05
  std::uint64_t seed = 0;                ///< seed of every random choice
  int threads = 1;                       ///< sampler threads (results do not depend on it)
  std::optional<double> time_budget_seconds;  ///< wall-time budget of one fit() (finite, > 0); unset: none; a cut run is flagged in diagnostics() and is not reproducible
  std::size_t max_points = kDefaultMaxPoints;  ///< longer curves are fitted to a summary of <= max_points / 4 points (curve_summary.hpp); 0 = never, else >= 64
  // clang-format on

  static PosteriorOptions single(const std::string& family) {
    PosteriorOptions o;
    o.single_family = family;
    o.burn_in = 300;
    o.steps = 300;
    return o;
  }
  /// LC-PFN's prior ("ensemble:lcpfn"): no discrepancy, no regime changes.
  static PosteriorOptions lcpfn() {
    PosteriorOptions o;
    o.prior = PriorKind::LcPfn;
    o.onset_rate = 0;
    o.turn_rate = 0;
    return o;
  }
  /// The default prior without regime changes beyond the data ("ensemble:smooth"):
  /// the predictive follows the smooth ensemble and its discrepancy only.
  static PosteriorOptions smooth() {
    PosteriorOptions o;
    o.onset_rate = 0;
    o.turn_rate = 0;
    return o;
  }

  /// Whether `name` is a posterior's factory name: "ensemble", "ensemble:lcpfn",
  /// "ensemble:smooth" or "mcmc:<registered family>".
  static bool is_method(const std::string& name) {
    return name == "ensemble" || name == "ensemble:lcpfn" || name == "ensemble:smooth" ||
           (name.rfind("mcmc:", 0) == 0 && has_family(name.substr(5)));
  }
  /// The options behind a posterior's factory name (see is_method); InvalidInput otherwise.
  static PosteriorOptions for_method(const std::string& name) {
    if (name == "ensemble") return PosteriorOptions{};
    if (name == "ensemble:lcpfn") return lcpfn();
    if (name == "ensemble:smooth") return smooth();
    if (name.rfind("mcmc:", 0) == 0 && has_family(name.substr(5))) return single(name.substr(5));
    throw InvalidInput("curvecast: '" + name +
                       "' is not a posterior (ensemble, ensemble:lcpfn, ensemble:smooth, mcmc:<family>)");
  }

  void validate() const {
    auto bad = [](const std::string& w) { throw InvalidOptions("curvecast: PosteriorOptions: " + w); };
    if (single_family.empty()) {
      if (families.empty()) bad("families must not be empty");
      for (const auto& f : families)
        if (f != "pow3" && f != "ilog2" && f != "janoschek" && f != "mmf")
          bad("unknown ensemble family '" + f + "' (use pow3, ilog2, janoschek, mmf)");
      for (std::size_t i = 0; i < families.size(); ++i)
        for (std::size_t j = i + 1; j < families.size(); ++j)
          if (families[i] == families[j]) bad("family '" + families[i] + "' listed twice");
    } else if (!has_family(single_family)) {
      bad("unknown family '" + single_family + "'");
    }
    if (walkers < 4 || walkers % 2) bad("walkers must be even and >= 4");
    if (burn_in < 0 || warm_burn_in < 0) bad("burn_in must be >= 0");
    if (steps < 4 || warm_steps < 4) bad("steps must be >= 4");
    if (max_extensions < 0) bad("max_extensions must be >= 0");
    if (prior_draws < walkers) bad("prior_draws must be >= walkers");
    if (!(kde_fraction >= 0 && kde_fraction <= 1)) bad("kde_fraction must lie in [0, 1]");
    if (!(start_ess >= 0) || !std::isfinite(start_ess)) bad("start_ess must be finite and >= 0");
    if (coefficient_draws < 1) bad("coefficient_draws must be >= 1");
    if (max_components < 1) bad("max_components must be >= 1");
    if (!(lower < upper)) bad("lower must be < upper");
    if (best_attainable && !std::isfinite(*best_attainable)) bad("best_attainable must be finite (or unset)");
    if (!(coefficient_sd_scale > 0) || !std::isfinite(coefficient_sd_scale))
      bad("coefficient_sd_scale must be finite and > 0");
    if (horizon && (!(*horizon > 0) || !std::isfinite(*horizon))) bad("horizon must be finite and > 0 (or unset)");
    if (threads < 1) bad("threads must be >= 1");
    if (max_points != 0 && max_points < kMinMaxPoints) bad("max_points must be 0 (never summarise) or >= 64");
    if (time_budget_seconds && (!(*time_budget_seconds > 0) || !std::isfinite(*time_budget_seconds)))
      bad("time_budget_seconds must be finite and > 0 (or unset for no budget)");
    if (discrepancy && (!(*discrepancy >= 0) || !std::isfinite(*discrepancy)))
      bad("discrepancy must be finite and >= 0 (or unset)");
    if (!(discrepancy_median > 0) || !std::isfinite(discrepancy_median))
      bad("discrepancy_median must be finite and > 0");
    if (!(onset_rate >= 0) || !std::isfinite(onset_rate)) bad("onset_rate must be finite and >= 0");
    if (!(turn_rate >= 0) || !std::isfinite(turn_rate)) bad("turn_rate must be finite and >= 0");
    if (!(discrepancy_log_sd > 0) || !std::isfinite(discrepancy_log_sd))
      bad("discrepancy_log_sd must be finite and > 0");
    if (!(slope_discrepancy_median >= 0) || !std::isfinite(slope_discrepancy_median))
      bad("slope_discrepancy_median must be finite and >= 0");
    if (!(points_per_ln_x >= 0) || !std::isfinite(points_per_ln_x)) bad("points_per_ln_x must be finite and >= 0");
    if (!(slope_discrepancy_log_sd > 0) || !std::isfinite(slope_discrepancy_log_sd))
      bad("slope_discrepancy_log_sd must be finite and > 0");
  }
  /// Whether the ensemble learns the discrepancy rate (Default prior, unset
  /// rate, no recency weighting: per-point weights have no meaning under the
  /// correlated likelihood, so `recency` uses the fixed rate 0.2).
  bool learns_discrepancy() const {
    return single_family.empty() && !discrepancy && prior == PriorKind::Default && !recency;
  }
  /// Likelihood tempering power of a prefix of n points spanning span_ln_t
  /// units of ln x (normalised): points_per_ln_x * span_ln_t / n when that is
  /// below 1 (a long prefix: tempered, with a wandering slope), else 1.
  double tempering(std::size_t n, double span_ln_t) const {
    if (!learns_discrepancy() || !(points_per_ln_x > 0) || n == 0 || !(span_ln_t >= 0)) return 1.0;
    const double b = points_per_ln_x * span_ln_t / static_cast<double>(n);
    return b < 1 ? b : 1.0;
  }
  /// The fixed discrepancy rate in effect when it is not learned.
  double discrepancy_rate() const { return discrepancy ? *discrepancy : prior == PriorKind::LcPfn ? 0.0 : 0.2; }
};

}  // namespace curvecast
