#pragma once
// CurveSummary: a long curve reduced to a bounded number of weighted points
// that keep what the fitters use, so that fitting costs the same at 10^5
// points as at a few hundred.
//
//   curvecast::CurveSummariser s(/*max_points=*/256);   // streaming: one point at a time
//   for (std::size_t i = 0; i < obs.size(); ++i) s.push(obs.x[i], obs.y[i]);   // O(1) amortised
//   std::optional<curvecast::CurveSummary> sum = s.summary();     // <= 256 / 4 = 64 weighted points
//   auto same = curvecast::summarise(obs, 256);   // batch: equal to the stream's (nullopt for <= 256 points)
//
// What is kept. Points are grouped into bins of equal width in u = ln(x - o)
// (o = 0 when x starts above 0, else one step below the first x, as the
// fitting coordinates shift x, see Normaliser); the width doubles (adjacent
// bins merge) whenever the bins outnumber max_points / 8, so sparse early
// points keep a bin each and dense late ones share one. Each bin keeps its
// count, the means of u and y and the co-moments of (u, y), and is replaced by
// two points at u = mean(u) -+ sd(u) with y on the bin's least-squares line in
// u, each carrying half the bin's count as its weight (a bin of one or two
// points is replaced by its own points, weight 1). For any curve f that is
// linear in u inside every bin (and anything that varies within a bin only
// linearly in u),
//   sum_i (y_i - f(x_i))^2 = ss + sum_j w_j (y'_j - f(x'_j))^2,
// where ss is the scatter about the bins' lines. The least-squares fitters
// weight residuals by w_j and add ss to the noise estimate; the posteriors give
// point j the noise variance sigma^2 / w_j and add ss (and the points' count)
// to the noise likelihood, which makes their likelihoods exact for such curves
// and accurate to the curvature inside a bin otherwise.
//
// When. Extrapolators summarise curves of more than `max_points` points
// (FitOptions::max_points, PosteriorOptions::max_points,
// EarlyStoppingOptions::max_points; default kDefaultMaxPoints = 256) into at
// most max_points / 4 points (64 by default: the cost of a fit then stays
// below that of a 256-point curve); curves of at most max_points points are
// fitted point by point, exactly as without a summary. Documented fallback: a summary with
// fewer than kMinSummaryPoints points (x spanning too little of ln x to be told
// apart in double precision) or with non-finite statistics (|y| near 1e300)
// is not used and the curve is fitted point by point.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "errors.hpp"
#include "observations.hpp"

namespace curvecast {

/// Curves of more points than this are summarised before fitting (default of
/// FitOptions::max_points and PosteriorOptions::max_points).
inline constexpr std::size_t kDefaultMaxPoints = 256;
/// Smallest max_points accepted (0 turns summaries off).
inline constexpr std::size_t kMinMaxPoints = 64;
/// A summary with fewer points than this is not used (the curve is fitted point by point).
inline constexpr std::size_t kMinSummaryPoints = 8;

/// A curve summarised into weighted points (raw units, x strictly increasing).
struct CurveSummary {
  std::vector<double> x;       ///< the summary's points: x
  std::vector<double> y;       ///< their y (on each bin's least-squares line in ln x)
  std::vector<double> w;       ///< their weights: the number of original points each stands for (sum = count)
  std::vector<double> ss;      ///< each point's share of its bin's scatter about the bin's line (raw units squared)
  std::vector<double> pos;     ///< mean index (0-based) of the original points each stands for
  double ss_total = 0;         ///< sum of ss: the scatter the weighted points do not carry
  std::size_t count = 0;       ///< original points summarised
  std::size_t bins = 0;        ///< bins used
  std::size_t max_points = 0;  ///< the summariser's max_points (a method uses a summary made with its own)
  std::size_t size() const { return x.size(); }
};

/// Streaming summariser: push() the points of a curve in order (x strictly
/// increasing), summary() at any time. push() is O(1) amortised (a merge of all
/// bins, O(max_points), happens at most a few dozen times in a curve's life).
class CurveSummariser {
 public:
  /// max_points >= kMinMaxPoints: the summary has at most max_points / 4 points.
  explicit CurveSummariser(std::size_t max_points = kDefaultMaxPoints) : max_points_(max_points), cap_(max_points / 8) {
    if (max_points < kMinMaxPoints) throw InvalidOptions("curvecast: CurveSummariser: max_points must be >= 64");
  }

  std::size_t max_points() const { return max_points_; }
  /// Points pushed so far.
  std::size_t count() const { return count_; }
  void clear() { *this = CurveSummariser(max_points_); }

  /// Adds the next point. InvalidInput for a non-finite point or x not above the previous one.
  void push(double x, double y) {
    if (!std::isfinite(x) || !std::isfinite(y) || std::abs(x) > kMaxMagnitude || std::abs(y) > kMaxMagnitude)
      throw InvalidInput("curvecast: CurveSummariser: point is not finite or beyond 1e300");
    if (count_ > 0 && !(x > last_x_)) throw InvalidInput("curvecast: CurveSummariser: x must be strictly increasing");
    last_x_ = x;
    const std::size_t index = count_++;
    if (index == 0) {
      x0_ = x;
      y0_ = y;
      if (x > 0) {
        start(0.0);
        add(x, y, 0);
      }  // else the origin needs the second point
      return;
    }
    if (index == 1 && !started_) {
      start(x0_ - (x - x0_));
      add(x0_, y0_, 0);
    }
    add(x, y, index);
  }

