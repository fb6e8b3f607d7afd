#pragma once
// Bayesian extrapolation, umbrella header: the multi-family ensemble posterior
// (ensemble_posterior.hpp, no Ceres), the single-family posterior
// (single_family_posterior.hpp, Ceres) and their shared mixture predictive
// (mixture_posterior.hpp); and PosteriorExtrapolator, which builds either one
// from PosteriorOptions (ensemble when single_family is empty).
//
//   curvecast::PosteriorOptions o;                 // ensemble of pow3 + ilog2 + janoschek
//   o.prior = curvecast::PriorKind::LcPfn;         // LC-PFN's prior (metric in [0,1], x = 1..100)
//   curvecast::PosteriorExtrapolator ex(o);        // or curvecast::EnsemblePosterior ex(o);
//   ex.fit(obs);
//   double win = ex.prob_better(100, 0.7);
//   curvecast::SamplerDiagnostics d = ex.diagnostics();
//
//   curvecast::PosteriorExtrapolator single(curvecast::PosteriorOptions::single("pow4"));
//   std::unique_ptr<curvecast::MixturePosterior> p = curvecast::make_posterior(o);
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "ensemble_posterior.hpp"
#include "extrapolator.hpp"
#include "mixture_posterior.hpp"
#include "posterior_options.hpp"
#include "single_family_posterior.hpp"

namespace curvecast {

/// The posterior `o` describes: SingleFamilyPosterior when o.single_family is
/// set, else EnsemblePosterior. InvalidOptions for bad options.
inline std::unique_ptr<MixturePosterior> make_posterior(PosteriorOptions o) {
  if (o.single_family.empty()) return std::make_unique<EnsemblePosterior>(std::move(o));
  return std::make_unique<SingleFamilyPosterior>(std::move(o));
}

/// EnsemblePosterior or SingleFamilyPosterior, chosen by options.single_family
/// (empty: the ensemble). Every call is forwarded to that posterior.
class PosteriorExtrapolator : public Extrapolator {
 public:
  explicit PosteriorExtrapolator(PosteriorOptions o = {}) : impl_(make_posterior(std::move(o))) {}

  std::string name() const override { return impl_->name(); }
  void fit(const Observations& obs) override { impl_->fit(obs); }
  void fit_with_summary(const Observations& obs, const CurveSummary& summary) override {
    impl_->fit_with_summary(obs, summary);
  }
  bool is_fitted() const override { return impl_->is_fitted(); }
  const Observations& observations() const override { return impl_->observations(); }
  Predictive do_predict(double x) const override { return impl_->predict(x); }
  std::vector<Predictive> do_predict_many(const std::vector<double>& xs) const override {
    return impl_->predict_many(xs);
  }
  Eigen::MatrixXd do_sample_curves(const std::vector<double>& xs, std::size_t draws, std::uint64_t seed,
                                   bool with_noise = false) const override {
    return impl_->sample_curves(xs, draws, seed, with_noise);
  }
  AsymptoteEstimate do_asymptote(double level) const override { return impl_->asymptote(level); }

  const PosteriorOptions& options() const { return impl_->options(); }
  const SamplerDiagnostics& diagnostics() const { return impl_->diagnostics(); }
  double constraint_acceptance() const { return impl_->constraint_acceptance(); }
  double weight_ess() const { return impl_->weight_ess(); }
  const Eigen::MatrixXd& final_ensemble() const { return impl_->final_ensemble(); }
  /// The posterior it forwards to.
  const MixturePosterior& posterior() const { return *impl_; }

 private:
  std::unique_ptr<MixturePosterior> impl_;
};

}  // namespace curvecast
