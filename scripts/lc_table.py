#!/usr/bin/python3
"""Print the aggregates of one or more lc_bench JSON results as Markdown tables.

Usage: /usr/bin/python3 scripts/lc_table.py r1.json [r2.json ...] [--speed-baseline pow4]

One table per file: cutoff, method, n, failures, ll mean/median, mse mean/median,
final_ae mean, cover90 mean, median seconds per case and its ratio to the
baseline method's median at the same cutoff (same run, same machine), floored points.
"""
import argparse
import json


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results", nargs="+")
    ap.add_argument("--speed-baseline", default="pow4")
    a = ap.parse_args()
    for path in a.results:
        r = json.load(open(path))
        meta = r.get("meta", {})
        print(f"**{meta.get('data', path).split('/')[-1]}** - {meta.get('curves_selected', '?')} curves, "
              f"{len(r['cases'])} cases, wall {meta.get('wall_seconds', 0):.0f} s on {meta.get('threads', '?')} thread(s)\n")
        print("| cutoff | method | n | failures | ll mean | ll median | mse mean | mse median | final_ae mean "
              f"| cover90 mean | s/case (median) | vs {a.speed_baseline} | floored pts |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        base = {g["cutoff"]: g["seconds_median"] for g in r["aggregates"] if g["method"] == a.speed_baseline}
        for g in r["aggregates"]:
            b = base.get(g["cutoff"])
            ratio = f"{g['seconds_median'] / b:.3g}" if b else "-"
            print(f"| {g['cutoff']:g} | {g['method']} | {g['n']} | {g['failures']} | {g['ll_mean']:.3f} "
                  f"| {g['ll_median']:.3f} | {g['mse_mean']:.4g} | {g['mse_median']:.4g} | {g['final_ae_mean']:.4g} "
                  f"| {g['cover90_mean']:.3f} | {g['seconds_median'] * 1e3:.3g} ms | {ratio} | {g['floored']} |")
        print()


if __name__ == "__main__":
    main()
