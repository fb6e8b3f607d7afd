#!/usr/bin/env python3
"""Markdown tables from es_bench --out JSON files (the tables of docs/earlystop.md).

Usage: /usr/bin/python3 scripts/es_table.py cifar.json taskset.json lcdb.json [--per-task] [--costs] [--calibration]
Prints, per file, one row per threshold for task "all" (and with --per-task,
every task's row); --costs adds the speed-up under the sum-x and last-x compute
models, --calibration the p_better calibration table of the 0.05 replays.
Numbers are copied from the JSON, only rounded.
"""
import json
import os
import statistics
import sys


def fmt_thr(t):
    return "never stop" if t is None else f"{t:g}"


def fmt(v, spec):
    return "–" if v is None else format(v, spec)


def table(path, per_task, costs=False, calibration=False):
    with open(path) as f:
        j = json.load(f)
    name = os.path.basename(j["data"])
    subset = ""
    if j.get("max_tasks") or j.get("max_curves_per_task"):
        subset = f", subset: max_tasks={j.get('max_tasks')}, max_curves_per_task={j.get('max_curves_per_task')}"
    print(f"**{name}** — method `{j['method']}`, {j['tasks']} task(s), {j['curves']} curves, "
          f"{j['seeds']} seeds, min_points {j['min_points']}, plateau cut {'on' if j['plateau_cut'] else 'off'}"
          f"{', plateau patience ' + str(j['plateau_patience']) if j.get('plateau_patience') else ''}"
          f"{', stop confirmations ' + str(j['stop_confirmations']) if j.get('stop_confirmations', 1) != 1 else ''}"
          f"{', max extrapolation ' + format(j['max_extrapolation'], 'g') if j.get('max_extrapolation') else ''}"
          f"{', cost ' + j['cost'] if j.get('cost', 'points') != 'points' else ''}"
          f"{subset}; {j['total_seconds']:.0f} s wall with {j['threads']} threads\n")
    costs = costs and "compute_fraction_by_cost" in j["results"][0]
    extra = " speed-up, sum-x cost | speed-up, last-x cost |" if costs else ""
    print("| threshold | task | compute | speed-up | regret | regret_rel (mean over tasks) | regret_rel (median over tasks) | overhead ms median (wall) | p99 (wall) | CPU ms median | CPU ms p99 | runs stopped |" + extra)
    print("|---|---|---|---|---|---|---|---|---|---|---|---|" + ("---|---|" if costs else ""))
    for r in j["results"]:
        if r["task"] != "all" and not per_task:
            continue
        tasks = [q["regret_rel"] for q in j["results"] if q["task"] != "all" and q["threshold"] == r["threshold"]]
        med = statistics.median(tasks) if r["task"] == "all" else r["regret_rel"]
        print(f"| {fmt_thr(r['threshold'])} | {r['task']} | {r['compute_fraction']:.3f} | {r['speedup']:.2f}× | "
              f"{r['regret']:.4f} | {100 * r['regret_rel']:.2f}% | {100 * med:.2f}% | {fmt(r['overhead_ms_median'], '.2f')} | "
              f"{fmt(r['overhead_ms_p99'], '.2f')} | {fmt(r.get('cpu_ms_median'), '.2f')} | "
              f"{fmt(r.get('cpu_ms_p99'), '.2f')} | {r['stopped_runs']}/{r['runs']} |"
              + (f" {1 / r['compute_fraction_by_cost']['sum-x']:.2f}× | {1 / r['compute_fraction_by_cost']['last-x']:.2f}× |"
                 if costs else ""))
    print()
    if calibration:
        for c in j.get("p_better_calibration", []):
            if abs(c["threshold"] - 0.05) > 1e-12:
                continue
            print(f"Calibration of p_better ({name}, threshold 0.05 replays: every decision with a target; "
                  "observed = share whose curve's final value beat that target):\n")
            print("| p_better bin | decisions | mean p_better | observed |")
            print("|---|---|---|---|")
            for b in c["bins"]:
                print(f"| [{b['lo']:g}, {b['hi']:g}) | {b['decisions']:.0f} | {b['mean_p_better']:.4f} | {b['observed_frequency']:.4f} |")
            print()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if not args:
        sys.exit(__doc__)
    for p in args:
        table(p, "--per-task" in sys.argv, "--costs" in sys.argv, "--calibration" in sys.argv)
