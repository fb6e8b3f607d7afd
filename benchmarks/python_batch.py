#!/usr/bin/env python3
"""Benchmarks of curvecast's Python module (run with /usr/bin/python3; not a test).

1. Thread scaling of curvecast.extrapolate_many on a whole curve set (default: the
   LCDB 1.1 dev set, 3312 curves) at one protocol cutoff (the first
   k = max(4, floor(f n)) points observed, the tail predicted and scored): wall
   time with 1 thread and with N threads, the speed-up, and a check that both runs
   give identical arrays.
2. Python overhead of one fit + predict call: curvecast.fit(x, y, method,
   seed).predict(xq).mean against the same work timed inside the module in C++
   (_core._time_fit_predict), alternating rounds in one process; medians.

    /usr/bin/python3 benchmarks/python_batch.py \\
        --data ../shared/data/curves/lcdb11_val_error_vs_trainsize.json --threads 2
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np

import curvecast
from curvecast import _core


def scaling_run(path, method, cutoff, threads, seed, limit, rounds):
    s = curvecast.read_curve_set(path)
    curves = list(s)[:limit] if limit else list(s)
    pairs, xq, yq = [], [], []
    for c in curves:
        n = len(c.x)
        k = max(4, int(cutoff * n))
        if n - k < 2:
            continue
        pairs.append((c.x[:k], c.y[:k]))
        xq.append(c.x[k:])
        yq.append(c.y[k:])
    print(f"# thread scaling: {os.path.basename(path)}, {len(pairs)} curves, method {method}, cutoff {cutoff}, "
          f"{rounds} alternating round(s)")
    first, walls = {}, {1: [], threads: []}
    same = True
    for rnd in range(rounds):
        for t in [1, threads]:
            c0, t0 = os.times(), time.perf_counter()
            r = curvecast.extrapolate_many(pairs, method, xq, threads=t, seed=seed, y_query=yq,
                                           higher_is_better=s.higher_is_better)
            wall, c1 = time.perf_counter() - t0, os.times()
            cpu = (c1.user - c0.user) + (c1.system - c0.system)
            walls[t].append(wall)
            ll = np.nanmean(np.maximum(r.log_density, -50), axis=1)
            print(f"round {rnd} threads={t}: wall {wall:.2f} s, CPU {cpu:.2f} s (CPU/wall {cpu / wall:.2f}), "
                  f"{wall / len(pairs) * 1e3:.2f} ms/curve, failures {sum(f is not None for f in r.failures)}, "
                  f"mean ll {np.nanmean(ll):.4f}")
            if t in first:
                same = same and all(np.array_equal(getattr(first[t], f), getattr(r, f), equal_nan=True)
                                    for f in ("mean", "sd", "quantiles", "log_density"))
            else:
                first[t] = r
    r1, rn = first[1], first[threads]
    same = same and all(np.array_equal(getattr(r1, f), getattr(rn, f), equal_nan=True)
                        for f in ("mean", "sd", "quantiles", "log_density")) and r1.failures == rn.failures
    w1, wn = statistics.median(walls[1]), statistics.median(walls[threads])
    print(f"median wall: 1 thread {w1:.2f} s, {threads} threads {wn:.2f} s; speed-up {w1 / wn:.2f}x; "
          f"identical results for every run: {same}")
    load = os.getloadavg()
    print(f"load average at the end (1, 5, 15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    return same


def overhead_run(method, rounds, per_round, seed):
    x = np.arange(1.0, 21.0)
    y = 0.15 + 0.6 * x ** -0.6 + np.random.default_rng(1).normal(0, 0.004, 20)
    xq = np.array([30.0, 50.0, 100.0])
    # warm-up (first-call costs: registry, allocations)
    _core._time_fit_predict(x, y, method, xq, 3, seed)
    for _ in range(3):
        curvecast.fit(x, y, method=method, seed=seed).predict(xq).mean
    cpp, py = [], []
    for _ in range(rounds):
        secs, _ = _core._time_fit_predict(x, y, method, xq, per_round, seed)
        cpp.extend(secs.tolist())
        for _ in range(per_round):
            t0 = time.perf_counter()
            curvecast.fit(x, y, method=method, seed=seed).predict(xq).mean
            py.append(time.perf_counter() - t0)
    mc, mp = statistics.median(cpp), statistics.median(py)
    print(f"{method:10s} C++ {mc * 1e6:10.1f} us   Python {mp * 1e6:10.1f} us   "
          f"overhead {(mp - mc) * 1e6:+8.1f} us ({(mp / mc - 1) * 100:+.1f}%)   "
          f"[{len(cpp)} calls each, medians]")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--data", default=os.path.join(here, "..", "..", "shared", "data", "curves",
                                                   "lcdb11_val_error_vs_trainsize.json"))
    ap.add_argument("--method", default="ensemble", help="method of the thread-scaling run")
    ap.add_argument("--cutoff", type=float, default=0.4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="first N curves only (0: all)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rounds", type=int, default=1, help="alternating 1-thread / N-thread rounds (medians)")
    ap.add_argument("--skip-scaling", action="store_true")
    ap.add_argument("--skip-overhead", action="store_true")
    args = ap.parse_args()
    print(f"# curvecast {curvecast.__version__}, {os.cpu_count()} cores, python {sys.version.split()[0]}")
    ok = True
    if not args.skip_scaling:
        ok = scaling_run(args.data, args.method, args.cutoff, args.threads, args.seed, args.limit, args.rounds)
    if not args.skip_overhead:
        print("# Python overhead per fit + predict (3 points) call, 20-point curve")
        overhead_run("pow3", rounds=10, per_round=40, seed=0)
        overhead_run("ls:akaike", rounds=5, per_round=10, seed=0)
        overhead_run("ensemble", rounds=5, per_round=6, seed=0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
