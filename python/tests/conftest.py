"""Shared fixtures of curvecast's Python tests.

The module under test is the one `import curvecast` finds (CTest runs the suite
with the Python of the virtual environment that python_pip_install made). CURVECAST_REFERENCE names the C++
reference program (python/tests/cpp_reference.cpp) and CURVECAST_DATA_DIR the
shared real data; CTest sets both.
"""
import json
import os
import subprocess

import numpy as np
import pytest


@pytest.fixture(scope="session")
def reference():
    """Runs the C++ reference program on a request; returns its JSON answer."""
    exe = os.environ.get("CURVECAST_REFERENCE")
    if not exe or not os.path.exists(exe):
        pytest.skip("CURVECAST_REFERENCE (the C++ reference program) is not set; run through CTest")

    def run(request):
        out = subprocess.run([exe], input=json.dumps(request).encode(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, check=True, timeout=600)
        return json.loads(out.stdout)

    return run


@pytest.fixture(scope="session")
def data_dir():
    d = os.environ.get("CURVECAST_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data"))
    if not os.path.isdir(os.path.join(d, "curves")):
        pytest.skip(f"shared data not found at {d} (set CURVECAST_DATA_DIR)")
    return d


@pytest.fixture(scope="session")
def cnn_curve(data_dir):
    """The first curve of the CIFAR-10 CNN set: (x, y, higher_is_better)."""
    import curvecast  # not at the top: test_install.py runs without the module on the path
    s = curvecast.read_curve_set(os.path.join(data_dir, "curves", "cnn_cifar10_val_error_vs_epoch.json"))
    c = s.curves[0]
    return c.x, c.y, s.higher_is_better


def synthetic_curve(n=20, seed=1):
    """A noisy power-law error curve (lower is better)."""
    rng = np.random.default_rng(seed)
    x = np.arange(1.0, n + 1)
    y = 0.15 + 0.6 * x ** -0.6 + rng.normal(0, 0.004, n)
    return x, y
