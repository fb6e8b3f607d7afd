#pragma once
// Several least-squares families combined (Akaike weights, best AICc, or best
// on a held-back tail), as one Extrapolator; and family ranking.
//
//   curvecast::MultiFamilyExtrapolator ex;          // Akaike-weighted saturating families
//   ex.fit(curvecast::Observations{x, y, /*higher_is_better=*/false});
//   auto p = ex.predict(500.0);
//   for (const auto& [family, weight] : ex.members()) std::cout << family << " " << weight << "\n";
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "extrapolator.hpp"
#include "family_fit.hpp"
#include "least_squares_extrapolator.hpp"
#include "registry.hpp"

namespace curvecast {

/// How a multi-family extrapolator combines its families.
enum class Selection {
  BestAicc,       ///< the single family with the lowest AICc
  BestHoldout,    ///< the single family with the lowest error on the held-back tail of the prefix
  AkaikeWeights,  ///< a mixture weighted by exp(-AICc/2)
};

/// Options of MultiFamilyExtrapolator.
struct MultiFamilyOptions {
  /// Candidate families: saturating ones. logpower3 is fitted in scale coordinates (its zero
  /// matters), so this default is not exactly mirror-symmetric in the direction flag; it is
  /// kept because it raised mean ll on all three real curve sets (lc_bench, docs/lcbench.md).
  std::vector<std::string> families{"pow3", "pow4", "mmf4", "wbl4", "exp3", "ilog2", "logpower3"};
  Selection selection = Selection::AkaikeWeights;  ///< how the families are combined
  double holdout_fraction = 0.25;                  ///< tail share held back for BestHoldout, in (0, 0.5]
  FitOptions fit;                                  ///< options of each family's fit

  void validate() const {
    if (families.empty()) throw InvalidOptions("curvecast: MultiFamilyOptions: no families");
    for (const auto& f : families)
      if (!has_family(f)) find_family(f);  // throws UsageError naming the known families
    if (!(holdout_fraction > 0 && holdout_fraction <= 0.5))
      throw InvalidOptions("curvecast: MultiFamilyOptions: holdout_fraction must lie in (0, 0.5]");
    fit.validate();
  }
};

/// One entry of a family ranking.
struct RankedFamily {
  std::string family;
  double score;  ///< AICc, or mean squared error on the held-back tail (raw units)
};

/// Ranks families on `obs` by AICc (holdout = false) or by error on the held-back
/// tail (holdout = true: fit on the first 1 - fraction, score on the rest).
/// Families that cannot be fitted are left out; lowest score first.
inline std::vector<RankedFamily> rank_families(const Observations& obs, const std::vector<std::string>& names,
                                               bool holdout, double fraction = 0.25, const FitOptions& opt = {}) {
  obs.validate(2);
  std::vector<RankedFamily> out;
  const std::size_t n = obs.size();
  const std::size_t k = holdout ? std::max<std::size_t>(1, n - static_cast<std::size_t>(std::ceil(fraction * n))) : n;
  const Observations head = obs.prefix(k);
  for (const auto& name : names) {
    const FamilyInfo& info = find_family(name);
    try {
      const FitResult r = fit_family(name, head, opt);
      double score = r.aicc;
      if (holdout) {
        if (k == n) continue;
        double se = 0;
        for (std::size_t i = k; i < n; ++i) {
          const double d = r.value(info.eval, obs.x[i]) - obs.y[i];
          se += d * d;
        }
        score = se / static_cast<double>(n - k);
      }
      if (std::isfinite(score)) out.push_back({info.name, score});
    } catch (const Error&) {}
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const RankedFamily& a, const RankedFamily& b) { return a.score < b.score; });
  return out;
}

