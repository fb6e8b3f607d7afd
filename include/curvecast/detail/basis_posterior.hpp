#pragma once
// The multi-family ensemble as a linear model in its mixture coefficients.
//
// With the families pow3, ilog2, janoschek (and optionally mmf) the weighted
// ensemble of docs/references.md (The classic Bayesian ensemble; The LC-PFN prior),
//   z(t) = w1 (c1 - a1 t^-alpha) + w2 (c2 - a2 / ln(t+1)) + w3 (A - (A - B) e^{-kappa t^delta}) [+ w4 mmf],
// is LINEAR in b = (w1 c1 + w2 c2 + w3 A [+ w4 A4], -w1 a1, -w2 a2, w3 (B - A) [, w4 (B4 - A4)])
// given the nonlinear shape parameters (alpha, kappa, delta [, kappa4, delta4]):
//   z(t) = b0 + b1 t^-alpha + b2 / ln(t+1) + b3 e^{-kappa t^delta} [+ b4 / (1 + (kappa4 t)^delta4)].
// The weights and levels of the classic ensemble only enter through b, and the
// trade-offs between them (w1 c1 vs w2 c2, a weight vs an amplitude) are exactly
// the flat directions that stop a sampler over (w, c, a, ...) from mixing. Here b
// has a Gaussian prior N(m, S) (moment-matched to the prior on weights and
// levels) and is integrated out in closed form; the sampler only sees
// theta = (ln alpha, ln kappa, ln delta [, ln kappa4, ln delta4], ln sigma).
// The hard constraints of the prior (bounds on z over a grid, z rising from the
// grid's start to its end) are restored afterwards by drawing b from its exact
// conditional posterior and keeping the draws that satisfy them: the fraction
// kept is an unbiased importance weight P(constraints | theta, data).
//
// Model discrepancy (optional, learn_discrepancy): the curve is the smooth
// ensemble plus a Brownian motion B in s = ln t - ln t_1 (B = 0 at the first
// point, variance lambda^2 per unit of s), plus white noise sigma:
//   z_i = x_i' b + B(s_i) + e_i.
// B is Markov, so the likelihood is a scalar Kalman filter (local-level model)
// run over the points; the filter is linear in the data, so it whitens every
// basis column and z at O(n p) cost and b is still integrated out exactly.
// theta then ends with (ln sigma, ln lambda), and lambda is inferred from how
// far the prefix wanders from the smooth shapes (Kennedy & O'Hagan's model
// discrepancy, in its cheapest Markov form). The predictive continues the same
// B past the data: offset = filtered B at the last point, variance
// P_n + lambda^2 ln(t / t_last).
//
// Wandering slope (optional, learn_slope, with the discrepancy): B also has a
// slope D in s that is itself a Brownian motion (variance eta^2 per unit s;
// B = D = 0 at the first point): dB = D ds + lambda dW1, dD = eta dW2 (a local
// linear trend; the slope part alone is an integrated random walk). Over a
// step ds the state (B, D) moves by F = [1 ds; 0 1] and gains the covariance
//   Q = lambda^2 [ds 0; 0 0] + eta^2 [ds^3/3 ds^2/2; ds^2/2 ds].
// The filter is a two-state Kalman filter, still linear in the data. A bend of
// the curve away from the smooth shapes late in the prefix (a learning-rate
// schedule does this) shows up as a filtered slope D_n, which the predictive
// continues: mean offset + D_n (s - s_n), variance
//   [1 ds] P_n [1 ds]' + lambda^2 ds + eta^2 ds^3 / 3,  ds = ln(t / t_last).
// theta then ends with (ln sigma, ln lambda, ln eta).
//
// A long curve's summary (curve_summary.hpp, set_summary): point i stands for
// w_i points (noise variance sigma^2 / w_i in the filters, weight w_i without
// them), and the scatter the points do not carry, with their count, enters the
// noise likelihood; for a curve linear in ln t inside each bin (and B constant
// there) the likelihood is then the exact one.
//
// Everything here works in normalised units (t, z); no allocation in operator().
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include <Eigen/Core>

#include "rng.hpp"

