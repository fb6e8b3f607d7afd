#!/usr/bin/env python3
"""Markdown tables from es_bench --out JSON files (the tables of docs/earlystop.md).

Usage: /usr/bin/python3 scripts/es_table.py cifar.json taskset.json lcdb.json [--per-task]
Prints, per file, one row per threshold for task "all" (and with --per-task,
every task's row). Numbers are copied from the JSON, only rounded.
"""
import json
import os
import statistics
import sys


def fmt_thr(t):
    return "never stop" if t is None else f"{t:g}"


def fmt(v, spec):
    return "–" if v is None else format(v, spec)


def table(path, per_task):
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
          f"{subset}; {j['total_seconds']:.0f} s wall with {j['threads']} threads\n")
    print("| threshold | task | compute | speed-up | regret | regret_rel (mean over tasks) | regret_rel (median over tasks) | overhead ms median (wall) | p99 (wall) | CPU ms median | CPU ms p99 | runs stopped |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in j["results"]:
        if r["task"] != "all" and not per_task:
            continue
        tasks = [q["regret_rel"] for q in j["results"] if q["task"] != "all" and q["threshold"] == r["threshold"]]
        med = statistics.median(tasks) if r["task"] == "all" else r["regret_rel"]
        print(f"| {fmt_thr(r['threshold'])} | {r['task']} | {r['compute_fraction']:.3f} | {r['speedup']:.2f}× | "
              f"{r['regret']:.4f} | {100 * r['regret_rel']:.2f}% | {100 * med:.2f}% | {fmt(r['overhead_ms_median'], '.2f')} | "
              f"{fmt(r['overhead_ms_p99'], '.2f')} | {fmt(r.get('cpu_ms_median'), '.2f')} | "
              f"{fmt(r.get('cpu_ms_p99'), '.2f')} | {r['stopped_runs']}/{r['runs']} |")
    print()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if not args:
        sys.exit(__doc__)
    for p in args:
        table(p, "--per-task" in sys.argv)
