#!/usr/bin/python3
"""Draw learning curves from the LC-PFN prior (our own implementation).

The prior is the one LC-PFN was trained on (Adriaensen et al., NeurIPS 2023;
facts in docs/references.md §3): each curve is

    f(t) = w1 * pow3(t) + w2 * ilog2(t) + w3 * janoschek(t),  t = 1..100,
    y_t  = f(t) + eps_t,  eps_t ~ N(0, sigma^2) i.i.d.,

    w_k ~ U(0, 1) each (not normalised)
    pow3      c - a t^(-alpha):               c ~ U(0, 1.25), a ~ U(-0.6, 0.6), ln alpha ~ N(0, sd 2)
    ilog2     c - a / ln(t + 1):              c ~ U(0, 1),    a ~ U(-0.5, 0.5)
    janoschek alpha - (alpha - beta) exp(-kappa t^delta):
              alpha ~ U(0, 1), beta ~ U(0, 2), ln kappa ~ N(-2, sd 1), ln delta ~ N(0, sd 0.5)
    ln sigma ~ N(-4, sd 1)

A draw (weights, parameters and sigma together) is rejected and made again
when the noise-free curve does not end strictly above its start, leaves
[0, 1] anywhere on t = 1..100, or is not finite. Noise is added after
acceptance, so noisy values may leave [0, 1].

This is written from the published description; no code of the LC-PFN
repository is used. The random stream is numpy's PCG64 (`default_rng(seed)`),
so the draws are reproducible for a seed but are not the same curves as
LC-PFN's own sampler produces for that seed.

Output: the uniform curve-set JSON read by every curvecast program
(data/curves/README.md), with per-curve extras `y_true`, `sigma`, `weights`
and `params`.

Usage:
  /usr/bin/python3 scripts/draw_lcpfn_prior.py --seed 1 --curves 1000 \
      --out data/lcpfn_prior/prior_draws_seed1_1000.json
  /usr/bin/python3 scripts/draw_lcpfn_prior.py --check data/lcpfn_prior/prior_draws_seed1_1000.json \
      --against PUBLISHED_DRAWS.json      # quantile comparison and two-sample KS tests
  /usr/bin/python3 scripts/draw_lcpfn_prior.py --seed 11 --acceptance 30000   # acceptance rate of the rule
"""
import argparse
import json
import math
import sys

import numpy as np

T = np.arange(1, 101, dtype=float)
COMPONENTS = ["pow3", "ilog2", "janoschek"]


def draw_parameters(rng):
    """One joint draw of weights, family parameters and noise (fixed order)."""
    w = rng.uniform(0.0, 1.0, size=3)
    pow3 = {"c": rng.uniform(0.0, 1.25), "a": rng.uniform(-0.6, 0.6),
            "alpha": math.exp(rng.normal(0.0, 2.0))}
    ilog2 = {"c": rng.uniform(0.0, 1.0), "a": rng.uniform(-0.5, 0.5)}
    jan = {"alpha": rng.uniform(0.0, 1.0), "beta": rng.uniform(0.0, 2.0),
           "kappa": math.exp(rng.normal(-2.0, 1.0)), "delta": math.exp(rng.normal(0.0, 0.5))}
    sigma = math.exp(rng.normal(-4.0, 1.0))
    return w, {"pow3": pow3, "ilog2": ilog2, "janoschek": jan}, sigma


def curve(w, p, t=T):
    with np.errstate(all="ignore"):
        f_pow3 = p["pow3"]["c"] - p["pow3"]["a"] * t ** (-p["pow3"]["alpha"])
        f_ilog2 = p["ilog2"]["c"] - p["ilog2"]["a"] / np.log(t + 1.0)
        j = p["janoschek"]
        f_jan = j["alpha"] - (j["alpha"] - j["beta"]) * np.exp(-j["kappa"] * t ** j["delta"])
        return w[0] * f_pow3 + w[1] * f_ilog2 + w[2] * f_jan


def accepted(f):
    return bool(np.all(np.isfinite(f)) and f[-1] > f[0] and f.min() >= 0.0 and f.max() <= 1.0)