namespace curvecast::detail {

inline constexpr int kMaxBasis = 5;  // intercept + 4 families
inline constexpr int kMaxShape = 5;  // nonlinear parameters (+ ln sigma => 6 dims)
/// Size of the filter's final state written by BasisModel::conditional(): the
/// filtered (B, D) of each basis column and of z, then P_BB, P_BD, P_DD.
inline constexpr int kFilterState = 2 * (kMaxBasis + 1) + 3;

/// The discrepancy at the last observation for one coefficient vector:
/// filtered level and slope (in s = ln t) and their covariance.
struct DiscrepancyState {
  double offset = 0, slope = 0;
  double var = 0, cov = 0, slope_var = 0;
};

enum BasisFamily : int { kPow3 = 0, kIlog2 = 1, kJanoschek = 2, kMmf = 3 };

/// Prior of the basis model (normalised units).
struct BasisPrior {
  // Shape parameters: Gaussian on the log scale (mean, sd), per family.
  double ln_alpha_mean = 0, ln_alpha_sd = 2;          // pow3 exponent (LC-PFN: N(0, 2))
  double ln_kappa_mean = -2, ln_kappa_sd = 1;         // janoschek rate (LC-PFN: N(-2, 1))
  double ln_delta_mean = 0, ln_delta_sd = 0.5;        // janoschek exponent (LC-PFN: N(0, 0.5))
  double ln_kappa4_mean = 0, ln_kappa4_sd = 2;        // mmf (LC-PFN code's mmf prior: ln kappa ~ N(0, 2))
  double ln_delta4_mean = 0, ln_delta4_sd = 1;        // mmf (ln delta ~ N(0, 1))
  double ln_sigma_mean = -4, ln_sigma_sd = 1;         // noise (LC-PFN code: N(-4, 1))
  double ln_lambda_mean = -2.3, ln_lambda_sd = 1;     // discrepancy rate, when learned (BasisModel::learn_discrepancy)
  double ln_eta_mean = -4, ln_eta_sd = 1;             // slope-discrepancy rate, when learned (BasisModel::learn_slope)
  std::array<double, kMaxBasis> b_mean{};             // coefficient prior mean (active columns first)
  std::array<double, kMaxBasis * kMaxBasis> b_cov{};  // coefficient prior covariance, row-major p x p
};

/// Hard constraints on the noise-free curve.
struct BasisConstraints {
  std::vector<double> grid;  ///< t values checked (empty: no constraint)
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool rise = false;      ///< require z(grid.back()) > z(grid.front())
  bool monotone = false;  ///< require z non-decreasing along the grid
  bool active() const { return !grid.empty() && (rise || monotone || std::isfinite(lo) || std::isfinite(hi)); }
};

/// In-place Cholesky of a p x p SPD matrix (row-major, lower triangle used); false if not SPD.
inline bool cholesky(double* A, int p) {
  for (int j = 0; j < p; ++j) {
    double s = A[j * p + j];
    for (int k = 0; k < j; ++k) s -= A[j * p + k] * A[j * p + k];
    if (!(s > 0) || !std::isfinite(s)) return false;
    const double l = std::sqrt(s);
    A[j * p + j] = l;
    for (int i = j + 1; i < p; ++i) {
      double t = A[i * p + j];
      for (int k = 0; k < j; ++k) t -= A[i * p + k] * A[j * p + k];
      A[i * p + j] = t / l;
    }
  }
  return true;
}
/// Solves L L^T x = b in place (L from cholesky()).
inline void chol_solve(const double* L, int p, double* b) {
  for (int i = 0; i < p; ++i) {
    double s = b[i];
    for (int k = 0; k < i; ++k) s -= L[i * p + k] * b[k];
    b[i] = s / L[i * p + i];
  }
  for (int i = p - 1; i >= 0; --i) {
    double s = b[i];
    for (int k = i + 1; k < p; ++k) s -= L[k * p + i] * b[k];
    b[i] = s / L[i * p + i];
  }
}

/// One step of the Kalman-whitened accumulation: adds a whitened row (v[0..p-1]
/// the basis columns, v[p] the data) to G = V'V (lower triangle, row-major p x p),
/// h = V'z and q = z'z.
inline void accumulate_whitened(const double* v, int p, double* G, double* h, double& q) {
  for (int a = 0; a < p; ++a) {
    h[a] += v[a] * v[p];
    for (int b = 0; b <= a; ++b) G[a * p + b] += v[a] * v[b];
  }
  q += v[p] * v[p];
}

/// Sum of ln F_i over a filter's innovation variances, taken as the log of
/// products of 8 (one log per 8 terms; F >= sigma^2 >= e^-50, so no underflow).
class LogSum {
 public:
  void add(double f) {
    prod_ *= f;
    if ((++count_ & 7) == 0) {
      sum_ += std::log(prod_);
      prod_ = 1;
    }
  }
  double total() const { return sum_ + std::log(prod_); }

