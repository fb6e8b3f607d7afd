#include "all_public_headers.hpp"  // generated: every public header
double curvecast_odr_b() { return curvecast::families::Pow3::eval(std::array<double, 3>{1.0, 0.5, 0.5}.data(), 4.0); }
