#pragma once
// The learning-curve families, listed once, in registry order: X(type) for each
// type in curvecast::families. Everything per family is generated from this
// list: families::AllFamilies (and so the registry and the test battery over
// it), the extern template declarations (detail/extern_templates.hpp) and the
// CMake instance files (CMakeLists.txt reads the X(...) lines below).
//
//   #define PRINT_NAME(F) std::cout << curvecast::families::F::kName << "\n";
//   CURVECAST_FAMILY_LIST(PRINT_NAME)
//
// Keep one X(...) per line: CMakeLists.txt parses them.
#define CURVECAST_FAMILY_LIST(X) \
  X(Pow2)                        \
  X(Log2)                        \
  X(Exp2)                        \
  X(Lin2)                        \
  X(Ilog2)                       \
  X(Pow3)                        \
  X(Exp3)                        \
  X(Expd3)                       \
  X(Expp3)                       \
  X(Vap3)                        \
  X(LogPower3)                   \
  X(Mmf4)                        \
  X(Wbl4)                        \
  X(Janoschek4)                  \
  X(Exp4)                        \
  X(Pow4)                        \
  X(Weibull)                     \
  X(Mmf)                         \
  X(Janoschek)                   \
  X(Hill3)                       \
  X(LogLogLinear)                \
  /* end of list */
