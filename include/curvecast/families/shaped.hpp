#pragma once
// The learning-curve families with a rate and a shape exponent (MMF, Weibull,
// Janoschek, Hill, pow4, exp4), whose starts come from a scan over both, and
// loglog_linear. Included by families.hpp, which documents the family
// interface; see docs/references.md, Learning-curve families.
//
//   using curvecast::families::Mmf4;
//   std::array<double, 4> p{0.1, 30.0, 0.9, 1.2};
//   double v = Mmf4::eval(p.data(), 12.0);
#include <cmath>
#include <optional>
#include <tuple>
#include <vector>

#include "../detail/initialise.hpp"
#include "../observations.hpp"
#include "basic.hpp"

namespace curvecast::families {

/// Shared start search for c - A * g(x) families with g fixed by two nonlinear
/// parameters (a rate or scale, and a shape exponent).
template <class G, class Make, int N>
void two_param_scan(const Summary& s, const std::vector<double>& r, const std::vector<double>& d, G&& g, Make&& make,
                    detail::TopK<N>& top) {
  std::vector<double> phi;
  for (double ri : r)
    for (double di : d) {
      auto f = detail::project(
          s, [&](double t) { return g(t, ri, di); }, true, phi);
      if (std::isfinite(f.sse)) top.push(f.sse, make(f, ri, di));
    }
}
inline std::vector<double> shape_grid() { return {0.3, 0.6, 1.0, 1.6, 2.5, 4.0, 6.5}; }

/// mmf4: (a b + c x^d) / (b + x^d)  (LCDB; Morgan-Mercer-Flodin)
struct Mmf4 {
  static constexpr const char* kName = "mmf4";
  static constexpr const char* kFormula = "(a * b + c * x^d) / (b + x^d)";
  static constexpr int kNumParams = 4;
  static constexpr std::array<const char*, 4> kParamNames{{"a", "b", "c", "d"}};
  static constexpr Normalisation kNormalisation = Normalisation::Oriented;
  using Params = std::array<double, 4>;
  template <class T>
  static T eval(const T* p, const T& x) {
    using std::pow;
    const T xd = pow(x, p[3]);
    return (p[0] * p[1] + p[2] * xd) / (p[1] + xd);
  }
  static void bounds(const Summary&, double* lo, double* hi) {
    lo[0] = -kAmp, hi[0] = kAmp;
    lo[1] = 1e-12, hi[1] = 1e40;
    lo[2] = -kAmp, hi[2] = kAmp;
    lo[3] = 0.01, hi[3] = 10;
  }
  static std::vector<Params> guesses(const Summary& s) {
    detail::TopK<4> top;
    // z = c - (c - a) / (1 + x^d / b); with b = k^d, phi = 1 / (1 + (x/k)^d)
    two_param_scan(
        s, detail::scale_grid(s), shape_grid(),
        [](double t, double k, double d) { return 1.0 / (1.0 + std::pow(t / k, d)); },
        [](const detail::LinFit& f, double k, double d) {
          return Params{f.c0 + f.c1, std::pow(k, d), f.c0, d};
        },
        top);
    return top.result();
  }
  static std::optional<double> asymptote(const double* p) { return p[2]; }
  static Params reference_params() { return {0.1, 20.0, 0.9, 1.2}; }
};

/// wbl4: c - b exp(-a x^d)  (LCDB; Weibull)
struct Wbl4 {
  static constexpr const char* kName = "wbl4";
  static constexpr const char* kFormula = "c - b * exp(-a * x^d)";
  static constexpr int kNumParams = 4;
  static constexpr std::array<const char*, 4> kParamNames{{"a", "b", "c", "d"}};
  static constexpr Normalisation kNormalisation = Normalisation::Oriented;
  using Params = std::array<double, 4>;
  template <class T>
  static T eval(const T* p, const T& x) {
    using std::exp;
    using std::pow;
    return p[2] - p[1] * exp(-p[0] * pow(x, p[3]));
  }
  static void bounds(const Summary&, double* lo, double* hi) {
    lo[0] = 1e-30, hi[0] = 1e4;
    lo[1] = -1e6, hi[1] = 1e6;
    lo[2] = -kAmp, hi[2] = kAmp;
    lo[3] = 0.01, hi[3] = 10;
  }
  static std::vector<Params> guesses(const Summary& s) {
    detail::TopK<4> top;
    two_param_scan(
        s, detail::scale_grid(s), shape_grid(),
        [](double t, double k, double d) { return std::exp(-std::pow(t / k, d)); },
        [](const detail::LinFit& f, double k, double d) {
          return Params{std::pow(k, -d), -f.c1, f.c0, d};
        },
        top);
    return top.result();
  }
  static std::optional<double> asymptote(const double* p) { return p[2]; }
  static Params reference_params() { return {0.05, 0.8, 0.9, 1.0}; }
};

/// janoschek4: a - b exp(-c x^d)  (LCDB)
struct Janoschek4 {
  static constexpr const char* kName = "janoschek4";
  static constexpr const char* kFormula = "a - b * exp(-c * x^d)";
  static constexpr int kNumParams = 4;
  static constexpr std::array<const char*, 4> kParamNames{{"a", "b", "c", "d"}};
  static constexpr Normalisation kNormalisation = Normalisation::Oriented;
  using Params = std::array<double, 4>;
  template <class T>
  static T eval(const T* p, const T& x) {
    using std::exp;
    using std::pow;
    return p[0] - p[1] * exp(-p[2] * pow(x, p[3]));
  }
  static void bounds(const Summary&, double* lo, double* hi) {
    lo[0] = -kAmp, hi[0] = kAmp;
    lo[1] = -1e6, hi[1] = 1e6;
    lo[2] = 1e-30, hi[2] = 1e4;
    lo[3] = 0.01, hi[3] = 10;
  }
  static std::vector<Params> guesses(const Summary& s) {
    detail::TopK<4> top;
    two_param_scan(
        s, detail::scale_grid(s), shape_grid(),
        [](double t, double k, double d) { return std::exp(-std::pow(t / k, d)); },
        [](const detail::LinFit& f, double k, double d) {
          return Params{f.c0, -f.c1, std::pow(k, -d), d};
        },
        top);
    return top.result();
  }
  static std::optional<double> asymptote(const double* p) { return p[0]; }
  static Params reference_params() { return {0.9, 0.8, 0.05, 1.0}; }
};

/// exp4: c - exp(-a x^alpha + b)  (Domhan et al.; LCDB)
struct Exp4 {
  static constexpr const char* kName = "exp4";
  static constexpr const char* kFormula = "c - exp(-a * x^alpha + b)";
  static constexpr int kNumParams = 4;
  static constexpr std::array<const char*, 4> kParamNames{{"c", "a", "b", "alpha"}};
  static constexpr Normalisation kNormalisation = Normalisation::Oriented;
  using Params = std::array<double, 4>;
  template <class T>
  static T eval(const T* p, const T& x) {
    using std::exp;
    using std::pow;
    return p[0] - exp(-p[1] * pow(x, p[3]) + p[2]);
  }
  static void bounds(const Summary&, double* lo, double* hi) {
    lo[0] = -kAmp, hi[0] = kAmp;
    lo[1] = 1e-30, hi[1] = 1e4;
    lo[2] = -50, hi[2] = 50;
    lo[3] = 0.01, hi[3] = 10;
  }
  static std::vector<Params> guesses(const Summary& s) {
    detail::TopK<4> top;
    std::vector<double> phi;
    for (double k : detail::scale_grid(s))
      for (double d : shape_grid()) {
        auto f = detail::project(
            s, [&](double t) { return std::exp(-std::pow(t / k, d)); }, true, phi);
        if (f.c1 < 0) top.push(f.sse, {f.c0, std::pow(k, -d), std::log(-f.c1), d});
      }
    if (top.result().empty()) top.push(1.0, {1.5, 0.5, 0.0, 0.5});
    return top.result();
  }
  static std::optional<double> asymptote(const double* p) { return p[0]; }
  static Params reference_params() { return {0.7, 0.8, -0.8, 0.3}; }
};

/// pow4: a - b (x + d)^(-c)  (LCDB's parametrisation)
struct Pow4 {
  static constexpr const char* kName = "pow4";
  static constexpr const char* kFormula = "a - b * (x + d)^(-c)";
  static constexpr int kNumParams = 4;
  static constexpr std::array<const char*, 4> kParamNames{{"a", "b", "c", "d"}};
  static constexpr Normalisation kNormalisation = Normalisation::Oriented;
  using Params = std::array<double, 4>;
  template <class T>
  static T eval(const T* p, const T& x) {
    using std::pow;
    return p[0] - p[1] * pow(x + p[3], -p[2]);
  }
  static void bounds(const Summary& s, double* lo, double* hi) {
    lo[0] = -kAmp, hi[0] = kAmp;
    lo[1] = -1e8, hi[1] = 1e8;
    lo[2] = 1e-4, hi[2] = 10;
    lo[3] = -0.9 * s.t1, hi[3] = 10 * s.tn;  // keeps x + d > 0 for every x >= x0
  }
  static std::vector<Params> guesses(const Summary& s) {
    detail::TopK<4> top;
    std::vector<double> phi;
    for (double d : {0.0, s.t1, 4 * s.t1, 0.25 * s.tn})
      for (double c : detail::logspace(0.01, 4, 14)) {
        auto f = detail::project(
            s, [&](double t) { return std::pow(t + d, -c); }, true, phi);
        top.push(f.sse, {f.c0, -f.c1, c, d});
      }
    return top.result();
  }
  static std::optional<double> asymptote(const double* p) { return p[0]; }
  static Params reference_params() { return {0.9, 0.8, 0.5, 1.0}; }
};

/// weibull: alpha - (alpha - beta) exp(-(kappa x)^delta)  (Domhan et al.)
struct Weibull {
  static constexpr const char* kName = "weibull";
  static constexpr const char* kFormula = "alpha - (alpha - beta) * exp(-(kappa * x)^delta)";
  static constexpr int kNumParams = 4;
  static constexpr std::array<const char*, 4> kParamNames{{"alpha", "beta", "kappa", "delta"}};
  static constexpr Normalisation kNormalisation = Normalisation::Oriented;
  using Params = std::array<double, 4>;
  template <class T>
  static T eval(const T* p, const T& x) {
    using std::exp;
    using std::pow;
    return p[0] - (p[0] - p[1]) * exp(-pow(p[2] * x, p[3]));
  }
  static void bounds(const Summary& s, double* lo, double* hi) {
    lo[0] = -kAmp, hi[0] = kAmp;
    lo[1] = -1e6, hi[1] = 1e6;
    lo[2] = 1e-4 / s.tn, hi[2] = 1e3 / s.t1;
    lo[3] = 0.01, hi[3] = 10;
  }
  static std::vector<Params> guesses(const Summary& s) {
    detail::TopK<4> top;
    two_param_scan(
        s, detail::scale_grid(s), shape_grid(),
        [](double t, double k, double d) { return std::exp(-std::pow(t / k, d)); },
        [](const detail::LinFit& f, double k, double d) {
          return Params{f.c0, f.c0 + f.c1, 1.0 / k, d};
        },
        top);
    return top.result();
  }
  static std::optional<double> asymptote(const double* p) { return p[0]; }
  static Params reference_params() { return {0.7, 0.1, 0.01, 1.0}; }
};

/// mmf: alpha - (alpha - beta) / (1 + (kappa x)^delta)  (Domhan et al.)
struct Mmf {
  static constexpr const char* kName = "mmf";
  static constexpr const char* kFormula = "alpha - (alpha - beta) / (1 + (kappa * x)^delta)";
  static constexpr int kNumParams = 4;
  static constexpr std::array<const char*, 4> kParamNames{{"alpha", "beta", "kappa", "delta"}};
  static constexpr Normalisation kNormalisation = Normalisation::Oriented;
  using Params = std::array<double, 4>;
  template <class T>
  static T eval(const T* p, const T& x) {
    using std::pow;
    return p[0] - (p[0] - p[1]) / (1.0 + pow(p[2] * x, p[3]));
  }
  static void bounds(const Summary& s, double* lo, double* hi) {
    lo[0] = -kAmp, hi[0] = kAmp;
    lo[1] = -kAmp, hi[1] = kAmp;
    lo[2] = 1e-4 / s.tn, hi[2] = 1e3 / s.t1;
    lo[3] = 0.01, hi[3] = 10;
  }
  static std::vector<Params> guesses(const Summary& s) {
    detail::TopK<4> top;
    two_param_scan(
        s, detail::scale_grid(s), shape_grid(),
        [](double t, double k, double d) { return 1.0 / (1.0 + std::pow(t / k, d)); },
        [](const detail::LinFit& f, double k, double d) {
          return Params{f.c0, f.c0 + f.c1, 1.0 / k, d};
        },
        top);
    return top.result();
  }
  static std::optional<double> asymptote(const double* p) { return p[0]; }
  static Params reference_params() { return {0.7, 0.1, 0.01, 5.0}; }
};

/// janoschek: alpha - (alpha - beta) exp(-kappa x^delta)  (Domhan et al.; LC-PFN prior)
struct Janoschek {
  static constexpr const char* kName = "janoschek";
  static constexpr const char* kFormula = "alpha - (alpha - beta) * exp(-kappa * x^delta)";
  static constexpr int kNumParams = 4;
  static constexpr std::array<const char*, 4> kParamNames{{"alpha", "beta", "kappa", "delta"}};
  static constexpr Normalisation kNormalisation = Normalisation::Oriented;
  using Params = std::array<double, 4>;
  template <class T>
  static T eval(const T* p, const T& x) {
    using std::exp;
    using std::pow;
    return p[0] - (p[0] - p[1]) * exp(-p[2] * pow(x, p[3]));
  }
  static void bounds(const Summary&, double* lo, double* hi) {
    lo[0] = -kAmp, hi[0] = kAmp;
    lo[1] = -1e6, hi[1] = 1e6;
    lo[2] = 1e-30, hi[2] = 1e4;
    lo[3] = 0.01, hi[3] = 10;
  }
  static std::vector<Params> guesses(const Summary& s) {
    detail::TopK<4> top;
    two_param_scan(
        s, detail::scale_grid(s), shape_grid(),
        [](double t, double k, double d) { return std::exp(-std::pow(t / k, d)); },
        [](const detail::LinFit& f, double k, double d) {
          return Params{f.c0, f.c0 + f.c1, std::pow(k, -d), d};
        },
        top);
    return top.result();
  }
  static std::optional<double> asymptote(const double* p) { return p[0]; }
  static Params reference_params() { return {0.73, 0.07, 0.355, 0.46}; }
};

/// hill3: theta x^eta / (kappa^eta + x^eta)  (Domhan et al.)
struct Hill3 {
  static constexpr const char* kName = "hill3";
  static constexpr const char* kFormula = "theta * x^eta / (kappa^eta + x^eta)";
  static constexpr int kNumParams = 3;
  static constexpr std::array<const char*, 3> kParamNames{{"theta", "eta", "kappa"}};
  static constexpr Normalisation kNormalisation = Normalisation::Scale;
  using Params = std::array<double, 3>;
  template <class T>
  static T eval(const T* p, const T& x) {
    using std::pow;
    const T xe = pow(x, p[1]);
    return p[0] * xe / (pow(p[2], p[1]) + xe);
  }
  static void bounds(const Summary& s, double* lo, double* hi) {
    lo[0] = -kAmp, hi[0] = kAmp;
    lo[1] = -10, hi[1] = 10;
    lo[2] = 1e-3 * s.t1, hi[2] = 1e4 * s.tn;
  }
  static std::vector<Params> guesses(const Summary& s) {
    detail::TopK<3> top;
    std::vector<double> phi;
    for (double k : detail::scale_grid(s, 10))
      for (double e : {-3.0, -1.5, -0.8, -0.4, -0.15, 0.15, 0.4, 0.8, 1.5, 3.0}) {
        auto f = detail::project(
            s, [&](double t) { return std::pow(t, e) / (std::pow(k, e) + std::pow(t, e)); }, false, phi);
        top.push(f.sse, {f.c1, e, k});
      }
    return top.result();
  }
  static std::optional<double> asymptote(const double* p) {
    if (p[1] > 0) return p[0];
    if (p[1] < 0) return 0.0;
    return p[0] / 2;
  }
  static Params reference_params() { return {0.772, 0.586, 2.461}; }
};

/// loglog_linear: ln(a ln x + b)  (Domhan et al.; unbounded)
struct LogLogLinear {
  static constexpr const char* kName = "loglog_linear";
  static constexpr const char* kFormula = "ln(a * ln(x) + b)";
  static constexpr int kNumParams = 2;
  static constexpr std::array<const char*, 2> kParamNames{{"a", "b"}};
  // Not y-scale invariant (the log has no amplitude): fitted in raw units.
  static constexpr Normalisation kNormalisation = Normalisation::Identity;
  using Params = std::array<double, 2>;
  template <class T>
  static T eval(const T* p, const T& x) {
    using std::log;
    return log(p[0] * log(x) + p[1]);
  }
  static void bounds(const Summary&, double* lo, double* hi) {
    lo[0] = -kAmp, hi[0] = kAmp;
    lo[1] = 1e-12, hi[1] = kAmp;  // b > 0 keeps the value defined at x = x0
  }
  static std::vector<Params> guesses(const Summary& s) {
    std::vector<double> ez(s.n), phi(s.n);
    for (int i = 0; i < s.n; ++i) {
      ez[i] = std::exp(s.z[i]);
      phi[i] = std::log(s.t[i]);
    }
    auto f = detail::linfit(phi.data(), ez.data(), s.n, true);
    detail::TopK<2> top;
    if (f.c0 > 0) top.push(f.sse, {f.c1, f.c0});
    top.push(1e9, {0.0, std::exp(s.z[s.n - 1])});
    return top.result();
  }
  static std::optional<double> asymptote(const double*) { return std::nullopt; }
  static Params reference_params() { return {1.0, 1.0}; }
};

}  // namespace curvecast::families
