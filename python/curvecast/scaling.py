"""Scaling laws: multi-start fits, bootstrap, posterior and compute-optimal allocation.

    from curvecast import scaling
    x, loss = scaling.load_chinchilla("/path/to/shared/data")   # x: (n, 2) columns N, D
    fit = scaling.fit_law("chinchilla", x, loss)                # 4500 starts, Huber 1e-3 in log space
    boot = scaling.bootstrap_law(fit, x, loss, num_resamples=4000, seed=0)
    n_opt, d_opt, l_opt = scaling.compute_optimal(fit.params, [1e21, 1e23, 1e25])
    scaling.allocation_intervals(fit.params, boot.params, 1e24)  # intervals of N_opt, D_opt, ...

Laws: see laws(). Inputs are numpy arrays: x of shape (n,) for one-input laws or
(n, num_inputs) (Chinchilla: N parameters, D tokens), y of shape (n,).
"""
from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Tuple, Union

import numpy as np
import numpy.typing as npt

from . import _core

_s = _core.scaling
ScalingFit = _s.ScalingFit
BootstrapResult = _s.BootstrapResult
PosteriorResult = _s.PosteriorResult
Interval = _s.Interval

__all__ = ["BootstrapResult", "Interval", "PosteriorResult", "ScalingFit", "allocation_intervals",
           "bootstrap_law", "compute_optimal", "fit_chinchilla", "fit_law", "laws", "load_chinchilla",
           "predict_law", "sample_posterior"]


def laws() -> List[Dict[str, Any]]:
    """The laws fit_law accepts: [{name, formula, num_inputs, param_names, default_space}]."""
    return _s.laws()


def fit_law(law: str, x: npt.ArrayLike, y: npt.ArrayLike, seed: int = 0, **options: Any) -> Any:
    """Multi-start robust fit of `law` to (x, y); returns a ScalingFit (params, predict(x), ...).

    Options: method ('auto', 'ceres', 'newton'), loss ('huber', 'squared', 'cauchy'),
    huber_delta, space ('raw', 'log', 'log1p'), starts, random_starts, random_lo,
    random_hi, lower, upper, max_iterations, function/gradient/parameter_tolerance,
    best_rtol, threads. Releases the GIL.
    """
    return _s.fit_law(law, x, y, seed, **options)


def fit_chinchilla(N: npt.ArrayLike, D: npt.ArrayLike, L: npt.ArrayLike, seed: int = 0, **options: Any) -> Any:
    """fit_law("chinchilla", column_stack([N, D]), L): parameters (a, b, e, alpha, beta) of
    L = E + A / N^alpha + B / D^beta with A = e^a, B = e^b, E = e^e."""
    n = np.asarray(N, dtype=float)
    d = np.asarray(D, dtype=float)
    if n.ndim != 1 or d.ndim != 1 or n.shape != d.shape:
        raise _core.InvalidInput("curvecast: N and D must be 1-D arrays of the same length")
    return _s.fit_law("chinchilla", np.column_stack([n, d]), L, seed, **options)


def predict_law(law: str, params: npt.ArrayLike, x: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """The law with these parameters at x: an (n,) array."""
    return _s.predict_law(law, list(np.asarray(params, dtype=float)), x)


def bootstrap_law(fit: Any, x: npt.ArrayLike, y: npt.ArrayLike, num_resamples: int = 4000, seed: int = 0,
                  threads: Optional[int] = None, **options: Any) -> Any:
    """Refits every bootstrap resample from the fit's optimum; returns a BootstrapResult whose
    params is a (num_resamples, P) array. Independent of `threads` (None = all cores)."""
    return _s.bootstrap_law(fit, x, y, num_resamples, seed, threads, **options)


def sample_posterior(fit: Any, x: npt.ArrayLike, y: npt.ArrayLike, seed: int = 0, **options: Any) -> Any:
    """Posterior draws of the fit's law (walkers started around its optimum): a PosteriorResult
    whose samples is a (walkers * steps, P + 1) array (the law's parameters, then log_scale).

    Options: likelihood ('huber', 'laplace'), huber_k, space, walkers (32), burn_in (1000),
    steps (2000 kept steps per walker), thin, stretch, init_jitter, lower, upper, threads (1).
    """
    return _s.sample_posterior(fit, x, y, seed, **options)


def compute_optimal(params: npt.ArrayLike, compute: Union[float, npt.ArrayLike]) -> Tuple[Any, Any, Any]:
    """Compute-optimal (N_opt, D_opt, L_opt) under Chinchilla params (a, b, e, alpha, beta) for
    compute C = 6 N D (FLOP; a number or an array)."""
    return _s.compute_optimal(list(np.asarray(params, dtype=float)), compute)


def allocation_intervals(params: npt.ArrayLike, draws: npt.ArrayLike, compute: float,
                         level: float = 0.8) -> Dict[str, Any]:
    """Allocation at one compute budget with `level` intervals from parameter draws (rows of
    a, b, e, alpha, beta, e.g. bootstrap_law(...).params): a dict of Interval for a, b,
    n_opt, d_opt, tokens_per_param and loss_opt."""
    return _s.allocation_intervals(list(np.asarray(params, dtype=float)), draws, compute, level)


def load_chinchilla(data_dir: Union[str, "os.PathLike[str]"], drop_top5: bool = True
                    ) -> Tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The Chinchilla replication's data (data_dir/chinchilla): x of shape (n, 2) (N, D) and the loss."""
    return _s.load_chinchilla(os.fspath(data_dir), drop_top5)
