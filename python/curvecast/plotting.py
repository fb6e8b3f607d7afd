"""curvecast.plot: observed points, predictive mean and 50%/90% bands (matplotlib)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # matplotlib is optional
        raise ImportError(
            "curvecast.plot needs matplotlib, which is not installed "
            "(Debian: apt install python3-matplotlib; pip: pip install matplotlib)") from e
    return plt


def plot(extrapolator: Any, x_observed: Any, y_observed: Any, x_future: Any = None, ax: Any = None,
         label: Optional[str] = None) -> Any:
    """See curvecast.plot."""
    plt = _pyplot()
    xo = np.asarray(x_observed, dtype=float)
    yo = np.asarray(y_observed, dtype=float)
    if xo.ndim != 1 or yo.ndim != 1 or xo.shape != yo.shape:
        raise ValueError("curvecast.plot: x_observed and y_observed must be 1-D arrays of the same length")
    if not extrapolator.is_fitted:
        raise RuntimeError("curvecast.plot: fit the extrapolator first")
    if x_future is None:
        lo, hi = float(xo[0]), float(xo[-1]) * 2
        if lo > 0 and hi / lo >= 10:
            x_future = np.geomspace(lo, hi, 200)
        else:
            x_future = np.linspace(lo, hi, 200)
    xf = np.asarray(x_future, dtype=float)
    p = extrapolator.predict(xf)
    lo90, hi90 = p.interval(0.9)
    lo50, hi50 = p.interval(0.5)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    name = label or extrapolator.name
    ax.fill_between(xf, lo90, hi90, color="C0", alpha=0.18, linewidth=0, label="90% interval")
    ax.fill_between(xf, lo50, hi50, color="C0", alpha=0.35, linewidth=0, label="50% interval")
    ax.plot(xf, p.mean, color="C0", linewidth=1.8, label=f"predictive mean ({name})")
    ax.plot(xo, yo, "o", color="black", markersize=3.5, label="observed")
    ax.axvline(float(extrapolator.x[-1]), color="grey", linestyle=":", linewidth=1)
    if xf.min() > 0 and xf.max() / xf.min() >= 10:
        ax.set_xscale("log")
    ax.legend(loc="best", fontsize=8)
    return ax