  /// The summary of the points pushed so far; std::nullopt when it is not
  /// usable (fewer than kMinSummaryPoints points, or non-finite statistics).
  std::optional<CurveSummary> summary() const {
    CurveSummary s;
    s.count = count_;
    s.max_points = max_points_;
    s.bins = cells_.size();
    for (const Cell& c : cells_) {
      if (c.n <= 2) {
        emit(s, c.x_first, c.y_first, 1, 0, c.i_first);
        if (c.n == 2) emit(s, c.x_last, c.y_last, 1, 0, c.i_last);
        continue;
      }
      const double n = static_cast<double>(c.n), sd = std::sqrt(c.cuu / n);
      const double pos = c.i_first + 0.5 * (c.i_last - c.i_first);
      const double xm = origin_ + std::exp(c.mu - sd), xp = origin_ + std::exp(c.mu + sd);
      if (!(c.cuu > 0) || !(xp > xm) || (!s.x.empty() && !(xm > s.x.back()))) {
        if (!std::isfinite(c.cyy)) return std::nullopt;
        emit(s, origin_ + std::exp(c.mu), c.my, n, c.cyy, pos);  // u constant to rounding: the mean alone
        continue;
      }
      const double b = c.cuy / c.cuu, rest = c.cyy - b * c.cuy;  // scatter about the bin's line
      if (!std::isfinite(rest)) return std::nullopt;             // beyond double range
      const double half = std::max(0.0, rest) / 2;
      emit(s, xm, c.my - b * sd, n / 2, half, pos);
      emit(s, xp, c.my + b * sd, n / 2, half, pos);
    }
    if (s.size() < kMinSummaryPoints || !std::isfinite(s.ss_total)) return std::nullopt;
    for (std::size_t j = 0; j < s.size(); ++j)
      if (!std::isfinite(s.x[j]) || !std::isfinite(s.y[j]) || (j > 0 && !(s.x[j] > s.x[j - 1]))) return std::nullopt;
    return s;
  }

 private:
  // One bin: count, first/last point (exact), means and co-moments of (u, y).
  struct Cell {
    std::int64_t id = 0;
    std::size_t n = 0;
    double x_first = 0, y_first = 0, x_last = 0, y_last = 0, i_first = 0, i_last = 0;
    double mu = 0, my = 0, cuu = 0, cuy = 0, cyy = 0;
  };
  // Bins are indexed on a fine grid of width 2^-40 in u, anchored at the first
  // point, then coarsened by `level_` halvings: nested bins, integer arithmetic.
  static constexpr double kBaseInv = 1099511627776.0;  // 2^40

  void start(double origin) {
    origin_ = origin;
    u0_ = std::log(x0_ - origin_);
    started_ = true;
  }
  void add(double x, double y, std::size_t index) {
    const double u = std::log(x - origin_);
    const double f = std::floor((u - u0_) * kBaseInv);
    const std::int64_t id = static_cast<std::int64_t>(std::min(f, 9.0e18)) >> level_;
    if (cells_.empty() || cells_.back().id != id) {
      Cell c;
      c.id = id;
      c.x_first = x;
      c.y_first = y;
      c.i_first = static_cast<double>(index);
      cells_.push_back(c);
    }
    Cell& c = cells_.back();
    // Welford's update of the means and co-moments.
    ++c.n;
    const double n = static_cast<double>(c.n), du = u - c.mu, dy = y - c.my;
    c.mu += du / n;
    c.my += dy / n;
    c.cuu += du * (u - c.mu);
    c.cuy += du * (y - c.my);
    c.cyy += dy * (y - c.my);
    c.x_last = x;
    c.y_last = y;
    c.i_last = static_cast<double>(index);
    while (cells_.size() > cap_) coarsen();
  }
  // Doubles the bin width: merges adjacent bins of the same parent (Chan et al.'s pairwise update).
  void coarsen() {
    ++level_;
    std::size_t k = 0;
    for (std::size_t i = 0; i < cells_.size(); ++i) {
      Cell c = cells_[i];
      c.id >>= 1;
      if (k > 0 && cells_[k - 1].id == c.id) {
        Cell& a = cells_[k - 1];
        const double na = static_cast<double>(a.n), nb = static_cast<double>(c.n), n = na + nb;
        const double du = c.mu - a.mu, dy = c.my - a.my, f = na * nb / n;
        a.mu += du * nb / n;
        a.my += dy * nb / n;
        a.cuu += c.cuu + du * du * f;
        a.cuy += c.cuy + du * dy * f;
        a.cyy += c.cyy + dy * dy * f;
        a.n += c.n;
        a.x_last = c.x_last;
        a.y_last = c.y_last;
        a.i_last = c.i_last;
      } else {
        cells_[k++] = c;
      }
    }
    cells_.resize(k);
  }
  static void emit(CurveSummary& s, double x, double y, double w, double ss, double pos) {
    s.x.push_back(x);
    s.y.push_back(y);
    s.w.push_back(w);
    s.ss.push_back(ss);
    s.pos.push_back(pos);
    s.ss_total += ss;
  }

  std::size_t max_points_, cap_;  // cap_: most bins
  std::size_t count_ = 0;
  int level_ = 0;
  bool started_ = false;
  double x0_ = 0, y0_ = 0, last_x_ = 0, origin_ = 0, u0_ = 0;
  std::vector<Cell> cells_;
};

/// The summary of `obs` (validated by the caller) with at most max_points / 4 points;
/// std::nullopt when obs has at most max_points points or the summary is not
/// usable (see the header comment). Equal to a CurveSummariser fed the same points.
inline std::optional<CurveSummary> summarise(const Observations& obs, std::size_t max_points = kDefaultMaxPoints) {
  if (max_points == 0 || obs.size() <= max_points) return std::nullopt;
  CurveSummariser s(max_points);
  for (std::size_t i = 0; i < obs.size(); ++i) s.push(obs.x[i], obs.y[i]);
  return s.summary();
}

}  // namespace curvecast
