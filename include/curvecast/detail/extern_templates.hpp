#pragma once
// Build-time aid, opt-in: when CURVECAST_EXTERN_TEMPLATES is defined, the
// per-family fitter templates are declared `extern` here, so a translation unit
// that fits by family name does not instantiate all 21 Ceres problems again.
// They must then be instantiated once elsewhere: curvecast's own build does it
// in the static library `curvecast_instances` (cmake/instances.cpp.in), which
// its tests, examples and benchmarks link. Users of the header-only library
// define nothing and need nothing.
#if defined(CURVECAST_EXTERN_TEMPLATES)
namespace curvecast {
#define CURVECAST_DETAIL_EXTERN_FAMILY(F)                                                 \
  extern template FitResult fit_family<families::F>(const Observations&, const FitOptions&); \
  namespace detail {                                                                     \
  extern template double value_and_gradient<families::F>(const double*, double, double*); \
  }
CURVECAST_DETAIL_EXTERN_FAMILY(Pow2)
CURVECAST_DETAIL_EXTERN_FAMILY(Log2)
CURVECAST_DETAIL_EXTERN_FAMILY(Exp2)
CURVECAST_DETAIL_EXTERN_FAMILY(Lin2)
CURVECAST_DETAIL_EXTERN_FAMILY(Ilog2)
CURVECAST_DETAIL_EXTERN_FAMILY(Pow3)
CURVECAST_DETAIL_EXTERN_FAMILY(Exp3)
CURVECAST_DETAIL_EXTERN_FAMILY(Expd3)
CURVECAST_DETAIL_EXTERN_FAMILY(Expp3)
CURVECAST_DETAIL_EXTERN_FAMILY(Vap3)
CURVECAST_DETAIL_EXTERN_FAMILY(LogPower3)
CURVECAST_DETAIL_EXTERN_FAMILY(Mmf4)
CURVECAST_DETAIL_EXTERN_FAMILY(Wbl4)
CURVECAST_DETAIL_EXTERN_FAMILY(Janoschek4)
CURVECAST_DETAIL_EXTERN_FAMILY(Exp4)
CURVECAST_DETAIL_EXTERN_FAMILY(Pow4)
CURVECAST_DETAIL_EXTERN_FAMILY(Weibull)
CURVECAST_DETAIL_EXTERN_FAMILY(Mmf)
CURVECAST_DETAIL_EXTERN_FAMILY(Janoschek)
CURVECAST_DETAIL_EXTERN_FAMILY(Hill3)
CURVECAST_DETAIL_EXTERN_FAMILY(LogLogLinear)
#undef CURVECAST_DETAIL_EXTERN_FAMILY
static_assert(std::tuple_size<families::AllFamilies>::value == 21,
              "a family was added: list it in detail/extern_templates.hpp too");
}  // namespace curvecast
#endif
