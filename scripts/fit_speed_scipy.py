#!/usr/bin/python3
"""Fits the same problems as build/benchmarks/fit_speed with scipy's bounded
curve_fit (method 'trf', the default with bounds) in the same run, and prints,
per family and curve length, the median time per fit of both, their ratio and
how often our final cost is equal or lower. Times are CPU time of the fitting
thread on both sides (steadier than wall time on a shared machine).

Both solve the identical problem: the same normalised data (t, z), the same
start (our data-driven guess) and the same box bounds; cost = 1/2 sum r^2.

Usage: /usr/bin/python3 scripts/fit_speed_scipy.py [--bin build/benchmarks/fit_speed]
           [--curves 10] [--repeats 15] [--families pow4,mmf4] [--set20 FILE] [--set50 FILE] [--data DIR]
Needs Debian's python3-scipy (apt-get install python3-scipy).
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time, warnings
import numpy as np
from scipy.optimize import curve_fit, OptimizeWarning

# The formulas of include/curvecast/families.hpp, in numpy.
F = {
    "pow2": lambda x, a, b: -a * x ** (-b),
    "log2": lambda x, a, b: -a * np.log(x) + b,
    "exp2": lambda x, a, b: a * np.exp(-b * x),
    "lin2": lambda x, a, b: a * x + b,
    "ilog2": lambda x, c, a: c - a / np.log(x + 1),
    "pow3": lambda x, c, a, al: c - a * x ** (-al),
    "exp3": lambda x, a, b, c: a * np.exp(-b * x) + c,
    "expd3": lambda x, a, b, c: c - (c - a) * np.exp(-b * x),
    "expp3": lambda x, a, b, c: c - np.exp((x - b) ** a),
    "vap3": lambda x, a, b, c: np.exp(a + b / x + c * np.log(x)),
    "logpower3": lambda x, a, b, c: a / (1 + (x / np.exp(b)) ** c),
    "mmf4": lambda x, a, b, c, d: (a * b + c * x ** d) / (b + x ** d),
    "wbl4": lambda x, a, b, c, d: c - b * np.exp(-a * x ** d),
    "janoschek4": lambda x, a, b, c, d: a - b * np.exp(-c * x ** d),
    "exp4": lambda x, c, a, b, al: c - np.exp(-a * x ** al + b),
    "pow4": lambda x, a, b, c, d: a - b * (x + d) ** (-c),
    "weibull": lambda x, al, be, ka, de: al - (al - be) * np.exp(-(ka * x) ** de),
    "mmf": lambda x, al, be, ka, de: al - (al - be) / (1 + (ka * x) ** de),
    "janoschek": lambda x, al, be, ka, de: al - (al - be) * np.exp(-ka * x ** de),
    "hill3": lambda x, th, et, ka: th * x ** et / (ka ** et + x ** et),
    "loglog_linear": lambda x, a, b: np.log(a * np.log(x) + b),
}


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--bin", default=os.path.join(here, "..", "build", "benchmarks", "fit_speed"))
    ap.add_argument("--curves", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--families", default="")
    ap.add_argument("--set20", default=None, help="fit_speed --set20 FILE (default: the bundled LCDB curves)")
    ap.add_argument("--set50", default=None, help="fit_speed --set50 FILE (default: the bundled TaskSet curves)")
    ap.add_argument("--data", default=None, help="fit_speed --data DIR: 20-point prefixes of DIR's CIFAR-10 CNN curves")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cases.json")
        cmd = [a.bin, "--curves", str(a.curves), "--repeats", str(a.repeats), "--out", out]
        if a.families:
            cmd += ["--families", a.families]
        for flag, value in (("--set20", a.set20), ("--set50", a.set50), ("--data", a.data)):
            if value:
                cmd += [flag, value]
        print("running:", " ".join(cmd), flush=True)
        subprocess.run(cmd, check=True)
        cases = json.load(open(out))["cases"]
    rows = {}
    for c in cases:
        f = F[c["family"]]
        t, z = np.array(c["t"]), np.array(c["z"])
        p0, lo, hi = np.array(c["p0"]), np.array(c["lo"]), np.array(c["hi"])
        times, cost = [], float("inf")
        for _ in range(a.repeats):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t0 = time.thread_time()
                try:
                    p, _ = curve_fit(f, t, z, p0=p0, bounds=(lo, hi))
                    r = f(t, *p) - z
                    cost = 0.5 * float(np.dot(r, r)) if np.all(np.isfinite(r)) else float("inf")
                except Exception:
                    cost = float("inf")
                times.append((time.thread_time() - t0) * 1e6)
        key = (c["family"], c["set"], c["n"])
        rows.setdefault(key, []).append((c["ours_us_single"], statistics.median(times), c["ours_cost_single"], cost,
                                         c["ours_us_multi"], c["ours_cost_multi"]))
    print("single = our single-start fit from the same start as scipy; default = our default multi-start fit")
    print(f"{'family':<14} {'set':<10} {'n':>3} {'single us':>9} {'scipy us':>9} {'ratio':>7} "
          f"{'single<=scipy':>14} {'worst excess':>12} {'default us':>10} {'ratio':>6} {'default<=scipy':>15}")
    ratios = []
    for (fam, s, n), v in rows.items():
        ours = statistics.median(x[0] for x in v)
        sp = statistics.median(x[1] for x in v)
        le = sum(1 for x in v if x[2] <= x[3] * (1 + 1e-6) + 1e-15)
        ratios.append(sp / ours)
        # Largest relative excess of our cost over scipy's (0 when ours is never higher).
        worst = max([0.0] + [(x[2] - x[3]) / x[3] for x in v if np.isfinite(x[3]) and x[3] > 0 and x[2] > x[3]])
        dflt = statistics.median(x[4] for x in v)
        le_d = sum(1 for x in v if x[5] <= x[3] * (1 + 1e-6) + 1e-15)
        print(f"{fam:<14} {s:<10} {n:>3} {ours:9.1f} {sp:9.1f} {sp / ours:7.1f} {le:>8}/{len(v):<5} {worst:12.2e} "
              f"{dflt:10.1f} {sp / dflt:6.1f} {le_d:>9}/{len(v):<5}")
    print(f"median speed ratio (scipy / ours) over family x set: {statistics.median(ratios):.1f}")


if __name__ == "__main__":
    sys.exit(main())
