#!/usr/bin/python3
"""Baseline for scaling_bench: the Chinchilla replication's 4500-start fit with scipy
L-BFGS-B (Besiroglu et al. 2024, arXiv:2404.10102: log-space residuals, Huber delta=1e-3
summed, grid alpha,beta in {0,.5,..,2}, e in {-1,..,1}, a,b in {0,5,..,25}), run in the
same invocation as curvecast's fit (build/benchmarks/scaling_bench --fit-only), with the
time ratio and both objectives. Written from the formulas in docs/; no code copied.

usage: /usr/bin/python3 scripts/scaling_scipy.py [--data DIR] [--bench PATH] [--threads N] [--repeat K]

The Chinchilla data are not bundled: DIR/chinchilla/svg_extracted_data.csv, DIR being --data, else
the environment variable CURVECAST_DATA_DIR, else ../shared/data next to the repository (as
scaling_bench). data/README.md, "Data that is not bundled", says where to get the file.
"""
import argparse, csv, itertools, json, os, subprocess, sys, tempfile, time
import numpy as np
from scipy.optimize import minimize
from scipy.special import huber, logsumexp

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--data", default=os.environ.get("CURVECAST_DATA_DIR") or os.path.join(here, "..", "..", "shared", "data"))
ap.add_argument("--bench", default=os.path.join(here, "..", "build", "benchmarks", "scaling_bench"))
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--repeat", type=int, default=3)
args = ap.parse_args()
chinchilla_csv = os.path.join(args.data, "chinchilla", "svg_extracted_data.csv")
if not os.path.isfile(chinchilla_csv):
    print(f"scaling_scipy.py: chinchilla/svg_extracted_data.csv is not bundled (no licence to redistribute it) and "
             f"is not in {args.data}. Get it as data/README.md, \"Data that is not bundled\", says, put it at "
             f"DIR/chinchilla/svg_extracted_data.csv and pass --data DIR (or set CURVECAST_DATA_DIR=DIR).", file=sys.stderr)
    sys.exit(2)

# --- curvecast, same run -------------------------------------------------------------
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "fit.json")
    subprocess.run([args.bench, "--fit-only", "--data", args.data, "--threads", str(args.threads),
                    "--repeat", str(args.repeat), "--out", out], check=True)
    ours = json.load(open(out))
ours_wall = float(np.median(ours["wall_seconds"]))
ours_cpu = float(np.median(ours["cpu_seconds"]))

# --- scipy ---------------------------------------------------------------------------
rows = list(csv.DictReader(open(chinchilla_csv)))
N = np.array([float(r["Model Size"]) for r in rows])
C = np.array([float(r["Training FLOP"]) for r in rows])
L = np.array([float(r["loss"]) for r in rows])
D = C / (6 * N)
keep = L < sorted(L)[-5]
N, D, L = N[keep], D[keep], L[keep]
lN, lD, lL = np.log(N), np.log(D), np.log(L)
delta = 1e-3


def obj(p):
    a, b, e, al, be = p
    pred = logsumexp([a - al * lN, b - be * lD, e * np.ones_like(lN)], axis=0)
    return np.sum(huber(delta, pred - lL))


def grad(p):
    a, b, e, al, be = p
    t = np.stack([a - al * lN, b - be * lD, e * np.ones_like(lN)])
    pred = logsumexp(t, axis=0)
    w = np.exp(t - pred)
    h = np.clip(pred - lL, -delta, delta)
    return np.array([np.sum(h * w[0]), np.sum(h * w[1]), np.sum(h * w[2]),
                     np.sum(-h * w[0] * lN), np.sum(-h * w[1] * lD)])


grid = list(itertools.product(np.arange(0, 30, 5), np.arange(0, 30, 5), np.arange(-1, 1.5, 0.5),
                              np.arange(0, 2.5, 0.5), np.arange(0, 2.5, 0.5)))
assert len(grid) == 4500
w0, c0 = time.perf_counter(), time.process_time()
vals, best = [], None
for p0 in grid:
    r = minimize(obj, np.array(p0, float), jac=grad, method="L-BFGS-B")
    vals.append(r.fun)
    if best is None or r.fun < best.fun:
        best = r
wall, cpu = time.perf_counter() - w0, time.process_time() - c0
vals = np.array(vals)
at_best = int(np.sum(vals <= best.fun * (1 + 1e-6)))

print(f"scipy L-BFGS-B, 4500 starts, analytic gradient, default tolerances (1 thread): "
      f"{wall:.2f} s wall, {cpu:.2f} s CPU")
print(f"curvecast (Newton fast path, {ours['threads']} threads, median of {len(ours['wall_seconds'])}): "
      f"{ours_wall:.3f} s wall, {ours_cpu:.3f} s CPU")
print(f"time ratio scipy/curvecast: wall {wall / ours_wall:.1f}x, CPU {cpu / ours_cpu:.1f}x")
print(f"objectives: curvecast {ours['objective']:.10e}  scipy {best.fun:.10e}  published 1.01827402e-03")
print(f"starts within 1e-6 of the best: curvecast {ours['num_starts_at_best']}/4500, scipy {at_best}/4500")
print("scipy optimum a,b,e,alpha,beta = " + " ".join(f"{v:.5f}" for v in best.x))