 private:
  double sum_ = 0, prod_ = 1;
  int count_ = 0;
};

class BasisModel {
 public:
  BasisModel() = default;
  /// families: subset of {kPow3, kIlog2, kJanoschek, kMmf} (in that order).
  BasisModel(std::vector<int> families, const BasisPrior& prior) : fam_(std::move(families)), prior_(prior) {
    p_ = 1 + static_cast<int>(fam_.size());
    shape_ = 0;
    for (int f : fam_) shape_ += f == kPow3 ? 1 : f == kIlog2 ? 0 : 2;
    // Prior precision and log-determinant of the coefficient prior.
    std::array<double, kMaxBasis * kMaxBasis> L{};
    for (int i = 0; i < p_ * p_; ++i) L[i] = prior_.b_cov[i];
    if (!cholesky(L.data(), p_)) throw std::runtime_error("curvecast: basis prior covariance is not positive definite");
    logdet_S_ = 0;
    for (int i = 0; i < p_; ++i) logdet_S_ += 2 * std::log(L[i * p_ + i]);
    for (int j = 0; j < p_; ++j) {
      double e[kMaxBasis] = {};
      e[j] = 1;
      chol_solve(L.data(), p_, e);
      for (int i = 0; i < p_; ++i) P_[i * p_ + j] = e[i];
    }
    for (int i = 0; i < p_; ++i) {
      double s = 0;
      for (int j = 0; j < p_; ++j) s += P_[i * p_ + j] * prior_.b_mean[j];
      Pm_[i] = s;
    }
    mPm_ = 0;
    for (int i = 0; i < p_; ++i) mPm_ += prior_.b_mean[i] * Pm_[i];
    for (int i = 0; i < p_ * p_; ++i) LS_[i] = L[i];
  }

  /// Log density of the Gaussian coefficient prior N(m, S) at b.
  double log_gauss_prior(const double* b) const {
    double u[kMaxBasis];
    double q = 0;
    for (int i = 0; i < p_; ++i) {
      double s = b[i] - prior_.b_mean[i];
      for (int k = 0; k < i; ++k) s -= LS_[i * p_ + k] * u[k];
      u[i] = s / LS_[i * p_ + i];
      q += u[i] * u[i];
    }
    return -0.5 * q - 0.5 * logdet_S_ - 0.5 * p_ * kLog2Pi;
  }

  /// Unbiased Monte Carlo estimate of the EXACT density, under LC-PFN's prior on
  /// weights and levels (docs/references.md, The LC-PFN prior), of the coefficients
  /// b = (b0, b_pow3, b_ilog2, b_janoschek) (only for exactly these families):
  ///   b_pow3 = -w1 a1, b_ilog2 = -w2 a2, b_jan = w3 (B - A), b0 = w1 c1 + w2 c2 + w3 A.
  /// Changing variables a1 = -b_pow3 / w1 etc. leaves a 4-dimensional integral
  /// over (w1, w2, w3, A); w_k are drawn log-uniformly above the smallest value
  /// compatible with b (which absorbs the 1/w Jacobians), A uniformly, and the
  /// density of w1 c1 + w2 c2 at b0 - w3 A (two uniforms: a trapezoid) is exact.
  double lcpfn_exact_prior(const double* b, Rng& rng, int samples) const {
    const double lo1 = std::max(std::abs(b[1]) / 0.6, 1e-300), lo2 = std::max(std::abs(b[2]) / 0.5, 1e-300),
                 lo3 = std::max(std::abs(b[3]) / 2.0, 1e-300);
    if (lo1 >= 1 || lo2 >= 1 || lo3 >= 1) return 0;
    const double l1 = std::log(lo1), l2 = std::log(lo2), l3 = std::log(lo3);
    const double W = (-l1 / 1.2) * (-l2) * (-l3 * 0.5);
    double acc = 0;
    for (int s = 0; s < samples; ++s) {
      const double w1 = std::exp(l1 * rng.uniform()), w2 = std::exp(l2 * rng.uniform()),
                   w3 = std::exp(l3 * rng.uniform()), A = rng.uniform();
      const double B = A + b[3] / w3;
      if (!(B >= 0 && B <= 2)) continue;
      const double P = 1.25 * w1, Q = w2, r = b[0] - w3 * A;
      const double tri = std::min({r, P + Q - r, std::min(P, Q)});
      if (tri > 0) acc += tri / (P * Q);
    }
    return W * acc / samples;
  }

