#pragma once
// Internal: damped Newton (Levenberg-Marquardt damping of the exact Hessian) for a
// robust (Huber / squared) sum over points of a law with analytic first and second
// derivatives in its space. Used as the fast path of fit_law for laws that provide
// `space_derivs` (Chinchilla): each iteration costs one pass over the points and a
// P x P Cholesky, with no allocation. Not part of the public API.
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include <Eigen/Dense>

#include "../../fit_result.hpp"
#include "../laws.hpp"

namespace curvecast::scaling::detail {

struct NewtonSettings {
  int max_iterations = 2000;
  double function_tolerance = 1e-15;   // relative decrease of an accepted step that ends the solve
  double gradient_tolerance = 1e-16;   // max-norm of the gradient that ends the solve
  double parameter_tolerance = 1e-14;  // relative step norm that ends the solve
  double shrink = 1.0 / 3.0;           // smallest factor applied to the damping after a successful step
  double initial_tau = 1e-3;           // initial damping relative to the largest Hessian diagonal
};

struct NewtonOutcome {
  double objective = std::numeric_limits<double>::quiet_NaN();
  int iterations = 0;
  int rejected = 0;
  bool converged = false;
  const char* reason = "";
};

/// Objective, gradient and Hessian of sum_i rho(f_i(p) - t_i), where L::space_derivs gives
/// f_i, its gradient and Hessian. rho = Huber_delta (loss Huber) or r^2/2.
template <class L>
struct RobustSum {
  static constexpr int P = L::kNumParams;
  using Vec = Eigen::Matrix<double, P, 1>;
  using Mat = Eigen::Matrix<double, P, P>;
  const double* x;
  const double* t;
  int n;
  Loss loss;
  double delta;
  bool gauss_newton = false;  // drop the second-order term sum rho'(r_i) Hess f_i (Gauss-Newton model)

  double value(const double* p) const {
    double s = 0;
    for (int i = 0; i < n; ++i) {
      const double r = L::template log_predict<double>(p, x + static_cast<std::size_t>(i) * L::kNumInputs) - t[i];
      s += rho(r);
    }
    return s;
  }
  double all(const double* p, Vec& g, Mat& H) const {
    g.setZero();
    H.setZero();
    double s = 0;
    double gi[P], Hi[P * P];
    for (int i = 0; i < n; ++i) {
      const double f = L::space_derivs(p, x + static_cast<std::size_t>(i) * L::kNumInputs, gi, Hi);
      const double r = f - t[i];
      s += rho(r);
      double d1, d2;
      if (loss == Loss::Huber && std::abs(r) > delta) {
        d1 = r > 0 ? delta : -delta;
        d2 = 0;
      } else {
        d1 = r;
        d2 = 1;
      }
      for (int a = 0; a < P; ++a) {
        g(a) += d1 * gi[a];
        for (int b = 0; b <= a; ++b) H(a, b) += d2 * gi[a] * gi[b] + (gauss_newton ? 0.0 : d1 * Hi[a * P + b]);
      }
    }
    for (int a = 0; a < P; ++a)
      for (int b = a + 1; b < P; ++b) H(a, b) = H(b, a);
    return s;
  }
  double rho(double r) const {
    const double a = std::abs(r);
    if (loss == Loss::Huber && a > delta) return delta * (a - 0.5 * delta);
    return 0.5 * r * r;
  }
};

/// Chinchilla's objective in log space with cached logs of the inputs. value() computes
/// exp(a - alpha ln N) once per distinct N, one exp and one log per point, and stops early
/// once the partial sum exceeds a bound (a rejected step needs no more); a complete value()
/// leaves its exponentials and residuals cached, so all() at an accepted step needs no
/// transcendental function. Same value as RobustSum<Chinchilla>.
struct ChinchillaSum {
  static constexpr int P = 5;
  using Vec = Eigen::Matrix<double, P, 1>;
  using Mat = Eigen::Matrix<double, P, P>;
  std::vector<double> ln_n, ln_d, t, uniq_ln_n;
  std::vector<int> n_index;  // point -> index into uniq_ln_n
  Loss loss = Loss::Huber;
  double delta = 1e-3;
  mutable std::vector<double> eun, ev, rr;  // exp per distinct N, exp per point, residual per point
  mutable double last_p[P] = {std::numeric_limits<double>::quiet_NaN()};
  mutable bool cache_ok = false;

