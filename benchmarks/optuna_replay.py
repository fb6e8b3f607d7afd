#!/usr/bin/env python3
"""Replays a curve set as Optuna studies and compares curvecast's pruner with Optuna's own.

For each task of the set (the curves' `task` field) and each seed, the task's
curves become the trials of one Optuna study, in a seeded random order. Trial k
reports its curve's points one by one (`trial.report(y, step=x)`) and asks
`trial.should_prune()` after every point except the last; a pruned trial has
used the points it reported, a completed one returns its last value. The
definitions match benchmarks/es_bench.cpp (docs/earlystop.md):

  compute      points reported / all points (summed over tasks and seeds); speed-up = 1 / compute
  regret       value of the best completed trial - best final value of all the task's curves
               (direction-aware, >= 0), averaged over seeds
  regret_rel   regret / max(|true best|, 1e-3); the "all" row averages regret and regret_rel over
               tasks (unweighted) and sums compute
  pruner time  wall time inside pruner.prune (every call), total and per call (median, p99)

Pruners: curvecast (CurvecastPruner with final_step = the curve's last x, which
every trial of these sets knows in advance, and its defaults otherwise),
MedianPruner(), PercentilePruner(25), PatientPruner(MedianPruner(), patience=3),
SuccessiveHalvingPruner(), HyperbandPruner() and NopPruner(). Each (pruner,
seed) replay is independent and deterministic; --jobs runs them in parallel
processes.

    D=../shared/data/curves
    /usr/bin/python3 benchmarks/optuna_replay.py --data $D/cnn_cifar10_val_error_vs_epoch.json --seeds 5 --jobs 2 --out cifar.replay.json
"""

import argparse
import json
import math
import multiprocessing
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

BUILTIN = ["median", "percentile25", "patient3", "successive_halving", "hyperband", "nop"]
ALL = ["curvecast"] + BUILTIN


def make_pruner(name, final_step, args, seed):
    import optuna
    P = optuna.pruners
    if name == "curvecast":
        from curvecast.optuna import CurvecastPruner
        return CurvecastPruner(final_step=final_step, threshold=args.threshold, method=args.method,
                               confirmations=args.confirmations, seed=seed)
    return {
        "median": lambda: P.MedianPruner(),
        "percentile25": lambda: P.PercentilePruner(25.0),
        "patient3": lambda: P.PatientPruner(P.MedianPruner(), patience=3),
        "successive_halving": lambda: P.SuccessiveHalvingPruner(),
        "hyperband": lambda: P.HyperbandPruner(),
        "nop": lambda: P.NopPruner(),
    }[name]()


def load(path, max_tasks, seed):
    with open(path) as f:
        data = json.load(f)
    hib = bool(data.get("higher_is_better", False))
    tasks = {}
    for c in data["curves"]:
        x = [float(v) for v in c["x"]]
        if any(v != int(v) for v in x):
            raise SystemExit(f"optuna_replay: curve {c['id']} has a non-integer x; Optuna steps are integers")
        tasks.setdefault(c["task"], []).append((np.array(x), np.array(c["y"], dtype=float)))
    names = list(tasks)
    if max_tasks and max_tasks < len(names):
        rng = np.random.default_rng([seed, 0x7A5C])
        names = sorted(rng.choice(len(names), size=max_tasks, replace=False).tolist())
        names = [list(tasks)[i] for i in names]
    return hib, [(n, tasks[n]) for n in names]


