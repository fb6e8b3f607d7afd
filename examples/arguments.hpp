#pragma once
// Strict parsing of command-line numbers for the example programs (their own
// helper, not part of curvecast; the benchmarks have the same in
// benchmarks/support/cli.hpp).
//
//   const double r = example::parse_number(argv[++i], "--max-extrapolation");
//   const auto n = example::parse_count(argv[++i], "--seeds");
//
// Unlike std::atof/std::atoi, which read "abc" as 0 and "5x" as 5, these accept
// only a whole, finite number and otherwise throw UsageError naming the flag.
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <curvecast/errors.hpp>

namespace example {

/// A finite decimal number ("0.05", "1e3", "-2"); anything else (empty, trailing
/// characters, nan, inf, out of range) throws UsageError.
inline double parse_number(const std::string& text, const std::string& flag) {
  const char* s = text.c_str();
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s, &end);
  if (text.empty() || end != s + text.size() || errno == ERANGE || !std::isfinite(v))
    throw curvecast::UsageError(flag + ": '" + text + "' is not a finite number");
  return v;
}

/// A non-negative decimal integer ("0", "42"); a sign, a fraction, trailing
/// characters or a value beyond 2^64 - 1 throws UsageError.
inline std::uint64_t parse_count(const std::string& text, const std::string& flag) {
  bool digits = !text.empty();
  for (char c : text) digits = digits && c >= '0' && c <= '9';
  errno = 0;
  const unsigned long long v = digits ? std::strtoull(text.c_str(), nullptr, 10) : 0;
  if (!digits || errno == ERANGE) throw curvecast::UsageError(flag + ": '" + text + "' is not a non-negative integer");
  return static_cast<std::uint64_t>(v);
}

/// parse_count for an int-sized option: also throws beyond `max` (default INT_MAX).
inline int parse_int_count(const std::string& text, const std::string& flag, std::uint64_t max = 2147483647) {
  const std::uint64_t v = parse_count(text, flag);
  if (v > max) throw curvecast::UsageError(flag + ": " + text + " is larger than " + std::to_string(max));
  return static_cast<int>(v);
}

}  // namespace example