  /// Learn the discrepancy rate (adds ln lambda as the last coordinate of theta).
  void learn_discrepancy(bool on) { learn_ = on; }
  bool learns_discrepancy() const { return learn_; }
  /// With the discrepancy: also learn a wandering slope (adds ln eta after ln lambda).
  void learn_slope(bool on) { slope_ = on; }
  bool learns_slope() const { return learn_ && slope_; }
  int dim() const { return shape_ + 1 + (learn_ ? 1 : 0) + (learns_slope() ? 1 : 0); }
  /// Index of ln sigma in theta (ln lambda, then ln eta, follow it when learned).
  int sigma_index() const { return shape_; }
  int basis() const { return p_; }
  const std::vector<int>& families() const { return fam_; }

  /// A summarised curve (curve_summary.hpp): set_data's weights are the
  /// points' counts (with a learned discrepancy, point i's noise variance is
  /// sigma^2 / w_i), `extra_count` = points summarised - summary points and
  /// `ss` = the scatter the summary's points do not carry (z units squared,
  /// weighted like the log-likelihood); both enter the noise likelihood.
  /// Call after set_data.
  void set_summary(double extra_count, double ss) {
    summarised_ = true;
    extra_n_ = extra_count;
    ss_ = ss;
    sum_log_w_ = 0;
    for (int i = 0; i < n_; ++i) sum_log_w_ += std::log(w_[i]);
  }

  /// Sets the data (normalised t > 0, z, per-point log-likelihood weights).
  void set_data(const std::vector<double>& t, const std::vector<double>& z, const std::vector<double>& w) {
    n_ = static_cast<int>(t.size());
    ds_.resize(n_);
    lnt_.resize(n_);
    il_.resize(n_);
    z_.resize(n_);
    w_.resize(n_);
    sw_.resize(n_);
    swz_.resize(n_);
    weighted_ = false;
    summarised_ = false;
    extra_n_ = ss_ = sum_log_w_ = 0;
    wsum_ = 0;
    q_ = 0;
    for (int i = 0; i < n_; ++i) {
      lnt_[i] = std::log(t[i]);
      il_[i] = 1.0 / std::log(t[i] + 1.0);
      ds_[i] = i == 0 ? 0.0 : lnt_[i] - lnt_[i - 1];
      z_[i] = z[i];
      w_[i] = w[i];
      sw_[i] = std::sqrt(w[i]);
      swz_[i] = sw_[i] * z[i];
      weighted_ = weighted_ || w[i] != 1.0;
      wsum_ += w[i];
      q_ += w[i] * z[i] * z[i];
    }
  }

  /// Fills the basis matrix X (rows: points with log t = lnt, 1/ln(t+1) = il)
  /// with SIMD-vectorised exponentials (Eigen arrays).
  void fill(const double* th, const Eigen::ArrayXd& lnt, const Eigen::ArrayXd& il, Eigen::ArrayXXd& X) const {
    const Eigen::Index n = lnt.size();
    if (X.rows() != n || X.cols() != p_) X.resize(n, p_);
    X.col(0).setOnes();
    int k = 0, c = 1;
    for (int f : fam_) {
      if (f == kPow3) {
        X.col(c++) = (-std::exp(th[k]) * lnt).exp();
        k += 1;
      } else if (f == kIlog2) {
        X.col(c++) = il;
      } else if (f == kJanoschek) {
        X.col(c++) = (-(th[k] + std::exp(th[k + 1]) * lnt).exp()).exp();
        k += 2;
      } else {
        X.col(c++) = 1.0 / (1.0 + (std::exp(th[k + 1]) * (th[k] + lnt)).exp());
        k += 2;
      }
    }
  }

  /// Basis row at t for the shape parameters theta (p values into row).
  void row(const double* th, double t, double* r) const { row_ln(th, std::log(t), 1.0 / std::log(t + 1.0), r); }

