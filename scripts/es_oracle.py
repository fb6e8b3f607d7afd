#!/usr/bin/env python3
"""The compute an oracle stopping rule would need on an es_bench curve set.

The oracle knows every curve's final value. Runs are trained in random order
(as in es_bench; --orders random orders, seeded); a run that will not beat the
best final value trained so far is stopped after --min-points points, every
other run is trained to the end. Its regret is 0 by construction, so its
speed-up bounds what any rule that must see min_points points can reach.
Compute is counted as in es_bench's --cost models: points, sum-x, last-x.

Usage: /usr/bin/python3 scripts/es_oracle.py FILE.json [--min-points K] [--orders N]
"""
import json
import random
import sys
from collections import defaultdict


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("--"):
        sys.exit(__doc__)
    path = args[0]
    opt = {"--min-points": 5, "--orders": 20}
    for i, a in enumerate(args[1:], 1):
        if a in opt:
            opt[a] = int(args[i + 1])
    k = opt["--min-points"]
    with open(path) as f:
        d = json.load(f)
    hib = d["higher_is_better"]
    tasks = defaultdict(list)
    for c in d["curves"]:
        if len(c["x"]) >= 2:
            tasks[c["task"]].append(c)
    cost = {
        "points": lambda x, n: float(n),
        "sum-x": lambda x, n: float(sum(x[:n])),
        "last-x": lambda x, n: float(x[n - 1]),
    }
    used = dict.fromkeys(cost, 0.0)
    total = dict.fromkeys(cost, 0.0)
    for seed in range(opt["--orders"]):
        rng = random.Random(seed)
        for name in sorted(tasks):
            order = tasks[name][:]
            rng.shuffle(order)
            best = None
            for c in order:
                n = len(c["y"])
                final = c["y"][-1]
                beats = best is None or (final > best if hib else final < best)
                stop_at = n if beats else min(k, n)
                if beats:
                    best = final
                for m, fn in cost.items():
                    used[m] += fn(c["x"], stop_at)
                    total[m] += fn(c["x"], n)
    print(f"{path.split('/')[-1]}: oracle, min_points {k}, {opt['--orders']} orders: speed-up "
          + ", ".join(f"{m} {total[m] / used[m]:.2f}x" for m in cost))


if __name__ == "__main__":
    main()
