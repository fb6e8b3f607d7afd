#pragma once
// ScalingData: points of a scaling law (several inputs per point, one target),
// and loaders for the reference data sets in ../shared/data (see docs/references.md, Scaling laws).
//
//   curvecast::scaling::ScalingData d(2);             // two inputs per point (N, D)
//   d.add({70e9, 1.4e12}, 1.94);
//   d.validate(curvecast::scaling::Space::Log);       // throws InvalidInput with the reason
//   auto chin = curvecast::scaling::load_chinchilla("../shared/data");  // 240 retained rows
#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../errors.hpp"
#include "laws.hpp"

namespace curvecast::scaling {

struct ScalingData {
  int num_inputs = 1;
  std::vector<double> x;  ///< row-major: point i's inputs are x[i*num_inputs ... +num_inputs)
  std::vector<double> y;  ///< targets (loss, error, accuracy) in raw units

  ScalingData() = default;
  explicit ScalingData(int inputs) : num_inputs(inputs) {}
  std::size_t size() const { return y.size(); }
  const double* row(std::size_t i) const { return x.data() + i * static_cast<std::size_t>(num_inputs); }
  void add(std::initializer_list<double> inputs, double target) {
    if (static_cast<int>(inputs.size()) != num_inputs)
      throw InvalidInput("curvecast: ScalingData::add: expected " + std::to_string(num_inputs) + " inputs");
    x.insert(x.end(), inputs.begin(), inputs.end());
    y.push_back(target);
  }
  void add(const double* inputs, double target) {
    x.insert(x.end(), inputs, inputs + num_inputs);
    y.push_back(target);
  }
  /// Throws InvalidInput unless every input is finite and > 0 (laws take logs of them),
  /// every target is finite and inside `space`'s domain, and there are >= min_points points.
  void validate(Space space, std::size_t min_points = 1) const {
    if (num_inputs < 1) throw InvalidInput("curvecast: ScalingData: num_inputs must be >= 1");
    if (x.size() != y.size() * static_cast<std::size_t>(num_inputs))
      throw InvalidInput("curvecast: ScalingData: x holds " + std::to_string(x.size()) + " values for " +
                         std::to_string(y.size()) + " points of " + std::to_string(num_inputs) + " inputs");
    if (y.size() < min_points)
      throw InvalidInput("curvecast: ScalingData: " + std::to_string(y.size()) + " points, need at least " +
                         std::to_string(min_points));
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!std::isfinite(x[i]) || !(x[i] > 0)) {
        std::ostringstream m;
        m << "curvecast: ScalingData: input " << i % num_inputs << " of point " << i / num_inputs << " is " << x[i]
          << " (must be finite and > 0)";
        throw InvalidInput(m.str());
      }
    for (std::size_t i = 0; i < y.size(); ++i)
      if (!std::isfinite(to_space(space, y[i]))) {
        std::ostringstream m;
        m << "curvecast: ScalingData: target of point " << i << " is " << y[i] << ", unusable in " << space_name(space)
          << " space";
        throw InvalidInput(m.str());
      }
  }
  /// The subset of rows `idx` (duplicates allowed: a bootstrap resample).
  ScalingData subset(const std::vector<std::size_t>& idx) const {
    ScalingData d(num_inputs);
    d.x.reserve(idx.size() * num_inputs);
    d.y.reserve(idx.size());
    for (std::size_t i : idx) d.add(row(i), y.at(i));
    return d;
  }
};

// ---------------------------------------------------------------------------
// Minimal CSV reading for the reference data sets (no quoting in these files).
namespace detail {
struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  int col(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return static_cast<int>(i);
    throw InvalidInput("curvecast: CSV has no column '" + name + "'");
  }
};
inline std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}
inline Csv read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InvalidInput("curvecast: cannot open " + path);
  Csv csv;
  std::string line;
  if (!std::getline(in, line)) throw InvalidInput("curvecast: empty CSV " + path);
  csv.header = split_csv_line(line);
  while (std::getline(in, line))
    if (!line.empty()) csv.rows.push_back(split_csv_line(line));
  return csv;
}
inline double to_double(const std::string& s, const std::string& what) {
  try {
    std::size_t k = 0;
    const double v = std::stod(s, &k);
    if (k != s.size()) throw std::invalid_argument(s);
    return v;
  } catch (const std::exception&) {
    throw InvalidInput("curvecast: cannot read number '" + s + "' (" + what + ")");
  }
}
}  // namespace detail

