#pragma once
// Parametric learning-curve families (see docs/references.md, Learning-curve families: Domhan et al. 2015's
// eleven and the LCDB set of Mohr et al. 2022 / LCDB 1.1).
//
//   using curvecast::families::Mmf4;
//   std::array<double, 4> p{0.1, 30.0, 0.9, 1.2};
//   double v = Mmf4::eval(p.data(), 12.0);             // also works with ceres::Jet
//   auto starts = Mmf4::guesses(summary);              // data-driven starting values
//
// Each family is a type with: kName, kFormula, kNumParams, kParamNames,
// kNormalisation (the coordinates it is fitted in), eval<T>(p, x) templated on
// the scalar (so automatic differentiation works), bounds(summary, lo, hi),
// guesses(summary) and asymptote(p) (std::nullopt when the curve has none).
// Formulas are written in the fitting coordinates t = x / x0 and z (see
// Normaliser): for kNormalisation == Oriented, z rises when the metric improves,
// as in Domhan et al.'s accuracy curves; for Scale, z = y / max|y| keeps the
// sign and the zero of the metric, as in LCDB's error curves.
//
// Identities (why the ensemble does not use all of them): weibull, janoschek,
// janoschek4, wbl4 and exp4 are one shape; logpower3 = hill3 reflected; mmf and
// mmf4 are one shape; Domhan's pow4 c - (a x + b)^-alpha equals LCDB's pow4 with
// a' = c, b' = a^-alpha, d = b/a; pow3 is pow4 with d = 0. Domhan's "log_power"
// is registered as logpower3 and "vap" as vap3 (same formulas). LCDB's ilog2
// b - a/ln x is undefined at x = 1 and is not offered; ilog2 here is Domhan's
// c - a/ln(x+1).
#include <array>
//
// The family list (registry order) is CURVECAST_FAMILY_LIST in
// detail/family_list.hpp: adding a family is one struct here and one line there.
#include <tuple>

#include "detail/family_list.hpp"
#include "families/basic.hpp"
#include "families/shaped.hpp"

namespace curvecast::families {

namespace detail_list {
template <class T>
struct TupleTail;
template <class H, class... T>
struct TupleTail<std::tuple<H, T...>> {
  using type = std::tuple<T...>;
};
#define CURVECAST_DETAIL_LEADING_COMMA(F) , F
}  // namespace detail_list

/// Every learning-curve family, in registry order (CURVECAST_FAMILY_LIST).
using AllFamilies =
    typename detail_list::TupleTail<std::tuple<void CURVECAST_FAMILY_LIST(CURVECAST_DETAIL_LEADING_COMMA)>>::type;
#undef CURVECAST_DETAIL_LEADING_COMMA

}  // namespace curvecast::families
