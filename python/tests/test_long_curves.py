"""Long curves: max_points reaches the C++ options (summary above it, exact
fits at or below it) and bad values raise InvalidOptions."""
import numpy as np
import pytest

import curvecast


def _curve(n, seed=1):
    x = np.arange(1, n + 1, dtype=float)
    y = 0.5 + 2 * x ** -0.5 + 0.01 * np.random.default_rng(seed).normal(size=n)
    return x, y


def test_max_points_switches_the_summary():
    x, y = _curve(3000)
    exact = curvecast.Extrapolator("pow4", max_points=0)
    summ = curvecast.Extrapolator("pow4")
    exact.fit(x, y, higher_is_better=False)
    summ.fit(x, y, higher_is_better=False)
    a, b = exact.predict(30000).mean, summ.predict(30000).mean
    assert a != b
    assert abs(a - b) < 1e-3
    # at or below max_points: the same fit as without a summary
    xs, ys = x[:256], y[:256]
    e2 = curvecast.Extrapolator("pow4", max_points=0)
    s2 = curvecast.Extrapolator("pow4")
    e2.fit(xs, ys, higher_is_better=False)
    s2.fit(xs, ys, higher_is_better=False)
    assert e2.predict(2560).mean == s2.predict(2560).mean


def test_early_stopper_takes_max_points():
    x, y = _curve(1000)
    s = curvecast.EarlyStopper(1e6, False, method="ls:akaike", max_points=128)
    for a, b in zip(x, y):
        s.observe(a, b)
    d = s.decide(0.4)
    assert np.isfinite(d.predicted_final)


@pytest.mark.parametrize("bad", [1, 10, 63])
def test_bad_max_points(bad):
    with pytest.raises(curvecast.InvalidOptions):
        curvecast.Extrapolator("pow4", max_points=bad)
    with pytest.raises(curvecast.InvalidOptions):
        curvecast.Extrapolator("ensemble", max_points=bad)
    with pytest.raises(curvecast.InvalidOptions):
        curvecast.EarlyStopper(100.0, False, max_points=bad)
