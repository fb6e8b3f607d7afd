#pragma once
// Build-time aid, opt-in: when CURVECAST_EXTERN_TEMPLATES is defined, the
// per-family fitter templates are declared `extern` here, so a translation unit
// that fits by family name does not instantiate all 21 Ceres problems again.
// They must then be instantiated once elsewhere: curvecast's own build does it
// in the static library `curvecast_instances` (cmake/instances.cpp.in, one
// file per family of detail/family_list.hpp), which
// its tests, examples and benchmarks link. Users of the header-only library
// define nothing and need nothing.
#if defined(CURVECAST_EXTERN_TEMPLATES)
#include "../family_fit.hpp"
#include "family_list.hpp"

namespace curvecast {
#define CURVECAST_DETAIL_EXTERN_FAMILY(F)                                                                         \
  extern template FitResult fit_family<families::F>(const Observations&, const FitOptions&, const CurveSummary*); \
  namespace detail {                                                                                              \
  extern template double value_and_gradient<families::F>(const double*, double, double*);                         \
  }
CURVECAST_FAMILY_LIST(CURVECAST_DETAIL_EXTERN_FAMILY)
#undef CURVECAST_DETAIL_EXTERN_FAMILY
}  // namespace curvecast
#endif
