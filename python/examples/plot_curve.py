#!/usr/bin/env python3
"""Extrapolates a real learning curve from its first epochs and saves a PNG.

    /usr/bin/python3 python/examples/plot_curve.py [--data ../shared/data] [--out curve.png]

The curve is the first of the CIFAR-10 CNN set (validation error per epoch, lower
is better). The "ensemble" posterior sees the first 12 epochs; the figure shows
them, the held-back epochs, the predictive mean and its 50% and 90% bands.
"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import numpy as np  # noqa: E402

import curvecast  # noqa: E402


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(here, "..", "..", "..", "shared", "data"))
    ap.add_argument("--observed", type=int, default=12, help="epochs the extrapolator sees")
    ap.add_argument("--method", default="ensemble")
    ap.add_argument("--out", default="curvecast_extrapolation.png")
    args = ap.parse_args()

    curves = curvecast.read_curve_set(os.path.join(args.data, "curves", "cnn_cifar10_val_error_vs_epoch.json"))
    c = curves[0]
    k = args.observed
    ex = curvecast.fit(c.x[:k], c.y[:k], method=args.method, higher_is_better=curves.higher_is_better, seed=0)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    curvecast.plot(ex, c.x[:k], c.y[:k], x_future=np.geomspace(c.x[0], c.x[-1], 200), ax=ax)
    ax.plot(c.x[k:], c.y[k:], "x", color="C3", markersize=5, label="held back (not seen)")
    p = ex.predict(c.x[-1])
    lo, hi = p.interval(0.9)
    ax.set_title(f"{c.id}: {args.method} on the first {k} of {len(c.x)} epochs\n"
                 f"final epoch: predicted {p.mean:.3f} [90%: {lo:.3f}, {hi:.3f}], observed {c.y[-1]:.3f}",
                 fontsize=9)
    ax.set_xlabel(curves.x_name)
    ax.set_ylabel(curves.y_name)
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}: predicted {p.mean:.4f} [{lo:.4f}, {hi:.4f}] at x = {c.x[-1]:g}, observed {c.y[-1]:.4f}")


if __name__ == "__main__":
    main()
