"""Builds curvecast._core with setuptools and pybind11's helpers (pip install ./python).

The C++ library's headers are read from ../include. The curve families' fitters
are compiled as separate explicit-instance files (one per family of
detail/family_list.hpp, generated from ../cmake/instances.cpp.in as the CMake
build does) in parallel, so no file holds
every Ceres problem. Environment:
  CURVECAST_INSTANCES_LIB=/path/libcurvecast_instances.a  link these instances (from a
      CMake build tree with position-independent code) instead of compiling them
  CURVECAST_BUILD_JOBS=N  parallel compile jobs (default: the number of cores)
"""
import os
import re
import sys

from pybind11.setup_helpers import ParallelCompile, Pybind11Extension, build_ext
from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
INCLUDE = os.path.join(ROOT, "include")
if not os.path.isfile(os.path.join(INCLUDE, "curvecast", "curvecast.hpp")):
    sys.exit("curvecast: setup.py builds from a clone of the repository: "
             f"{INCLUDE}/curvecast not found (pip install ./python from the repository's root)")


def family_names():
    """The families of detail/family_list.hpp, one X(Name) per line, in registry order."""
    text = open(os.path.join(INCLUDE, "curvecast", "detail", "family_list.hpp")).read()
    names = re.findall(r"\n  X\(([A-Za-z0-9_]+)\)", text)
    if not names:
        sys.exit("curvecast: no X(Family) lines found in include/curvecast/detail/family_list.hpp")
    return names


def instance_sources():
    """The per-family explicit-instance files, generated into build/instances/ as CMake does."""
    template = open(os.path.join(ROOT, "cmake", "instances.cpp.in")).read()
    out_dir = os.path.join(HERE, "build", "instances")
    os.makedirs(out_dir, exist_ok=True)
    sources = []
    for name in family_names():
        path = os.path.join(out_dir, f"family_{name}.cpp")
        text = template.replace("@CURVECAST_FAMILY@", name)
        if not os.path.exists(path) or open(path).read() != text:
            with open(path, "w") as f:
                f.write(text)
        sources.append(os.path.relpath(path, HERE))
    return sources


sources = [os.path.join("src", n) for n in
           ("module.cpp", "extrapolator.cpp", "batch.cpp", "early_stopping.cpp", "scaling.cpp")]
extra_objects = []
prebuilt = os.environ.get("CURVECAST_INSTANCES_LIB")
if prebuilt:
    extra_objects.append(prebuilt)
else:
    sources += instance_sources()

ParallelCompile("CURVECAST_BUILD_JOBS", default=0).install()

ext = Pybind11Extension(
    "curvecast._core",
    sources,
    include_dirs=[INCLUDE, "/usr/include/eigen3"],
    define_macros=[("CURVECAST_EXTERN_TEMPLATES", None), ("GFLAGS_IS_A_DLL", "0"),
                   ("GLOG_CUSTOM_PREFIX_SUPPORT", None), ("NDEBUG", None)],
    extra_compile_args=["-O3", "-g0"],
    extra_objects=extra_objects,
    libraries=["ceres", "glog", "gflags"],
    cxx_std=17,
)

class BuildExt(build_ext):
    """Always recompiles: setuptools does not track header dependencies, and stale
    objects built against other headers must not be linked."""

    def finalize_options(self):
        super().finalize_options()
        self.force = True


setup(ext_modules=[ext], cmdclass={"build_ext": BuildExt})
