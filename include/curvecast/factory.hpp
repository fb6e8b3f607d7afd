#pragma once
// Every extrapolator by name, for programs that choose at run time (benchmarks,
// command lines).
//
//   auto ex = curvecast::make_extrapolator("mmf4");   // "last", a family name,
//   ex->fit(obs);                                     // "ls:akaike", "ls:best-aicc", "ls:best-holdout",
//                                                     // "ensemble", "ensemble:lcpfn", "ensemble:smooth", "mcmc:<family>"
#include <memory>
#include <string>
#include <vector>

#include "baselines.hpp"
#include "ensemble_posterior.hpp"
#include "factory_options.hpp"
#include "least_squares_extrapolator.hpp"
#include "multi_family.hpp"
#include "single_family_posterior.hpp"

namespace curvecast {

/// Builds the extrapolator called `name`; UsageError for an unknown name.
inline std::unique_ptr<Extrapolator> make_extrapolator(const std::string& name, const FactoryOptions& o = {}) {
  FitOptions fit = o.fit;
  fit.seed = o.seed;
  if (name == "last") return std::make_unique<LastValueExtrapolator>();
  if (name == "ls:akaike" || name == "ls:best-aicc" || name == "ls:best-holdout") {
    MultiFamilyOptions m;
    m.fit = fit;
    m.selection = name == "ls:akaike"      ? Selection::AkaikeWeights
                  : name == "ls:best-aicc" ? Selection::BestAicc
                                           : Selection::BestHoldout;
    return std::make_unique<MultiFamilyExtrapolator>(m);
  }
  // Bayesian posteriors: the multi-family ensemble with the scale-free default
  // prior or LC-PFN's prior (ensemble_posterior.hpp), and single-family
  // posteriors (single_family_posterior.hpp).
  if (PosteriorOptions::is_method(name)) {
    PosteriorOptions p = PosteriorOptions::for_method(name);
    p.seed = o.seed;
    p.time_budget_seconds = o.fit.time_budget_seconds;
    p.max_points = o.fit.max_points;
    if (p.single_family.empty()) return std::make_unique<EnsemblePosterior>(p);
    return std::make_unique<SingleFamilyPosterior>(p);
  }
  if (has_family(name)) return std::make_unique<LeastSquaresExtrapolator>(name, fit);
  std::string known;
  for (const auto& n : extrapolator_names()) known += (known.empty() ? "" : ", ") + n;
  throw UsageError("curvecast: unknown method '" + name + "' (known: " + known + ")");
}

}  // namespace curvecast
