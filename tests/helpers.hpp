#pragma once
// Helpers shared by several test files. The test files are compiled together in
// unity batches (tests/CMakeLists.txt), so a helper that two files need is
// defined here, once, rather than in each file's anonymous namespace.
#include <limits>

namespace curvecast_test {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace curvecast_test