  /// Log prior of theta (shape + ln sigma); -inf outside the numerical box.
  double log_prior(const double* th) const {
    double lp = 0;
    int k = 0;
    auto g = [&](double v, double m, double s, double lo, double hi) {
      if (!(v >= lo && v <= hi)) return false;
      const double u = (v - m) / s;
      lp += -0.5 * u * u - std::log(s);
      return true;
    };
    for (int f : fam_) {
      if (f == kPow3) {
        if (!g(th[k++], prior_.ln_alpha_mean, prior_.ln_alpha_sd, -12, 6)) return kNegInf;
      } else if (f == kJanoschek) {
        if (!g(th[k++], prior_.ln_kappa_mean, prior_.ln_kappa_sd, -25, 12)) return kNegInf;
        if (!g(th[k++], prior_.ln_delta_mean, prior_.ln_delta_sd, -6, 3)) return kNegInf;
      } else if (f == kMmf) {
        if (!g(th[k++], prior_.ln_kappa4_mean, prior_.ln_kappa4_sd, -25, 12)) return kNegInf;
        if (!g(th[k++], prior_.ln_delta4_mean, prior_.ln_delta4_sd, -6, 3)) return kNegInf;
      }
    }
    if (!g(th[k], prior_.ln_sigma_mean, prior_.ln_sigma_sd, -25, 6)) return kNegInf;
    if (learn_ && !g(th[k + 1], prior_.ln_lambda_mean, prior_.ln_lambda_sd, -12, 3)) return kNegInf;
    if (learns_slope() && !g(th[k + 2], prior_.ln_eta_mean, prior_.ln_eta_sd, -14, 3)) return kNegInf;
    return lp;
  }

  /// Draws theta from its prior (truncated to the numerical box).
  void draw_prior(Rng& rng, double* th) const {
    for (;;) {
      int k = 0;
      for (int f : fam_) {
        if (f == kPow3)
          th[k++] = prior_.ln_alpha_mean + prior_.ln_alpha_sd * rng.normal();
        else if (f == kJanoschek) {
          th[k++] = prior_.ln_kappa_mean + prior_.ln_kappa_sd * rng.normal();
          th[k++] = prior_.ln_delta_mean + prior_.ln_delta_sd * rng.normal();
        } else if (f == kMmf) {
          th[k++] = prior_.ln_kappa4_mean + prior_.ln_kappa4_sd * rng.normal();
          th[k++] = prior_.ln_delta4_mean + prior_.ln_delta4_sd * rng.normal();
        }
      }
      th[k] = prior_.ln_sigma_mean + prior_.ln_sigma_sd * rng.normal();
      if (learn_) th[k + 1] = prior_.ln_lambda_mean + prior_.ln_lambda_sd * rng.normal();
      if (learns_slope()) th[k + 2] = prior_.ln_eta_mean + prior_.ln_eta_sd * rng.normal();
      if (std::isfinite(log_prior(th))) return;
    }
  }