/// Several least-squares families, combined by the chosen Selection.
/// Families that fail to fit are skipped (see failures()); if all fail, fit()
/// throws FitFailure listing each family's reason.
class MultiFamilyExtrapolator : public Extrapolator {
 public:
  explicit MultiFamilyExtrapolator(MultiFamilyOptions options = {}) : opt_(std::move(options)) { opt_.validate(); }
  std::string name() const override {
    switch (opt_.selection) {
      case Selection::BestAicc: return "ls:best-aicc";
      case Selection::BestHoldout: return "ls:best-holdout";
      default: return "ls:akaike";
    }
  }
  void fit(const Observations& obs) override { fit_summarised(obs, nullptr); }
  void fit_with_summary(const Observations& obs, const CurveSummary& summary) override {
    fit_summarised(obs, &summary);
  }
  /// fit() with the summary of obs already made (summarise(obs, fit.max_points)),
  /// or nullptr to make it here when needed (curve_summary.hpp).
  void fit_summarised(const Observations& obs, const CurveSummary* given) {
    fitted_ = false;
    obs.validate(3);
    obs_ = obs;
    members_.clear();
    weights_.clear();
    failures_.clear();
    std::vector<std::string> names = opt_.families;
    if (opt_.selection == Selection::BestHoldout) {
      const auto ranked = rank_families(obs, names, true, opt_.holdout_fraction, opt_.fit);
      if (!ranked.empty()) names = {ranked.front().family};
    }
    std::vector<double> aicc;
    // A long curve is summarised once for every family (curve_summary.hpp).
    std::optional<CurveSummary> own;
    const CurveSummary* summary = nullptr;
    if (opt_.fit.summarises(obs.size())) {
      if (given && given->count == obs.size() && given->max_points == opt_.fit.max_points) {
        summary = given;
      } else {
        own = summarise(obs, opt_.fit.max_points);
        if (own) summary = &*own;
      }
    }
    for (const auto& f : names) {
      try {
        if (static_cast<std::size_t>(find_family(f).num_params) + 1 > obs.size())
          throw InvalidInput("too few points for " + f);
        auto ex = std::make_unique<LeastSquaresExtrapolator>(f, opt_.fit);
        ex->fit_summarised(obs, summary);
        aicc.push_back(ex->constant_fallback() ? 0.0 : scaled_aicc(ex->result(), obs, summary));
        members_.push_back(std::move(ex));
      } catch (const Error& e) {
        failures_.push_back(f + ": " + e.what());
      }
    }
    if (members_.empty()) {
      std::string why;
      for (const auto& s : failures_) why += "; " + s;
      throw FitFailure("curvecast: " + name() + ": no family could be fitted" + why);
    }
    double amin = *std::min_element(aicc.begin(), aicc.end());
    weights_.assign(members_.size(), 0.0);
    if (opt_.selection == Selection::AkaikeWeights && std::isfinite(amin)) {
      for (std::size_t i = 0; i < members_.size(); ++i)
        weights_[i] = std::isfinite(aicc[i]) ? std::exp(-0.5 * (aicc[i] - amin)) : 0.0;
    } else {
      const std::size_t b = static_cast<std::size_t>(std::min_element(aicc.begin(), aicc.end()) - aicc.begin());
      weights_[b] = 1.0;
    }
    // Drop members with negligible weight (keeps predictions cheap).
    for (std::size_t i = members_.size(); i-- > 0;)
      if (weights_[i] < 1e-6) {
        members_.erase(members_.begin() + static_cast<std::ptrdiff_t>(i));
        weights_.erase(weights_.begin() + static_cast<std::ptrdiff_t>(i));
      }
    double tot = 0;
    for (double w : weights_) tot += w;
    for (double& w : weights_) w /= tot;
    fitted_ = true;
  }
  bool is_fitted() const override { return fitted_; }
  const Observations& observations() const override {
    require_fitted();
    return obs_;
  }
  /// The families kept, with their weights (summing to 1).
  std::vector<std::pair<std::string, double>> members() const {
    require_fitted();
    std::vector<std::pair<std::string, double>> out;
    for (std::size_t i = 0; i < members_.size(); ++i) out.emplace_back(members_[i]->name(), weights_[i]);
    return out;
  }
  const std::vector<std::string>& failures() const { return failures_; }
  const LeastSquaresExtrapolator& member(std::size_t i) const { return *members_.at(i); }

