#!/usr/bin/env python3
"""Table of lc_bench JSON results by cutoff: mean and median ll, the share of
cases with ll < -10 and their contribution to the mean, cover90; optionally
restricted to the ids of a subset file (--ids FILE).

usage: regime_table.py LABEL=RESULT.json [LABEL=RESULT.json ...] [--ids FILE]
"""
import json
import statistics
import sys


def main():
    args = sys.argv[1:]
    ids = None
    if "--ids" in args:
        i = args.index("--ids")
        ids = set(json.load(open(args[i + 1])))
        del args[i:i + 2]
    print("| result | cutoff | cases | mean ll | median ll | cases with ll < -10 | their share of the mean | cover90 |")
    print("|---|---|---|---|---|---|---|---|")
    for a in args:
        label, path = a.split("=", 1)
        cases = json.load(open(path))["cases"]
        for cut in sorted({c["cutoff"] for c in cases}):
            cs = [c for c in cases if c["cutoff"] == cut and (ids is None or c["curve_id"] in ids)]
            if not cs:
                continue
            ll = [c["ll"] for c in cs]
            bad = [v for v in ll if v < -10]
            print(f"| {label} | {cut} | {len(cs)} | {statistics.mean(ll):.2f} | {statistics.median(ll):.2f} | "
                  f"{100 * len(bad) / len(ll):.1f}% | {sum(bad) / len(ll):.2f} | "
                  f"{statistics.mean(c['cover90'] for c in cs):.3f} |")


if __name__ == "__main__":
    main()