  /// The conditional posterior of b given theta: A = P + G / s2 (Cholesky in L),
  /// mean in mu. Returns the log marginal likelihood (b integrated out), or -inf.
  /// With a learned discrepancy, kf (if given, kFilterState values) receives
  /// the filter's final state: the filtered B of column a (kf[a], a < p), of z
  /// (kf[p]), the filtered slopes D likewise (kf[p + 1 + a], kf[2p + 1]; 0
  /// without learn_slope) and P_BB, P_BD, P_DD (kf[2p + 2 ..]); see
  /// discrepancy_state().
  double conditional(const double* th, double* L, double* mu, double* kf = nullptr) const {
    const int p = p_;
    thread_local Eigen::ArrayXXd X;
    fill(th, lnt_, il_, X);
    double G[kMaxBasis * kMaxBasis] = {}, h[kMaxBasis] = {};
    const double ls = th[shape_];
    double inv_s2, q, loglik_norm;
    if (learns_slope()) {
      // Two-state Kalman whitening (level B, slope D; H = [1 0]).
      // Tempered (see set_tempering): the filter runs on C / beta.
      const double s2 = std::exp(2 * ls) * inv_beta_, l2 = std::exp(2 * th[shape_ + 1]) * inv_beta_,
                   e2 = std::exp(2 * th[shape_ + 2]) * inv_beta_;
      double mb[kMaxBasis + 1] = {}, md[kMaxBasis + 1] = {}, v[kMaxBasis + 1];
      double Pbb = 0, Pbd = 0, Pdd = 0;
      LogSum log_f;
      q = 0;
      for (int i = 0; i < n_; ++i) {
        const double d = ds_[i], ed = e2 * d;
        // Predict: (B, D) <- F (B, D), P <- F P F' + Q.
        const double Qbb = l2 * d + ed * d * d / 3, Qbd = 0.5 * ed * d;
        const double Mbb = Pbb + d * (2 * Pbd + d * Pdd) + Qbb, Mbd = Pbd + d * Pdd + Qbd, Mdd = Pdd + ed;
        const double F = Mbb + (weighted_ ? s2 / w_[i] : s2), inv_f = 1.0 / F, Kb = Mbb * inv_f, Kd = Mbd * inv_f,
                     isf = std::sqrt(inv_f);
        log_f.add(F);
        for (int a = 0; a <= p; ++a) {
          const double pred = mb[a] + d * md[a];
          const double e = (a < p ? X(i, a) : z_[i]) - pred;
          v[a] = e * isf;
          mb[a] = pred + Kb * e;
          md[a] += Kd * e;
        }
        Pbb = Mbb - Kb * Mbb;
        Pbd = Mbd - Kb * Mbd;
        Pdd = Mdd - Kd * Mbd;
        accumulate_whitened(v, p, G, h, q);
      }
      const double sum_log_f = log_f.total();
      if (kf) {
        std::copy(mb, mb + p + 1, kf);
        std::copy(md, md + p + 1, kf + p + 1);
        kf[2 * p + 2] = Pbb;
        kf[2 * p + 3] = Pbd;
        kf[2 * p + 4] = Pdd;
      }
      inv_s2 = 1.0;
      loglik_norm = -0.5 * (n_ * kLog2Pi + sum_log_f) + tempering_term(sum_log_f) + summary_term(ls, s2, &q);
    } else if (learn_) {
      // Kalman whitening of the columns and z under sigma^2 I + lambda^2 K_brownian.
      const double s2 = std::exp(2 * ls) * inv_beta_, l2 = std::exp(2 * th[shape_ + 1]) * inv_beta_;
      double m[kMaxBasis + 1] = {}, v[kMaxBasis + 1];
      double P = 0;
      LogSum log_f;
      q = 0;
      for (int i = 0; i < n_; ++i) {
        const double Pm = P + l2 * ds_[i], F = Pm + (weighted_ ? s2 / w_[i] : s2), inv_f = 1.0 / F, K = Pm * inv_f,
                     isf = std::sqrt(inv_f);
        log_f.add(F);
        for (int a = 0; a < p; ++a) {
          const double e = X(i, a) - m[a];
          v[a] = e * isf;
          m[a] += K * e;
        }
        const double ez = z_[i] - m[p];
        v[p] = ez * isf;
        m[p] += K * ez;
        P = Pm * (1 - K);
        accumulate_whitened(v, p, G, h, q);
      }
      const double sum_log_f = log_f.total();
      if (kf) {
        std::copy(m, m + p + 1, kf);
        std::fill(kf + p + 1, kf + 2 * p + 2, 0.0);
        kf[2 * p + 2] = P;
        kf[2 * p + 3] = 0;
        kf[2 * p + 4] = 0;
      }
      inv_s2 = 1.0;
      loglik_norm = -0.5 * (n_ * kLog2Pi + sum_log_f) + tempering_term(sum_log_f) + summary_term(ls, s2, &q);
    } else {
      if (weighted_) X.colwise() *= sw_;  // rows scaled by sqrt(w): G = X'WX, h = X'Wz
      for (int a = 0; a < p; ++a) {
        h[a] = (X.col(a) * swz_).sum();
        for (int b = 0; b <= a; ++b) G[a * p + b] = (X.col(a) * X.col(b)).sum();
      }
      inv_s2 = std::exp(-2 * ls);
      q = (summarised_ ? q_ + ss_ : q_) * inv_s2;
      loglik_norm = -0.5 * wsum_ * (kLog2Pi + 2 * ls);
    }
    for (int a = 0; a < p; ++a) {
      for (int b = 0; b <= a; ++b) {
        const double v = P_[a * p + b] + G[a * p + b] * inv_s2;
        L[a * p + b] = v;
        L[b * p + a] = v;
      }
      mu[a] = Pm_[a] + h[a] * inv_s2;
    }
    if (!cholesky(L, p)) return kNegInf;
    double logdet_A = 0;
    for (int a = 0; a < p; ++a) logdet_A += 2 * std::log(L[a * p + a]);
    double bAb;
    {
      double v[kMaxBasis];
      for (int a = 0; a < p; ++a) v[a] = mu[a];
      chol_solve(L, p, mu);  // mu = A^-1 b
      bAb = 0;
      for (int a = 0; a < p; ++a) bAb += v[a] * mu[a];
    }
    const double ll = loglik_norm - 0.5 * (logdet_S_ + logdet_A) - 0.5 * (q + mPm_ - bAb);
    return std::isfinite(ll) ? ll : kNegInf;
  }

