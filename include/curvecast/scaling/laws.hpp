#pragma once
// Scaling-law families (see docs/references.md, Scaling laws): multi-input laws (Chinchilla,
// Kaplan, Gadre et al.'s over-training law) and one-input laws (saturating
// power law, broken neural scaling law with K breaks, parametric sigmoid,
// exp(-A C^-alpha), the COD cluster law). No Ceres here.
//
//   using curvecast::scaling::Chinchilla;
//   std::array<double, 5> p{6.16925, 7.67016, 0.59731, 0.34731, 0.36717};  // a, b, e, alpha, beta
//   const double x[2] = {70e9, 1.4e12};                                     // N, D
//   double loss = Chinchilla::predict(p.data(), x);                          // 1.93...
//   double log_loss = Chinchilla::log_predict(p.data(), x);                  // stable LSE form
//
// Every law is a type with kName, kFormula, kNumInputs, kNumParams, kParamNames,
// kDefaultSpace (the target space it is fitted in), predict<T>(p, x) (templated
// on the scalar so Ceres' Jets work) and default_starts() (start points used
// when the options name none). Laws fitted in log space may also provide
// log_predict<T>, which the fitter then uses instead of log(predict).
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <type_traits>
#include <vector>

namespace curvecast::scaling {

/// The space in which residuals are taken: r = g(prediction) - g(y).
enum class Space {
  Raw,    ///< g(y) = y
  Log,    ///< g(y) = ln y (needs y > 0)
  Log1p,  ///< g(y) = ln(1 + y) (needs y > -1), as BNSL's authors fit
};

inline const char* space_name(Space s) {
  switch (s) {
    case Space::Raw: return "raw";
    case Space::Log: return "log";
    case Space::Log1p: return "log1p";
  }
  return "?";
}

/// Cartesian product of per-parameter value lists, first parameter slowest.
inline std::vector<std::vector<double>> grid_product(const std::vector<std::vector<double>>& axes) {
  std::vector<std::vector<double>> out{{}};
  for (const auto& ax : axes) {
    std::vector<std::vector<double>> next;
    next.reserve(out.size() * ax.size());
    for (const auto& prefix : out)
      for (double v : ax) {
        auto p = prefix;
        p.push_back(v);
        next.push_back(std::move(p));
      }
    out = std::move(next);
  }
  return out;
}

/// {lo, lo + step, ..., hi} (inclusive, rounding-safe).
inline std::vector<double> arange_inclusive(double lo, double hi, double step) {
  std::vector<double> v;
  const int n = static_cast<int>(std::floor((hi - lo) / step + 1e-9)) + 1;
  for (int i = 0; i < n; ++i) v.push_back(lo + step * i);
  return v;
}

namespace detail {
template <class T>
T lse3(const T& u, const T& v, const T& w) {
  using std::exp;
  using std::log;
  using std::max;
  // max on Jets compares values; the gradient of LSE does not depend on the shift.
  const T m = (u > v) ? ((u > w) ? u : w) : ((v > w) ? v : w);
  return m + log(exp(u - m) + exp(v - m) + exp(w - m));
}
template <class T>
T lse2(const T& u, const T& v) {
  using std::exp;
  using std::log;
  const T m = (u > v) ? u : v;
  return m + log(exp(u - m) + exp(v - m));
}
}  // namespace detail

// ---------------------------------------------------------------------------
/// Chinchilla (Hoffmann et al. 2022, Approach 3), parametrised as in the
/// replication (Besiroglu et al. 2024): L = exp(LSE(a - alpha ln N, b - beta ln D, e)),
/// i.e. E + A/N^alpha + B/D^beta with A = e^a, B = e^b, E = e^e. Inputs (N, D).
struct Chinchilla {
  static constexpr const char* kName = "chinchilla";
  static constexpr const char* kFormula = "E + A / N^alpha + B / D^beta  (a = ln A, b = ln B, e = ln E)";
  static constexpr int kNumInputs = 2;
  static constexpr int kNumParams = 5;
  static constexpr std::array<const char*, 5> kParamNames{{"a", "b", "e", "alpha", "beta"}};
  static constexpr Space kDefaultSpace = Space::Log;
  template <class T>
  static T log_predict(const T* p, const double* x) {
    const double ln_n = std::log(x[0]), ln_d = std::log(x[1]);
    return detail::lse3<T>(p[0] - p[3] * ln_n, p[1] - p[4] * ln_d, p[2]);
  }
  template <class T>
  static T predict(const T* p, const double* x) {
    using std::exp;
    return exp(log_predict(p, x));
  }
  /// ln L, its gradient g[5] and Hessian H[5*5] (row-major) in the parameters: with
  /// z = (a - alpha ln N, b - beta ln D, e) = M p and pi = softmax(z),
  /// g = M^T pi and H = M^T (diag(pi) - pi pi^T) M.
  static double space_derivs(const double* p, const double* x, double* g, double* H) {
    const double ln_n = std::log(x[0]), ln_d = std::log(x[1]);
    const double z[3] = {p[0] - p[3] * ln_n, p[1] - p[4] * ln_d, p[2]};
    const double m = std::max(z[0], std::max(z[1], z[2]));
    double pi[3] = {std::exp(z[0] - m), std::exp(z[1] - m), std::exp(z[2] - m)};
    const double s = pi[0] + pi[1] + pi[2];
    for (double& v : pi) v /= s;
    const double M[3][5] = {{1, 0, 0, -ln_n, 0}, {0, 1, 0, 0, -ln_d}, {0, 0, 1, 0, 0}};
    double Q[3][3];
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) Q[i][j] = (i == j ? pi[i] : 0.0) - pi[i] * pi[j];
    for (int k = 0; k < 5; ++k) g[k] = pi[0] * M[0][k] + pi[1] * M[1][k] + pi[2] * M[2][k];
    double QM[3][5];
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 5; ++k) QM[i][k] = Q[i][0] * M[0][k] + Q[i][1] * M[1][k] + Q[i][2] * M[2][k];
    for (int k = 0; k < 5; ++k)
      for (int l = 0; l < 5; ++l) H[k * 5 + l] = M[0][k] * QM[0][l] + M[1][k] * QM[1][l] + M[2][k] * QM[2][l];
    return m + std::log(s);
  }
  /// The replication's grid: alpha, beta in {0, 0.5, ..., 2}, e in {-1, -0.5, ..., 1},
  /// a, b in {0, 5, ..., 25}: 4500 starts (in parameter order a, b, e, alpha, beta).
  static std::vector<std::vector<double>> default_starts() {
    return grid_product({arange_inclusive(0, 25, 5), arange_inclusive(0, 25, 5), arange_inclusive(-1, 1, 0.5),
                         arange_inclusive(0, 2, 0.5), arange_inclusive(0, 2, 0.5)});
  }
};

