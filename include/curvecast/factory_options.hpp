#pragma once
// The options and the method names of make_extrapolator (factory.hpp), without
// the extrapolators themselves (no Ceres here).
//
//   curvecast::FactoryOptions o;
//   o.seed = 7;
//   o.fit.num_starts = 8;
//   for (const std::string& m : curvecast::extrapolator_names()) std::cout << m << "\n";
#include <cstdint>
#include <string>
#include <vector>

#include "fit_result.hpp"
#include "registry.hpp"

namespace curvecast {

/// Options passed to make_extrapolator.
struct FactoryOptions {
  // clang-format off
  std::uint64_t seed = 0;  ///< seed of every random choice the extrapolator makes
  FitOptions fit;          ///< least-squares options; fit.time_budget_seconds and fit.max_points also apply to the posteriors
  // clang-format on
};

/// The names make_extrapolator accepts, for help texts.
inline std::vector<std::string> extrapolator_names() {
  std::vector<std::string> out{"last",     "ls:akaike",      "ls:best-aicc",   "ls:best-holdout",
                               "ensemble", "ensemble:lcpfn", "ensemble:smooth"};
  for (const auto& f : family_registry()) out.push_back(f.name);
  for (const auto& f : family_registry()) out.push_back("mcmc:" + f.name);
  return out;
}

}  // namespace curvecast
