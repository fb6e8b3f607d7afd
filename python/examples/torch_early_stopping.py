"""Early stopping of real PyTorch training runs inside an Optuna grid search.

A grid of small multilayer perceptrons (learning rate x width x weight decay)
is trained on scikit-learn's handwritten digits (1797 8x8 images, shipped with
Debian's python3-sklearn). The search runs twice on the same grid, in the same
seeded order, with the same per-run torch seeds:

  1. every run trained to its last epoch (Optuna's NopPruner);
  2. curvecast.optuna.CurvecastPruner asked after every epoch.

Training is deterministic (one torch thread, seeded shuffles and
initialisation), so a run stopped by curvecast saw exactly the first epochs of
its full-length twin. The script prints the wall time of both searches, the
epochs saved, the validation accuracy of the best completed run in each, and
the test accuracy of the two chosen configurations.

    /usr/bin/python3 python/examples/torch_early_stopping.py            # ~75 s of CPU on one core
    /usr/bin/python3 python/examples/torch_early_stopping.py --epochs 10 --grid small   # a quick look
"""

import argparse
import itertools
import time

import numpy as np
import optuna
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from curvecast.optuna import CurvecastPruner

GRIDS = {
    "full": {
        "lr": [0.1, 0.03, 0.01, 0.003, 0.001, 0.0003],
        "hidden": [64, 256],
        "weight_decay": [0.0, 1e-3],
    },
    "small": {"lr": [0.1, 0.01, 0.001], "hidden": [64], "weight_decay": [0.0]},
}


def load_data(seed):
    """Digits split 60/20/20 into train/validation/test (stratified, seeded), scaled to [0, 1]."""
    x, y = load_digits(return_X_y=True)
    x_tr, x_rest, y_tr, y_rest = train_test_split(x, y, test_size=0.4, random_state=seed, stratify=y)
    x_va, x_te, y_va, y_te = train_test_split(x_rest, y_rest, test_size=0.5, random_state=seed, stratify=y_rest)
    t = lambda a: torch.tensor(a / 16.0, dtype=torch.float32)  # noqa: E731
    return (t(x_tr), torch.tensor(y_tr)), (t(x_va), torch.tensor(y_va)), (t(x_te), torch.tensor(y_te))


def make_model(hidden):
    return torch.nn.Sequential(
        torch.nn.Linear(64, hidden), torch.nn.ReLU(),
        torch.nn.Linear(hidden, hidden), torch.nn.ReLU(),
        torch.nn.Linear(hidden, 10))


def accuracy(model, data):
    x, y = data
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def train(config, run_seed, data, epochs, after_epoch, batch_size=16):
    """Trains one configuration; after_epoch(epoch, val_acc) returns True to stop.

    Returns (validation accuracies per epoch, the trained model)."""
    train_data, val_data, _ = data
    x, y = train_data
    torch.manual_seed(run_seed)
    model = make_model(config["hidden"])
    opt = torch.optim.SGD(model.parameters(), lr=config["lr"], momentum=0.9,
                          weight_decay=config["weight_decay"])
    accs = []
    for epoch in range(1, epochs + 1):
        model.train()
        perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(run_seed * 1000 + epoch))
        for i in range(0, len(x), batch_size):
            idx = perm[i:i + batch_size]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        accs.append(accuracy(model, val_data))
        if after_epoch(epoch, accs[-1]):
            break
    return accs, model


