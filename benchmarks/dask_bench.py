#!/usr/bin/env python3
"""curvecast.dask.extrapolate on a local Dask cluster against the single-process batch call.

Each curve of the set is cut after its first `--cutoff` share of points (at
least 5) and extrapolated to every remaining x (per-curve queries). The same
call runs

  1. in this process: curvecast.extrapolate_many(..., threads=1);
  2. on a LocalCluster of `--workers` worker processes with one thread each:
     curvecast.dask.extrapolate(..., partitions = 8 x workers by default);

alternating, `--repeats` times; it reports the median wall times, the speed-up
(1-process median / cluster median) and checks that every per-curve field is
bit-identical. The scheduler overhead is measured the same way with a method
whose fits cost microseconds (`--cheap-method`, default "last"): (cluster wall -
1-process wall) / curves and / partitions. The cluster is started (and its
workers import curvecast) before any timing.

    /usr/bin/python3 benchmarks/dask_bench.py --data ../shared/data/curves/lcdb11_val_error_vs_trainsize.json
"""

import argparse
import contextlib
import dataclasses
import json
import os
import shutil
import socket
import statistics
import subprocess
import time

import numpy as np

import curvecast
import curvecast.dask as ccd

TIMING = ("seconds", "wall_seconds", "threads")


def load(path, cutoff, max_curves):
    with open(path) as f:
        data = json.load(f)
    curves, queries = [], []
    for c in data["curves"][: max_curves or None]:
        x, y = np.array(c["x"], float), np.array(c["y"], float)
        k = min(len(x) - 1, max(5, int(round(cutoff * len(x)))))
        curves.append((x[:k], y[:k]))
        queries.append(x[k:])
    return bool(data.get("higher_is_better", False)), curves, queries


def identical(a, b):
    a, b = dataclasses.asdict(a), dataclasses.asdict(b)
    for k in a:
        if k in TIMING:
            continue
        u, v = a[k], b[k]
        if isinstance(u, np.ndarray):
            if not (u.shape == v.shape and np.array_equal(u, v, equal_nan=True)):
                return False
        elif u != v:
            return False
    return a.keys() == b.keys()


@contextlib.contextmanager
def cli_cluster(workers):
    """`dask scheduler` and `workers` x `dask worker --nthreads 1` on 127.0.0.1, each in a new session."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ)
    pkg = os.path.dirname(os.path.dirname(os.path.abspath(curvecast.__file__)))
    env["PYTHONPATH"] = pkg + os.pathsep + env.get("PYTHONPATH", "")
    dask_cli = shutil.which("dask")
    procs = [subprocess.Popen([dask_cli, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              env=env, start_new_session=True, stderr=subprocess.DEVNULL)]
    procs += [subprocess.Popen([dask_cli, "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                                "--host", "127.0.0.1"], env=env, start_new_session=True, stderr=subprocess.DEVNULL)
              for _ in range(workers)]
    try:
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            p.wait(30)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--method", default="ensemble")
    ap.add_argument("--cheap-method", default="last")
    ap.add_argument("--cutoff", type=float, default=0.2)
    ap.add_argument("--max-curves", type=int, default=0, help="first N curves only (0 = all)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--partitions", type=int, default=0, help="0 = curvecast.dask's default (8 per worker thread)")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--cheap-repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cli-workers", action="store_true",
                    help="start the scheduler and workers with the `dask` program, each in its own session "
                         "(own scheduling group on Linux with autogroup), instead of a LocalCluster")
    ap.add_argument("--out")
    args = ap.parse_args()

    import distributed
    hib, curves, queries = load(args.data, args.cutoff, args.max_curves)
    n = len(curves)
    parts = args.partitions or 8 * args.workers
    with contextlib.ExitStack() as stack:
        if args.cli_workers:
            address = stack.enter_context(cli_cluster(args.workers))
            client = stack.enter_context(distributed.Client(address, timeout=60))
            client.wait_for_workers(args.workers, timeout=60)
        else:
            cluster = stack.enter_context(distributed.LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None,
                host="127.0.0.1"))
            client = stack.enter_context(distributed.Client(cluster))
        # Warm up: workers import curvecast and run one tiny task before any timing.
        ccd.extrapolate(curves[:args.workers], args.cheap_method, queries[:args.workers], client,
                        higher_is_better=hib)

        def measure(method, repeats):
            local, dist, same = [], [], True
            for _ in range(repeats):
                t0 = time.perf_counter()
                a = curvecast.extrapolate_many(curves, method, queries, threads=1, seed=args.seed,
                                               higher_is_better=hib)
                local.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                b = ccd.extrapolate(curves, method, queries, client, seed=args.seed, partitions=parts,
                                    higher_is_better=hib)
                dist.append(time.perf_counter() - t0)
                same = same and identical(a, b)
            failures = sum(f is not None for f in a.failures)
            return statistics.median(local), statistics.median(dist), same, failures, local, dist

        t1, t2, same, failures, l_all, d_all = measure(args.method, args.repeats)
        c1, c2, c_same, _, cl_all, cd_all = measure(args.cheap_method, args.cheap_repeats)

    res = dict(data=os.path.basename(args.data), curves=n, points_observed=int(sum(len(c[0]) for c in curves)),
               queries=int(sum(len(q) for q in queries)), method=args.method, workers=args.workers,
               partitions=parts, repeats=args.repeats, one_process_s=t1, cluster_s=t2, speedup=t1 / t2,
               identical=same, failures=failures, cheap_method=args.cheap_method, cheap_one_process_s=c1,
               cheap_cluster_s=c2, cheap_identical=c_same,
               overhead_ms_per_curve=(c2 - c1) / n * 1e3, overhead_ms_per_partition=(c2 - c1) / parts * 1e3,
               all_one_process_s=l_all, all_cluster_s=d_all, all_cheap_one_process_s=cl_all,
               all_cheap_cluster_s=cd_all, load_average=os.getloadavg(), cli_workers=args.cli_workers)
    print(f"{res['data']}: {n} curves (first {args.cutoff:.0%} of each observed, the rest queried: "
          f"{res['queries']} query points), method {args.method}, seed {args.seed}; "
          f"load average at the end {res['load_average'][0]:.1f}\n")
    print(f"cluster: {'dask CLI scheduler + workers, each in its own session' if args.cli_workers else 'LocalCluster'}")
    print("| run | wall s (median of %d) | speed-up | identical to the 1-process call |" % args.repeats)
    print("|---|---|---|---|")
    print(f"| 1 process, extrapolate_many(threads=1) | {t1:.1f} | 1.00× | – |")
    print(f"| {args.workers} worker processes × 1 thread, {parts} partitions | {t2:.1f} | "
          f"{t1 / t2:.2f}× | {'yes' if same else 'NO'} |")
    print(f"\nscheduler overhead ({args.cheap_method}, median of {args.cheap_repeats}): 1 process "
          f"{c1 * 1e3:.1f} ms, cluster {c2 * 1e3:.1f} ms -> {res['overhead_ms_per_curve']:.3f} ms per curve, "
          f"{res['overhead_ms_per_partition']:.1f} ms per partition; identical: {'yes' if c_same else 'NO'}")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
