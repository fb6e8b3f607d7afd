#!/usr/bin/env python3
"""Chooses the default ensemble's regime-change rates (PosteriorOptions::
onset_rate, turn_rate) by cross-validation grouped by task, from regime_cv
grids (one JSON per dev set, same --onset/--turn grid).

Objective: the mean ll of each set (cases of every cutoff pooled), averaged over
the sets, so each set counts once whatever its size; one (onset, turn) for all
sets and metrics. Folds: the tasks of every set are split into K folds by a
stable hash of the task name; for each fold the grid point with the best
objective on the other folds is scored on it. Prints the CV objective of the
choice, the per-fold choices, each grid point's objective on all data, and the
final choice (the best on all data; the rates are reported as chosen).

usage: regime_cv.py GRID.json [GRID.json ...] [--folds K]
"""
import json
import sys
import zlib


def main():
    args = sys.argv[1:]
    K = 5
    if "--folds" in args:
        i = args.index("--folds")
        K = int(args[i + 1])
        del args[i:i + 2]
    sets = [json.load(open(a)) for a in args]
    onset, turn = sets[0]["onset"], sets[0]["turn"]
    grid = [(o, t) for o in onset for t in turn]
    for s in sets:
        assert s["onset"] == onset and s["turn"] == turn, "grids differ"

    def fold(task):
        return zlib.crc32(task.encode()) % K

    def objective(g, keep):
        vals = []
        for s in sets:
            cs = [c for c in s["cases"] if keep(c["task"])]
            if cs:
                vals.append(sum(c["ll"][g] for c in cs) / len(cs))
        return sum(vals) / len(vals) if vals else float("-inf")

    def per_set(g, keep):
        out = []
        for s in sets:
            cs = [c for c in s["cases"] if keep(c["task"])]
            out.append(sum(c["ll"][g] for c in cs) / len(cs) if cs else float("nan"))
        return out

    # Grouped CV: held-out mean ll per set of the fold's choice.
    held = [[0.0, 0] for _ in sets]
    print("fold  chosen (onset, turn)")
    for f in range(K):
        best = max(range(len(grid)), key=lambda g: objective(g, lambda t: fold(t) != f))
        print(f"{f}     {grid[best]}")
        for si, s in enumerate(sets):
            for c in s["cases"]:
                if fold(c["task"]) == f:
                    held[si][0] += c["ll"][best]
                    held[si][1] += 1
    names = [s["data"].split("/")[-1] for s in sets]
    print("held-out mean ll of the CV choices:", {n: round(h[0] / h[1], 4) for n, h in zip(names, held) if h[1]})
    print("\nall data: onset turn | objective | mean ll per set | share of cases with ll < -10 per set")
    for g, (o, t) in enumerate(grid):
        ps = per_set(g, lambda _: True)
        bad = [sum(c["ll"][g] < -10 for c in s["cases"]) / len(s["cases"]) for s in sets]
        print(f"{o:<6} {t:<6} | {objective(g, lambda _: True):.4f} | " + " ".join(f"{v:.3f}" for v in ps) +
              " | " + " ".join(f"{100 * b:.2f}%" for b in bad))
    best = max(range(len(grid)), key=lambda g: objective(g, lambda _: True))
    print("\nchosen on all data:", grid[best])


if __name__ == "__main__":
    main()
