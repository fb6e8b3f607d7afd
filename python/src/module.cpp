// curvecast._core: the module, its exception classes and the conversion helpers.
#include <cmath>
#include <limits>
#include <sstream>

#include "common.hpp"

namespace ccpy {

namespace {
py::object& numpy() {
  static auto* np = new py::object(py::module_::import("numpy"));  // leaked: outlives interpreter shutdown order
  return *np;
}
std::string shape_of(const py::array& a) {
  std::ostringstream s;
  s << "(";
  for (py::ssize_t i = 0; i < a.ndim(); ++i) s << (i ? ", " : "") << a.shape(i);
  s << (a.ndim() == 1 ? ",)" : ")");
  return s.str();
}
}  // namespace

RealArray as_real_array(py::handle obj, const std::string& what, int min_ndim, int max_ndim) {
  if (obj.is_none()) throw py::type_error("curvecast: " + what + " must be an array of numbers, not None");
  if (py::isinstance<py::str>(obj) || py::isinstance<py::bytes>(obj))
    throw py::type_error("curvecast: " + what + " must be an array of numbers, not a string");
  py::array arr;
  if (py::isinstance<py::array>(obj)) {
    arr = py::reinterpret_borrow<py::array>(obj);
  } else {
    try {
      arr = numpy().attr("asarray")(obj);
    } catch (py::error_already_set& e) {
      throw py::type_error("curvecast: " + what + " is not an array of numbers (" + std::string(e.what()) + ")");
    }
  }
  const char kind = arr.dtype().kind();
  if (kind != 'f' && kind != 'i' && kind != 'u')
    throw py::type_error("curvecast: " + what + " must hold real numbers (a float or integer dtype), not dtype " +
                         std::string(py::str(arr.dtype())));
  if (arr.ndim() < min_ndim || arr.ndim() > max_ndim) {
    std::ostringstream m;
    m << "curvecast: " << what << " must be ";
    if (min_ndim == max_ndim)
      m << min_ndim << "-D";
    else
      m << (min_ndim == 0 ? "a number or " : "") << max_ndim << "-D";
    m << ", got an array of shape " << shape_of(arr);
    throw curvecast::InvalidInput(m.str());
  }
  return RealArray::ensure(arr);
}

std::vector<double> to_vector(py::handle obj, const std::string& what, bool allow_scalar, bool* scalar) {
  const RealArray a = as_real_array(obj, what, allow_scalar ? 0 : 1, 1);
  if (scalar) *scalar = a.ndim() == 0;
  return std::vector<double>(a.data(), a.data() + a.size());
}

py::array_t<double> to_numpy(const std::vector<double>& v) {
  py::array_t<double> a(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

py::array_t<double> to_numpy(const Eigen::MatrixXd& m) {
  py::array_t<double> a({static_cast<py::ssize_t>(m.rows()), static_cast<py::ssize_t>(m.cols())});
  auto r = a.mutable_unchecked<2>();
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index k = 0; k < m.cols(); ++k) r(i, k) = m(i, k);
  return a;
}

namespace {
json value_to_json(py::handle v, const std::string& key) {
  if (v.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(v) || py::isinstance(v, numpy().attr("bool_"))) return v.cast<bool>();
  if (py::isinstance<py::str>(v)) return v.cast<std::string>();
  if (PyLong_Check(v.ptr()) || py::isinstance(v, numpy().attr("integer"))) {
    const py::int_ i = py::reinterpret_steal<py::int_>(PyNumber_Index(v.ptr()));
    if (PyLong_AsLongLong(i.ptr()) == -1 && PyErr_Occurred()) {
      PyErr_Clear();
      if (py::int_(i) > py::int_(0)) return py::cast<std::uint64_t>(i);
      throw curvecast::InvalidOptions("curvecast: option '" + key + "' is out of range");
    }
    return PyLong_AsLongLong(i.ptr());
  }
  if (PyFloat_Check(v.ptr()) || py::isinstance(v, numpy().attr("floating"))) return v.cast<double>();
  if (py::isinstance<py::sequence>(v) || py::isinstance<py::array>(v)) {
    json arr = json::array();
    for (py::handle item : py::iter(v)) arr.push_back(value_to_json(item, key));
    return arr;
  }
  throw py::type_error("curvecast: option '" + key + "' has an unsupported type " +
                       std::string(py::str(v.get_type().attr("__name__"))));
}
}  // namespace

json kwargs_to_json(const py::dict& kwargs) {
  json j = json::object();
  for (auto kv : kwargs) {
    const std::string key = py::str(kv.first);
    j[key] = value_to_json(kv.second, key);
  }
  return j;
}

py::object json_to_py(const json& j) {
  static auto* loads = new py::object(py::module_::import("json").attr("loads"));
  return (*loads)(j.dump());
}

// ---------------------------------------------------------------------------
const json* OptionReader::find(const char* key) {
  accepted_.emplace_back(key);
  const auto it = j_.find(key);
  return it == j_.end() ? nullptr : &*it;
}
void OptionReader::bad_type(const char* key, const char* expected) const {
  throw curvecast::InvalidOptions("curvecast: " + context_ + ": option '" + key + "' must be " + expected + ", got " +
                                  j_.at(key).dump());
}
void OptionReader::get(const char* key, int& v) {
  if (const json* x = find(key)) {
    if (!x->is_number_integer()) bad_type(key, "an integer");
    const long long i = x->get<long long>();
    if (i < std::numeric_limits<int>::min() || i > std::numeric_limits<int>::max()) bad_type(key, "a 32-bit integer");
    v = static_cast<int>(i);
  }
}
void OptionReader::get(const char* key, std::size_t& v) {
  if (const json* x = find(key)) {
    if (!x->is_number_integer() || (x->is_number_integer() && !x->is_number_unsigned() && x->get<long long>() < 0))
      bad_type(key, "an integer >= 0");
    v = x->get<std::size_t>();
  }
}
void OptionReader::get(const char* key, double& v) {
  if (const json* x = find(key)) {
    if (!x->is_number()) bad_type(key, "a number");
    v = x->get<double>();
  }
}
void OptionReader::get(const char* key, bool& v) {
  if (const json* x = find(key)) {
    if (!x->is_boolean()) bad_type(key, "True or False");
    v = x->get<bool>();
  }
}
void OptionReader::get(const char* key, std::string& v) {
  if (const json* x = find(key)) {
    if (!x->is_string()) bad_type(key, "a string");
    v = x->get<std::string>();
  }
}
void OptionReader::get(const char* key, std::vector<double>& v) {
  if (const json* x = find(key)) {
    if (!x->is_array()) bad_type(key, "a sequence of numbers");
    for (const auto& e : *x)
      if (!e.is_number()) bad_type(key, "a sequence of numbers");
    v = x->get<std::vector<double>>();
  }
}
void OptionReader::get(const char* key, std::vector<std::string>& v) {
  if (const json* x = find(key)) {
    if (!x->is_array()) bad_type(key, "a sequence of strings");
    for (const auto& e : *x)
      if (!e.is_string()) bad_type(key, "a sequence of strings");
    v = x->get<std::vector<std::string>>();
  }
}
void OptionReader::get(const char* key, std::vector<std::vector<double>>& v) {
  if (const json* x = find(key)) {
    if (!x->is_array()) bad_type(key, "a sequence of sequences of numbers");
    for (const auto& row : *x) {
      if (!row.is_array()) bad_type(key, "a sequence of sequences of numbers");
      for (const auto& e : row)
        if (!e.is_number()) bad_type(key, "a sequence of sequences of numbers");
    }
    v = x->get<std::vector<std::vector<double>>>();
  }
}
void OptionReader::get(const char* key, curvecast::Loss& v) {
  if (const json* x = find(key)) {
    const std::string s = x->is_string() ? x->get<std::string>() : "";
    if (s == "squared")
      v = curvecast::Loss::Squared;
    else if (s == "huber")
      v = curvecast::Loss::Huber;
    else if (s == "cauchy")
      v = curvecast::Loss::Cauchy;
    else
      bad_type(key, "'squared', 'huber' or 'cauchy'");
  }
}
void OptionReader::finish() const {
  std::string unknown;
  for (auto it = j_.begin(); it != j_.end(); ++it)
    if (std::find(accepted_.begin(), accepted_.end(), it.key()) == accepted_.end())
      unknown += (unknown.empty() ? "'" : ", '") + it.key() + "'";
  if (unknown.empty()) return;
  std::string known;
  for (const auto& k : accepted_) known += (known.empty() ? "" : ", ") + k;
  throw curvecast::InvalidOptions("curvecast: " + context_ + ": unknown option(s) " + unknown +
                                  (known.empty() ? " (it takes none)" : " (accepted: " + known + ")"));
}

void read_fit_options(OptionReader& r, curvecast::FitOptions& f) {
  r.get("num_starts", f.num_starts);
  r.get("loss", f.loss);
  r.get("loss_scale", f.loss_scale);
  r.get("weights", f.weights);
  r.get("max_iterations", f.max_iterations);
  r.get("function_tolerance", f.function_tolerance);
  r.get("gradient_tolerance", f.gradient_tolerance);
  r.get("parameter_tolerance", f.parameter_tolerance);
  r.get("best_cost_rtol", f.best_cost_rtol);
  r.get("time_budget_seconds", f.time_budget_seconds);
  r.get("max_points", f.max_points);
}

// ---------------------------------------------------------------------------
void init_errors(py::module_& m) {
  auto make = [&](const char* name, py::handle bases, const char* doc) {
    const std::string full = std::string("curvecast.") + name;
    PyObject* t = PyErr_NewExceptionWithDoc(full.c_str(), doc, bases.ptr(), nullptr);
    if (!t) throw py::error_already_set();
    py::object cls = py::reinterpret_steal<py::object>(t);
    m.attr(name) = cls;
    return cls;
  };
  py::object error =
      make("Error", PyExc_Exception, "Base of every exception curvecast raises (the C++ curvecast::Error).");
  auto two = [&](PyObject* std_base) { return py::make_tuple(error, py::handle(std_base)); };
  py::object invalid_input =
      make("InvalidInput", two(PyExc_ValueError),
           "The data handed in cannot be used (NaN, unsorted x, too few points, wrong shape, ...).");
  py::object invalid_options = make("InvalidOptions", two(PyExc_ValueError),
                                    "An option holds a value outside its documented range, or is unknown.");
  py::object fit_failure = make("FitFailure", two(PyExc_RuntimeError),
                                "No start of a fit produced a finite optimum, or a posterior could not be built.");
  py::object usage_error =
      make("UsageError", two(PyExc_RuntimeError), "A query was made before fit(), or a name is unknown.");
  py::object json_error =
      make("JsonError", two(PyExc_ValueError), "A JSON document is malformed or lacks a required field.");
  // Leaked references: the translator runs until the interpreter exits.
  static PyObject* types[6] = {error.release().ptr(),           invalid_input.release().ptr(),
                               invalid_options.release().ptr(), fit_failure.release().ptr(),
                               usage_error.release().ptr(),     json_error.release().ptr()};
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const curvecast::InvalidInput& e) {
      PyErr_SetString(types[1], e.what());
    } catch (const curvecast::InvalidOptions& e) {
      PyErr_SetString(types[2], e.what());
    } catch (const curvecast::FitFailure& e) {
      PyErr_SetString(types[3], e.what());
    } catch (const curvecast::UsageError& e) {
      PyErr_SetString(types[4], e.what());
    } catch (const curvecast::JsonError& e) {
      PyErr_SetString(types[5], e.what());
    } catch (const curvecast::Error& e) {
      PyErr_SetString(types[0], e.what());
    }
  });
}

}  // namespace ccpy

PYBIND11_MODULE(_core, m) {
  m.doc() = "curvecast's compiled core (import curvecast instead).";
  m.attr("__version__") = curvecast::kVersion;
  ccpy::init_errors(m);
  ccpy::init_extrapolator(m);
  ccpy::init_batch(m);
  ccpy::init_early_stopping(m);
  ccpy::init_scaling(m);
}
