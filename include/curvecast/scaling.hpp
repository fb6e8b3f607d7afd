#pragma once
// curvecast scaling laws umbrella header (includes Ceres through scaling/fit.hpp).
//
//   #include <curvecast/scaling.hpp>
//   namespace cs = curvecast::scaling;
//   auto data = cs::load_chinchilla(CURVECAST_DATA_DIR);
//   auto fit  = cs::fit_law<cs::Chinchilla>(data);                  // 4500 starts, Huber 1e-3
//   auto boot = cs::bootstrap_law<cs::Chinchilla>(data, fit);       // 4000 resamples
//   auto p    = cs::ChinchillaParams::from_log(fit.params);
//   auto alloc = cs::allocation_intervals(p, boot.params, 1e24);   // N_opt, D_opt with intervals
//
// Laws without Ceres: <curvecast/scaling/laws.hpp>, data: scaling/data.hpp,
// allocation: scaling/allocation.hpp, summaries: scaling/summary.hpp.
#include "scaling/laws.hpp"
#include "scaling/data.hpp"
#include "scaling/summary.hpp"
#include "scaling/allocation.hpp"
#include "scaling/posterior.hpp"
#include "scaling/fit.hpp"
#include "scaling/bootstrap.hpp"
#include "scaling/extrapolator.hpp"
