"""EarlyStopper from Python: the Domhan rule's decisions and their fields."""
import math

import numpy as np
import pytest

import curvecast
from conftest import synthetic_curve


def test_decision_fields_and_actions():
    x, y = synthetic_curve(20)
    s = curvecast.EarlyStopper(40, higher_is_better=False, seed=1)
    assert s.method == "ensemble" and s.x_final == 40
    d = s.decide(0.1)
    assert d.action == "no-decision" and d.rule == "too-few-points" and not d.stop and not d
    for xi, yi in zip(x[:12], y[:12]):
        s.observe(xi, yi)
    assert s.x.tolist() == x[:12].tolist()
    d = s.decide(None)
    assert d.action == "no-decision" and d.rule == "no-target"
    assert math.isfinite(d.predicted_final) and d.lower <= d.predicted_final <= d.upper
    assert math.isnan(d.p_better)
    # A target far better than this curve can reach: stop.
    d = s.decide(0.01)
    assert d.action == "stop" and d.rule == "p-below-threshold" and d.stop and bool(d)
    assert d.p_better < d.threshold == 0.05 and d.target == 0.01 and d.reason
    assert "stop" in d.summary() and repr(d).startswith("Decision(")
    # A target this curve already beats: continue.
    d = s.decide(0.5)
    assert d.action == "continue" and d.rule == "own-best-beats-target"
    s.reset()
    assert len(s.x) == 0


def test_cold_decisions_match_a_fresh_fit():
    x, y = synthetic_curve(15)
    s = curvecast.EarlyStopper(40, method="ensemble", seed=3, warm_start=False, cut_initial_plateau=False)
    for xi, yi in zip(x, y):
        s.observe(xi, yi)
    d = s.decide(0.18)
    p = curvecast.fit(x, y, method="ensemble", seed=3).predict(40.0)
    assert d.predicted_final == p.mean and d.predicted_sd == p.sd
    assert d.p_better == p.prob_better(0.18)


def test_method_options_and_rule_options():
    x, y = synthetic_curve(15)
    s = curvecast.EarlyStopper(40, method="ls:akaike", method_options={"families": ["pow3"]}, threshold=0.2,
                               min_points=3)
    for xi, yi in zip(x[:4], y[:4]):
        s.observe(xi, yi)
    d = s.decide(0.5)
    assert d.threshold == 0.2 and d.points_observed == 4
    with pytest.raises(curvecast.InvalidOptions, match="threshold"):
        curvecast.EarlyStopper(40, threshold=1.5)
    with pytest.raises(curvecast.InvalidOptions, match="unknown option"):
        curvecast.EarlyStopper(40, treshold=0.1)
    with pytest.raises(curvecast.UsageError):
        curvecast.EarlyStopper(40, method="nope")
    with pytest.raises(curvecast.InvalidOptions):
        curvecast.EarlyStopper(40, method="pow3", method_options={"num_starts": 0})
    s2 = curvecast.EarlyStopper(10)
    with pytest.raises(curvecast.InvalidInput, match="beyond the run's final x"):
        s2.observe(11, 0.5)
    with pytest.raises(curvecast.InvalidInput, match="not finite"):
        s2.observe(1, float("nan"))
    with pytest.raises(TypeError):
        s2.decide("0.3")
