"""The exception classes and what bad input from Python raises (never a crash)."""
import numpy as np
import pytest

import curvecast
from conftest import synthetic_curve


def test_hierarchy():
    for name in ["InvalidInput", "InvalidOptions", "FitFailure", "UsageError", "JsonError"]:
        cls = getattr(curvecast, name)
        assert issubclass(cls, curvecast.Error) and cls.__module__ == "curvecast"
    assert issubclass(curvecast.InvalidInput, ValueError)
    assert issubclass(curvecast.InvalidOptions, ValueError)
    assert issubclass(curvecast.JsonError, ValueError)
    assert issubclass(curvecast.UsageError, RuntimeError)
    assert issubclass(curvecast.FitFailure, RuntimeError)
    assert issubclass(curvecast.Error, Exception)


def test_cpp_messages_come_through():
    with pytest.raises(curvecast.InvalidInput, match=r"x\[2\] is not finite"):
        curvecast.fit([1.0, 2, np.nan, 4, 5], [1.0, 0.9, 0.8, 0.7, 0.6], method="pow3")
    with pytest.raises(curvecast.InvalidInput, match="strictly increasing"):
        curvecast.fit([1.0, 3, 2, 4, 5], [1.0, 0.9, 0.8, 0.7, 0.6], method="pow3")
    with pytest.raises(curvecast.InvalidInput, match="too few points"):
        curvecast.fit([1.0, 2], [1.0, 0.9], method="pow3")
    with pytest.raises(curvecast.InvalidInput, match="differ in length"):
        curvecast.fit([1.0, 2, 3, 4], [1.0, 0.9, 0.8], method="pow3")
    with pytest.raises(curvecast.InvalidInput, match="y\\[1\\] is not finite"):
        curvecast.fit([1.0, 2, 3, 4], [1.0, np.inf, 0.8, 0.7], method="ensemble")
    with pytest.raises(curvecast.UsageError, match="unknown method 'pow99'"):
        curvecast.fit([1.0, 2, 3, 4], [1.0, 0.9, 0.8, 0.7], method="pow99")
    with pytest.raises(curvecast.UsageError, match="call fit"):
        curvecast.Extrapolator("pow3").predict(3.0)
    with pytest.raises(curvecast.UsageError):
        curvecast.Extrapolator("pow3").x


def test_options_are_checked():
    x, y = synthetic_curve(12)
    with pytest.raises(curvecast.InvalidOptions, match="unknown option.*'walkerz'.*accepted: .*walkers"):
        curvecast.fit(x, y, method="ensemble", walkerz=8)
    with pytest.raises(curvecast.InvalidOptions, match="'num_starts' must be an integer"):
        curvecast.fit(x, y, method="pow3", num_starts=2.5)
    with pytest.raises(curvecast.InvalidOptions, match="num_starts must be >= 1"):
        curvecast.fit(x, y, method="pow3", num_starts=0)
    with pytest.raises(curvecast.InvalidOptions, match="'loss' must be"):
        curvecast.fit(x, y, method="pow3", loss="l1")
    with pytest.raises(curvecast.InvalidOptions, match="takes none"):
        curvecast.fit(x, y, method="last", num_starts=2)
    with pytest.raises(curvecast.InvalidOptions, match="walkers"):
        curvecast.fit(x, y, method="ensemble", walkers=3)
    with pytest.raises(TypeError, match="unsupported type"):
        curvecast.fit(x, y, method="pow3", num_starts=object())


def test_optional_options_are_none_or_a_value_in_range():
    x, y = synthetic_curve(12)
    # None is the C++ std::nullopt: auto (discrepancy, horizon), detect (best_attainable), no budget.
    ex = curvecast.fit(x, y, method="ensemble", discrepancy=None, horizon=None, best_attainable=None,
                       time_budget_seconds=None, burn_in=20, steps=20)
    assert np.isfinite(ex.predict(float(2 * x[-1])).mean)
    with pytest.raises(curvecast.InvalidOptions, match="horizon"):
        curvecast.fit(x, y, method="ensemble", horizon=0)
    with pytest.raises(curvecast.InvalidOptions, match="discrepancy"):
        curvecast.fit(x, y, method="ensemble", discrepancy=-1)
    with pytest.raises(curvecast.InvalidOptions, match="time_budget_seconds"):
        curvecast.fit(x, y, method="pow3", time_budget_seconds=0)
    assert curvecast.EarlyStopper(40, max_extrapolation=None) is not None
    with pytest.raises(curvecast.InvalidOptions, match="max_extrapolation"):
        curvecast.EarlyStopper(40, max_extrapolation=0)


