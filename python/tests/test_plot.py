"""curvecast.plot draws points, mean and bands; a clear error without matplotlib."""
import sys

import numpy as np
import pytest

import curvecast
from conftest import synthetic_curve


def test_plot_draws_mean_bands_and_points():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    x, y = synthetic_curve(15)
    ex = curvecast.fit(x, y, method="pow3")
    ax = curvecast.plot(ex, x, y, x_future=np.linspace(1, 60, 50))
    lines = ax.get_lines()
    mean = [l for l in lines if "predictive mean" in str(l.get_label())][0]
    np.testing.assert_array_equal(mean.get_ydata(), ex.predict(np.linspace(1, 60, 50)).mean)
    observed = [l for l in lines if l.get_label() == "observed"][0]
    np.testing.assert_array_equal(observed.get_xdata(), x)
    assert len(ax.collections) == 2  # the 50% and 90% bands


def test_plot_without_matplotlib(monkeypatch):
    x, y = synthetic_curve(15)
    ex = curvecast.fit(x, y, method="pow3")
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match="needs matplotlib"):
        curvecast.plot(ex, x, y)
