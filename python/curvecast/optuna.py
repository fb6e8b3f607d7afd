"""Optuna pruner that stops a trial when curvecast says it cannot beat the best completed trial.

    import optuna
    from curvecast.optuna import CurvecastPruner

    def objective(trial):
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        for epoch in range(1, 41):
            acc = train_one_epoch_and_validate(lr)
            trial.report(acc, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return acc

    study = optuna.create_study(direction="maximize", pruner=CurvecastPruner(final_step=40))
    study.optimize(objective, n_trials=50)
    print(study.trials[-1].user_attrs)   # curvecast_p_better, curvecast_predicted_final, ...

At every report the pruner feeds the trial's new intermediate values (step = x,
value = y) to the trial's own `curvecast.EarlyStopper`, which keeps a warm
extrapolator for the trial's whole life, and asks it for a decision against the
best completed trial (direction from the study). The trial is pruned when the
decision is Stop: with the defaults, when P(value at final_step beats the best
completed trial's final value) < 0.05 (docs/earlystop.md has the whole rule).

Definitions (docs/optuna.md):
- target: the best, over COMPLETE trials of the study, of each trial's
  intermediate value at its largest step (the curve's final value). Completed
  trials that reported no intermediate values do not count. With no such trial
  yet, nothing is pruned (the decision's rule is "no-target").
- final step (x_final): `final_step`, or, when None, the largest last step of the
  completed trials (nothing is pruned before one trial has completed).
- a trial whose latest intermediate value is NaN or infinite is pruned (it has
  diverged); earlier non-finite values are left out of the fit.
- steps may skip or start at 0; a value reported at a step before the trial's last
  one (out of order) rebuilds the trial's stopper from all its values (a cold fit).
- each trial's extrapolator seed is derived from (seed, trial.number), so the
  decisions do not depend on n_jobs or on the order in which trials run.
- explanation: every decision writes the trial's user attributes
  curvecast_p_better and curvecast_predicted_final (None where the rule did not
  compute them) and curvecast_decision, a dict with action, rule, interval (the
  `interval_level` interval of the final value), target, step and reason.

Works with any sampler and any storage (in memory, RDB such as sqlite:///), and
with parallel trials (n_jobs > 1: one lock guards the pruner's tables; the fits
of different trials run concurrently, the binding releases the GIL).
"""

import math
import threading
import time

import optuna
from optuna.pruners import BasePruner
from optuna.study import StudyDirection
from optuna.trial import TrialState

import curvecast

__all__ = ["CurvecastPruner"]

_ATTR = "curvecast_"
_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)


def _finite_or_none(v):
    return float(v) if v is not None and math.isfinite(v) else None


def _trial_seed(seed, number):
    # splitmix64 of (seed, trial number): independent streams per trial, whatever
    # the order in which trials run.
    z = (int(seed) * 0x9E3779B97F4A7C15 + int(number) + 1) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return z ^ (z >> 31)


class _Run:
    """A running trial: its stopper, the points fed to it, its last answer."""

    __slots__ = ("stopper", "fed", "x_final", "target", "decision", "pruned")

    def __init__(self, stopper, x_final):
        self.stopper = stopper
        self.fed = []  # (step, value) already observed, in order
        self.x_final = x_final
        self.target = None
        self.decision = None
        self.pruned = False