def sig(v, digits):
    return float(f"{v:.{digits}g}")


def draw(seed, n):
    rng = np.random.default_rng(seed)
    curves, tries = [], 0
    while len(curves) < n:
        w, p, sigma = draw_parameters(rng)
        tries += 1
        f = curve(w, p)
        if not accepted(f):
            continue
        y = f + rng.normal(0.0, sigma, size=f.size)   # noise after acceptance
        i = len(curves)
        curves.append({"id": f"prior/{seed}/{i}", "task": "lcpfn_prior",
                       "x": [int(t) for t in T],
                       "y": [sig(v, 7) for v in y],
                       "y_true": [sig(v, 7) for v in f],
                       "sigma": sigma, "weights": [float(v) for v in w], "params": p})
    return curves, tries


def stats(doc):
    """Per-curve summaries compared between two files."""
    yt = np.array([c["y_true"] for c in doc["curves"]])
    y = np.array([c["y"] for c in doc["curves"]])
    sigma = np.array([c["sigma"] for c in doc["curves"]])
    return {
        "ln sigma": np.log(sigma),
        "f(1)": yt[:, 0], "f(10)": yt[:, 9], "f(50)": yt[:, 49], "f(100)": yt[:, 99],
        "f(100) - f(1)": yt[:, 99] - yt[:, 0],
        "f(20) - f(10)": yt[:, 19] - yt[:, 9],
        "sum of weights": np.array([sum(c["weights"]) for c in doc["curves"]]),
        "noisy y(100) - y(1)": y[:, 99] - y[:, 0],
    }


# Parameter names in our files and in LC-PFN's published draws (janoschek differs).
PARAM_NAMES = [("pow3", "c", "c"), ("pow3", "a", "a"), ("pow3", "alpha", "alpha"),
               ("ilog2", "c", "c"), ("ilog2", "a", "a"), ("janoschek", "alpha", "a"),
               ("janoschek", "beta", "beta"), ("janoschek", "kappa", "k"), ("janoschek", "delta", "delta")]


def param_columns(doc):
    """Weights and parameters of the accepted draws, whichever naming the file uses."""
    cols = {f"w_{c}": np.array([cv["weights"][i] for cv in doc["curves"]]) for i, c in enumerate(COMPONENTS)}
    for fam, ours, theirs in PARAM_NAMES:
        key = ours if ours in doc["curves"][0]["params"][fam] else theirs
        cols[f"{fam}.{ours}"] = np.array([cv["params"][fam][key] for cv in doc["curves"]])
    return cols


def ks_2samp(a, b):
    """Two-sample Kolmogorov-Smirnov statistic and its asymptotic p-value."""
    a, b = np.sort(a), np.sort(b)
    grid = np.concatenate([a, b])
    d = np.max(np.abs(np.searchsorted(a, grid, side="right") / a.size
                      - np.searchsorted(b, grid, side="right") / b.size))
    en = math.sqrt(a.size * b.size / (a.size + b.size))
    lam = (en + 0.12 + 0.11 / en) * d
    p = 2.0 * sum((-1) ** (k - 1) * math.exp(-2.0 * k * k * lam * lam) for k in range(1, 101))
    return d, min(max(p, 0.0), 1.0)


def oracle_scores(doc, cutoffs=(10, 20, 40, 80)):
    """Mean log density of the unseen noisy points under the true curve and noise
    (floored at -50 per point, as the extrapolation protocol does)."""
    out = []
    for k in cutoffs:
        per_curve = []
        for c in doc["curves"]:
            y, f, s = np.array(c["y"][k:]), np.array(c["y_true"][k:]), c["sigma"]
            ll = -0.5 * math.log(2 * math.pi) - math.log(s) - 0.5 * ((y - f) / s) ** 2
            per_curve.append(np.maximum(ll, -50.0).mean())
        out.append(float(np.mean(per_curve)))
    return out


