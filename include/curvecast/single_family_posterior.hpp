#pragma once
// The posterior of one learning-curve family ("mcmc:<family>"): every parameter
// of the family (flat prior inside the family's bounds, in its normalised
// units) plus ln sigma, sampled with the affine-invariant ensemble sampler
// starting around the least-squares fit (so this header needs Ceres).
//
//   curvecast::SingleFamilyPosterior ex("pow4");   // PosteriorOptions::single("pow4")
//   ex.fit(obs);
//   curvecast::Predictive p = ex.predict(100);     // mixture over posterior draws, noise included
//   auto lvl = ex.asymptote(0.9);                  // the family's asymptote, with interval
//
// Time budget (PosteriorOptions::time_budget_seconds set): the least-squares
// start gets what is left of it (as FitOptions::time_budget_seconds), then
// the sampler (see mixture_posterior.hpp).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "detail/rng.hpp"
#include "diagnostics.hpp"
#include "ensemble_sampler.hpp"
#include "family_fit.hpp"
#include "mixture_posterior.hpp"
#include "registry.hpp"

namespace curvecast {

/// Posterior predictive of one registered family.
class SingleFamilyPosterior : public MixturePosterior {
 public:
  /// `o.single_family` names the family (PosteriorOptions::single(name) sets the defaults).
  explicit SingleFamilyPosterior(PosteriorOptions o) : MixturePosterior(std::move(o)) {
    if (opt_.single_family.empty())
      throw InvalidOptions("curvecast: PosteriorOptions: single_family is empty: use EnsemblePosterior");
  }
  explicit SingleFamilyPosterior(const std::string& family) : SingleFamilyPosterior(PosteriorOptions::single(family)) {}

  std::string name() const override { return "mcmc:" + canonical_family_name(opt_.single_family); }

  /// The family's own asymptote over the posterior draws (not available for
  /// families without a finite one).
  AsymptoteEstimate do_asymptote(double level) const override {
    require_fitted();
    std::vector<std::pair<double, double>> vals;
    for (std::size_t s = 0; s < comp_.size(); ++s) {
      const auto as = family_->asymptote(comp_[s].theta.data());
      if (!as) {
        AsymptoteEstimate a;
        a.level = level;
        a.reason = name() + ": family has no finite asymptote";
        return a;
      }
      vals.emplace_back(norm_.y(*as), comp_w_[s]);
    }
    return weighted_estimate(std::move(vals), level);
  }

 protected:
  std::size_t min_points() const override { return 3; }
  double curve_value(const Component& c, double t) const override { return family_->eval(c.theta.data(), t); }