class CurvecastPruner(BasePruner):
    """Prunes a trial when curvecast's early-stopping decision says Stop.

    Args:
        final_step: the step at which a trial ends (x_final of the decision). None: the largest
            last step among completed trials.
        threshold: Stop when P(final value beats the best completed trial) < threshold.
        min_points: fewer points (after the initial-plateau cut) give no decision.
        confirmations: Stop only after this many consecutive decisions below the threshold.
        method: curvecast method name; None: the early-stopping default.
        seed: base seed; each trial's extrapolator seed is derived from it and trial.number.
        **options: any other field of the early-stopping options (max_extrapolation,
            plateau_delta, plateau_patience, cut_initial_plateau, optimistic_sd,
            never_stop_if_own_best_beats, interval_level, ls_num_starts, ...).
    """

    def __init__(self, final_step=None, *, threshold=0.05, min_points=5, confirmations=1,
                 method=None, seed=0, **options):
        if final_step is not None and not (isinstance(final_step, (int, float)) and math.isfinite(final_step)):
            raise ValueError(f"CurvecastPruner: final_step must be a finite number or None, got {final_step!r}")
        self._final_step = None if final_step is None else float(final_step)
        self._seed = int(seed)
        self._options = dict(options, threshold=threshold, min_points=min_points,
                             stop_confirmations=confirmations)
        self._method = method
        # Validate the options now (a bad one raises here, not inside a trial); the probe also
        # names the default method.
        self._method = self._new_stopper(1.0 if self._final_step is None else self._final_step, False, 0).method
        self._lock = threading.Lock()
        # Per study (a pruner may serve several): (storage, running trials by _trial_id -> _Run,
        # completed trials by _trial_id -> (last step, its value or None)). The storage is held so
        # that its id() cannot be reused by another storage while the entry exists.
        self._studies = {}
        self._seconds = 0.0
        self._decisions = 0

    @property
    def method(self):
        """The curvecast method used by every trial's stopper."""
        return self._method

    def stats(self):
        """{'decisions': fits asked for, 'seconds': wall time inside the stoppers, 'running': trials held}."""
        with self._lock:
            return {"decisions": self._decisions, "seconds": self._seconds,
                    "running": sum(len(t[1]) for t in self._studies.values())}

    # -- pickling (e.g. to ship a study's pruner to another process): running state is not kept
    def __getstate__(self):
        state = self.__dict__.copy()
        state["_lock"] = None
        state["_studies"] = {}
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def _new_stopper(self, x_final, higher_is_better, seed):
        return curvecast.EarlyStopper(x_final, higher_is_better=higher_is_better, method=self._method,
                                      seed=seed, **self._options)

    def _tables(self, study):
        """(running, finals) of this study; call with the lock held."""
        storage = study._storage
        key = (id(storage), study._study_id)
        entry = self._studies.get(key)
        if entry is None or entry[0] is not storage:
            entry = self._studies[key] = (storage, {}, {})
        return entry[1], entry[2]

    def _target_and_final(self, study, hib):
        """Best final intermediate value among completed trials, and their largest last step."""
        finished = study._storage.get_all_trials(study._study_id, deepcopy=False, states=_FINISHED)
        best, last_step = None, None
        with self._lock:
            runs, finals = self._tables(study)
            for t in finished:
                tid = t._trial_id
                if tid in runs:  # finished since its last report: let its stopper go
                    del runs[tid]
                if t.state != TrialState.COMPLETE:
                    continue
                if tid not in finals:
                    iv = t.intermediate_values
                    if iv:
                        s = max(iv)
                        finals[tid] = (s, _finite_or_none(iv[s]))
                    else:
                        finals[tid] = (None, None)
                s, v = finals[tid]
                if s is not None and (last_step is None or s > last_step):
                    last_step = s
                if v is not None and (best is None or (v > best if hib else v < best)):
                    best = v
        return best, last_step

    def _explain(self, study, trial, fields):
        # Three writes per decision (each is a transaction with an RDB storage): the two numbers
        # as their own attributes (columns of study.trials_dataframe()), the rest in one dict.
        fields = dict(fields)
        st = study._storage
        st.set_trial_user_attr(trial._trial_id, _ATTR + "p_better", fields.pop("p_better"))
        st.set_trial_user_attr(trial._trial_id, _ATTR + "predicted_final", fields.pop("predicted_final"))
        st.set_trial_user_attr(trial._trial_id, _ATTR + "decision", fields)

    def prune(self, study, trial):
        if len(study.directions) > 1:
            raise NotImplementedError("CurvecastPruner does not support multi-objective studies")
        values = trial.intermediate_values
        if not values:
            return False
        hib = study.direction == StudyDirection.MAXIMIZE
        steps = sorted(values)
        last = steps[-1]
        if not math.isfinite(values[last]):
            self._explain(study, trial, {
                "action": "stop", "rule": "non-finite-value", "p_better": None, "predicted_final": None,
                "interval": None, "target": None, "step": last,
                "reason": f"the value reported at step {last} is {values[last]}: the trial has diverged"})
            return True

        target, completed_last = self._target_and_final(study, hib)
        x_final = self._final_step if self._final_step is not None else (
            float(completed_last) if completed_last is not None else None)
        if x_final is None:
            self._explain(study, trial, {
                "action": "no-decision", "rule": "no-final-step", "p_better": None, "predicted_final": None,
                "interval": None, "target": None, "step": last,
                "reason": "no final_step given and no completed trial to take it from"})
            return False
        points = [(float(s), float(values[s])) for s in steps if math.isfinite(values[s])]
        tid = trial._trial_id
        if points[-1][0] >= x_final:  # the trial has reached its budget: nothing left to save
            with self._lock:
                self._tables(study)[0].pop(tid, None)
            past = points[-1][0] > x_final
            self._explain(study, trial, {
                "action": "no-decision", "rule": "past-final-step" if past else "at-budget", "p_better": None,
                "predicted_final": None, "interval": None, "target": target, "step": last,
                "reason": (f"step {last} lies beyond the final step {x_final:g}" if past
                           else f"step {last} is the final step")})
            return False

        with self._lock:
            runs, _ = self._tables(study)
            run = runs.get(tid)
        if run is not None and (run.x_final != x_final or run.fed != points[:len(run.fed)]):
            run = None  # a value arrived out of order, or x_final moved: start this trial afresh
        if run is not None and run.fed == points and run.target == target and run.decision is not None:
            return run.pruned  # same values, same target: same answer, no refit
        if run is None:
            run = _Run(self._new_stopper(x_final, hib, _trial_seed(self._seed, trial.number)), x_final)
            with self._lock:
                runs[tid] = run

        t0 = time.perf_counter()
        for x, y in points[len(run.fed):]:
            run.stopper.observe(x, y)
            run.fed.append((x, y))
        d = run.stopper.decide(target)
        dt = time.perf_counter() - t0
        run.target, run.decision, run.pruned = target, d, d.action == "stop"
        with self._lock:
            self._seconds += dt
            self._decisions += 1
            if run.pruned:
                runs.pop(tid, None)
        self._explain(study, trial, {
            "action": str(d.action), "rule": str(d.rule), "p_better": _finite_or_none(d.p_better),
            "predicted_final": _finite_or_none(d.predicted_final),
            "interval": ([d.lower, d.upper] if math.isfinite(d.lower) and math.isfinite(d.upper) else None),
            "target": target, "step": last, "reason": d.reason})
        return run.pruned