/// Chinchilla's Figure 4 points as digitised by Epoch AI (data/chinchilla/svg_extracted_data.csv),
/// inputs (N, D = C / (6 N)), target loss. With `drop_top5` (the replication's choice), the 5
/// highest-loss rows are dropped (losses[i] < sorted(losses)[-5]), leaving 240 points.
inline ScalingData load_chinchilla(const std::string& data_dir, bool drop_top5 = true) {
  const auto csv = detail::read_csv(data_dir + "/chinchilla/svg_extracted_data.csv");
  const int cn = csv.col("Model Size"), cc = csv.col("Training FLOP"), cl = csv.col("loss");
  std::vector<double> losses;
  for (const auto& r : csv.rows) losses.push_back(detail::to_double(r.at(cl), "loss"));
  double cut = std::numeric_limits<double>::infinity();
  if (drop_top5 && losses.size() >= 5) {
    auto s = losses;
    std::sort(s.begin(), s.end());
    cut = s[s.size() - 5];
  }
  ScalingData d(2);
  for (std::size_t i = 0; i < csv.rows.size(); ++i) {
    if (!(losses[i] < cut)) continue;
    const double n = detail::to_double(csv.rows[i].at(cn), "Model Size");
    const double c = detail::to_double(csv.rows[i].at(cc), "Training FLOP");
    d.add({n, c / (6 * n)}, losses[i]);
  }
  return d;
}

/// BNSL's 4-digit-addition curve (data/bnsl/bnsl_4digit_addition.csv): `fit` and `extrapolate` splits.
struct BnslSplit {
  ScalingData fit{1}, held_out{1};
};
inline BnslSplit load_bnsl_addition(const std::string& data_dir) {
  const auto csv = detail::read_csv(data_dir + "/bnsl/bnsl_4digit_addition.csv");
  const int cx = csv.col("train_dataset_size"), cy = csv.col("test_cross_entropy"), cs = csv.col("split");
  BnslSplit s;
  for (const auto& r : csv.rows) {
    const double x = detail::to_double(r.at(cx), "x"), y = detail::to_double(r.at(cy), "y");
    (r.at(cs) == "fit" ? s.fit : s.held_out).add({x}, y);
  }
  return s;
}

/// One row of Gadre et al.'s testbed (data/gadre2024_mlfoundations_scaling/gadre2024_flat.csv).
struct GadreModel {
  std::string dataset, model;
  double N = 0, D = 0, M = 0, loss_c4 = 0, err_avg17 = 0, err_avg46 = 0;
};
inline std::vector<GadreModel> load_gadre(const std::string& data_dir) {
  const auto csv = detail::read_csv(data_dir + "/gadre2024_mlfoundations_scaling/gadre2024_flat.csv");
  const int cds = csv.col("dataset"), cm = csv.col("model"), cn = csv.col("N"), cd = csv.col("D"), cmm = csv.col("M"),
            cl = csv.col("loss_c4_val"), ce17 = csv.col("err_avg17"), ce46 = csv.col("err_avg46");
  std::vector<GadreModel> out;
  for (const auto& r : csv.rows) {
    GadreModel g;
    g.dataset = r.at(cds);
    g.model = r.at(cm);
    g.N = detail::to_double(r.at(cn), "N");
    g.D = detail::to_double(r.at(cd), "D");
    g.M = detail::to_double(r.at(cmm), "M");
    g.loss_c4 = detail::to_double(r.at(cl), "loss_c4_val");
    g.err_avg17 = detail::to_double(r.at(ce17), "err_avg17");
    g.err_avg46 = detail::to_double(r.at(ce46), "err_avg46");
    out.push_back(g);
  }
  return out;
}

}  // namespace curvecast::scaling
