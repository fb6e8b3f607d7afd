#pragma once
// The elementary learning-curve families (power, logarithmic, exponential,
// linear, vapor pressure, log-power) and what every family shares (the
// amplitude bound). Included by families.hpp, which documents the family
// interface; see docs/references.md, Learning-curve families.
//
//   using curvecast::families::Pow3;
//   std::array<double, 3> p{0.2, 0.5, 0.8};
//   double v = Pow3::eval(p.data(), 12.0);
#include <cmath>
#include <optional>
#include <tuple>
#include <vector>

#include "../detail/initialise.hpp"
#include "../observations.hpp"

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
      auto f = detail::project(
          s, [&](double t) { return std::pow(t, -b); }, false, phi);
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
    auto f = detail::project(
        s, [](double t) { return std::log(t); }, true, phi);
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
      auto f = detail::project(
          s, [&](double t) { return std::exp(-b * t); }, false, phi);
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
    auto f = detail::project(
        s, [](double t) { return t; }, true, phi);
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
    auto f = detail::project(
        s, [](double t) { return 1.0 / std::log(t + 1.0); }, true, phi);
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
      auto f = detail::project(
          s, [&](double t) { return std::pow(t, -al); }, true, phi);
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
      auto f = detail::project(
          s, [&](double t) { return std::exp(-b * t); }, true, phi);
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
      auto f = detail::project(
          s, [&](double t) { return std::exp(-b * t); }, true, phi);
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
        auto f = detail::project(
            s, [&](double t) { return std::exp(std::pow(t - b, a)); }, false, phi);
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
        auto f = detail::project(
            s, [&](double t) { return 1.0 / (1.0 + std::pow(t / k, c)); }, false, phi);
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

}  // namespace curvecast::families
