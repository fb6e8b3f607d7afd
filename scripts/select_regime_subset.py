#!/usr/bin/env python3
"""Selects the development curves that change regime after an lc_bench cutoff
(0.2 or 0.4) and writes their ids (a JSON list, lc_bench --ids).

Rule (every dev set is lower-is-better with bound 0; k = max(4, floor(f n))):
- onset: at some cutoff f in {0.2, 0.4}, the observed prefix gained less than
  5% of its first value (min(y[:k]) > 0.95 y[0]: a plateau) and the tail then
  goes below 0.8 times the prefix's best (min(y[k:]) < 0.8 min(y[:k])).
- turn: the curve turns for the worse: its best value is reached before its
  last fifth and its last value exceeds that best by more than 10% and by
  more than 0.02 (y[-1] > 1.1 min(y) and y[-1] - min(y) > 0.02).

usage: select_regime_subset.py DATA.json OUT.json
"""
import json
import math
import sys


def k_of(n, f):
    return min(max(4, math.floor(f * n)), n)


def onset(y, k):
    pre, tail = y[:k], y[k:]
    return min(pre) > 0.95 * y[0] and min(tail) < 0.8 * min(pre)


def main():
    data, out = sys.argv[1], sys.argv[2]
    d = json.load(open(data))
    ids = []
    counts = {"onset": 0, "turn": 0}
    for c in d["curves"]:
        y = c["y"]
        n = len(y)
        is_on = is_turn = False
        for f in (0.2, 0.4):
            k = k_of(n, f)
            if n < k + 2:
                continue
            is_on = is_on or onset(y, k)
        best = min(y)
        i_best = y.index(best)
        is_turn = i_best < 0.8 * n and y[-1] > 1.1 * best and y[-1] - best > 0.02
        counts["onset"] += is_on
        counts["turn"] += is_turn
        if is_on or is_turn:
            ids.append(c["id"])
    json.dump(ids, open(out, "w"), indent=0)
    print(f"{data}: {len(ids)} of {len(d['curves'])} curves (onset {counts['onset']}, turn {counts['turn']}) -> {out}")


if __name__ == "__main__":
    main()
