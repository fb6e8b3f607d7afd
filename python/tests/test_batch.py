"""extrapolate_many: thread-count determinism, agreement with single fits, failures."""
import numpy as np
import pytest

import curvecast
from conftest import synthetic_curve


def _curves(n=9):
    out = []
    for i in range(n):
        x, y = synthetic_curve(12 + i, seed=i)
        out.append((x, y))
    return out


@pytest.mark.parametrize("method", ["ensemble", "ls:akaike", "mcmc:pow3"])
def test_same_result_for_any_thread_count(method):
    curves = _curves()
    xq = np.array([30.0, 60.0])
    yq = np.array([0.2, 0.19])
    runs = [curvecast.extrapolate_many(curves, method, xq, threads=t, seed=4, y_query=yq) for t in (1, 2, 3)]
    assert [r.threads for r in runs] == [1, 2, 3]
    for r in runs[1:]:
        for field in ("mean", "sd", "quantiles", "log_density"):
            assert np.array_equal(getattr(r, field), getattr(runs[0], field), equal_nan=True), field
        assert r.failures == runs[0].failures
    assert runs[0].mean.shape == (9, 2) and runs[0].quantiles.shape == (9, 2, 3)
    assert all(f is None for f in runs[0].failures)


def test_each_curve_equals_a_single_fit_with_its_seed():
    curves = _curves(5)
    xq = np.array([25.0, 50.0])
    r = curvecast.extrapolate_many(curves, "ensemble", xq, threads=2, seed=8, y_query=[0.2, 0.2],
                                   quantiles=[0.1, 0.9])
    for i, (x, y) in enumerate(curves):
        p = curvecast.fit(x, y, method="ensemble", seed=curvecast.curve_seed(8, i)).predict(xq)
        assert r.mean[i].tolist() == p.mean.tolist()
        assert r.sd[i].tolist() == p.sd.tolist()
        assert r.quantiles[i, :, 1].tolist() == p.quantile(0.9).tolist()
        assert r.log_density[i].tolist() == p.log_pdf(0.2).tolist()
    assert curvecast.curve_seed(8, 0) != curvecast.curve_seed(8, 1)


def test_failures_are_per_curve_messages():
    curves = _curves(4)
    curves[1] = (np.array([1.0, 2.0, np.nan, 4.0, 5.0]), np.array([0.9, 0.8, 0.7, 0.6, 0.5]))
    curves[2] = (np.array([1.0, 2.0]), np.array([0.9, 0.8]))
    r = curvecast.extrapolate_many(curves, "pow3", [30.0], threads=2)
    assert r.failures[0] is None and r.failures[3] is None
    assert "not finite" in r.failures[1] and "too few points" in r.failures[2]
    assert np.isnan(r.mean[1]).all() and np.isnan(r.mean[2]).all() and np.isfinite(r.mean[0]).all()
    assert r.ok.tolist() == [True, False, False, True]


def test_curve_set_and_ragged_queries(data_dir):
    s = curvecast.read_curve_set(f"{data_dir}/curves/cnn_cifar10_val_error_vs_epoch.json")
    sub = [s[i] for i in range(6)]
    k = 10
    pairs = [(c.x[:k], c.y[:k]) for c in sub]
    xq = [c.x[k:] for c in sub]
    yq = [c.y[k:] for c in sub]
    r = curvecast.extrapolate_many(pairs, "ls:akaike", xq, threads=2, y_query=yq)
    for i, c in enumerate(sub):
        m = len(c.x) - k
        assert np.isfinite(r.mean[i, :m]).all() and np.isnan(r.mean[i, m:]).all()
        assert np.isfinite(r.log_density[i, :m]).all()
    whole = curvecast.extrapolate_many(s, "last", [100.0], threads=2)
    assert len(whole.ids) == len(s) and whole.ids[0] == s[0].id
    assert whole.mean[:, 0].tolist() == [c.y[-1] for c in s]


def test_bad_batch_arguments():
    curves = _curves(2)
    with pytest.raises(TypeError):
        curvecast.extrapolate_many("abc", "pow3", [30.0])
    with pytest.raises(TypeError):
        curvecast.extrapolate_many([(1.0, 2.0, 3.0)], "pow3", [30.0])
    with pytest.raises(TypeError):
        curvecast.extrapolate_many([(["a", "b"], [1.0, 2.0])], "pow3", [30.0])
    with pytest.raises(curvecast.InvalidInput, match="3 arrays for 2 curves"):
        curvecast.extrapolate_many(curves, "pow3", [np.array([30.0])] * 3)
    with pytest.raises(curvecast.UsageError):
        curvecast.extrapolate_many(curves, "nope", [30.0])
    with pytest.raises(curvecast.InvalidOptions):
        curvecast.extrapolate_many(curves, "pow3", [30.0], threads=-1)
    with pytest.raises(curvecast.InvalidOptions):
        curvecast.extrapolate_many(curves, "pow3", [30.0], walkers=4)
    with pytest.raises(TypeError):
        curvecast.extrapolate_many(curves, "pow3")
