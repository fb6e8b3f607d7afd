"""curvecast: learning-curve and scaling-law extrapolation with uncertainty.

Python bindings of the header-only C++ library. Quick start::

    import numpy as np, curvecast
    x = np.arange(1, 21.0)
    y = 0.2 + 0.8 * x ** -0.7                      # a validation error curve
    ex = curvecast.fit(x, y, method="ensemble", seed=0)
    p = ex.predict([50, 100])                       # Predictive batch
    p.mean, p.interval(0.9), p.prob_better(0.25)    # numpy arrays

Everything random takes an explicit seed; the same seed gives the same numbers
whatever the thread count. Errors are curvecast.Error subclasses carrying the
C++ message (InvalidInput is a ValueError, UsageError a RuntimeError).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import _core
from ._core import (  # noqa: F401  (re-exported)
    AsymptoteEstimate,
    Curve,
    CurveSet,
    Decision,
    EarlyStopper,
    Error,
    Extrapolator,
    FitFailure,
    InvalidInput,
    InvalidOptions,
    JsonError,
    Predictive,
    ReachEstimate,
    UsageError,
    __version__,
    curve_seed,
    families,
    fit,
    methods,
    parse_curve_set,
)
from . import scaling  # noqa: F401

__all__ = [
    "AsymptoteEstimate", "BatchResult", "Curve", "CurveSet", "Decision", "EarlyStopper", "Error",
    "Extrapolator", "FitFailure", "InvalidInput", "InvalidOptions", "JsonError", "LastValueExtrapolator",
    "LeastSquaresExtrapolator", "MultiFamilyExtrapolator", "PosteriorExtrapolator", "Predictive",
    "ReachEstimate", "UsageError", "curve_seed", "extrapolate_many", "families", "fit", "methods",
    "parse_curve_set", "plot", "read_curve_set", "scaling",
]


def read_curve_set(path: Union[str, "os.PathLike[str]"]) -> CurveSet:
    """Reads a curve set file in curvecast's uniform JSON format (shared/data/curves/*.json).

    Raises JsonError when the file cannot be opened or parsed.
    """
    return _core.read_curve_set(os.fspath(path))


# The C++ extrapolator classes, by their C++ names. Each is an Extrapolator built
# with the matching method name, so it fits, predicts, pickles and serialises alike.
class LeastSquaresExtrapolator(Extrapolator):
    """One curve family fitted by multi-start least squares (C++ LeastSquaresExtrapolator).

    ``LeastSquaresExtrapolator("pow3", seed=0, num_starts=4, loss="squared", ...)``:
    options are the fields of the C++ FitOptions.
    """

    def __init__(self, family: str, seed: int = 0, **options: Any) -> None:
        if family.startswith(("ls:", "mcmc:", "ensemble")) or family == "last":
            raise UsageError(f"curvecast: LeastSquaresExtrapolator needs a family name, not '{family}'")
        super().__init__(family, seed, **options)


class MultiFamilyExtrapolator(Extrapolator):
    """Several least-squares families combined (C++ MultiFamilyExtrapolator).

    selection: "akaike" (Akaike-weight mixture), "best-aicc" or "best-holdout".
    Options: families, holdout_fraction and the FitOptions fields.
    """

    def __init__(self, selection: str = "akaike", seed: int = 0, **options: Any) -> None:
        if selection not in ("akaike", "best-aicc", "best-holdout"):
            raise UsageError(f"curvecast: unknown selection '{selection}' (use akaike, best-aicc, best-holdout)")
        super().__init__("ls:" + selection, seed, **options)


class PosteriorExtrapolator(Extrapolator):
    """Bayesian posterior predictive by MCMC (C++ PosteriorExtrapolator).

    ``PosteriorExtrapolator()`` is the "ensemble" method, ``prior="lcpfn"`` LC-PFN's
    prior ("ensemble:lcpfn"), ``family="pow4"`` a single-family posterior ("mcmc:pow4").
    Options are the fields of the C++ PosteriorOptions.
    """

    def __init__(self, prior: str = "default", family: Optional[str] = None, seed: int = 0,
                 **options: Any) -> None:
        if family is not None:
            method = "mcmc:" + family
        elif prior == "default":
            method = "ensemble"
        elif prior == "lcpfn":
            method = "ensemble:lcpfn"
        else:
            raise UsageError(f"curvecast: unknown prior '{prior}' (use 'default' or 'lcpfn')")
        super().__init__(method, seed, **options)


class LastValueExtrapolator(Extrapolator):
    """The `last` baseline: the last observed value, with the spread of its steps."""

    def __init__(self) -> None:
        super().__init__("last", 0)


@dataclass
class BatchResult:
    """What extrapolate_many returns: one row per curve, one column per query point.

    Arrays are NaN where a curve failed (see ``failures``) and, for ragged
    per-curve queries, beyond that curve's own query points.
    """

    ids: List[str]                 #: curve ids (a curve set's ids, else "0", "1", ...)
    mean: np.ndarray               #: (curves, points) predictive means
    sd: np.ndarray                 #: (curves, points) predictive standard deviations
    quantile_levels: np.ndarray    #: (levels,) the quantile levels asked for
    quantiles: np.ndarray          #: (curves, points, levels) predictive quantiles
    log_density: np.ndarray        #: (curves, points) log density of y_query (NaN without y_query)
    failures: List[Optional[str]]  #: per curve: None, or the error message of its fit
    seconds: np.ndarray            #: (curves,) wall time of each curve's fit and queries
    wall_seconds: float            #: wall time of the whole batch
    threads: int                   #: threads used

    @property
    def ok(self) -> np.ndarray:
        """Boolean mask of the curves that were fitted."""
        return np.array([f is None for f in self.failures], dtype=bool)


def extrapolate_many(curves: Union[CurveSet, Sequence[Any]], method: str = "ensemble",
                     x_query: Any = None, threads: int = 0, seed: int = 0, *,
                     y_query: Any = None, quantiles: Sequence[float] = (0.05, 0.5, 0.95),
                     higher_is_better: bool = False, index_offset: int = 0, **options: Any) -> BatchResult:
    """Fits many curves on all cores (the GIL released) and predicts at x_query.

    curves: a CurveSet (its direction is used), a list of Curve, or a list of
    (x, y) pairs (direction from ``higher_is_better``). x_query: one 1-D array
    shared by every curve, or a list with one array per curve (ragged: the
    result is NaN-padded). y_query (optional, same shape as x_query): observed
    values whose log densities are returned. Each curve runs on one core with
    seed ``curve_seed(seed, i)``, so results are identical for any ``threads``
    (0 = all cores). A curve whose fit fails gets its message in ``failures``
    and NaN rows; bad types (strings, 2-D arrays) raise at once. index_offset:
    the curves are curves index_offset, index_offset + 1, ... of a larger set
    (their seeds and the ids of (x, y) pairs count from there), so a set split
    into slices gives the same results as one call.
    """
    if x_query is None:
        raise TypeError("curvecast: extrapolate_many needs x_query (one array, or one array per curve)")
    if int(index_offset) < 0:
        raise ValueError("curvecast: extrapolate_many: index_offset must be >= 0")
    r = _core._extrapolate_many(curves, method, x_query, y_query, list(quantiles), int(threads), int(seed),
                                int(index_offset), bool(higher_is_better), options)
    return BatchResult(**r)


def plot(extrapolator: Extrapolator, x_observed: Any, y_observed: Any, x_future: Any = None,
         ax: Any = None, *, label: Optional[str] = None) -> Any:
    """Draws the observed points, the predictive mean and its 50% and 90% bands.

    x_future: where to predict (default: from the first observation to twice the
    last, 200 points on a log scale when x spans a decade, else linear). ax: a
    matplotlib Axes (default: a new figure). Returns the Axes. Needs matplotlib
    (an optional dependency); raises ImportError with the install hint without it.
    """
    from .plotting import plot as _plot
    return _plot(extrapolator, x_observed, y_observed, x_future=x_future, ax=ax, label=label)
