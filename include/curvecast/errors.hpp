#pragma once
// Exception types thrown by curvecast. Every error derives from curvecast::Error
// (itself a std::runtime_error), so `catch (const curvecast::Error&)` catches all.
//
//   try { ex.fit(obs); } catch (const curvecast::InvalidInput& e) { std::cerr << e.what(); }
#include <stdexcept>
#include <string>

namespace curvecast {

/// Base of every exception curvecast throws.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
/// The data handed in cannot be used (NaN, unsorted x, too few points, ...).
struct InvalidInput : Error {
  using Error::Error;
};
/// An options struct holds a value outside its documented range.
struct InvalidOptions : Error {
  using Error::Error;
};
/// No start of a fit produced a finite optimum, or a posterior could not be built.
struct FitFailure : Error {
  using Error::Error;
};
/// A query was made before fit(), or a name is unknown.
struct UsageError : Error {
  using Error::Error;
};
/// A JSON document is malformed or lacks a required field.
struct JsonError : Error {
  using Error::Error;
};

}  // namespace curvecast