  void fit_draws(const Observations& obs, bool warm) override {
    family_ = &find_family(opt_.single_family);
    const FamilyInfo& fam = *family_;
    FitOptions fo;
    fo.seed = opt_.seed;
    fo.time_budget_seconds = remaining_budget();
    fo.max_points = opt_.max_points;
    const Normaliser old_norm = norm_;
    norm_ = Normaliser::make(obs, fam.normalisation);  // as the least-squares fit's (likelihood_data needs it)
    LikelihoodData data = likelihood_data(obs);        // the points, or a long curve's summary
    const FitResult ls = fit_family(fam.name, obs, fo, summary_ ? &*summary_ : nullptr);
    norm_ = ls.normaliser;
    const std::size_t n = data.t.size();
    single_t_ = std::move(data.t);
    single_z_ = std::move(data.z);
    single_w_ = std::move(data.w);
    const double ss_extra = data.ss;
    const int P = fam.num_params, D = P + 1, W = std::max(opt_.walkers, 2 * D + 2);  // even: walkers is even
    lo_.assign(P, 0.0);
    hi_.assign(P, 0.0);
    detail::Summary sm;
    sm.t = single_t_.data();
    sm.z = single_z_.data();
    sm.n = static_cast<int>(n);
    sm.t1 = single_t_.front();
    sm.tn = single_t_.back();
    fam.bounds(sm, lo_.data(), hi_.data());
    const double lsig0 = std::log(std::max(ls.sigma, 1e-6));
    const FamilyInfo* fp = family_;
    const double* tp = single_t_.data();
    const double* zp = single_z_.data();
    const double* wp = single_w_.data();
    const double* lop = lo_.data();
    const double* hip = hi_.data();
    double wsum = 0;
    for (double w : single_w_) wsum += w;
    // Flat prior in the family's box; ln sigma ~ N(ln sigma_LS, 2) (weak, data-scaled).
    // A summary's scatter ss_extra (0 without one) adds to the squared residuals.
    auto logp = [fp, tp, zp, wp, lop, hip, n, P, wsum, lsig0, ss_extra](const double* th) {
      for (int j = 0; j < P; ++j)
        if (!(th[j] >= lop[j] && th[j] <= hip[j])) return -std::numeric_limits<double>::infinity();
      const double ln_sigma = th[P];
      if (!(ln_sigma > -25 && ln_sigma < 6)) return -std::numeric_limits<double>::infinity();
      double ss = ss_extra;
      for (std::size_t i = 0; i < n; ++i) {
        const double r = zp[i] - fp->eval(th, tp[i]);
        ss += wp[i] * r * r;
      }
      if (!std::isfinite(ss)) return -std::numeric_limits<double>::infinity();
      const double u = (ln_sigma - lsig0) / 2.0;
      return -wsum * ln_sigma - 0.5 * ss * std::exp(-2 * ln_sigma) - 0.5 * u * u;
    };
    Eigen::MatrixXd start(W, D);
    bool warm_ok = false;
    if (warm && final_.rows() == W && final_.cols() == D && old_norm.x_scale == norm_.x_scale &&
        old_norm.x_offset == norm_.x_offset && old_norm.y_scale == norm_.y_scale &&
        old_norm.y_offset == norm_.y_offset) {
      start = final_;
      warm_ok = true;
      for (int k = 0; k < W && warm_ok; ++k) {
        std::vector<double> row(D);
        for (int d = 0; d < D; ++d) row[d] = start(k, d);
        warm_ok = std::isfinite(logp(row.data()));
      }
    }
    if (!warm_ok) {
      detail::Rng rng(detail::derive_seed(opt_.seed, 0x51));
      std::vector<double> row(D);
      for (int k = 0; k < W; ++k) {
        for (int attempt = 0;; ++attempt) {
          const double scale = attempt < 50 ? 1.0 : 1e-3;
          for (int j = 0; j < P; ++j) {
            double sd = ls.std_errors.size() == static_cast<std::size_t>(P) && std::isfinite(ls.std_errors[j])
                            ? ls.std_errors[j]
                            : 1e-3 * (std::abs(ls.params[j]) + 1e-3);
            sd = std::min(sd, 0.1 * (hip[j] - lop[j]));
            row[j] = ls.params[j] + scale * sd * rng.normal();
          }
          row[P] = lsig0 + scale * 0.1 * rng.normal();
          if (std::isfinite(logp(row.data()))) break;
          if (attempt > 200) throw FitFailure("curvecast: " + name() + ": cannot start walkers near the fit");
        }
        for (int d = 0; d < D; ++d) start(k, d) = row[d];
      }
    }
    SamplerOptions so;
    so.burn_in = warm_ok ? opt_.warm_burn_in : opt_.burn_in;
    so.steps = warm_ok ? opt_.warm_steps : opt_.steps;
    so.seed = detail::derive_seed(opt_.seed, 1 + obs.size());
    so.threads = opt_.threads;
    so.time_budget_seconds = remaining_budget();
    const EnsembleChain ch = run_ensemble(logp, start, so);
    final_ = ch.final_positions;
    const double th_mon = opt_.horizon ? norm_.t(*opt_.horizon) : norm_.t(obs.x.back()) * 10.0;
    diag_ = diagnose(ch, [fp, th_mon](const double* th) { return fp->eval(th, th_mon); });
    diag_.warm_started = warm_ok;
    const int total = ch.steps * W, want = std::min(total, opt_.max_components);
    comp_.clear();
    for (int i = 0; i < want; ++i) {
      const long idx = total - 1 - static_cast<long>(static_cast<double>(i) * total / want);
      const double* th = ch.position(static_cast<int>(idx / W), static_cast<int>(idx % W));
      Component c;
      c.theta.assign(th, th + P);
      c.sigma = std::exp(th[P]);
      c.lambda = opt_.discrepancy_rate();
      comp_.push_back(std::move(c));
    }
    comp_w_.assign(comp_.size(), 1.0);
    constraint_acceptance_ = 1.0;
  }

 private:
  const FamilyInfo* family_ = nullptr;
  std::vector<double> single_t_, single_z_, single_w_, lo_, hi_;
};

}  // namespace curvecast
