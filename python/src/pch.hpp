// Precompiled for every binding file (build time only): pybind11 and the
// Ceres-free part of curvecast. The factory and the scaling fits stay in the
// files that need them.
#include <pybind11/pybind11.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <curvecast/curvecast.hpp>
#include <curvecast/json.hpp>
