"""CurvecastPruner in real Optuna studies (python3-optuna)."""

import math
import threading

import numpy as np
import pytest

optuna = pytest.importorskip("optuna")

import curvecast  # noqa: E402
from curvecast.optuna import CurvecastPruner  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)

STEPS = list(range(1, 21))  # final step 20
# Final error of each trial, in the order they run: the first is the best and
# completes; the clearly worse ones must be pruned; the last one ends better
# than the first and must complete.
FINALS = [0.10, 0.45, 0.40, 0.50, 0.35, 0.08]


def error_curve(final, seed, steps=STEPS):
    """A learning curve falling from ~0.9 towards `final`, with small seeded noise."""
    rng = np.random.default_rng(seed)
    x = np.asarray(steps, dtype=float)
    return final + (0.9 - final) * (x + 1) ** -0.8 + rng.normal(0, 0.003, x.size)


def make_objective(finals, transform=lambda y: y, steps=STEPS, log=None):
    def objective(trial):
        y = transform(error_curve(finals[trial.number], seed=trial.number, steps=steps))
        for s, v in zip(steps, y):
            trial.report(float(v), s)
            if log is not None:
                log.setdefault(trial.number, []).append(s)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return float(y[-1])
    return objective


def states(study):
    return [t.state for t in study.trials]


P, C = optuna.trial.TrialState.PRUNED, optuna.trial.TrialState.COMPLETE


def decision(t):
    return t.user_attrs["curvecast_decision"]


def check_explained(study, threshold=0.05):
    for t in study.trials:
        if t.state == P:
            a, d = t.user_attrs, decision(t)
            assert d["action"] == "stop" and d["rule"] == "p-below-threshold"
            assert a["curvecast_p_better"] < threshold
            assert math.isfinite(a["curvecast_predicted_final"])
            lo, hi = d["interval"]
            assert lo <= a["curvecast_predicted_final"] <= hi
            assert d["step"] == max(t.intermediate_values)
            assert d["reason"]


def test_minimize_prunes_the_trials_that_cannot_win():
    pruner = CurvecastPruner(final_step=20, seed=1)
    study = optuna.create_study(direction="minimize", pruner=pruner)
    study.optimize(make_objective(FINALS), n_trials=len(FINALS))
    assert states(study) == [C, P, P, P, P, C]
    check_explained(study)
    assert study.best_trial.number == 5
    # a pruned trial was stopped long before its end, after at least min_points reports
    for t in study.trials[1:5]:
        assert 5 <= len(t.intermediate_values) < 20
        assert decision(t)["target"] == pytest.approx(study.trials[0].value)
    # the trial that ends better reached its budget: never judged hopeless
    assert decision(study.trials[5])["rule"] == "at-budget"
    assert pruner.stats()["running"] == 0


def test_maximize_uses_the_study_direction():
    # The same curves as accuracies (1 - error): same roles, opposite direction.
    study = optuna.create_study(direction="maximize", pruner=CurvecastPruner(final_step=20, seed=1))
    study.optimize(make_objective(FINALS, transform=lambda y: 1 - y), n_trials=len(FINALS))
    assert states(study) == [C, P, P, P, P, C]
    check_explained(study)
    for t in study.trials[1:5]:
        assert t.user_attrs["curvecast_predicted_final"] < study.trials[0].value


def test_wrong_direction_would_keep_the_bad_trials():
    # Minimising accuracies makes the low-accuracy trials the promising ones: nothing of them is
    # pruned, which shows the direction is read from the study, not guessed from the data.
    study = optuna.create_study(direction="minimize", pruner=CurvecastPruner(final_step=20, seed=1))
    study.optimize(make_objective(FINALS, transform=lambda y: 1 - y), n_trials=5)
    assert states(study)[1:5] == [C, C, C, C]


def test_decision_attributes_equal_an_early_stopper_fed_the_same_points():
    study = optuna.create_study(direction="minimize", pruner=CurvecastPruner(final_step=20, seed=3,
                                                                             method="mcmc:pow3"))
    study.optimize(make_objective(FINALS[:2]), n_trials=2)
    t = study.trials[1]
    from curvecast.optuna import _trial_seed
    stopper = curvecast.EarlyStopper(20.0, higher_is_better=False, method="mcmc:pow3",
                                     seed=_trial_seed(3, 1))
    steps = sorted(t.intermediate_values)
    d = None
    for s in steps:
        stopper.observe(float(s), t.intermediate_values[s])
        d = stopper.decide(study.trials[0].value)
    assert t.user_attrs["curvecast_p_better"] == d.p_better
    assert t.user_attrs["curvecast_predicted_final"] == d.predicted_final
    assert decision(t)["rule"] == d.rule


def test_trial_without_reports_and_first_trial():
    pruner = CurvecastPruner(final_step=20)
    study = optuna.create_study(pruner=pruner)
    asked = []

    def silent(trial):
        asked.append(trial.should_prune())  # nothing reported: never pruned
        return 0.01

    study.optimize(silent, n_trials=2)
    assert asked == [False, False]
    # Completed trials without intermediate values give no target: the next trial is not judged.
    study.optimize(make_objective([0.5, 0.5, 0.5], steps=STEPS[:10]), n_trials=1)
    t = study.trials[-1]
    assert t.state == C
    assert decision(t)["rule"] == "no-target"
    assert t.user_attrs["curvecast_p_better"] is None


