"""pip install ./python into a fresh virtual environment, then import from outside the tree.

Run by CTest as python_pip_install. CURVECAST_INSTANCES_LIB (set by CTest) links the
fitter instances of the CMake build instead of compiling them again.
"""
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_pip_install_into_a_fresh_venv(tmp_path):
    work = os.environ.get("CURVECAST_INSTALL_WORKDIR") or str(tmp_path)
    venv = os.path.join(work, "venv")
    shutil.rmtree(venv, ignore_errors=True)
    os.makedirs(work, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", venv], check=True)
    py = os.path.join(venv, "bin", "python")
    env = dict(os.environ, PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)
    subprocess.run([py, "-m", "pip", "install", "--no-build-isolation", "--no-index", "--no-cache-dir", "-q",
                    PYTHON_DIR], check=True, env=env, cwd=work)
    outside = os.path.join(work, "elsewhere")
    os.makedirs(outside, exist_ok=True)
    check = textwrap.dedent("""
        import numpy as np, curvecast, pickle, os, sys
        assert os.path.realpath(curvecast.__file__).startswith(os.path.realpath(sys.prefix)), curvecast.__file__
        x = np.arange(1, 21.0); y = 0.2 + 0.8 * x ** -0.7
        ex = curvecast.fit(x, y, method="ensemble", seed=0)
        p = ex.predict([50, 100])
        assert p.mean.shape == (2,) and np.all(p.interval(0.9)[0] < p.mean)
        assert pickle.loads(pickle.dumps(ex)).predict([50, 100]).mean.tolist() == p.mean.tolist()
        import importlib.resources as r
        assert (r.files("curvecast") / "_core.pyi").is_file() and (r.files("curvecast") / "py.typed").is_file()
        print("ok", curvecast.__version__)
    """)
    out = subprocess.run([py, "-c", check], check=True, env=env, cwd=outside, stdout=subprocess.PIPE)
    assert out.stdout.decode().startswith("ok 0.1.0")