def run_search(grid, pruner, data, epochs, seed):
    """One Optuna grid search; returns per-run records and the wall time."""
    configs = [dict(zip(grid, v)) for v in itertools.product(*grid.values())]
    key = lambda c: tuple(c[k] for k in grid)  # noqa: E731
    run_seed = {key(c): i + 1 for i, c in enumerate(configs)}
    records = {}

    def objective(trial):
        config = {k: trial.suggest_categorical(k, v) for k, v in grid.items()}

        def after_epoch(epoch, acc):
            trial.report(acc, epoch)
            return epoch < epochs and trial.should_prune()

        accs, model = train(config, run_seed[key(config)], data, epochs, after_epoch)
        pruned = len(accs) < epochs
        records[trial.number] = dict(config=config, accs=accs, pruned=pruned,
                                     test=None if pruned else accuracy(model, data[2]))
        if pruned:
            raise optuna.TrialPruned()
        return accs[-1]

    study = optuna.create_study(direction="maximize", pruner=pruner,
                                sampler=optuna.samplers.GridSampler(grid, seed=seed))
    t0, c0 = time.perf_counter(), time.process_time()
    study.optimize(objective, n_trials=len(configs))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    for t in study.trials:  # the pruner's explanation of its last decision on each run
        records[t.number]["attrs"] = t.user_attrs
    return study, records, wall, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--grid", choices=sorted(GRIDS), default="full")
    ap.add_argument("--seed", type=int, default=0, help="data split, grid order and the pruner's seed")
    ap.add_argument("--method", default=None, help="curvecast method (default: the early-stopping default)")
    ap.add_argument("--threshold", type=float, default=0.05)
    ap.add_argument("--verbose", action="store_true", help="print every run")
    args = ap.parse_args()
    if args.epochs < 2:
        ap.error("--epochs must be >= 2")

    torch.set_num_threads(1)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    grid = GRIDS[args.grid]
    data = load_data(args.seed)

    # Warm-up (torch's first calls allocate and initialise): not timed.
    train({"lr": 0.01, "hidden": 64, "weight_decay": 0.0}, 0, data, 1, lambda e, a: False)
    full_study, full, full_wall, full_cpu = run_search(grid, optuna.pruners.NopPruner(), data, args.epochs,
                                                       args.seed)
    pruner = CurvecastPruner(final_step=args.epochs, threshold=args.threshold, method=args.method,
                             seed=args.seed)
    cc_study, cc, cc_wall, cc_cpu = run_search(grid, pruner, data, args.epochs, args.seed)

    # Same grid order and deterministic training: each curvecast run is a prefix of its twin.
    by_config = {tuple(r["config"].values()): r for r in full.values()}
    prefix_ok = all(np.array_equal(r["accs"], by_config[tuple(r["config"].values())]["accs"][:len(r["accs"])])
                    for r in cc.values())

    epochs_full = sum(len(r["accs"]) for r in full.values())
    epochs_cc = sum(len(r["accs"]) for r in cc.values())
    best_full = full[full_study.best_trial.number]
    best_cc = cc[cc_study.best_trial.number]

    if args.verbose:
        print(f"{'lr':>7} {'hidden':>6} {'wd':>6} {'final val acc':>13} {'curvecast epochs':>16}  decision")
        for r in sorted(cc.values(), key=lambda r: tuple(r["config"].values())):
            twin = by_config[tuple(r["config"].values())]
            c = r["config"]
            a = r["attrs"]
            p, f = a.get("curvecast_p_better"), a.get("curvecast_predicted_final")
            why = a["curvecast_decision"]["rule"] + (f", p_better={p:.3f}" if p is not None else "") + (
                f", predicted final {f:.4f}" if f is not None else "")
            print(f"{c['lr']:>7g} {c['hidden']:>6} {c['weight_decay']:>6g} {twin['accs'][-1]:>13.4f} "
                  f"{len(r['accs']):>16}  {'pruned' if r['pruned'] else 'complete'} ({why})")

    print(f"grid: {len(full)} runs x {args.epochs} epochs on digits ({len(data[0][1])} train / "
          f"{len(data[1][1])} validation / {len(data[2][1])} test), method {pruner.method}, threshold {args.threshold}")
    print("| search | wall s | CPU s | epochs trained | runs pruned | best val acc | its test acc |")
    print("|---|---|---|---|---|---|---|")
    print(f"| every run to the end | {full_wall:.1f} | {full_cpu:.1f} | {epochs_full} | 0/{len(full)} | "
          f"{best_full['accs'][-1]:.4f} | {best_full['test']:.4f} |")
    print(f"| curvecast pruner | {cc_wall:.1f} | {cc_cpu:.1f} | {epochs_cc} | "
          f"{sum(r['pruned'] for r in cc.values())}/{len(cc)} | {best_cc['accs'][-1]:.4f} | {best_cc['test']:.4f} |")
    print(f"epochs saved: {1 - epochs_cc / epochs_full:.1%} ({epochs_full / epochs_cc:.2f}x fewer); "
          f"wall time {full_wall / cc_wall:.2f}x, CPU time {full_cpu / cc_cpu:.2f}x less; validation accuracy lost: "
          f"{best_full['accs'][-1] - best_cc['accs'][-1]:.4f}; test accuracy lost: "
          f"{best_full['test'] - best_cc['test']:.4f}")
    print(f"pruned runs are prefixes of their full-length twins: {prefix_ok}")
    print(f"time in the pruner: {pruner.stats()['seconds']:.2f} s over {pruner.stats()['decisions']} decisions")


if __name__ == "__main__":
    main()