  /// With a learned discrepancy: the filtered state of (B, D) at the last
  /// point for coefficients b, from conditional()'s kf (the filter is linear in
  /// the data: the residual z - X b filters to kf[p] - sum_a kf[a] b[a], and
  /// likewise for the slope). Without: all 0.
  DiscrepancyState discrepancy_state(const double* kf, const double* b) const {
    DiscrepancyState st;
    if (!learn_) return st;
    double m = kf[p_], d = kf[2 * p_ + 1];
    for (int a = 0; a < p_; ++a) {
      m -= kf[a] * b[a];
      d -= kf[p_ + 1 + a] * b[a];
    }
    st.offset = m;
    st.slope = d;
    st.var = kf[2 * p_ + 2];
    st.cov = kf[2 * p_ + 3];
    st.slope_var = kf[2 * p_ + 4];
    return st;
  }
  /// Tempers the likelihood of the learned-discrepancy model to the power
  /// beta in (0, 1] (1: none): Miller & Dunson's coarsened posterior (Robust
  /// Bayesian inference via coarsening, JASA 2019), which lets n points
  /// count as beta * n when the noise model is known to be too simple. For a
  /// Gaussian likelihood N(z; X b, C) (the filter's), N^beta = N(z; X b, C / beta)
  /// |C|^((1 - beta) / 2) times a constant, so b is still integrated out
  /// exactly: the filter runs on C / beta (sigma^2, lambda^2, eta^2 over beta;
  /// the same gains, so the same filtered means, and P / beta), and
  /// (1 - beta) / 2 log|C| is added. Without a learned discrepancy it has no effect.
  void set_tempering(double beta) { inv_beta_ = 1.0 / beta; }
  double tempering() const { return 1.0 / inv_beta_; }

  /// Discrepancy rate lambda of theta (0 when not learned).
  double lambda(const double* th) const { return learn_ ? std::exp(th[shape_ + 1]) : 0.0; }
  /// Slope-discrepancy rate eta of theta (0 when not learned).
  double eta(const double* th) const { return learns_slope() ? std::exp(th[shape_ + 2]) : 0.0; }
  /// Mean of the discrepancy at s = ln t beyond the last point.
  double discrepancy_mean(const DiscrepancyState& st, double t) const {
    return st.offset + (learns_slope() ? st.slope * (std::log(t) - lnt_[n_ - 1]) : 0.0);
  }

  /// Log posterior density of theta (b marginalised, constraints not included).
  double operator()(const double* th) const {
    const double lp = log_prior(th);
    if (!std::isfinite(lp)) return kNegInf;
    double L[kMaxBasis * kMaxBasis], mu[kMaxBasis];
    return lp + conditional(th, L, mu);
  }

  /// Log posterior density; also stores the conditional posterior mean of z at
  /// the monitor point (set_monitor) in *blob.
  double operator()(const double* th, double* blob) const {
    const double lp = log_prior(th);
    *blob = std::numeric_limits<double>::quiet_NaN();
    if (!std::isfinite(lp)) return kNegInf;
    double L[kMaxBasis * kMaxBasis], mu[kMaxBasis], r[kMaxBasis], kf[kFilterState];
    const double ll = conditional(th, L, mu, kf);
    if (!std::isfinite(ll)) return kNegInf;
    row(th, monitor_t_, r);
    double v = 0;
    for (int a = 0; a < p_; ++a) v += r[a] * mu[a];
    if (learn_) v += discrepancy_mean(discrepancy_state(kf, mu), monitor_t_);
    *blob = v;
    return lp + ll;
  }
  void set_monitor(double t) { monitor_t_ = t; }

  /// Conditional posterior mean of z(t) given theta (the monitored quantity).
  double conditional_mean_at(const double* th, double t) const {
    double L[kMaxBasis * kMaxBasis], mu[kMaxBasis], r[kMaxBasis], kf[kFilterState];
    if (!std::isfinite(conditional(th, L, mu, kf))) return std::numeric_limits<double>::quiet_NaN();
    row(th, t, r);
    double s = 0;
    for (int a = 0; a < p_; ++a) s += r[a] * mu[a];
    return s + (learn_ ? discrepancy_mean(discrepancy_state(kf, mu), t) : 0.0);
  }

  /// Draws b ~ N(mu, A^-1) given the Cholesky factor L of A.
  void draw_coefficients(const double* L, const double* mu, Rng& rng, double* b) const {
    double e[kMaxBasis];
    for (int a = 0; a < p_; ++a) e[a] = rng.normal();
    // Solve L^T x = e: x ~ N(0, A^-1).
    for (int i = p_ - 1; i >= 0; --i) {
      double s = e[i];
      for (int k = i + 1; k < p_; ++k) s -= L[k * p_ + i] * e[k];
      e[i] = s / L[i * p_ + i];
    }
    for (int a = 0; a < p_; ++a) b[a] = mu[a] + e[a];
  }

