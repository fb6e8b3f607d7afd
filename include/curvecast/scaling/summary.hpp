#pragma once
// Summaries of draws (bootstrap resamples or posterior samples): standard error,
// median and a central percentile interval. No Ceres.
//
//   std::vector<double> draws = ...;
//   curvecast::scaling::Interval i = curvecast::scaling::summarise(draws, estimate, 0.8);
//   std::cout << i.estimate << " (SE " << i.se << ", 80% " << i.lower << "-" << i.upper << ")\n";
#include <algorithm>
#include <cmath>
#include <vector>

#include "../errors.hpp"

namespace curvecast::scaling {

/// A point estimate with the spread of its draws.
struct Interval {
  double estimate = 0;  ///< the point estimate (from the full-data fit)
  double se = 0;        ///< standard deviation of the draws (numpy's std, ddof = 0)
  double median = 0;    ///< median of the draws
  double lower = 0;     ///< lower end of the central `level` percentile interval
  double upper = 0;     ///< upper end
  double level = 0.8;
  int num_draws = 0;
};

/// Quantile q of sorted values, linear interpolation between order statistics (numpy's default).
inline double quantile_sorted(const std::vector<double>& s, double q) {
  if (s.empty()) throw InvalidInput("curvecast: quantile of no values");
  const double h = q * static_cast<double>(s.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, s.size() - 1);
  return s[lo] + (h - static_cast<double>(lo)) * (s[hi] - s[lo]);
}

/// Summarises the finite draws (non-finite ones are skipped); throws InvalidInput when none is finite
/// or level is outside (0, 1).
inline Interval summarise(const std::vector<double>& draws, double estimate, double level = 0.8) {
  if (!(level > 0 && level < 1)) throw InvalidInput("curvecast: summarise: level must lie in (0, 1)");
  std::vector<double> s;
  s.reserve(draws.size());
  for (double d : draws)
    if (std::isfinite(d)) s.push_back(d);
  if (s.empty()) throw InvalidInput("curvecast: summarise: no finite draws");
  std::sort(s.begin(), s.end());
  double mean = 0;
  for (double d : s) mean += d;
  mean /= static_cast<double>(s.size());
  double var = 0;
  for (double d : s) var += (d - mean) * (d - mean);
  Interval i;
  i.estimate = estimate;
  i.se = std::sqrt(var / static_cast<double>(s.size()));
  i.median = quantile_sorted(s, 0.5);
  i.lower = quantile_sorted(s, 0.5 - level / 2);
  i.upper = quantile_sorted(s, 0.5 + level / 2);
  i.level = level;
  i.num_draws = static_cast<int>(s.size());
  return i;
}

}  // namespace curvecast::scaling