def replay(job):
    """One (pruner, seed) replay over all tasks; returns per-task results."""
    name, s, args = job
    import warnings
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    hib, tasks = load(args.data, args.max_tasks, args.seed)
    better = (lambda a, b: a > b) if hib else (lambda a, b: a < b)
    out = []
    t_start = time.perf_counter()
    for ti, (task, curves) in enumerate(tasks):
        rng = np.random.default_rng([args.seed + s, ti, 0x0DE5])
        order = rng.permutation(len(curves))
        final_step = max(float(c[0][-1]) for c in curves)
        pruner = make_pruner(name, final_step, args, seed=args.seed * 1000003 + ti)
        calls = []
        inner = pruner.prune

        def timed(study, trial, _inner=inner, _calls=calls):
            t0 = time.perf_counter()
            r = _inner(study, trial)
            _calls.append(time.perf_counter() - t0)
            return r

        pruner.prune = timed  # an instance attribute: isinstance checks (Hyperband's brackets) still hold
        used = [0]

        def objective(trial):
            x, y = curves[order[trial.number]]
            n = len(x)
            for k in range(n):
                trial.report(float(y[k]), step=int(x[k]))
                if k < n - 1 and trial.should_prune():
                    used[0] += k + 1
                    raise optuna.TrialPruned()
            used[0] += n
            return float(y[-1])

        study = optuna.create_study(direction="maximize" if hib else "minimize", pruner=pruner,
                                    sampler=optuna.samplers.RandomSampler(seed=args.seed + s),
                                    study_name=f"{task}-seed{s}")
        study.optimize(objective, n_trials=len(curves))
        true_best = curves[0][1][-1]
        for _, y in curves:
            if better(y[-1], true_best):
                true_best = y[-1]
        best = study.best_value
        regret = abs(best - true_best)
        out.append(dict(task=task, used=used[0], total=int(sum(len(c[0]) for c in curves)),
                        regret=regret, regret_rel=regret / max(abs(true_best), 1e-3),
                        pruned=sum(t.state == optuna.trial.TrialState.PRUNED for t in study.trials),
                        trials=len(study.trials), calls=calls))
    return name, s, out, time.perf_counter() - t_start


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1, help="orders use seeds seed..seed+seeds-1")
    ap.add_argument("--pruners", default=",".join(ALL), help="comma list of " + ",".join(ALL))
    ap.add_argument("--max-tasks", type=int, default=0, help="seeded subset of the tasks (0 = all)")
    ap.add_argument("--method", default=None, help="curvecast method (default: the early-stopping default)")
    ap.add_argument("--threshold", type=float, default=0.05)
    ap.add_argument("--confirmations", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=1, help="parallel processes over (pruner, seed) replays")
    ap.add_argument("--out", help="JSON file for the per-task results and the table")
    args = ap.parse_args()
    names = [p for p in args.pruners.split(",") if p]
    for p in names:
        if p not in ALL:
            ap.error(f"unknown pruner {p!r}; choose from {','.join(ALL)}")
    if args.seeds < 1 or args.jobs < 1:
        ap.error("--seeds and --jobs must be >= 1")

    jobs = [(p, s, args) for p in names for s in range(args.seeds)]
    # Longest first: curvecast's replays dominate, start them early.
    jobs.sort(key=lambda j: j[0] != "curvecast")
    t0 = time.perf_counter()
    if args.jobs == 1:
        results = [replay(j) for j in jobs]
    else:
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            results = pool.map(replay, jobs, chunksize=1)
    wall = time.perf_counter() - t0

    hib, tasks = load(args.data, args.max_tasks, args.seed)
    rows = []
    for p in names:
        per_seed = [r for r in results if r[0] == p]
        task_names = [t for t, _ in tasks]
        used = sum(t["used"] for r in per_seed for t in r[2])
        total = sum(t["total"] for r in per_seed for t in r[2])
        reg = {tn: np.mean([t["regret"] for r in per_seed for t in r[2] if t["task"] == tn]) for tn in task_names}
        rel = {tn: np.mean([t["regret_rel"] for r in per_seed for t in r[2] if t["task"] == tn]) for tn in task_names}
        calls = np.array([c for r in per_seed for t in r[2] for c in t["calls"]])
        rows.append(dict(
            pruner=p, compute=used / total, speedup=total / used,
            regret=float(np.mean(list(reg.values()))), regret_rel=float(np.mean(list(rel.values()))),
            regret_rel_median=float(np.median(list(rel.values()))),
            pruner_seconds=float(calls.sum()) / len(per_seed),
            call_ms_median=float(np.median(calls) * 1e3) if calls.size else math.nan,
            call_ms_p99=float(np.percentile(calls, 99) * 1e3) if calls.size else math.nan,
            pruned=sum(t["pruned"] for r in per_seed for t in r[2]),
            trials=sum(t["trials"] for r in per_seed for t in r[2]),
            replay_seconds=float(np.median([r[3] for r in per_seed]))))

    n_curves = sum(len(c) for _, c in tasks)
    print(f"**{os.path.basename(args.data)}**: {len(tasks)} task(s), {n_curves} curves, {args.seeds} seed(s)"
          f"{', subset of ' + str(args.max_tasks) + ' tasks' if args.max_tasks else ''}; "
          f"curvecast threshold {args.threshold}, confirmations {args.confirmations}, method "
          f"{args.method or 'default'}; {wall:.0f} s wall with {args.jobs} process(es)\n")
    print("| pruner | compute | speed-up | regret | regret_rel (mean over tasks) | regret_rel (median) | "
          "pruner s per replay | ms per call, median / p99 | trials pruned |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['pruner']} | {r['compute']:.3f} | {r['speedup']:.2f}× | {r['regret']:.4f} | "
              f"{100 * r['regret_rel']:.2f}% | {100 * r['regret_rel_median']:.2f}% | {r['pruner_seconds']:.2f} | "
              f"{r['call_ms_median']:.3f} / {r['call_ms_p99']:.3f} | {r['pruned']}/{r['trials']} |")
    cc = next((r for r in rows if r["pruner"] == "curvecast"), None)
    if cc:
        dominated_by = [r["pruner"] for r in rows if r["pruner"] != "curvecast"
                        and r["speedup"] > cc["speedup"] and r["regret"] < cc["regret"]]
        print(f"\nbuilt-in pruners better than curvecast on both speed-up and regret: "
              f"{', '.join(dominated_by) if dominated_by else 'none'}; curvecast regret_rel "
              f"{100 * cc['regret_rel']:.2f}% ({'within' if cc['regret_rel'] <= 0.005 else 'above'} 0.5%)")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(dict(data=args.data, seeds=args.seeds, seed=args.seed, max_tasks=args.max_tasks,
                           method=args.method, threshold=args.threshold, confirmations=args.confirmations,
                           jobs=args.jobs, wall_seconds=wall, rows=rows,
                           per_task=[dict(pruner=r[0], seed=r[1], tasks=[{k: v for k, v in t.items() if k != "calls"}
                                                                         for t in r[2]]) for r in results]),
                      f, indent=1)


if __name__ == "__main__":
    main()