def check(ours_path, theirs_path):
    ours, theirs = json.load(open(ours_path)), json.load(open(theirs_path))
    so, st = stats(ours), stats(theirs)
    qs = [0.05, 0.25, 0.5, 0.75, 0.95]
    print(f"ours: {ours_path} ({len(ours['curves'])} curves); published: {theirs_path} "
          f"({len(theirs['curves'])} curves)")
    print("| statistic | quantiles 5/25/50/75/95 %, ours | published | KS D | KS p |")
    print("|---|---|---|---|---|")
    for k in so:
        qo = " / ".join(f"{v:.3g}" for v in np.quantile(so[k], qs))
        qt = " / ".join(f"{v:.3g}" for v in np.quantile(st[k], qs))
        d, p = ks_2samp(so[k], st[k])
        print(f"| {k} | {qo} | {qt} | {d:.3f} | {p:.2f} |")
    if all("params" in d["curves"][0] and "weights" in d["curves"][0] for d in (ours, theirs)):
        po, pt = param_columns(ours), param_columns(theirs)
        print("\n| parameter of accepted draws | median, ours | published | KS D | KS p |")
        print("|---|---|---|---|---|")
        for k in po:
            d, p = ks_2samp(po[k], pt[k])
            print(f"| {k} | {np.median(po[k]):.3g} | {np.median(pt[k]):.3g} | {d:.3f} | {p:.2f} |")
    print()
    for name, doc in (("ours", ours), ("published", theirs)):
        print(f"{name}: oracle score (true curve and noise) at cutoffs 10/20/40/80 %: "
              + " / ".join(f"{v:.3f}" for v in oracle_scores(doc))
              + f"; mean ln sigma {np.mean(np.log([c['sigma'] for c in doc['curves']])):.3f}")
    for name, doc in (("ours", ours), ("published", theirs)):
        y = np.array([c["y"] for c in doc["curves"]])
        out = (y < 0) | (y > 1)
        print(f"{name}: noisy points outside [0, 1] {100 * out.mean():.1f} %, curves with one "
              f"{100 * out.any(axis=1).mean():.1f} %, noisy y(100) > y(1) "
              f"{100 * (y[:, 99] > y[:, 0]).mean():.1f} %")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--curves", type=int, default=1000)
    ap.add_argument("--out")
    ap.add_argument("--check", help="a file of draws to compare with --against")
    ap.add_argument("--against", help="reference draws (e.g. LC-PFN's own prior draws)")
    ap.add_argument("--acceptance", type=int, metavar="DRAWS",
                    help="only print the share of DRAWS joint draws (stream --seed) that the rejection rule accepts")
    a = ap.parse_args()
    if a.acceptance:
        rng = np.random.default_rng(a.seed)
        ok = sum(accepted(curve(*draw_parameters(rng)[:2])) for _ in range(a.acceptance))
        print(f"seed {a.seed}: {ok} of {a.acceptance} draws accepted ({100 * ok / a.acceptance:.1f} %)")
        return
    if a.check:
        if not a.against:
            ap.error("--check needs --against")
        check(a.check, a.against)
        return
    if not a.out:
        ap.error("--out is required")
    if a.curves < 1:
        ap.error("--curves must be positive")
    curves, tries = draw(a.seed, a.curves)
    doc = {"source": "LC-PFN prior (Adriaensen et al. 2023), drawn by curvecast's scripts/draw_lcpfn_prior.py",
           "provenance": {"generator": "scripts/draw_lcpfn_prior.py", "rng": "numpy.random.default_rng(seed) (PCG64)",
                          "numpy": np.__version__, "draws_made": tries, "license": "MIT (curvecast, see LICENSE)"},
           "seed": a.seed, "x_name": "epoch", "y_name": "prior_accuracy", "higher_is_better": True,
           "components": COMPONENTS, "curves": curves}
    with open(a.out, "w") as fh:
        json.dump(doc, fh, separators=(",", ":"), allow_nan=False)
        fh.write("\n")
    print(f"{a.out}: {len(curves)} curves from {tries} draws "
          f"({100 * len(curves) / tries:.1f} % accepted)", file=sys.stderr)


if __name__ == "__main__":
    main()
