// Translation unit A of the one-definition-rule check: every public header is
// included here and in odr_b.cpp; a missing `inline` makes the link fail.
#include "all_public_headers.hpp"  // generated: every public header
double curvecast_odr_b();
int main() {
  curvecast::Observations obs{{1, 2, 3, 4, 5, 6}, {0.9, 0.7, 0.6, 0.55, 0.52, 0.5}, false};
  return (curvecast_odr_b() > 0 && obs.size() == 6) ? 0 : 1;
}