/// Kaplan et al. 2020 joint law L = [(Nc/N)^(alpha_N/alpha_D) + Dc/D]^alpha_D,
/// parametrised by (ln Nc, ln Dc, alpha_N, alpha_D); inputs (N, D).
struct Kaplan {
  static constexpr const char* kName = "kaplan";
  static constexpr const char* kFormula = "[(Nc/N)^(alpha_N/alpha_D) + Dc/D]^alpha_D";
  static constexpr int kNumInputs = 2;
  static constexpr int kNumParams = 4;
  static constexpr std::array<const char*, 4> kParamNames{{"ln_Nc", "ln_Dc", "alpha_N", "alpha_D"}};
  static constexpr Space kDefaultSpace = Space::Log;
  template <class T>
  static T log_predict(const T* p, const double* x) {
    const double ln_n = std::log(x[0]), ln_d = std::log(x[1]);
    return p[3] * detail::lse2<T>((p[2] / p[3]) * (p[0] - ln_n), p[1] - ln_d);
  }
  template <class T>
  static T predict(const T* p, const double* x) {
    using std::exp;
    return exp(log_predict(p, x));
  }
  static std::vector<std::vector<double>> default_starts() {
    return grid_product({{25, 30, 35}, {20, 25, 30}, {0.05, 0.1, 0.3}, {0.05, 0.1, 0.3}});
  }
};

/// Over-training law (Gadre et al. 2024, eq. 4): L(N, M) = E + alpha N^b + beta 6^(b/2) (M N)^b,
/// M = tokens per parameter. Parameters (E, alpha, beta, b); inputs (N, M).
struct OverTraining {
  static constexpr const char* kName = "overtraining";
  static constexpr const char* kFormula = "E + alpha * N^b + beta * 6^(b/2) * (M * N)^b";
  static constexpr int kNumInputs = 2;
  static constexpr int kNumParams = 4;
  static constexpr std::array<const char*, 4> kParamNames{{"E", "alpha", "beta", "b"}};
  static constexpr Space kDefaultSpace = Space::Raw;
  template <class T>
  static T predict(const T* p, const double* x) {
    using std::exp;
    const double ln_n = std::log(x[0]), ln_mn = std::log(x[1] * x[0]);
    return p[0] + p[1] * exp(p[3] * ln_n) + p[2] * exp(p[3] * (0.5 * std::log(6.0) + ln_mn));
  }
  /// 4 x 4 x 2 x 4 grid (our own choice of values; the paper's code uses a grid of this size).
  static std::vector<std::vector<double>> default_starts() {
    return grid_product({{0.5, 1.0, 1.5, 2.0}, {10, 100, 1000, 10000}, {100, 1000}, {-0.1, -0.2, -0.3, -0.5}});
  }
};

