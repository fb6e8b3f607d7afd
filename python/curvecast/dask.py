"""Extrapolate a large curve set on a Dask cluster, with the single-machine call's exact results.

    from distributed import Client
    import curvecast, curvecast.dask

    client = Client("tcp://scheduler-host:8786")          # or Client(LocalCluster(...))
    result = curvecast.dask.extrapolate(curves, "ensemble", x_query, client, seed=7)
    # identical (bit for bit) to
    result1 = curvecast.extrapolate_many(curves, "ensemble", x_query, threads=1, seed=7)

The curves are cut into contiguous partitions (by default eight per worker
thread); each partition is one Dask task that calls `curvecast.extrapolate_many`
on its slice with `index_offset` = the slice's first global index, so that curve i
is seeded from (seed, i) alone and the result does not depend on the number of
workers, partitions or threads. The partitions' results are gathered in order
and joined into the dict the single-machine call returns: every per-curve field
(ids, mean, sd, quantiles, log_density, failures, seconds) equal to the single
call's, bit for bit, except `seconds` (each curve's fit time); `wall_seconds` is
the distributed call's wall time and `threads` the threads per task.

Fault tolerance: the curves travel inside each task (not as scattered data), so
the scheduler can always recompute a partition. When a worker dies, the
scheduler reschedules its partitions on the remaining workers (up to Dask's
`distributed.scheduler.allowed-failures` deaths per task, 3 by default); a
partition that raises is retried `retries` times. Workers must be able to
`import curvecast` (same version as the client's): docs/distributed.md.
"""

import dataclasses
import time
import uuid

import numpy as np

import curvecast

__all__ = ["extrapolate", "partition_bounds"]


def partition_bounds(n, partitions):
    """Contiguous [start, stop) ranges splitting n items into `partitions` nearly equal parts."""
    if n < 0:
        raise ValueError("curvecast.dask: the number of curves must be >= 0")
    partitions = max(1, min(int(partitions), n)) if n else 0
    edges = [n * p // partitions for p in range(partitions + 1)] if partitions else [0]
    return [(edges[p], edges[p + 1]) for p in range(partitions)]


def _run_partition(curves, method, x_query, index_offset, seed, threads, options):
    """Runs on a worker (sent by name): extrapolate_many on curves index_offset, index_offset+1, ..."""
    return curvecast.extrapolate_many(curves, method, x_query, threads=threads, seed=seed,
                                      index_offset=index_offset, **options)


def _per_curve(q):
    """True when a query argument holds one array per curve (as extrapolate_many reads it)."""
    if q is None or isinstance(q, np.ndarray) or not isinstance(q, (list, tuple)) or not q:
        return False
    return not isinstance(q[0], (int, float, np.number))


def _slice(q, a, b):
    return q[a:b] if _per_curve(q) else q


_SAME = ("quantile_levels",)               # equal in every partition
_PER_CURVE_LISTS = ("ids", "failures")


def _pad(a, width):
    """Pads axis 1 (query points) with NaN to `width`, as the single call pads short queries."""
    if a.ndim < 2 or a.shape[1] == width:
        return a
    pad = [(0, 0)] * a.ndim
    pad[1] = (0, width - a.shape[1])
    return np.pad(a, pad, constant_values=np.nan)


def _concat(parts, wall, threads):
    """Joins the partitions' extrapolate_many results (BatchResult) along the curve axis."""
    first = parts[0]
    names = [f.name for f in dataclasses.fields(first)]
    out = {}
    for k in names:
        vals = [getattr(p, k) for p in parts]
        if k in _SAME:
            out[k] = vals[0]
        elif k in _PER_CURVE_LISTS:
            out[k] = [item for v in vals for item in v]
        elif k == "wall_seconds":
            out[k] = wall
        elif k == "threads":
            out[k] = threads
        elif isinstance(vals[0], np.ndarray):
            width = max(v.shape[1] for v in vals) if vals[0].ndim >= 2 else None
            out[k] = np.concatenate([_pad(v, width) for v in vals], axis=0)
        else:
            raise TypeError(f"curvecast.dask: do not know how to join result field {k!r}")
    return type(first)(**out)


def _curve_list(curves, options):
    """The curves as a list of picklable items that slices, and their ids when they carry their own.

    A CurveSet passes its direction on, as the single call does; Curve objects (which do not
    pickle) travel as (x, y) pairs and their ids are put back after the gather."""
    if isinstance(curves, curvecast.CurveSet):
        options.setdefault("higher_is_better", curves.higher_is_better)
        curves = list(curves.curves)
    elif not isinstance(curves, list):
        curves = list(curves)
    if any(isinstance(c, curvecast.Curve) for c in curves):
        ids = [c.id if isinstance(c, curvecast.Curve) else str(i) for i, c in enumerate(curves)]
        pairs = [(np.asarray(c.x, dtype=float), np.asarray(c.y, dtype=float)) if isinstance(c, curvecast.Curve)
                 else c for c in curves]
        return pairs, ids
    return curves, None


def extrapolate(curves, method, x_query, client, *, seed=0, partitions=None, threads=1, retries=2,
                **options):
    """`curvecast.extrapolate_many` over a Dask cluster; same arguments, same result.

    Args:
        curves: the curves, as for extrapolate_many (a sequence; each a (x, y) pair or what the
            single-machine call accepts).
        method: curvecast method name.
        x_query: the query points, as for extrapolate_many.
        client: a distributed.Client connected to the cluster.
        seed: curve i is seeded from (seed, i), whatever the partitioning.
        partitions: number of tasks; default 8 x the cluster's worker threads (at most one per curve):
            curves cost unevenly (the ensemble's cost grows with the points), more tasks balance them.
        threads: threads per task inside extrapolate_many (1 fits workers with one thread per core).
        retries: extra attempts for a partition that raises (worker deaths are rescheduled by Dask
            independently of this).
        **options: passed to extrapolate_many on every worker.
    """
    curves, ids = _curve_list(curves, options)
    n = len(curves)
    if partitions is None:
        nthreads = sum(client.nthreads().values()) or 1
        partitions = 8 * nthreads
    if int(partitions) < 1:
        raise ValueError(f"curvecast.dask: partitions must be >= 1, got {partitions}")
    if n == 0:  # nothing to distribute: the single call's own answer for no curves
        return curvecast.extrapolate_many(curves, method, x_query, threads=1, seed=seed, **options)
    t0 = time.perf_counter()
    tag = uuid.uuid4().hex[:12]
    def part_options(a, b):
        return {k: (_slice(v, a, b) if k == "y_query" else v) for k, v in options.items()}

    futures = [
        client.submit(_run_partition, curves[a:b], method, _slice(x_query, a, b), a, seed, threads,
                      part_options(a, b), key=f"curvecast-extrapolate-{tag}-{p}", retries=retries,
                      pure=False)
        for p, (a, b) in enumerate(partition_bounds(n, partitions))
    ]
    try:
        parts = client.gather(futures)
    finally:
        for f in futures:
            f.release()
    result = _concat(parts, time.perf_counter() - t0, threads)
    if ids is not None:
        result.ids = ids
    return result
