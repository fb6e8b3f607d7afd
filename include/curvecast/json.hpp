#pragma once
// JSON round-trips (nlohmann/json) for observations, curve sets in the format of
// shared/data/curves, fit results and predictive summaries.
//
//   curvecast::CurveSet set = curvecast::read_curve_set("cnn_cifar10_val_error_vs_epoch.json");
//   curvecast::Observations obs = set.curves[0].observations(set.higher_is_better);
//   nlohmann::json j = fit_result;           // and back: j.get<curvecast::FitResult>()
//
// Malformed documents raise curvecast::JsonError naming the missing or bad field.
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "errors.hpp"
#include "fit_result.hpp"
#include "observations.hpp"
#include "predictive.hpp"

namespace curvecast {

/// One curve of a curve set.
struct Curve {
  std::string id;
  std::string task;
  std::vector<double> x, y;
  Observations observations(bool higher_is_better) const { return {x, y, higher_is_better}; }
};

/// A set of curves in the uniform format of shared/data/curves/*.json.
struct CurveSet {
  std::string source;
  std::string x_name = "x", y_name = "y";
  bool higher_is_better = false;
  std::vector<Curve> curves;
};

namespace detail {
template <class T>
T json_field(const nlohmann::json& j, const char* key, const char* what) {
  if (!j.is_object()) throw JsonError(std::string("curvecast: ") + what + " must be a JSON object");
  const auto it = j.find(key);
  if (it == j.end()) throw JsonError(std::string("curvecast: ") + what + " lacks the field '" + key + "'");
  try {
    return it->template get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw JsonError(std::string("curvecast: ") + what + " field '" + key + "' has the wrong type (" + e.what() + ")");
  }
}
template <class T>
T json_field_or(const nlohmann::json& j, const char* key, T fallback, const char* what) {
  return j.contains(key) ? json_field<T>(j, key, what) : fallback;
}
}  // namespace detail

inline void to_json(nlohmann::json& j, const Observations& o) {
  j = nlohmann::json{{"x", o.x}, {"y", o.y}, {"higher_is_better", o.higher_is_better}};
}
inline void from_json(const nlohmann::json& j, Observations& o) {
  o.x = detail::json_field<std::vector<double>>(j, "x", "observations");
  o.y = detail::json_field<std::vector<double>>(j, "y", "observations");
  o.higher_is_better = detail::json_field_or<bool>(j, "higher_is_better", false, "observations");
}

inline void to_json(nlohmann::json& j, const Curve& c) {
  j = nlohmann::json{{"id", c.id}, {"task", c.task}, {"x", c.x}, {"y", c.y}};
}
inline void from_json(const nlohmann::json& j, Curve& c) {
  c.id = detail::json_field<std::string>(j, "id", "curve");
  c.task = detail::json_field_or<std::string>(j, "task", "", "curve");
  c.x = detail::json_field<std::vector<double>>(j, "x", "curve");
  c.y = detail::json_field<std::vector<double>>(j, "y", "curve");
  if (c.x.size() != c.y.size()) throw JsonError("curvecast: curve '" + c.id + "' has x and y of different lengths");
}

inline void to_json(nlohmann::json& j, const CurveSet& s) {
  j = nlohmann::json{{"source", s.source},
                     {"x_name", s.x_name},
                     {"y_name", s.y_name},
                     {"higher_is_better", s.higher_is_better},
                     {"curves", s.curves}};
}
inline void from_json(const nlohmann::json& j, CurveSet& s) {
  s.source = detail::json_field_or<std::string>(j, "source", "", "curve set");
  s.x_name = detail::json_field_or<std::string>(j, "x_name", "x", "curve set");
  s.y_name = detail::json_field_or<std::string>(j, "y_name", "y", "curve set");
  s.higher_is_better = detail::json_field_or<bool>(j, "higher_is_better", false, "curve set");
  const auto& arr = j.at("curves");
  if (!arr.is_array()) throw JsonError("curvecast: curve set field 'curves' must be an array");
  s.curves.clear();
  s.curves.reserve(arr.size());
  for (const auto& c : arr) s.curves.push_back(c.get<Curve>());
}

inline void to_json(nlohmann::json& j, const Normaliser& n) {
  j = nlohmann::json{{"x_scale", n.x_scale}, {"y_offset", n.y_offset}, {"y_scale", n.y_scale}};
  if (n.x_offset != 0) j["x_offset"] = n.x_offset;  // only for curves whose x starts at or below 0
}
inline void from_json(const nlohmann::json& j, Normaliser& n) {
  n.x_scale = detail::json_field<double>(j, "x_scale", "normaliser");
  n.y_offset = detail::json_field<double>(j, "y_offset", "normaliser");
  n.y_scale = detail::json_field<double>(j, "y_scale", "normaliser");
  n.x_offset = j.contains("x_offset") ? detail::json_field<double>(j, "x_offset", "normaliser") : 0.0;
}

inline void to_json(nlohmann::json& j, const FitResult& r) {
  std::vector<std::vector<double>> cov(static_cast<std::size_t>(r.covariance.rows()));
  for (Eigen::Index i = 0; i < r.covariance.rows(); ++i)
    for (Eigen::Index k = 0; k < r.covariance.cols(); ++k)
      cov[static_cast<std::size_t>(i)].push_back(r.covariance(i, k));
  j = nlohmann::json{{"family", r.family},
                     {"param_names", r.param_names},
                     {"params", r.params},
                     {"std_errors", r.std_errors},
                     {"covariance", cov},
                     {"normaliser", r.normaliser},
                     {"cost", r.cost},
                     {"sigma", r.sigma},
                     {"sse_raw", r.sse_raw},
                     {"log_likelihood", r.log_likelihood},
                     {"aic", r.aic},
                     {"aicc", r.aicc},
                     {"bic", r.bic},
                     {"num_points", r.num_points},
                     {"num_starts", r.num_starts},
                     {"num_converged_starts", r.num_converged_starts},
                     {"num_starts_at_best", r.num_starts_at_best},
                     {"status", r.status},
                     {"seconds", r.seconds}};
  if (!std::isfinite(r.aicc)) j["aicc"] = nullptr;  // JSON has no infinity
}
inline void from_json(const nlohmann::json& j, FitResult& r) {
  const char* w = "fit result";
  r.family = detail::json_field<std::string>(j, "family", w);
  r.param_names = detail::json_field<std::vector<std::string>>(j, "param_names", w);
  r.params = detail::json_field<std::vector<double>>(j, "params", w);
  r.std_errors = detail::json_field_or<std::vector<double>>(j, "std_errors", {}, w);
  const auto cov = detail::json_field_or<std::vector<std::vector<double>>>(j, "covariance", {}, w);
  r.covariance.resize(static_cast<Eigen::Index>(cov.size()), static_cast<Eigen::Index>(cov.size()));
  for (std::size_t i = 0; i < cov.size(); ++i) {
    if (cov[i].size() != cov.size()) throw JsonError("curvecast: fit result covariance is not square");
    for (std::size_t k = 0; k < cov.size(); ++k)
      r.covariance(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k)) = cov[i][k];
  }
  r.normaliser = detail::json_field<Normaliser>(j, "normaliser", w);
  r.cost = detail::json_field<double>(j, "cost", w);
  r.sigma = detail::json_field<double>(j, "sigma", w);
  r.sse_raw = detail::json_field_or<double>(j, "sse_raw", 0.0, w);
  r.log_likelihood = detail::json_field_or<double>(j, "log_likelihood", 0.0, w);
  r.aic = detail::json_field_or<double>(j, "aic", 0.0, w);
  r.aicc = j.contains("aicc") && j["aicc"].is_null() ? std::numeric_limits<double>::infinity()
                                                     : detail::json_field_or<double>(j, "aicc", 0.0, w);
  r.bic = detail::json_field_or<double>(j, "bic", 0.0, w);
  r.num_points = detail::json_field_or<int>(j, "num_points", 0, w);
  r.num_starts = detail::json_field_or<int>(j, "num_starts", 0, w);
  r.num_converged_starts = detail::json_field_or<int>(j, "num_converged_starts", 0, w);
  r.num_starts_at_best = detail::json_field_or<int>(j, "num_starts_at_best", 0, w);
  r.status = detail::json_field_or<std::string>(j, "status", "", w);
  r.seconds = detail::json_field_or<double>(j, "seconds", 0.0, w);
  if (r.params.size() != r.param_names.size())
    throw JsonError("curvecast: fit result has " + std::to_string(r.params.size()) + " params for " +
                    std::to_string(r.param_names.size()) + " names");
}