// ---------------------------------------------------------------------------
// One-input laws (x is the resource: parameters, data, FLOP, or a capability score).

/// Saturating power law y = E + A x^(-alpha); parameters (E, A, alpha).
struct SaturatingPower {
  static constexpr const char* kName = "saturating_power";
  static constexpr const char* kFormula = "E + A * x^(-alpha)";
  static constexpr int kNumInputs = 1;
  static constexpr int kNumParams = 3;
  static constexpr std::array<const char*, 3> kParamNames{{"E", "A", "alpha"}};
  static constexpr Space kDefaultSpace = Space::Log;
  template <class T>
  static T predict(const T* p, const double* x) {
    using std::exp;
    return p[0] + p[1] * exp(-p[2] * std::log(x[0]));
  }
  static std::vector<std::vector<double>> default_starts() {
    return grid_product({{0.1, 1, 2}, {1, 10, 100, 1000}, {0.05, 0.2, 0.5, 1}});
  }
};

/// Broken neural scaling law with K breaks (Caballero et al. 2023):
/// y = a + b x^(-c0) prod_i (1 + (x/d_i)^(1/f_i))^(-c_i f_i).
/// Parameters (a, b, c0, c1, d1, f1, ..., cK, dK, fK).
template <int K>
struct Bnsl {
  static_assert(K >= 0, "Bnsl needs K >= 0 breaks");
  static constexpr const char* kName = "bnsl";
  static constexpr const char* kFormula = "a + b x^(-c0) prod_i (1 + (x/d_i)^(1/f_i))^(-c_i f_i)";
  static constexpr int kNumInputs = 1;
  static constexpr int kNumParams = 3 + 3 * K;
  static constexpr std::array<const char*, 3 + 3 * K> kParamNames = [] {
    std::array<const char*, 3 + 3 * K> n{};
    constexpr const char* cs[] = {"c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"};
    constexpr const char* ds[] = {"d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8"};
    constexpr const char* fs[] = {"f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8"};
    n[0] = "a", n[1] = "b", n[2] = "c0";
    for (int i = 0; i < K && i < 8; ++i) n[3 + 3 * i] = cs[i], n[4 + 3 * i] = ds[i], n[5 + 3 * i] = fs[i];
    return n;
  }();
  static constexpr Space kDefaultSpace = Space::Log1p;
  template <class T>
  static T predict(const T* p, const double* x) {
    using std::exp;
    using std::log;
    const double lx = std::log(x[0]);
    T logprod = -p[2] * lx;
    for (int i = 0; i < K; ++i) {
      const T& c = p[3 + 3 * i];
      const T& d = p[4 + 3 * i];
      const T& f = p[5 + 3 * i];
      // (x/d)^(1/f) = exp((ln x - ln d) / f)
      logprod += -c * f * log1p_t(exp((lx - log(d)) / f));
    }
    return p[0] + p[1] * exp(logprod);
  }
  static std::vector<std::vector<double>> default_starts() {
    std::vector<std::vector<double>> axes{{0.0, 0.5}, {1, 10}, {0.0, 0.5}};
    for (int i = 0; i < K; ++i) {
      axes.push_back({0.5, 2});
      axes.push_back({10, 1000});
      axes.push_back({0.1, 0.5});
    }
    return grid_product(axes);
  }

 private:
  template <class T>
  static T log1p_t(const T& u) {
    using std::log;
    return log(T(1.0) + u);
  }
};

/// Parametric sigmoid of observational scaling laws (Ruan et al. 2024):
/// y = b + (1 - b) sigma(w x + w0); parameters (b, w, w0). x is usually log-FLOP.
struct Sigmoid {
  static constexpr const char* kName = "sigmoid";
  static constexpr const char* kFormula = "b + (1 - b) / (1 + exp(-(w x + w0)))";
  static constexpr int kNumInputs = 1;
  static constexpr int kNumParams = 3;
  static constexpr std::array<const char*, 3> kParamNames{{"b", "w", "w0"}};
  static constexpr Space kDefaultSpace = Space::Raw;
  template <class T>
  static T predict(const T* p, const double* x) {
    using std::exp;
    return p[0] + (T(1.0) - p[0]) / (T(1.0) + exp(-(p[1] * x[0] + p[2])));
  }
  static std::vector<std::vector<double>> default_starts() {
    return grid_product({{0.0, 0.1, 0.2}, {0.1, 1, 3}, {-10, -1, 0, 1}});
  }
};

