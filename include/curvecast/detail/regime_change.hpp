#pragma once
// Internal: regime changes beyond the data, the default ensemble posterior's
// prior that a curve can change course after its last observation.
//
//   curvecast::detail::RegimeChange rc = curvecast::detail::RegimeChange::make(onset, turn, gain, zr, z_bound);
//   rc.extend(t, t_last, w, mu_z, sd_z);   // adds the changed-regime components to a predictive (z units)
//
// Two shapes of change the smooth ensemble cannot anticipate from a prefix:
// - onset: a curve on a plateau (a loss at chance level) starts to learn after
//   the data (a sigmoid in ln x or a broken power law toward a better level);
// - turn: a curve turns for the worse (over-fitting, divergence, a learner that
//   degrades with more data).
// Each is a change point in s = ln(t / t_last) with a constant hazard per unit
// of s (onset rate h_on, turn rate h_turn; competing risks), so the
// probability that a change has happened by t is 1 - exp(-(h_on + h_turn) s).
// Data without a change are equally likely under both regimes, so the
// posterior probability of a change after the data is its prior probability:
// nothing to sample. The onset hazard is the option's rate on a flat prefix and
// shrinks with the prefix's improvement: h_on = onset_rate * exp(-g / 0.1),
// g = the prefix range as a share of the distance from its worst value to the
// metric's bound (0 for a constant prefix) (z units with headroom scaling; a curve that already improved
// by half its headroom has no onset left to make). Without a known bound there
// is no plateau to break and h_on = 0.
// Once changed, the value at t is the unchanged value plus an amount uniform
// on [0, span] in the changed direction: onset spans the distance to the
// bound (a learning run can go anywhere up to it); a turn spans the same
// distance, at least one prefix range (a loss can double, an error rate can
// rise by what it has gained), and with probability 1/4 ten times that
// (divergence, a learner that degrades many-fold). The amount, not its timing within (t_last, t],
// is what the predictive at one t sees, so a gradual change (a sigmoid in ln x
// part way through) is covered by the same uniform amount. In the predictive
// the uniform is a mixture of kBins Gaussians (each widened by the noise and
// discrepancy of the unchanged mixture); in joint paths (sample_curves) the
// change is a step at the change point.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace curvecast::detail {

struct RegimeChange {
  static constexpr int kBins = 8;               // Gaussians per changed-regime uniform in the predictive
  static constexpr double kPlateauScale = 0.1;  // onset hazard falls by e per 0.1 of headroom the prefix gained
  // A turn's amount: uniform on [0, span] or on [0, 10 span] with
  // probabilities 3/4, 1/4 (a diverging loss or an error that degrades
  // many-fold is not bounded by what the prefix gained).
  static constexpr int kTurnScales = 2;
  static constexpr double kTurnShare[kTurnScales] = {0.75, 0.25};
  static constexpr double kTurnScale[kTurnScales] = {1.0, 10.0};

  double onset = 0;                                           // onset hazard per unit ln t beyond the data (0: none)
  double turn = 0;                                            // turn hazard per unit ln t
  double zr = 1;                                              // prefix range, z units
  double z_bound = std::numeric_limits<double>::quiet_NaN();  // metric's best value, z units (NaN: none)

  /// From the options' rates, the prefix's gain (its range in z units, 0 for a
  /// constant prefix), the unit of the spans (the prefix range in z units, 1
  /// when it is 0) and the bound in z units (NaN: none).
  static RegimeChange make(double onset_rate, double turn_rate, double gain, double zr, double z_bound) {
    RegimeChange r;
    r.zr = zr > 0 && std::isfinite(zr) ? zr : 1.0;
    r.z_bound = z_bound;
    const double g = gain >= 0 && std::isfinite(gain) ? gain : r.zr;
    r.onset = std::isfinite(z_bound) ? onset_rate * std::exp(-g / kPlateauScale) : 0.0;
    r.turn = turn_rate;
    return r;
  }

  bool active() const { return onset > 0 || turn > 0; }

  /// Probabilities that an onset / a turn has happened by t (t >= t_last).
  void probabilities(double t, double t_last, double* p_onset, double* p_turn) const {
    *p_onset = *p_turn = 0;
    const double h = onset + turn;
    if (!(h > 0) || !(t > t_last)) return;
    const double p = -std::expm1(-h * std::log(t / t_last));
    *p_onset = p * onset / h;
    *p_turn = p * turn / h;
  }

  /// Span of an onset's amount from the unchanged value v (z units; 0: none).
  double onset_span(double v) const {
    if (!std::isfinite(z_bound)) return 0.0;
    return std::max(z_bound - v, 0.0);
  }
  /// Span of a turn's amount from v (z units).
  double turn_span(double v) const {
    const double to_bound = std::isfinite(z_bound) ? z_bound - v : 0.0;
    return std::max(to_bound, zr);
  }

  /// Adds the changed regimes to a predictive mixture at t (weights w, means
  /// and sds in z units; the direction of better is +z). No-op before t_last.
  void extend(double t, double t_last, std::vector<double>& w, std::vector<double>& mu, std::vector<double>& sd) const {
    double p_on, p_turn;
    probabilities(t, t_last, &p_on, &p_turn);
    if (!(p_on + p_turn > 0)) return;
    double tot = 0, m = 0, v2 = 0;
    for (std::size_t s = 0; s < w.size(); ++s) tot += w[s];
    if (!(tot > 0)) return;
    for (std::size_t s = 0; s < w.size(); ++s) {
      m += w[s] * mu[s];
      v2 += w[s] * sd[s] * sd[s];
    }
    m /= tot;
    const double noise = std::sqrt(v2 / tot);
    if (!std::isfinite(m) || !std::isfinite(noise)) return;
    // A change with no room (an onset at the bound) keeps its mass unchanged.
    const double span_on = onset_span(m), span_turn = turn_span(m);
    if (!(span_on > 0)) p_on = 0;
    if (!(span_turn > 0)) p_turn = 0;
    const double stay = 1.0 - p_on - p_turn;
    for (double& x : w) x *= stay;
    auto add = [&](double p, double span, double dir) {
      if (!(p > 0)) return;
      const double h = span / kBins, s = std::sqrt(noise * noise + 0.36 * h * h);
      for (int k = 0; k < kBins; ++k) {
        w.push_back(tot * p / kBins);
        mu.push_back(m + dir * h * (k + 0.5));
        sd.push_back(s);
      }
    };
    add(p_on, span_on, +1.0);
    for (int j = 0; j < kTurnScales; ++j) add(p_turn * kTurnShare[j], span_turn * kTurnScale[j], -1.0);
  }

  /// A turn's span multiplier for a uniform u (kTurnScale with kTurnShare's probabilities).
  static double turn_scale(double u) {
    double c = 0;
    for (int j = 0; j < kTurnScales; ++j)
      if (u < (c += kTurnShare[j])) return kTurnScale[j];
    return kTurnScale[kTurnScales - 1];
  }

  /// A joint path's change from uniforms u1 (when) and u2 (which): the change
  /// point t_c (infinity: no change) and its direction in *dir (+1 onset, -1 turn).
  double change_point(double t_last, double u1, double u2, double* dir) const {
    *dir = 0;
    const double h = onset + turn;
    if (!(h > 0)) return std::numeric_limits<double>::infinity();
    const double s = -std::log1p(-u1) / h;  // exponential waiting time in ln t
    *dir = u2 * h < onset ? 1.0 : -1.0;
    return t_last * std::exp(s);
  }
};

}  // namespace curvecast::detail
