// Precompiled for every binding file (build time only).
#include <pybind11/pybind11.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <curvecast/curvecast.hpp>
#include <curvecast/factory.hpp>
#include <curvecast/early_stopping.hpp>
#include <curvecast/json.hpp>
