#!/usr/bin/python3
"""Speed of curvecast's ensemble sampler against emcee on the same posterior.

Runs `mcmc_bench single` (C++: the single-family posterior of `mcmc:<family>`,
plain stretch move, one thread), takes the exact problem it prints (normalised
data, bounds, noise prior, the walkers' start), runs emcee's EnsembleSampler
(stretch move, a = 2) on the same log density from the same start for the same
number of steps, and prints the cost per effective sample of each and their
ratio. ESS = walkers * kept steps / tau with the same estimator on both sides
(ensemble-averaged autocorrelation, Sokal window c = 5), on the second half of
the run, minimum over the coordinates.

Usage: /usr/bin/python3 scripts/mcmc_emcee.py [--bench build/benchmarks/mcmc_bench]
           [--family pow3] [--n 50] [--curve 0] [--steps 2000] [--walkers 32]
"""
import argparse
import json
import subprocess
import time

import emcee
import numpy as np


def autocorr_time(chains, c=5.0):
    """chains: (walkers, steps). Same estimator as curvecast::integrated_autocorr_time."""
    m, n = chains.shape
    max_lag = min(n - 1, max(1, n // 2))
    acf = np.zeros(max_lag + 1)
    for r in range(m):
        x = chains[r] - chains[r].mean()
        f = np.fft.rfft(x, 2 * n)
        full = np.fft.irfft(f * np.conj(f))[: max_lag + 1] / n
        acf += full
    if acf[0] <= 0:
        return 1.0
    rho = acf / acf[0]
    tau = 1.0
    for lag in range(1, max_lag + 1):
        tau += 2 * rho[lag]
        if lag >= c * tau:
            break
    return max(tau, 1e-3)


def family_eval(name):
    if name == "pow3":
        return lambda p, t: p[0] - p[1] * t ** (-p[2])
    if name == "janoschek":
        return lambda p, t: p[0] - (p[0] - p[1]) * np.exp(-p[2] * t ** p[3])
    if name == "ilog2":
        return lambda p, t: p[0] - p[1] / np.log(t + 1)
    raise SystemExit("mcmc_emcee.py: family %s is not mirrored in Python (use pow3, janoschek, ilog2)" % name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default="build/benchmarks/mcmc_bench")
    ap.add_argument("--family", default="pow3")
    ap.add_argument("--n", default="50")
    ap.add_argument("--curve", default="0")
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--walkers", type=int, default=32)
    ap.add_argument("--file", default=None)
    a = ap.parse_args()
    cmd = [a.bench, "single", "--family", a.family, "--n", a.n, "--curve", a.curve,
           "--steps", str(a.steps), "--walkers", str(a.walkers)]
    if a.file:
        cmd += ["--file", a.file]
    cc = json.loads(subprocess.check_output(cmd).decode().strip().splitlines()[-1])
    t, z = np.array(cc["t"]), np.array(cc["z"])
    lo, hi, lsig0 = np.array(cc["lo"]), np.array(cc["hi"]), cc["lsig0"]
    f = family_eval(a.family)
    P = len(lo)
    n = len(t)

    def logp(th):
        if np.any(th[:P] < lo) or np.any(th[:P] > hi):
            return -np.inf
        ls = th[P]
        if not (-25 < ls < 6):
            return -np.inf
        with np.errstate(all="ignore"):
            r = z - f(th[:P], t)
            ss = np.dot(r, r)
        if not np.isfinite(ss):
            return -np.inf
        u = (ls - lsig0) / 2.0
        return -n * ls - 0.5 * ss * np.exp(-2 * ls) - 0.5 * u * u

    start = np.array(cc["start"])
    W, D = start.shape
    sampler = emcee.EnsembleSampler(W, D, logp)
    t0 = time.perf_counter()
    sampler.run_mcmc(start, a.steps, progress=False)
    sec = time.perf_counter() - t0
    chain = sampler.get_chain()  # (steps, walkers, dim)
    half = chain[a.steps - a.steps // 2:]
    ess = min(W * half.shape[0] / max(autocorr_time(half[:, :, d].T), 1.0) for d in range(D))
    acc = float(np.mean(sampler.acceptance_fraction))
    cc_cost = cc["seconds_median"] / cc["ess_min"]
    py_cost = sec / ess
    print("posterior: mcmc:%s, %d points, %d walkers x %d steps, dim %d" % (a.family, n, W, a.steps, D))
    print("%-10s %10s %10s %12s %16s" % ("sampler", "seconds", "acceptance", "min ESS", "ms per 1000 ESS"))
    print("%-10s %10.3f %10.3f %12.0f %16.2f" % ("curvecast", cc["seconds_median"], cc["acceptance"], cc["ess_min"], 1e6 * cc_cost))
    print("%-10s %10.3f %10.3f %12.0f %16.2f" % ("emcee " + emcee.__version__, sec, acc, ess, 1e6 * py_cost))
    print("speed ratio at equal ESS (emcee cost / curvecast cost): %.1fx" % (py_cost / cc_cost))


if __name__ == "__main__":
    main()
