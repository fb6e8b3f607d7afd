// Helpers shared by the fuzz targets: a byte reader and the "no silent NaN" check.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace fuzz {

/// Reads values from the fuzzer's bytes; past the end it yields zeros.
struct Bytes {
  const std::uint8_t* p;
  std::size_t n;
  std::uint8_t u8() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() | (u8() << 8)); }
  double raw_double() {
    std::uint64_t b = 0;
    for (int i = 0; i < 8; ++i) b |= static_cast<std::uint64_t>(u8()) << (8 * i);
    double d;
    std::memcpy(&d, &b, sizeof d);
    return d;
  }
  bool empty() const { return n == 0; }
};

/// A finding: a public query handed back NaN.
inline void nan_finding(const char* what, double v) {
  if (std::isnan(v)) {
    std::fprintf(stderr, "FINDING: %s returned NaN\n", what);
    std::abort();
  }
}

}  // namespace fuzz
