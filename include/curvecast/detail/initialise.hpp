#pragma once
// Data-driven starting values. Most families are linear in one or two of their
// parameters once the nonlinear ones (rates, exponents) are fixed, so we scan a
// small grid of the nonlinear ones, solve the linear ones by least squares
// (variable projection), and keep the best few candidates. Grids are laid out
// relative to the observed t range, so the same code serves epochs 1..100 and
// sample sizes 16..2e6.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

namespace curvecast::detail {

/// The normalised data a family is fitted to.
struct Summary {
  const double* t = nullptr;
  const double* z = nullptr;
  int n = 0;
  double t1 = 1, tn = 1;
};

inline std::vector<double> logspace(double lo, double hi, int k) {
  std::vector<double> v(k);
  for (int i = 0; i < k; ++i) v[i] = k == 1 ? lo : lo * std::pow(hi / lo, static_cast<double>(i) / (k - 1));
  return v;
}

/// Least-squares fit of z ~ c0 + c1 * phi (intercept) or z ~ c1 * phi (no
/// intercept). Returns the sum of squared errors (infinity when degenerate).
struct LinFit {
  double c0 = 0, c1 = 0, sse = std::numeric_limits<double>::infinity();
};
inline LinFit linfit(const double* phi, const double* z, int n, bool intercept) {
  LinFit f;
  double sp = 0, sz = 0, spp = 0, spz = 0;
  for (int i = 0; i < n; ++i) {
    if (!std::isfinite(phi[i])) return f;
    sp += phi[i];
    sz += z[i];
    spp += phi[i] * phi[i];
    spz += phi[i] * z[i];
  }
  if (intercept) {
    const double det = n * spp - sp * sp;
    if (!(std::abs(det) > 1e-14 * std::max(1.0, n * spp))) return f;
    f.c1 = (n * spz - sp * sz) / det;
    f.c0 = (sz - f.c1 * sp) / n;
  } else {
    if (!(spp > 1e-300)) return f;
    f.c1 = spz / spp;
  }
  double sse = 0;
  for (int i = 0; i < n; ++i) {
    const double r = f.c0 + f.c1 * phi[i] - z[i];
    sse += r * r;
  }
  f.sse = std::isfinite(sse) ? sse : std::numeric_limits<double>::infinity();
  return f;
}

/// Keeps the K candidates with the lowest error.
template <int N>
class TopK {
 public:
  explicit TopK(std::size_t k = 3) : k_(k) {}
  void push(double sse, const std::array<double, N>& p) {
    if (!std::isfinite(sse)) return;
    for (double v : p)
      if (!std::isfinite(v)) return;
    items_.push_back({sse, p});
    std::sort(items_.begin(), items_.end(), [](const Item& a, const Item& b) { return a.sse < b.sse; });
    if (items_.size() > k_) items_.resize(k_);
  }
  std::vector<std::array<double, N>> result() const {
    std::vector<std::array<double, N>> out;
    for (const auto& it : items_) out.push_back(it.p);
    return out;
  }

 private:
  struct Item {
    double sse;
    std::array<double, N> p;
  };
  std::size_t k_;
  std::vector<Item> items_;
};

/// Fills phi[i] = g(t[i]) and fits z ~ c0 + c1 * phi.
template <class G>
LinFit project(const Summary& s, G&& g, bool intercept, std::vector<double>& phi) {
  phi.resize(s.n);
  for (int i = 0; i < s.n; ++i) phi[i] = g(s.t[i]);
  return linfit(phi.data(), s.z, s.n, intercept);
}

/// Rates for exp(-b t)-like terms, from 1/(100 tn) to 10/t1.
inline std::vector<double> rate_grid(const Summary& s, int k = 16) { return logspace(0.01 / s.tn, 10.0 / s.t1, k); }
/// Characteristic t (half-way points) from t1/10 to 100 tn.
inline std::vector<double> scale_grid(const Summary& s, int k = 12) { return logspace(0.1 * s.t1, 100.0 * s.tn, k); }

}  // namespace curvecast::detail
