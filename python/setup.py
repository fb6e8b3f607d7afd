"""Builds curvecast._core with setuptools and pybind11's helpers (pip install ./python).

The C++ library's headers are read from ../include. The curve families' fitters
are compiled as two explicit-instance files (the families of
detail/family_list.hpp, from ../cmake/instances.cpp.in as the CMake build does),
in parallel with the bindings. Environment:
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


def version():
    """curvecast's version, from include/curvecast/version.hpp (the one place it is written)."""
    text = open(os.path.join(INCLUDE, "curvecast", "version.hpp")).read()
    parts = [re.search(rf"#define CURVECAST_VERSION_{p} (\d+)", text) for p in ("MAJOR", "MINOR", "PATCH")]
    if not all(parts):
        sys.exit("curvecast: cannot read the version from include/curvecast/version.hpp")
    return ".".join(m.group(1) for m in parts)


def family_names():
    """The families of detail/family_list.hpp, one X(Name) per line, in registry order."""
    text = open(os.path.join(INCLUDE, "curvecast", "detail", "family_list.hpp")).read()
    names = re.findall(r"\n  X\(([A-Za-z0-9_]+)\)", text)
    if not names:
        sys.exit("curvecast: no X(Family) lines found in include/curvecast/detail/family_list.hpp")
    return names


def instance_sources():
    """The explicit-instance files, generated into build/instances/: the families of
    detail/family_list.hpp in registry order, in two files of about half each (as the
    CMake build's two unity batches: families of one size share most of their code)."""
    template = open(os.path.join(ROOT, "cmake", "instances.cpp.in")).read()
    out_dir = os.path.join(HERE, "build", "instances")
    os.makedirs(out_dir, exist_ok=True)
    names = family_names()
    half = (len(names) + 1) // 2
    sources = []
    for i, batch in enumerate((names[:half], names[half:])):
        path = os.path.join(out_dir, f"instances_{i}.cpp")
        text = "\n".join(template.replace("@CURVECAST_FAMILY@", name) for name in batch)
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


setup(version=version(), ext_modules=[ext], cmdclass={"build_ext": BuildExt})