/// PassUntil-style accuracy law acc = exp(-A C^(-alpha)); parameters (ln A, alpha).
/// ln(-ln acc) = ln A - alpha ln C is linear in ln C.
struct ExpPower {
  static constexpr const char* kName = "exp_power";
  static constexpr const char* kFormula = "exp(-A * C^(-alpha))  (lnA = ln A)";
  static constexpr int kNumInputs = 1;
  static constexpr int kNumParams = 2;
  static constexpr std::array<const char*, 2> kParamNames{{"lnA", "alpha"}};
  static constexpr Space kDefaultSpace = Space::Raw;
  template <class T>
  static T predict(const T* p, const double* x) {
    using std::exp;
    return exp(-exp(p[0] - p[1] * std::log(x[0])));
  }
  static std::vector<std::vector<double>> default_starts() { return grid_product({{0, 5, 10, 20}, {0.05, 0.2, 0.5}}); }
};

/// COD cluster law y = g + (1 - g) exp(-a C^(-b) - c); parameters (g, a, b, c).
struct CodCluster {
  static constexpr const char* kName = "cod_cluster";
  static constexpr const char* kFormula = "g + (1 - g) * exp(-a * C^(-b) - c)";
  static constexpr int kNumInputs = 1;
  static constexpr int kNumParams = 4;
  static constexpr std::array<const char*, 4> kParamNames{{"g", "a", "b", "c"}};
  static constexpr Space kDefaultSpace = Space::Raw;
  template <class T>
  static T predict(const T* p, const double* x) {
    using std::exp;
    return p[0] + (T(1.0) - p[0]) * exp(-p[1] * exp(-p[2] * std::log(x[0])) - p[3]);
  }
  static std::vector<std::vector<double>> default_starts() {
    return grid_product({{0.0, 0.25}, {1, 100, 1e4}, {0.05, 0.2, 0.5}, {0.0, 0.5}});
  }
};

/// Gadre et al. 2024's error-from-loss law Err(L) = eps - k exp(-gamma L); x is the loss L.
/// Parameters (eps, k, gamma).
struct ErrorFromLoss {
  static constexpr const char* kName = "error_from_loss";
  static constexpr const char* kFormula = "eps - k * exp(-gamma * L)";
  static constexpr int kNumInputs = 1;
  static constexpr int kNumParams = 3;
  static constexpr std::array<const char*, 3> kParamNames{{"eps", "k", "gamma"}};
  static constexpr Space kDefaultSpace = Space::Raw;
  template <class T>
  static T predict(const T* p, const double* x) {
    using std::exp;
    return p[0] - p[1] * exp(-p[2] * x[0]);
  }
  /// Our own 3 x 4 x 4 grid.
  static std::vector<std::vector<double>> default_starts() {
    return grid_product({{0.5, 0.8, 1.0}, {0.5, 1, 2, 5}, {0.1, 0.5, 1, 2}});
  }
};

// ---------------------------------------------------------------------------
/// Whether a law provides space_derivs (analytic gradient and Hessian of its log prediction).
template <class L, class = void>
struct has_space_derivs : std::false_type {};
template <class L>
struct has_space_derivs<L, std::void_t<decltype(L::space_derivs(nullptr, nullptr, nullptr, nullptr))>>
    : std::true_type {};

/// Whether a law provides log_predict (a numerically stable log of its prediction).
template <class L, class = void>
struct has_log_predict : std::false_type {};
template <class L>
struct has_log_predict<L, std::void_t<decltype(L::template log_predict<double>(nullptr, nullptr))>> : std::true_type {};

/// The prediction mapped into `space` (log_predict used when available).
template <class L, class T>
T predict_in_space(Space space, const T* p, const double* x) {
  using std::log;
  if (space == Space::Log) {
    if constexpr (has_log_predict<L>::value)
      return L::template log_predict<T>(p, x);
    else
      return log(L::template predict<T>(p, x));
  }
  if (space == Space::Log1p) return log(T(1.0) + L::template predict<T>(p, x));
  return L::template predict<T>(p, x);
}

/// A target value mapped into `space` (NaN when outside its domain).
inline double to_space(Space space, double y) {
  if (space == Space::Log) return y > 0 ? std::log(y) : std::nan("");
  if (space == Space::Log1p) return y > -1 ? std::log1p(y) : std::nan("");
  return y;
}

}  // namespace curvecast::scaling