  /// Precomputed log t and 1/ln(t+1) of a grid (for grid_basis).
  struct Grid {
    Eigen::ArrayXd lnt, il;
    explicit Grid(const std::vector<double>& t = {}) : lnt(t.size()), il(t.size()) {
      for (std::size_t i = 0; i < t.size(); ++i) {
        lnt[static_cast<Eigen::Index>(i)] = std::log(t[i]);
        il[static_cast<Eigen::Index>(i)] = 1.0 / std::log(t[i] + 1.0);
      }
    }
  };

  /// Whether the curve with basis values X (on the constraint grid) and
  /// coefficients b satisfies the constraints.
  bool satisfies(const Eigen::ArrayXXd& X, const double* b, const BasisConstraints& c) const {
    if (!c.active()) return true;
    Eigen::ArrayXd v = Eigen::ArrayXd::Constant(X.rows(), b[0]);
    for (int a = 1; a < p_; ++a) v += b[a] * X.col(a);
    if (!v.allFinite() || v.minCoeff() < c.lo || v.maxCoeff() > c.hi) return false;
    if (c.monotone)
      for (Eigen::Index g = 1; g < v.size(); ++g)
        if (v[g] < v[g - 1]) return false;
    if (c.rise && !(v[v.size() - 1] > v[0])) return false;
    return true;
  }

  /// Value of the noise-free curve at t.
  double value(const double* th, const double* b, double t) const {
    double r[kMaxBasis];
    row(th, t, r);
    double v = 0;
    for (int a = 0; a < p_; ++a) v += r[a] * b[a];
    return v;
  }

 private:
  static constexpr double kNegInf = -std::numeric_limits<double>::infinity();
  /// log of integral N(z; X b, C)^beta p(b) db minus that of N(z; X b, C / beta):
  /// (1 - beta) / 2 (log|C| + n ln 2 pi) - n / 2 ln beta, with log|C| = the sum
  /// of ln F of the filter run on C / beta, plus n ln beta; 0 untempered.
  double tempering_term(double sum_log_f_scaled) const {
    if (inv_beta_ == 1.0) return 0.0;
    const double beta = 1.0 / inv_beta_, lb = std::log(beta);
    return 0.5 * (1 - beta) * (sum_log_f_scaled + n_ * lb + n_ * kLog2Pi) - 0.5 * n_ * lb;
  }
  static constexpr double kLog2Pi = 1.8378770664093454836;
  /// A summarised curve under a filter (set_summary): point i stands for w_i
  /// points (their density, not their mean's) and the scatter the summary's
  /// points do not carry enters the noise likelihood; tempered like the rest
  /// (s2 = sigma^2 / beta). Adds the scatter's quadratic form to *q and
  /// returns the normalising terms; 0 without a summary.
  double summary_term(double ls, double s2, double* q) const {
    if (!summarised_) return 0.0;
    *q += ss_ / s2;
    return -0.5 * (extra_n_ * (kLog2Pi + 2 * ls) + sum_log_w_) / inv_beta_;
  }

  void row_ln(const double* th, double lnt, double il, double* r) const {
    int k = 0, c = 1;
    r[0] = 1.0;
    for (int f : fam_) {
      if (f == kPow3) {
        r[c++] = std::exp(-std::exp(th[k]) * lnt);
        k += 1;
      } else if (f == kIlog2) {
        r[c++] = il;
      } else if (f == kJanoschek) {
        r[c++] = std::exp(-std::exp(th[k] + std::exp(th[k + 1]) * lnt));
        k += 2;
      } else {
        r[c++] = 1.0 / (1.0 + std::exp(std::exp(th[k + 1]) * (th[k] + lnt)));
        k += 2;
      }
    }
  }

  std::vector<int> fam_;
  BasisPrior prior_;
  int p_ = 1, shape_ = 0, n_ = 0;
  double P_[kMaxBasis * kMaxBasis] = {}, LS_[kMaxBasis * kMaxBasis] = {}, Pm_[kMaxBasis] = {}, mPm_ = 0, logdet_S_ = 0;
  Eigen::ArrayXd lnt_, il_, z_, w_, sw_, swz_, ds_;
  bool learn_ = false;
  bool slope_ = false;
  double inv_beta_ = 1.0;  // 1 / likelihood tempering power
  bool weighted_ = false;
  bool summarised_ = false;
  double extra_n_ = 0, ss_ = 0, sum_log_w_ = 0;
  double monitor_t_ = 1;
  double wsum_ = 0, q_ = 0;
};

}  // namespace curvecast::detail
