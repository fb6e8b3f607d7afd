#pragma once
// Least squares (Ceres), umbrella header: the fitter (family_fit.hpp), the
// single-family extrapolator (least_squares_extrapolator.hpp) and the
// multi-family one (multi_family.hpp). Include only the one you use to compile
// less; this header includes all three.
//
//   #include <curvecast/least_squares.hpp>
//   curvecast::FitResult r = curvecast::fit_family<curvecast::families::Mmf4>(obs);
//   curvecast::LeastSquaresExtrapolator ex("pow4");          // one family
//   curvecast::MultiFamilyExtrapolator ens;                  // several, Akaike-weighted
//   ens.fit(obs);
//   auto p = ens.predict(500.0);
#include "family_fit.hpp"
#include "least_squares_extrapolator.hpp"
#include "multi_family.hpp"
