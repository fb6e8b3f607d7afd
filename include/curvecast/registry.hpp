#pragma once
// Runtime registry of the learning-curve families: look a family up by name.
//
//   for (const auto& f : curvecast::family_registry()) std::cout << f.name << ": " << f.formula;
//   const curvecast::FamilyInfo& mmf = curvecast::find_family("mmf4");
//   double v = mmf.eval(params.data(), 3.0);
//
// Domhan et al.'s names "log_power" and "vap" are accepted as aliases of
// "logpower3" and "vap3" (same formulas).
#include <array>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "errors.hpp"
#include "families.hpp"

namespace curvecast {

/// A family's runtime description (no Ceres needed).
struct FamilyInfo {
  std::string name;
  std::string formula;
  int num_params = 0;
  std::vector<std::string> param_names;
  Normalisation normalisation = Normalisation::Oriented;
  double (*eval)(const double* p, double t) = nullptr;
  std::vector<std::vector<double>> (*guesses)(const detail::Summary& s) = nullptr;
  void (*bounds)(const detail::Summary& s, double* lo, double* hi) = nullptr;
  std::optional<double> (*asymptote)(const double* p) = nullptr;
  std::vector<double> (*reference_params)() = nullptr;
};

namespace detail {
template <class F>
FamilyInfo make_family_info() {
  FamilyInfo info;
  info.name = F::kName;
  info.formula = F::kFormula;
  info.num_params = F::kNumParams;
  for (const char* n : F::kParamNames) info.param_names.emplace_back(n);
  info.normalisation = F::kNormalisation;
  info.eval = [](const double* p, double t) { return F::eval(p, t); };
  info.guesses = [](const Summary& s) {
    std::vector<std::vector<double>> out;
    for (const auto& g : F::guesses(s)) out.emplace_back(g.begin(), g.end());
    return out;
  };
  info.bounds = &F::bounds;
  info.asymptote = &F::asymptote;
  info.reference_params = [] {
    const auto p = F::reference_params();
    return std::vector<double>(p.begin(), p.end());
  };
  return info;
}
template <class Tuple, std::size_t... I>
std::vector<FamilyInfo> make_registry(std::index_sequence<I...>) {
  return {make_family_info<std::tuple_element_t<I, Tuple>>()...};
}
}  // namespace detail

/// Every registered family, in a fixed order.
inline const std::vector<FamilyInfo>& family_registry() {
  static const std::vector<FamilyInfo> reg = detail::make_registry<families::AllFamilies>(
      std::make_index_sequence<std::tuple_size<families::AllFamilies>::value>{});
  return reg;
}

/// Canonical name for a family name or alias ("log_power" -> "logpower3", "vap" -> "vap3").
inline std::string canonical_family_name(const std::string& name) {
  if (name == "log_power") return "logpower3";
  if (name == "vap") return "vap3";
  return name;
}

/// Whether `name` (or an alias) is a registered family.
inline bool has_family(const std::string& name) {
  const std::string n = canonical_family_name(name);
  for (const auto& f : family_registry())
    if (f.name == n) return true;
  return false;
}

/// The family called `name`; throws UsageError listing the known names otherwise.
inline const FamilyInfo& find_family(const std::string& name) {
  const std::string n = canonical_family_name(name);
  for (const auto& f : family_registry())
    if (f.name == n) return f;
  std::string known;
  for (const auto& f : family_registry()) known += (known.empty() ? "" : ", ") + f.name;
  throw UsageError("curvecast: unknown family '" + name + "' (known: " + known + ")");
}

/// Calls fn(F{}) with the family type called `name`; returns its result.
template <class Fn>
decltype(auto) with_family(const std::string& name, Fn&& fn);

namespace detail {
template <std::size_t I, class Fn>
decltype(auto) with_family_impl(const std::string& n, Fn&& fn) {
  using F = std::tuple_element_t<I, families::AllFamilies>;
  if constexpr (I + 1 < std::tuple_size<families::AllFamilies>::value) {
    if (n == F::kName) return fn(F{});
    return with_family_impl<I + 1>(n, std::forward<Fn>(fn));
  } else {
    if (n != F::kName) find_family(n);  // throws the helpful error
    return fn(F{});
  }
}
}  // namespace detail

template <class Fn>
decltype(auto) with_family(const std::string& name, Fn&& fn) {
  return detail::with_family_impl<0>(canonical_family_name(name), std::forward<Fn>(fn));
}

}  // namespace curvecast