def test_steps_that_skip():
    steps = [0, 2, 3, 7, 10, 15, 16, 22, 30, 41, 50, 64, 80]
    study = optuna.create_study(pruner=CurvecastPruner(final_step=80, seed=2))
    study.optimize(make_objective([0.1, 0.5, 0.4], steps=steps), n_trials=3)
    assert states(study) == [C, P, P]
    check_explained(study)
    for t in study.trials[1:]:
        assert decision(t)["step"] in steps


def test_final_step_from_completed_trials_and_past_it():
    pruner = CurvecastPruner(seed=1)  # final step: the completed trials' last step (20)
    study = optuna.create_study(pruner=pruner)
    study.optimize(make_objective(FINALS[:3]), n_trials=3)
    assert states(study) == [C, P, P]

    def too_long(trial):
        for s in range(1, 31):
            trial.report(0.1 + 0.5 / s, s)
            trial.should_prune()
        return 0.1

    study.optimize(too_long, n_trials=1)
    assert decision(study.trials[-1])["rule"] == "past-final-step"


def test_non_finite_value_prunes_and_repeated_question_same_answer():
    study = optuna.create_study(pruner=CurvecastPruner(final_step=20, method="mcmc:pow3"))
    study.optimize(make_objective([0.1]), n_trials=1)
    answers = []

    def objective(trial):
        y = error_curve(0.2, seed=9)
        for s in range(1, 8):
            trial.report(float(y[s - 1]), s)
        answers.append(trial.should_prune())
        answers.append(trial.should_prune())
        trial.report(float("nan"), 8)
        answers.append(trial.should_prune())
        raise optuna.TrialPruned()

    study.optimize(objective, n_trials=1)
    assert answers[0] == answers[1]
    assert answers[2] is True
    assert decision(study.trials[-1])["rule"] == "non-finite-value"


def test_out_of_order_report_rebuilds_the_trial():
    study = optuna.create_study(pruner=CurvecastPruner(final_step=20, method="mcmc:pow3"))
    study.optimize(make_objective([0.1]), n_trials=1)

    def objective(trial):
        y = error_curve(0.5, seed=4)
        for s in [1, 2, 3, 5, 6, 7, 8]:
            trial.report(float(y[s - 1]), s)
            trial.should_prune()
        trial.report(float(y[3]), 4)  # late value for step 4
        pruned = trial.should_prune()
        assert decision(trial.study.trials[-1])["step"] == 8
        return 1.0 if pruned else 0.0

    study.optimize(objective, n_trials=1)
    assert study.trials[-1].state == C


def test_resumed_from_sqlite_storage(tmp_path):
    url = f"sqlite:///{tmp_path / 'study.db'}"
    study = optuna.create_study(study_name="resume", storage=url, pruner=CurvecastPruner(final_step=20, seed=1))
    study.optimize(make_objective(FINALS), n_trials=2)
    assert states(study) == [C, P]
    del study
    # A new process would do exactly this: load the study with a fresh pruner and continue.
    study = optuna.load_study(study_name="resume", storage=url, pruner=CurvecastPruner(final_step=20, seed=1))
    study.optimize(make_objective(FINALS), n_trials=4)
    assert states(study) == [C, P, P, P, P, C]
    check_explained(study)
    assert decision(study.trials[3])["target"] == pytest.approx(study.trials[0].value)


def test_parallel_trials_n_jobs_2():
    finals = [0.10, 0.10, 0.45, 0.50, 0.40, 0.55, 0.45, 0.60]
    pruner = CurvecastPruner(final_step=20, seed=5, method="mcmc:pow3")
    study = optuna.create_study(pruner=pruner)
    threads = set()

    def objective(trial):
        threads.add(threading.get_ident())
        return make_objective(finals)(trial)

    study.optimize(objective, n_trials=len(finals), n_jobs=2)
    assert len(study.trials) == len(finals)
    assert len(threads) == 2
    assert study.best_value < 0.2
    st = states(study)
    assert C in st[:2]  # the first two run concurrently; at least one completes with its good value
    # trials 2.. start after one of the first two finished: they are judged and the bad ones pruned
    assert sum(s == P for s in st) >= 4
    check_explained(study)
    assert pruner.stats()["running"] == 0


def test_bad_options_fail_at_construction():
    with pytest.raises(ValueError):
        CurvecastPruner(threshold=1.5)
    with pytest.raises(ValueError):
        CurvecastPruner(min_points=1)
    with pytest.raises(ValueError):
        CurvecastPruner(final_step=float("nan"))
    with pytest.raises(Exception):
        CurvecastPruner(method="no-such-method")


def test_multi_objective_is_refused():
    study = optuna.create_study(directions=["minimize", "minimize"], pruner=CurvecastPruner(final_step=20))
    trial = study.ask()
    with pytest.raises(NotImplementedError):
        CurvecastPruner(final_step=20).prune(study, study._storage.get_trial(trial._trial_id))
