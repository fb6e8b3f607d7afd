#pragma once
// Parametric learning-curve families (reference.md §1: Domhan et al. 2015's
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
#include <cmath>
#include <optional>
#include <tuple>
#include <vector>

#include "detail/initialise.hpp"
#include "observations.hpp"

namespace curvecast::families {

namespace detail = ::curvecast::detail;
using detail::Summary;

/// Bound on amplitudes and offsets, in normalised units (the prefix spans 1).
inline constexpr double kAmp = 1e3;

// --------------------------------------------------------------------------
/// pow2: -a x^(-b)  (LCDB)
struct Pow2 {
  static constexpr const char* kName = "pow2";
  static constexpr const char* kFormula = "-a * x^(-b)";
  static constexpr int kNumParams = 2;
  static constexpr std::array<const char*, 2> kParamNames{{"a", "b"}};
  static constexpr Normalisation kNormalisation = Normalisation::Scale;
  using Params = std::array<double, 2>;
  template <class T>
  static T eval(const T* p, const T& x) {
    using std::pow;
    return -p[0] * pow(x, -p[1]);
  }
  static void bounds(const Summary&, double* lo, double* hi) {
    lo[0] = -kAmp, hi[0] = kAmp;
    lo[1] = 1e-4, hi[1] = 10;
  }
  static std::vector<Params> guesses(const Summary& s) {
    detail::TopK<2> top;
    std::vector<double> phi;
    for (double b : detail::logspace(0.01, 4, 16)) {
      auto f = detail::project(s, [&](double t) { return std::pow(t, -b); }, false, phi);
      top.push(f.sse, {-f.c1, b});
    }
    return top.result();
  }
  static std::optional<double> asymptote(const double*) { return 0.0; }
  static Params reference_params() { return {-0.5, 0.3}; }
};

/// log2: -a ln x + b  (LCDB; unbounded)
struct Log2 {
  static constexpr const char* kName = "log2";
  static constexpr const char* kFormula = "-a * ln(x) + b";
  static constexpr int kNumParams = 2;
  static constexpr std::array<const char*, 2> kParamNames{{"a", "b"}};
  static constexpr Normalisation kNormalisation = Normalisation::Oriented;
  using Params = std::array<double, 2>;
  template <class T>
  static T eval(const T* p, const T& x) {
    using std::log;
    return -p[0] * log(x) + p[1];
  }
  static void bounds(const Summary&, double* lo, double* hi) {
    lo[0] = -kAmp, hi[0] = kAmp;
    lo[1] = -kAmp, hi[1] = kAmp;
  }
  static std::vector<Params> guesses(const Summary& s) {
    std::vector<double> phi;
    auto f = detail::project(s, [](double t) { return std::log(t); }, true, phi);
    detail::TopK<2> top;
    top.push(f.sse, {-f.c1, f.c0});
    return top.result();
  }
  static std::optional<double> asymptote(const double*) { return std::nullopt; }
  static Params reference_params() { return {-0.1, 0.2}; }
};

/// exp2: a e^(-b x)  (LCDB)
struct Exp2 {
  static constexpr const char* kName = "exp2";
  static constexpr const char* kFormula = "a * exp(-b * x)";
  static constexpr int kNumParams = 2;
  static constexpr std::array<const char*, 2> kParamNames{{"a", "b"}};
  static constexpr Normalisation kNormalisation = Normalisation::Scale;
  using Params = std::array<double, 2>;
  template <class T>
  static T eval(const T* p, const T& x) {
    using std::exp;
    return p[0] * exp(-p[1] * x);
  }
  static void bounds(const Summary& s, double* lo, double* hi) {
    lo[0] = -kAmp, hi[0] = kAmp;
    lo[1] = 1e-4 / s.tn, hi[1] = 50.0 / s.t1;
  }
  static std::vector<Params> guesses(const Summary& s) {
    detail::TopK<2> top;
    std::vector<double> phi;
    for (double b : detail::rate_grid(s)) {
      auto f = detail::project(s, [&](double t) { return std::exp(-b * t); }, false, phi);
      top.push(f.sse, {f.c1, b});
    }
    return top.result();
  }
  static std::optional<double> asymptote(const double*) { return 0.0; }
  static Params reference_params() { return {0.8, 0.05}; }
};

/// lin2: a x + b  (LCDB; unbounded)
struct Lin2 {
  static constexpr const char* kName = "lin2";
  static constexpr const char* kFormula = "a * x + b";
  static constexpr int kNumParams = 2;
  static constexpr std::array<const char*, 2> kParamNames{{"a", "b"}};
  static constexpr Normalisation kNormalisation = Normalisation::Oriented;
  using Params = std::array<double, 2>;
  template <class T>
  static T eval(const T* p, const T& x) {
    return p[0] * x + p[1];
  }
  static void bounds(const Summary&, double* lo, double* hi) {
    lo[0] = -kAmp, hi[0] = kAmp;
    lo[1] = -kAmp, hi[1] = kAmp;
  }
  static std::vector<Params> guesses(const Summary& s) {
    std::vector<double> phi;
    auto f = detail::project(s, [](double t) { return t; }, true, phi);
    detail::TopK<2> top;
    top.push(f.sse, {f.c1, f.c0});
    return top.result();
  }
  static std::optional<double> asymptote(const double*) { return std::nullopt; }
  static Params reference_params() { return {0.01, 0.2}; }
};

/// ilog2: c - a / ln(x + 1)  (Domhan et al.; LC-PFN prior)
struct Ilog2 {
  static constexpr const char* kName = "ilog2";
  static constexpr const char* kFormula = "c - a / ln(x + 1)";
  static constexpr int kNumParams = 2;
  static constexpr std::array<const char*, 2> kParamNames{{"c", "a"}};
  static constexpr Normalisation kNormalisation = Normalisation::Oriented;
  using Params = std::array<double, 2>;
  template <class T>
  static T eval(const T* p, const T& x) {
    using std::log;
    return p[0] - p[1] / log(x + 1.0);
  }
  static void bounds(const Summary&, double* lo, double* hi) {
    lo[0] = -kAmp, hi[0] = kAmp;
    lo[1] = -kAmp, hi[1] = kAmp;
  }
  static std::vector<Params> guesses(const Summary& s) {
    std::vector<double> phi;
    auto f = detail::project(s, [](double t) { return 1.0 / std::log(t + 1.0); }, true, phi);
    detail::TopK<2> top;
    top.push(f.sse, {f.c0, -f.c1});
    return top.result();
  }
  static std::optional<double> asymptote(const double* p) { return p[0]; }
  static Params reference_params() { return {0.78, 0.43}; }
};

/// pow3: c - a x^(-alpha)
struct Pow3 {
  static constexpr const char* kName = "pow3";
  static constexpr const char* kFormula = "c - a * x^(-alpha)";
  static constexpr int kNumParams = 3;
  static constexpr std::array<const char*, 3> kParamNames{{"c", "a", "alpha"}};
  static constexpr Normalisation kNormalisation = Normalisation::Oriented;
  using Params = std::array<double, 3>;
  template <class T>
  static T eval(const T* p, const T& x) {
    using std::pow;
    return p[0] - p[1] * pow(x, -p[2]);
  }
  static void bounds(const Summary&, double* lo, double* hi) {
    lo[0] = -kAmp, hi[0] = kAmp;
    lo[1] = -kAmp, hi[1] = kAmp;
    lo[2] = 1e-4, hi[2] = 10;
  }
  static std::vector<Params> guesses(const Summary& s) {
    detail::TopK<3> top;
    std::vector<double> phi;
    for (double al : detail::logspace(0.005, 5, 20)) {
      auto f = detail::project(s, [&](double t) { return std::pow(t, -al); }, true, phi);
      top.push(f.sse, {f.c0, -f.c1, al});
    }
    return top.result();
  }
  static std::optional<double> asymptote(const double* p) { return p[0]; }
  static Params reference_params() { return {0.84, 0.52, 0.5}; }
};

/// exp3: a e^(-b x) + c  (LCDB)
struct Exp3 {
  static constexpr const char* kName = "exp3";
  static constexpr const char* kFormula = "a * exp(-b * x) + c";
  static constexpr int kNumParams = 3;
  static constexpr std::array<const char*, 3> kParamNames{{"a", "b", "c"}};
  static constexpr Normalisation kNormalisation = Normalisation::Oriented;
  using Params = std::array<double, 3>;
  template <class T>
  static T eval(const T* p, const T& x) {
    using std::exp;
    return p[0] * exp(-p[1] * x) + p[2];
  }
  static void bounds(const Summary& s, double* lo, double* hi) {
    lo[0] = -1e6, hi[0] = 1e6;
    lo[1] = 1e-4 / s.tn, hi[1] = 50.0 / s.t1;
    lo[2] = -kAmp, hi[2] = kAmp;
  }
  static std::vector<Params> guesses(const Summary& s) {
    detail::TopK<3> top;
    std::vector<double> phi;
    for (double b : detail::rate_grid(s, 20)) {
      auto f = detail::project(s, [&](double t) { return std::exp(-b * t); }, true, phi);
      top.push(f.sse, {f.c1, b, f.c0});
    }
    return top.result();
  }
  static std::optional<double> asymptote(const double* p) { return p[2]; }
  static Params reference_params() { return {-0.8, 0.1, 0.9}; }
};

/// expd3: c - (c - a) e^(-b x)  (LCDB)
struct Expd3 {
  static constexpr const char* kName = "expd3";
  static constexpr const char* kFormula = "c - (c - a) * exp(-b * x)";
  static constexpr int kNumParams = 3;
  static constexpr std::array<const char*, 3> kParamNames{{"a", "b", "c"}};
  static constexpr Normalisation kNormalisation = Normalisation::Oriented;
  using Params = std::array<double, 3>;
  template <class T>
  static T eval(const T* p, const T& x) {
    using std::exp;
    return p[2] - (p[2] - p[0]) * exp(-p[1] * x);
  }
  static void bounds(const Summary& s, double* lo, double* hi) {
    lo[0] = -1e6, hi[0] = 1e6;
    lo[1] = 1e-4 / s.tn, hi[1] = 50.0 / s.t1;
    lo[2] = -kAmp, hi[2] = kAmp;
  }
  static std::vector<Params> guesses(const Summary& s) {
    detail::TopK<3> top;
    std::vector<double> phi;
    for (double b : detail::rate_grid(s, 20)) {
      auto f = detail::project(s, [&](double t) { return std::exp(-b * t); }, true, phi);
      top.push(f.sse, {f.c0 + f.c1, b, f.c0});
    }
    return top.result();
  }
  static std::optional<double> asymptote(const double* p) { return p[2]; }
  static Params reference_params() { return {0.1, 0.1, 0.9}; }
};

/// expp3: c - exp((x - b)^a)  (LCDB)
struct Expp3 {
  static constexpr const char* kName = "expp3";
  static constexpr const char* kFormula = "c - exp((x - b)^a)";
  static constexpr int kNumParams = 3;
  static constexpr std::array<const char*, 3> kParamNames{{"a", "b", "c"}};
  // Neither x- nor y-scale invariant (no amplitude): fitted in raw units.
  static constexpr Normalisation kNormalisation = Normalisation::Identity;
  using Params = std::array<double, 3>;
  template <class T>
  static T eval(const T* p, const T& x) {
    using std::exp;
    using std::pow;
    return p[2] - exp(pow(x - p[1], p[0]));
  }
  static void bounds(const Summary& s, double* lo, double* hi) {
    lo[0] = -10, hi[0] = 1;
    lo[1] = -10 * s.tn, hi[1] = 0.9 * s.t1;  // keeps x - b > 0 for every x >= x0
    lo[2] = -kAmp, hi[2] = kAmp;
  }
  static std::vector<Params> guesses(const Summary& s) {
    detail::TopK<3> top;
    std::vector<double> phi;
    for (double b : {0.0, -s.t1, -0.25 * s.tn})
      for (double a : {-4.0, -2.0, -1.0, -0.5, -0.25, -0.1, -0.05, 0.05, 0.1}) {
        auto f = detail::project(s, [&](double t) { return std::exp(std::pow(t - b, a)); }, false,
                                 phi);
        // z ~ c - phi: fit c as the mean offset
        double c = 0, sse = 0;
        for (int i = 0; i < s.n; ++i) c += s.z[i] + phi[i];
        c /= s.n;
        for (int i = 0; i < s.n; ++i) sse += (c - phi[i] - s.z[i]) * (c - phi[i] - s.z[i]);
        (void)f;
        top.push(sse, {a, b, c});
      }
    return top.result();
  }
  static std::optional<double> asymptote(const double* p) {
    if (p[0] < 0) return p[2] - 1.0;
    return std::nullopt;
  }
  static Params reference_params() { return {-0.5, 0.0, 1.9}; }
};

/// vap3 (Domhan's "vap"): exp(a + b/x + c ln x)
struct Vap3 {
  static constexpr const char* kName = "vap3";
  static constexpr const char* kFormula = "exp(a + b / x + c * ln(x))";
  static constexpr int kNumParams = 3;
  static constexpr std::array<const char*, 3> kParamNames{{"a", "b", "c"}};
  static constexpr Normalisation kNormalisation = Normalisation::Scale;
  using Params = std::array<double, 3>;
  template <class T>
  static T eval(const T* p, const T& x) {
    using std::exp;
    using std::log;
    return exp(p[0] + p[1] / x + p[2] * log(x));
  }
  static void bounds(const Summary& s, double* lo, double* hi) {
    lo[0] = -50, hi[0] = 50;
    lo[1] = -50 * s.t1, hi[1] = 50 * s.t1;
    lo[2] = -10, hi[2] = 10;
  }
  static std::vector<Params> guesses(const Summary& s) {
    detail::TopK<3> top;
    bool positive = true;
    for (int i = 0; i < s.n; ++i) positive = positive && s.z[i] > 0;
    if (positive && s.n >= 3) {
      // ln z = a + b/t + c ln t: ordinary least squares with three regressors.
      double A[3][3] = {{0}}, r[3] = {0};
      for (int i = 0; i < s.n; ++i) {
        const double v[3] = {1.0, 1.0 / s.t[i], std::log(s.t[i])}, lz = std::log(s.z[i]);
        for (int a = 0; a < 3; ++a) {
          r[a] += v[a] * lz;
          for (int b = 0; b < 3; ++b) A[a][b] += v[a] * v[b];
        }
      }
      // Gaussian elimination with partial pivoting.
      int idx[3] = {0, 1, 2};
      bool ok = true;
      for (int c = 0; c < 3 && ok; ++c) {
        int piv = c;
        for (int k = c + 1; k < 3; ++k)
          if (std::abs(A[k][c]) > std::abs(A[piv][c])) piv = k;
        std::swap(A[c], A[piv]);
        std::swap(r[c], r[piv]);
        if (std::abs(A[c][c]) < 1e-12) ok = false;
        for (int k = c + 1; k < 3 && ok; ++k) {
          const double m = A[k][c] / A[c][c];
          for (int j = c; j < 3; ++j) A[k][j] -= m * A[c][j];
          r[k] -= m * r[c];
        }
      }
      (void)idx;
      if (ok) {
        double sol[3];
        for (int c = 2; c >= 0; --c) {
          double acc = r[c];
          for (int j = c + 1; j < 3; ++j) acc -= A[c][j] * sol[j];
          sol[c] = acc / A[c][c];
        }
        top.push(0.0, {sol[0], sol[1], sol[2]});
      }
    }
    double zmean = 0;
    for (int i = 0; i < s.n; ++i) zmean += s.z[i];
    zmean /= s.n;
    top.push(1.0, {std::log(std::max(std::abs(zmean), 1e-3)), 0.0, 0.0});
    return top.result();
  }
  static std::optional<double> asymptote(const double* p) {
    if (p[2] < 0) return 0.0;
    return std::nullopt;
  }
  static Params reference_params() { return {-0.622, -0.470, 0.0423}; }
};

/// logpower3 (Domhan's "log_power"): a / (1 + (x / e^b)^c)
struct LogPower3 {
  static constexpr const char* kName = "logpower3";
  static constexpr const char* kFormula = "a / (1 + (x / exp(b))^c)";
  static constexpr int kNumParams = 3;
  static constexpr std::array<const char*, 3> kParamNames{{"a", "b", "c"}};
  static constexpr Normalisation kNormalisation = Normalisation::Scale;
  using Params = std::array<double, 3>;
  template <class T>
  static T eval(const T* p, const T& x) {
    using std::exp;
    using std::pow;
    return p[0] / (1.0 + pow(x / exp(p[1]), p[2]));
  }
  static void bounds(const Summary& s, double* lo, double* hi) {
    lo[0] = -kAmp, hi[0] = kAmp;
    lo[1] = std::log(s.t1) - 20, hi[1] = std::log(s.tn) + 20;
    lo[2] = -10, hi[2] = 10;
  }
  static std::vector<Params> guesses(const Summary& s) {
    detail::TopK<3> top;
    std::vector<double> phi;
    for (double k : detail::scale_grid(s, 10))
      for (double c : {-3.0, -1.5, -0.8, -0.4, -0.15, 0.15, 0.4, 0.8, 1.5, 3.0}) {
        auto f = detail::project(s, [&](double t) { return 1.0 / (1.0 + std::pow(t / k, c)); },
                                 false, phi);
        top.push(f.sse, {f.c1, std::log(k), c});
      }
    return top.result();
  }
  static std::optional<double> asymptote(const double* p) {
    if (p[2] < 0) return p[0];
    if (p[2] > 0) return 0.0;
    return p[0] / 2;
  }
  static Params reference_params() { return {0.77, 2.98, -0.51}; }
};

/// Shared start search for c - A * g(x) families with g fixed by two nonlinear
/// parameters (a rate or scale, and a shape exponent).
template <class G, class Make, int N>
void two_param_scan(const Summary& s, const std::vector<double>& r, const std::vector<double>& d,
                    G&& g, Make&& make, detail::TopK<N>& top) {
  std::vector<double> phi;
  for (double ri : r)
    for (double di : d) {
      auto f = detail::project(s, [&](double t) { return g(t, ri, di); }, true, phi);
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
        auto f = detail::project(s, [&](double t) { return std::exp(-std::pow(t / k, d)); }, true,
                                 phi);
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
        auto f = detail::project(s, [&](double t) { return std::pow(t + d, -c); }, true, phi);
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
            s, [&](double t) { return std::pow(t, e) / (std::pow(k, e) + std::pow(t, e)); }, false,
            phi);
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

/// Every learning-curve family, in registry order.
using AllFamilies = std::tuple<Pow2, Log2, Exp2, Lin2, Ilog2, Pow3, Exp3, Expd3, Expp3, Vap3,
                               LogPower3, Mmf4, Wbl4, Janoschek4, Exp4, Pow4, Weibull, Mmf,
                               Janoschek, Hill3, LogLogLinear>;

}  // namespace curvecast::families
