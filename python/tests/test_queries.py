"""Vectorised queries agree with scalar ones; result objects; options."""
import math

import numpy as np
import pytest

import curvecast
from conftest import synthetic_curve

METHODS = ["pow3", "ls:akaike", "ensemble", "mcmc:pow3", "last"]


@pytest.fixture(scope="module", params=METHODS)
def fitted(request):
    x, y = synthetic_curve(20)
    return curvecast.fit(x, y, method=request.param, seed=2)


def test_batch_equals_scalar_calls(fitted):
    xs = np.array([21.0, 25.0, 40.0, 80.0])
    p = fitted.predict(xs)
    assert len(p) == 4 and p.x.tolist() == xs.tolist()
    lo, hi = p.interval(0.8)
    q = p.quantile([0.1, 0.5, 0.9])
    assert q.shape == (4, 3)
    ys = p.mean - 0.01
    lp = p.log_pdf(ys)
    pb = p.prob_better(0.2)
    cdf = p.cdf(0.2)
    for i, x in enumerate(xs):
        s = fitted.predict(float(x))
        assert isinstance(s.mean, float)
        assert s.mean == p.mean[i] and s.sd == p.sd[i]
        assert s.interval(0.8) == (lo[i], hi[i])
        assert s.quantile(0.1) == q[i, 0] and s.quantile(0.9) == q[i, 2]
        assert s.log_pdf(float(ys[i])) == lp[i]
        assert s.prob_better(0.2) == pb[i] == fitted.prob_better(float(x), 0.2)
        assert s.cdf(0.2) == cdf[i]
        assert p[i].mean == s.mean
    assert np.all(lo <= q[:, 1]) and np.all(q[:, 1] <= hi)
    # lower is better: P(better than t) is the cdf at t
    np.testing.assert_array_equal(pb, cdf)


def test_sample_curves_shape_and_seed(fitted):
    xs = np.array([21.0, 30.0, 60.0])
    a = fitted.sample_curves(xs, 50, seed=4)
    b = fitted.sample_curves(xs, 50, seed=4)
    noisy = fitted.sample_curves(xs, 50, seed=4, with_noise=True)
    assert np.array_equal(noisy, fitted.sample_curves(xs, 50, seed=4, with_noise=True))
    assert not np.array_equal(noisy, fitted.sample_curves(xs, 50, seed=5, with_noise=True))
    assert a.shape == (50, 3) and a.dtype == np.float64 and np.array_equal(a, b)
    assert np.all(np.isfinite(a))


def test_asymptote_and_reach():
    x, y = synthetic_curve(20)
    ex = curvecast.fit(x, y, method="pow3", seed=0)
    a = ex.asymptote(0.9)
    assert isinstance(a, curvecast.AsymptoteEstimate) and a.available
    assert a.lower <= a.value <= a.upper and abs(a.value - 0.15) < 0.05
    assert y.min() > 0.22
    r = ex.reach(0.22, 1e4)
    assert isinstance(r, curvecast.ReachEstimate) and r.reached
    assert x[-1] < r.x < 1e4 and abs(float(ex.predict(r.x).mean) - 0.22) < 1e-6
    assert r.x_lower <= r.x <= r.x_upper
    already = ex.reach(0.3, 1e4)
    assert already.reached and already.x == x[-1] and "already" in already.reason
    never = ex.reach(0.01, 1e4)
    assert not never.reached and math.isinf(never.x) and never.reason
    last = curvecast.fit(x, y, method="last")
    assert not last.asymptote().available and "asymptote" in last.asymptote().reason


def test_options_reach_the_cpp_structs():
    x, y = synthetic_curve(20)
    one = curvecast.fit(x, y, method="pow4", num_starts=1)
    assert one.fit_result["num_starts"] == 1
    assert curvecast.fit(x, y, method="pow4").fit_result["num_starts"] == 4
    two = curvecast.fit(x, y, method="ls:akaike", families=["pow3", "exp3"])
    assert {n for n, _ in two.members} <= {"pow3", "exp3"}
    assert abs(sum(w for _, w in two.members) - 1) < 1e-12
    ens = curvecast.Extrapolator("ensemble", seed=1, walkers=16, steps=40, burn_in=20, max_extensions=0)
    ens.fit(x, y)
    assert ens.diagnostics["walkers"] == 16 and ens.diagnostics["steps"] == 40
    assert ens.options == {"walkers": 16, "steps": 40, "burn_in": 20, "max_extensions": 0}


def test_named_classes():
    x, y = synthetic_curve(20)
    assert curvecast.LeastSquaresExtrapolator("mmf4").fit(x, y).name == "mmf4"
    assert curvecast.MultiFamilyExtrapolator("best-aicc").fit(x, y).name.startswith("ls:")
    assert curvecast.PosteriorExtrapolator().fit(x, y).name == "ensemble"
    assert curvecast.PosteriorExtrapolator(prior="lcpfn").method == "ensemble:lcpfn"
    assert curvecast.PosteriorExtrapolator(family="pow4").method == "mcmc:pow4"
    assert curvecast.LastValueExtrapolator().fit(x, y).predict(30.0).mean == y[-1]
    assert isinstance(curvecast.LeastSquaresExtrapolator("pow3"), curvecast.Extrapolator)
    with pytest.raises(curvecast.UsageError):
        curvecast.LeastSquaresExtrapolator("ensemble")


def test_inputs_in_other_layouts_give_the_same_fit():
    # Documented fallback: integer dtypes, lists and strided arrays are converted to float64.
    x, y = synthetic_curve(20)
    ref = curvecast.fit(x, y, method="pow3").predict([30.0, 40.0]).mean
    xi = np.arange(1, 21)  # int64
    assert np.array_equal(curvecast.fit(xi, y, method="pow3").predict([30, 40]).mean, ref)
    assert np.array_equal(curvecast.fit(list(x), list(y), method="pow3").predict([30.0, 40.0]).mean, ref)
    wide = np.zeros((20, 2))
    wide[:, 0] = x
    wide[:, 1] = y
    assert not wide[:, 0].flags.c_contiguous
    assert np.array_equal(curvecast.fit(wide[:, 0], wide[:, 1], method="pow3").predict([30.0, 40.0]).mean, ref)
    y32 = y.astype(np.float32)
    p32 = curvecast.fit(x, y32, method="pow3").predict([30.0, 40.0]).mean
    p64 = curvecast.fit(x, y32.astype(np.float64), method="pow3").predict([30.0, 40.0]).mean
    assert np.array_equal(p32, p64)


def test_predictive_json():
    import json
    x, y = synthetic_curve(20)
    p = curvecast.fit(x, y, method="pow3").predict([30.0, 40.0])
    doc = json.loads(p.to_json())
    assert [d["x"] for d in doc] == [30.0, 40.0]
    assert [d["mean"] for d in doc] == p.mean.tolist()
