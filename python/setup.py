"""Builds curvecast._core with setuptools and pybind11's helpers (pip install ./python).

The C++ library's headers are read from ../include. The 21 curve families' fitters
are compiled as separate explicit-instance files (generated from
../cmake/instances.cpp.in, as the CMake build does) in parallel, so no file holds
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


def family_count():
    """Number of families in families::AllFamilies (the instances template indexes them)."""
    text = open(os.path.join(INCLUDE, "curvecast", "detail", "extern_templates.hpp")).read()
    m = re.search(r"tuple_size<families::AllFamilies>::value\s*==\s*(\d+)", text)
    if not m:
        sys.exit("curvecast: cannot read the family count from detail/extern_templates.hpp")
    return int(m.group(1))


def instance_sources():
    """The per-family explicit-instance files, generated into build/instances/."""
    template = open(os.path.join(ROOT, "cmake", "instances.cpp.in")).read()
    out_dir = os.path.join(HERE, "build", "instances")
    os.makedirs(out_dir, exist_ok=True)
    sources = []
    for i in range(family_count()):
        path = os.path.join(out_dir, f"family_{i}.cpp")
        text = template.replace("@CURVECAST_FAMILY_INDEX@", str(i))
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

setup(ext_modules=[ext], cmdclass={"build_ext": build_ext})