  Predictive do_predict(double x) const override {
    require_fitted();
    if (members_.size() == 1) return members_[0]->predict(x);
    std::vector<double> mu, sd;
    for (const auto& m : members_) {
      const Predictive p = m->predict(x);
      mu.push_back(p.mean());
      sd.push_back(p.sd());
    }
    return Predictive(weights_, mu, sd, obs_.higher_is_better);
  }
  Eigen::MatrixXd do_sample_curves(const std::vector<double>& xs, std::size_t draws, std::uint64_t seed,
                                   bool with_noise = false) const override {
    require_fitted();
    // Each draw picks a family by weight, then a curve from that family.
    detail::Rng rng(seed);
    std::vector<std::size_t> count(members_.size(), 0), which(draws);
    for (std::size_t d = 0; d < draws; ++d) {
      double u = rng.uniform(), c = 0;
      std::size_t k = 0;
      for (; k + 1 < members_.size(); ++k) {
        c += weights_[k];
        if (u < c) break;
      }
      which[d] = k;
      ++count[k];
    }
    std::vector<Eigen::MatrixXd> per(members_.size());
    for (std::size_t k = 0; k < members_.size(); ++k)
      per[k] = members_[k]->sample_curves(xs, count[k], detail::derive_seed(seed, k), with_noise);
    Eigen::MatrixXd out(static_cast<Eigen::Index>(draws), static_cast<Eigen::Index>(xs.size()));
    std::vector<Eigen::Index> used(members_.size(), 0);
    for (std::size_t d = 0; d < draws; ++d) out.row(static_cast<Eigen::Index>(d)) = per[which[d]].row(used[which[d]]++);
    return out;
  }
  AsymptoteEstimate do_asymptote(double level) const override {
    require_fitted();
    // Mixture of the members' Gaussian asymptote estimates (those that have one).
    std::vector<double> w, mu, sd;
    const double zq = detail::normal_quantile(0.5 + level / 2);
    for (std::size_t i = 0; i < members_.size(); ++i) {
      const AsymptoteEstimate a = members_[i]->asymptote(level);
      if (!a.available) continue;
      w.push_back(weights_[i]);
      mu.push_back(a.value);
      sd.push_back(std::max((a.upper - a.lower) / (2 * zq), 1e-300));
    }
    AsymptoteEstimate out;
    out.level = level;
    if (w.empty()) {
      out.reason = "no member family has a finite asymptote";
      return out;
    }
    const Predictive mix(w, mu, sd, obs_.higher_is_better);
    out.available = true;
    out.value = mix.mean();
    std::tie(out.lower, out.upper) = mix.interval(level);
    return out;
  }

 private:
  /// A member's AICc up to a constant shared by every family: the raw residuals
  /// are divided by max|y| before squaring. FitResult::aicc squares raw residuals,
  /// which underflow for |y| below ~1e-150 and overflow above ~1e150 (found by
  /// tests/test_reliability.cpp), making every AICc equal or infinite and the
  /// weights meaningless there.
  /// With a summary (curve_summary.hpp), its weighted points and its scatter stand for the points.
  static double scaled_aicc(const FitResult& r, const Observations& obs, const CurveSummary* summary = nullptr) {
    const FamilyInfo& info = find_family(r.family);
    double s = 0;
    for (double v : obs.y) s = std::max(s, std::abs(v));
    if (!(s > 0)) s = 1;
    const std::size_t n = obs.size();
    double sse = 0;
    if (summary) {
      for (std::size_t j = 0; j < summary->size(); ++j) {
        const double d = (r.value(info.eval, summary->x[j]) - summary->y[j]) / s;
        sse += summary->w[j] * d * d;
      }
      sse += summary->ss_total / s / s;
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        const double d = (r.value(info.eval, obs.x[i]) - obs.y[i]) / s;
        sse += d * d;
      }
    }
    const double nd = static_cast<double>(n);
    const double ll = -0.5 * nd * (std::log(2 * detail::kPi * std::max(sse / nd, 1e-300)) + 1);
    const double k = static_cast<double>(r.params.size()) + 1;  // parameters plus the noise level
    return nd - k - 1 > 0 ? 2 * k - 2 * ll + 2 * k * (k + 1) / (nd - k - 1) : std::numeric_limits<double>::infinity();
  }
  MultiFamilyOptions opt_;
  Observations obs_;
  std::vector<std::unique_ptr<LeastSquaresExtrapolator>> members_;
  std::vector<double> weights_;
  std::vector<std::string> failures_;
  bool fitted_ = false;
};

}  // namespace curvecast