/// A predictive distribution as JSON: its summary and its mixture components.
inline void to_json(nlohmann::json& j, const Predictive& p) {
  const auto iv = p.interval(0.9);
  j = nlohmann::json{{"mean", p.mean()},       {"sd", p.sd()},       {"q05", iv.first},
                     {"q50", p.quantile(0.5)}, {"q95", iv.second},   {"higher_is_better", p.higher_is_better()},
                     {"weights", p.weights()}, {"means", p.means()}, {"sds", p.sds()}};
  const auto [lo, hi] = p.support();
  if (std::isfinite(lo)) j["lower"] = lo;
  if (std::isfinite(hi)) j["upper"] = hi;
}
inline void from_json(const nlohmann::json& j, Predictive& p) {
  const char* w = "predictive";
  p = Predictive(detail::json_field<std::vector<double>>(j, "weights", w),
                 detail::json_field<std::vector<double>>(j, "means", w),
                 detail::json_field<std::vector<double>>(j, "sds", w),
                 detail::json_field_or<bool>(j, "higher_is_better", false, w));
  const double inf = std::numeric_limits<double>::infinity();
  const double lo = detail::json_field_or<double>(j, "lower", -inf, w);
  const double hi = detail::json_field_or<double>(j, "upper", inf, w);
  if (std::isfinite(lo) || std::isfinite(hi)) {
    try {
      p.set_support(lo, hi);
    } catch (const InvalidInput& e) {
      throw JsonError(std::string("curvecast: predictive: bad 'lower'/'upper' (") + e.what() + ")");
    }
  }
}

/// Parses a curve set from text; JsonError on malformed input.
inline CurveSet parse_curve_set(const std::string& text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw JsonError(std::string("curvecast: malformed JSON: ") + e.what());
  }
  try {
    return j.get<CurveSet>();
  } catch (const nlohmann::json::exception& e) {
    throw JsonError(std::string("curvecast: bad curve set: ") + e.what());
  }
}

/// Reads a curve set file; JsonError when it cannot be opened or parsed.
inline CurveSet read_curve_set(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw JsonError("curvecast: cannot open '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_curve_set(ss.str());
}

}  // namespace curvecast