  ChinchillaSum(const double* x, const double* target, int n, Loss l, double d) : loss(l), delta(d) {
    ln_n.resize(n), ln_d.resize(n), t.assign(target, target + n), ev.resize(n), rr.resize(n), n_index.resize(n);
    for (int i = 0; i < n; ++i) {
      ln_n[i] = std::log(x[2 * i]), ln_d[i] = std::log(x[2 * i + 1]);
      int k = 0;
      while (k < static_cast<int>(uniq_ln_n.size()) && uniq_ln_n[k] != ln_n[i]) ++k;
      if (k == static_cast<int>(uniq_ln_n.size())) uniq_ln_n.push_back(ln_n[i]);
      n_index[i] = k;
    }
    eun.resize(uniq_ln_n.size());
  }
  double rho(double r) const {
    const double a = std::abs(r);
    if (loss == Loss::Huber && a > delta) return delta * (a - 0.5 * delta);
    return 0.5 * r * r;
  }
  double lse(const double* p, int i) const {
    const double z[3] = {p[0] - p[3] * ln_n[i], p[1] - p[4] * ln_d[i], p[2]};
    const double m = std::max(z[0], std::max(z[1], z[2]));
    return m + std::log(std::exp(z[0] - m) + std::exp(z[1] - m) + std::exp(z[2] - m));
  }
  double value_stable(const double* p) const {
    double s = 0;
    for (int i = 0; i < static_cast<int>(t.size()); ++i) s += rho(lse(p, i) - t[i]);
    return s;
  }
  /// The objective at p; once the partial sum exceeds `bound` it returns that partial sum
  /// (then > bound, and nothing is cached).
  double value(const double* p, double bound = std::numeric_limits<double>::infinity()) const {
    cache_ok = false;
    bool ok = p[2] < 700;
    for (int k = 0; k < P; ++k) ok = ok && std::isfinite(p[k]);
    if (!ok) return value_stable(p);
    for (std::size_t k = 0; k < eun.size(); ++k) {
      const double z = p[0] - p[3] * uniq_ln_n[k];
      if (!(z < 700)) return value_stable(p);
      eun[k] = std::exp(z);
    }
    const double ee = std::exp(p[2]);
    const int n = static_cast<int>(t.size());
    double s = 0;
    for (int i = 0; i < n; ++i) {
      const double z = p[1] - p[4] * ln_d[i];
      if (!(z < 700)) return value_stable(p);
      ev[i] = std::exp(z);
      rr[i] = std::log(eun[n_index[i]] + ev[i] + ee) - t[i];
      s += rho(rr[i]);
      if (s > bound) return s;
    }
    for (int k = 0; k < P; ++k) last_p[k] = p[k];
    cache_ok = true;
    return s;
  }
  double all(const double* p, Vec& g, Mat& H) const {
    bool same = cache_ok;
    for (int k = 0; k < P && same; ++k) same = last_p[k] == p[k];
    if (!same) {
      value(p);
      if (!cache_ok) return all_stable(p, g, H);
    }
    const int n = static_cast<int>(t.size());
    const double ee = std::exp(p[2]);
    // accumulators of c_k c_l W_ij with c = (1, 1, 1, -ln N, -ln D)
    double s = 0, g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0;
    double Wuu = 0, Wuu_n = 0, Wuu_nn = 0, Wvv = 0, Wvv_d = 0, Wvv_dd = 0, Www = 0;
    double Wuv = 0, Wuv_n = 0, Wuv_d = 0, Wuv_nd = 0, Wuw = 0, Wuw_n = 0, Wvw = 0, Wvw_d = 0;
    for (int i = 0; i < n; ++i) {
      const double eu = eun[n_index[i]];
      const double inv = 1.0 / (eu + ev[i] + ee);
      const double r = rr[i];
      const double pu = eu * inv, pv = ev[i] * inv, pw = ee * inv;
      double d1, d2;
      const double a = std::abs(r);
      if (loss == Loss::Huber && a > delta) {
        s += delta * (a - 0.5 * delta);
        d1 = r > 0 ? delta : -delta;
        d2 = 0;
      } else {
        s += 0.5 * r * r;
        d1 = r;
        d2 = 1;
      }
      const double ln = ln_n[i], ld = ln_d[i];
      g0 += d1 * pu, g1 += d1 * pv, g2 += d1 * pw, g3 -= d1 * pu * ln, g4 -= d1 * pv * ld;
      // W = d2 pi pi^T + d1 (diag(pi) - pi pi^T) = (d2 - d1) pi pi^T + d1 diag(pi)
      const double c = d2 - d1;
      const double wuu = c * pu * pu + d1 * pu, wvv = c * pv * pv + d1 * pv, www = c * pw * pw + d1 * pw;
      const double wuv = c * pu * pv, wuw = c * pu * pw, wvw = c * pv * pw;
      Wuu += wuu, Wuu_n += wuu * ln, Wuu_nn += wuu * ln * ln;
      Wvv += wvv, Wvv_d += wvv * ld, Wvv_dd += wvv * ld * ld;
      Www += www;
      Wuv += wuv, Wuv_n += wuv * ln, Wuv_d += wuv * ld, Wuv_nd += wuv * ln * ld;
      Wuw += wuw, Wuw_n += wuw * ln;
      Wvw += wvw, Wvw_d += wvw * ld;
    }
    g << g0, g1, g2, g3, g4;
    // order (a, b, e, alpha, beta) -> sources (u, v, w, u, v), c = (1, 1, 1, -ln N, -ln D)
    H(0, 0) = Wuu, H(1, 1) = Wvv, H(2, 2) = Www, H(3, 3) = Wuu_nn, H(4, 4) = Wvv_dd;
    H(0, 1) = Wuv, H(0, 2) = Wuw, H(0, 3) = -Wuu_n, H(0, 4) = -Wuv_d;
    H(1, 2) = Wvw, H(1, 3) = -Wuv_n, H(1, 4) = -Wvv_d;
    H(2, 3) = -Wuw_n, H(2, 4) = -Wvw_d;
    H(3, 4) = Wuv_nd;
    for (int k = 0; k < P; ++k)
      for (int l = k + 1; l < P; ++l) H(l, k) = H(k, l);
    return s;
  }
  // Shifted (overflow-safe) form, through the law's own derivatives.
  double all_stable(const double* p, Vec& g, Mat& H) const;
};

/// Minimises from p (overwritten with the optimum).
template <int P, class Obj>
NewtonOutcome newton_minimise(const Obj& obj, double* p, const NewtonSettings& st) {
  using Vec = Eigen::Matrix<double, P, 1>;
  using Mat = Eigen::Matrix<double, P, P>;
  NewtonOutcome out;
  Vec g, step;
  Mat H;
  Eigen::Map<Vec> theta(p);
  double f = obj.all(p, g, H);
  if (!std::isfinite(f) || !g.allFinite() || !H.allFinite()) {
    out.reason = "non-finite objective at the start";
    return out;
  }
  double lambda = st.initial_tau * std::max(H.diagonal().cwiseAbs().maxCoeff(), 1e-12);
  double nu = 2;
  Eigen::LLT<Mat> llt;
  Vec trial;
  for (int it = 0; it < st.max_iterations; ++it) {
    out.iterations = it + 1;
    if (g.cwiseAbs().maxCoeff() <= st.gradient_tolerance) {
      out.converged = true;
      out.reason = "gradient tolerance";
      break;
    }
    Mat A = H;
    A.diagonal().array() += lambda;
    llt.compute(A);
    if (llt.info() != Eigen::Success) {
      lambda = std::max(lambda * nu, 1e-12);
      nu *= 2;
      if (!(lambda < 1e300)) {
        out.reason = "damping overflow";
        break;
      }
      continue;
    }
    step = llt.solve(-g);
    if (step.norm() <= st.parameter_tolerance * (theta.norm() + st.parameter_tolerance)) {
      out.converged = true;
      out.reason = "parameter tolerance";
      break;
    }
    trial = theta + step;
    double f_new;  // ChinchillaSum stops early above f and caches a complete evaluation for all()
    if constexpr (std::is_same_v<Obj, ChinchillaSum>)
      f_new = obj.value(trial.data(), f);
    else
      f_new = obj.value(trial.data());
    const double pred = -(g.dot(step) + 0.5 * step.dot(H * step));
    const double rho = (f - f_new) / pred;
    if (std::isfinite(f_new) && f_new < f && pred > 0) {
      const double decrease = f - f_new;
      theta = trial;
      Vec g_new;
      Mat H_new;
      const double f_chk = obj.all(p, g_new, H_new);  // p now holds the trial point
      if (!std::isfinite(f_chk) || !g_new.allFinite() || !H_new.allFinite()) {
        out.reason = "non-finite derivatives";
        break;
      }
      f = f_chk;
      g = g_new;
      H = H_new;
      const double c = 2 * rho - 1;
      lambda *= std::max(st.shrink, 1 - c * c * c);
      nu = 2;
      if (decrease <= st.function_tolerance * f) {
        out.converged = true;
        out.reason = "function tolerance";
        break;
      }
    } else {
      ++out.rejected;
      lambda *= nu;
      nu *= 2;
      if (!(lambda < 1e300)) {
        out.converged = true;  // no descent possible at machine precision
        out.reason = "no further decrease";
        break;
      }
    }
  }
  if (out.iterations >= st.max_iterations && !out.converged) out.reason = "maximum iterations";
  out.objective = f;
  return out;
}

}  // namespace curvecast::scaling::detail

namespace curvecast::scaling::detail {
inline double ChinchillaSum::all_stable(const double* p, Vec& g, Mat& H) const {
  g.setZero();
  H.setZero();
  double s = 0, gi[P], Hi[P * P];
  const int n = static_cast<int>(t.size());
  for (int i = 0; i < n; ++i) {
    const double x[2] = {std::exp(ln_n[i]), std::exp(ln_d[i])};
    const double r = Chinchilla::space_derivs(p, x, gi, Hi) - t[i];
    s += rho(r);
    const bool outer = loss == Loss::Huber && std::abs(r) > delta;
    const double d1 = outer ? (r > 0 ? delta : -delta) : r, d2 = outer ? 0.0 : 1.0;
    for (int a = 0; a < P; ++a) {
      g(a) += d1 * gi[a];
      for (int b = 0; b < P; ++b) H(a, b) += d2 * gi[a] * gi[b] + d1 * Hi[a * P + b];
    }
  }
  return s;
}
}  // namespace curvecast::scaling::detail