@pytest.mark.parametrize("bad, exc, msg", [
    (["a", "b", "c", "d", "e"], TypeError, "real numbers"),
    ("12345", TypeError, "not a string"),
    (None, TypeError, "not None"),
    (np.ones((5, 2)), curvecast.InvalidInput, "must be 1-D, got an array of shape \\(5, 2\\)"),
    (np.arange(5) + 1j, TypeError, "dtype complex128"),
    (np.array([1, 2, 3, 4, 5], dtype=object), TypeError, "dtype object"),
    (np.array([True, False, True, True, False]), TypeError, "dtype bool"),
    ([[1.0, 2.0], [3.0]], TypeError, "not an array of numbers"),
    (3.0, curvecast.InvalidInput, "must be 1-D"),
])
def test_bad_arrays(bad, exc, msg):
    y = [1.0, 0.9, 0.8, 0.7, 0.6]
    with pytest.raises(exc, match=msg):
        curvecast.fit(bad, y, method="pow3")
    with pytest.raises(exc, match=msg):
        curvecast.fit(y, bad, method="pow3")


def test_bad_queries():
    x, y = synthetic_curve(12)
    ex = curvecast.fit(x, y, method="pow3")
    with pytest.raises(curvecast.InvalidInput, match="must be finite"):
        ex.predict([20.0, np.nan])
    with pytest.raises(curvecast.InvalidInput, match="must be a number or 1-D"):
        ex.predict(np.ones((2, 2)))
    with pytest.raises(TypeError):
        ex.predict(["20"])
    p = ex.predict([20.0, 30.0])
    with pytest.raises(curvecast.InvalidInput, match="\\(0, 1\\)"):
        p.quantile(1.5)
    with pytest.raises(curvecast.InvalidInput, match="\\(0, 1\\)"):
        p.interval(0.0)
    with pytest.raises(curvecast.InvalidInput, match="3 values for 2 prediction points"):
        p.log_pdf([0.1, 0.2, 0.3])
    with pytest.raises(curvecast.InvalidInput):
        p.log_pdf(np.nan)
    with pytest.raises(IndexError):
        p[5]
    with pytest.raises(curvecast.InvalidInput, match="x_max"):
        ex.reach(0.2, 5.0)


def test_json_errors(tmp_path):
    with pytest.raises(curvecast.JsonError, match="cannot open"):
        curvecast.read_curve_set(tmp_path / "missing.json")
    with pytest.raises(curvecast.JsonError, match="malformed"):
        curvecast.parse_curve_set("{")
    with pytest.raises(curvecast.JsonError):
        curvecast.parse_curve_set('{"curves": [{"id": "a", "x": [1, 2], "y": [1]}]}')


def test_sharing_one_extrapolator_across_threads_fails_cleanly():
    # fit() runs without the GIL; a query from another thread meanwhile raises
    # UsageError (or succeeds once the fit is over): never a crash or a torn state.
    import threading
    x, y = synthetic_curve(20)
    ex = curvecast.Extrapolator("ensemble", seed=1)
    ex.fit(x, y)
    outcomes = []

    def refit():
        for _ in range(3):
            ex.fit(x, y * 1.01)
            ex.fit(x, y)

    t = threading.Thread(target=refit)
    t.start()
    while t.is_alive():
        try:
            outcomes.append(float(ex.predict(30.0).mean))
        except curvecast.UsageError as e:
            assert "another thread" in str(e)
            outcomes.append(None)
    t.join()
    assert outcomes
    # the last fit (cold: y does not extend y * 1.01) is the same as a fresh one
    assert ex.predict(30.0).mean == curvecast.fit(x, y, method="ensemble", seed=1).predict(30.0).mean
