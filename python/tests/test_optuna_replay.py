"""benchmarks/optuna_replay.py on a small synthetic curve set: it runs and its figures add up."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("optuna")

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "benchmarks", "optuna_replay.py")


def write_set(path):
    rng = np.random.default_rng(0)
    curves = []
    for task in ("a", "b"):
        for i in range(6):
            x = np.arange(1, 21)
            final = 0.1 + 0.4 * rng.random()
            y = final + (0.9 - final) * x ** -0.8 + rng.normal(0, 0.003, x.size)
            curves.append({"id": f"{task}{i}", "task": task, "x": x.tolist(), "y": y.round(6).tolist()})
    path.write_text(json.dumps({"source": "synthetic", "x_name": "epoch", "y_name": "val_error_rate",
                                "higher_is_better": False, "curves": curves}))
    return curves


@pytest.mark.skipif(not os.path.exists(SCRIPT), reason="benchmarks/ not next to python/")
def test_replay_runs_and_its_figures_add_up(tmp_path):
    data, out = tmp_path / "set.json", tmp_path / "out.json"
    curves = write_set(data)
    r = subprocess.run([sys.executable, SCRIPT, "--data", str(data), "--seeds", "2", "--method", "mcmc:pow3",
                        "--pruners", "curvecast,median,nop", "--out", str(out)],
                       capture_output=True, text=True, timeout=300, env=dict(os.environ))
    assert r.returncode == 0, r.stderr
    assert "| curvecast |" in r.stdout and "| nop |" in r.stdout
    res = json.loads(out.read_text())
    rows = {row["pruner"]: row for row in res["rows"]}
    total = 2 * sum(len(c["x"]) for c in curves)
    # NopPruner trains everything: compute 1, regret 0
    assert rows["nop"]["compute"] == 1.0 and rows["nop"]["regret"] == 0.0 and rows["nop"]["pruned"] == 0
    # curvecast prunes the hopeless curves of these sets
    assert rows["curvecast"]["compute"] < 1.0 and rows["curvecast"]["pruned"] > 0
    for row in rows.values():
        assert row["speedup"] == pytest.approx(1 / row["compute"])
        assert row["trials"] == 2 * len(curves)
        assert row["regret"] >= 0
    # per task and seed: points used never exceed the task's points; regret against the task's best
    for rep in res["per_task"]:
        for t in rep["tasks"]:
            assert 0 < t["used"] <= t["total"]
            assert t["regret_rel"] == pytest.approx(t["regret"] / max(
                min(c["y"][-1] for c in curves if c["task"] == t["task"]), 1e-3))
    assert sum(t["total"] for rep in res["per_task"] if rep["pruner"] == "nop" for t in rep["tasks"]) == total
