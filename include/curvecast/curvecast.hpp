#pragma once
// curvecast umbrella header: everything that does not need Ceres.
// For fitting, also include <curvecast/least_squares.hpp> (opt-in Ceres header),
// or <curvecast/factory.hpp> for every extrapolator by name.
//
//   #include <curvecast/curvecast.hpp>
//   #include <curvecast/least_squares.hpp>
//   curvecast::MultiFamilyExtrapolator ex;
//   ex.fit({x, y, /*higher_is_better=*/false});
//   auto [lo, hi] = ex.predict(100).interval(0.9);
#include "curvecast_fwd.hpp"
#include "version.hpp"
#include "errors.hpp"
#include "observations.hpp"
#include "predictive.hpp"
#include "families.hpp"
#include "registry.hpp"
#include "fit_result.hpp"
#include "extrapolator.hpp"
#include "baselines.hpp"
#include "diagnostics.hpp"
#include "ensemble_sampler.hpp"
#include "json.hpp"
#include "reach.hpp"
