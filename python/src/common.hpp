#pragma once
// Shared helpers of the curvecast._core binding files: numpy conversion with
// clear errors, keyword options as JSON, and the Extrapolator wrapper.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <nlohmann/json.hpp>

// No Ceres here: only extrapolator.cpp (the factory) and scaling.cpp include it,
// so the other binding files compile quickly.
#include <curvecast/curvecast.hpp>
#include <curvecast/fit_result.hpp>
#include <curvecast/json.hpp>

namespace py = pybind11;

namespace ccpy {

using json = nlohmann::json;
using RealArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

/// A real-valued numpy array (float or integer dtype, any layout) as a C-contiguous
/// float64 array of ndim in [min_ndim, max_ndim]. Strings, objects, complex and bool
/// are TypeError; a wrong number of dimensions is curvecast.InvalidInput.
RealArray as_real_array(py::handle obj, const std::string& what, int min_ndim, int max_ndim);
/// A 1-D real array-like as a vector (a scalar is accepted when allow_scalar; *scalar says so).
std::vector<double> to_vector(py::handle obj, const std::string& what, bool allow_scalar = false,
                              bool* scalar = nullptr);
/// A new 1-D numpy array holding v.
py::array_t<double> to_numpy(const std::vector<double>& v);
/// A new (rows, cols) C-ordered numpy array from an Eigen matrix.
py::array_t<double> to_numpy(const Eigen::MatrixXd& m);

/// Keyword options (numbers, bools, strings, sequences of them) as a JSON object.
json kwargs_to_json(const py::dict& kwargs);
/// A JSON value as the Python object json.loads would give.
py::object json_to_py(const json& j);

/// Reads keyword options into option structs; names every unknown or mistyped key.
class OptionReader {
 public:
  OptionReader(const json& options, std::string context) : j_(options), context_(std::move(context)) {}
  void get(const char* key, int& v);
  void get(const char* key, std::size_t& v);
  void get(const char* key, double& v);
  void get(const char* key, bool& v);
  void get(const char* key, std::string& v);
  void get(const char* key, std::vector<double>& v);
  void get(const char* key, std::vector<std::string>& v);
  void get(const char* key, std::vector<std::vector<double>>& v);
  void get(const char* key, curvecast::Loss& v);
  /// Throws InvalidOptions naming the keys no get() asked for, and the accepted ones.
  void finish() const;

 private:
  const json* find(const char* key);
  [[noreturn]] void bad_type(const char* key, const char* expected) const;
  const json& j_;
  std::string context_;
  std::vector<std::string> accepted_;
};

/// FitOptions' keys (num_starts, loss, loss_scale, weights, ...).
void read_fit_options(OptionReader& r, curvecast::FitOptions& fit);

/// The extrapolator `method` with `seed` and keyword options: make_extrapolator's
/// construction, with the options applied to the struct of that method
/// (defined in extrapolator.cpp).
std::unique_ptr<curvecast::Extrapolator> build_extrapolator(const std::string& method, std::uint64_t seed,
                                                            const json& options);

/// A Python-side Extrapolator: the C++ object plus what it takes to rebuild it
/// (method, seed, options, the observations of its fits).
class PyExtrapolator {
 public:
  PyExtrapolator(std::string method, std::uint64_t seed, json options);
  void fit(curvecast::Observations obs);  // releases the GIL
  const curvecast::Extrapolator& ex() const { return *ex_; }
  curvecast::Extrapolator& ex_mut() { return *ex_; }
  const std::string& method() const { return method_; }
  std::uint64_t seed() const { return seed_; }
  const json& options() const { return options_; }
  std::string to_json() const;
  static std::unique_ptr<PyExtrapolator> from_json(const std::string& text);
  /// Held while a fit runs without the GIL: queries from another thread then fail cleanly.
  std::unique_lock<std::mutex> lock(const char* what) const;

 private:
  std::string method_;
  std::uint64_t seed_;
  json options_;
  std::unique_ptr<curvecast::Extrapolator> ex_;
  std::vector<std::size_t> fit_prefixes_;  // lengths of the fits since the last cold one
  mutable std::mutex busy_;
};

void init_errors(py::module_& m);
void init_extrapolator(py::module_& m);
void init_batch(py::module_& m);
void init_early_stopping(py::module_& m);
void init_scaling(py::module_& m);

}  // namespace ccpy
