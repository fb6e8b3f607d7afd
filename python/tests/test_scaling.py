"""Scaling laws from Python: fits recover known parameters, allocation, bootstrap, posterior."""
import numpy as np
import pytest

import curvecast
from curvecast import scaling

TRUE = np.array([np.log(400.0), np.log(1800.0), np.log(1.7), 0.34, 0.28])  # a, b, e, alpha, beta


def _chinchilla_data():
    n = np.geomspace(1e7, 1e10, 8)
    d = np.geomspace(1e9, 1e12, 8)
    nn, dd = np.meshgrid(n, d)
    x = np.column_stack([nn.ravel(), dd.ravel()])
    y = scaling.predict_law("chinchilla", TRUE, x)
    return x, y


def test_laws_listed():
    names = [l["name"] for l in scaling.laws()]
    assert {"chinchilla", "kaplan", "overtraining", "saturating_power"} <= set(names)


def test_chinchilla_fit_recovers_parameters_and_allocation():
    x, y = _chinchilla_data()
    expected = 1.7 + 400.0 / x[:, 0] ** 0.34 + 1800.0 / x[:, 1] ** 0.28
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    fit = scaling.fit_law("chinchilla", x, y)
    np.testing.assert_allclose(fit.params, TRUE, rtol=1e-5, atol=1e-6)
    assert fit.param_names == ["a", "b", "e", "alpha", "beta"] and fit.space == "log"
    np.testing.assert_allclose(fit.predict(x), y, rtol=1e-8)
    c = np.array([1e21, 1e23, 1e25])
    n_opt, d_opt, l_opt = scaling.compute_optimal(TRUE, c)
    np.testing.assert_allclose(6 * n_opt * d_opt, c, rtol=1e-12)
    # the optimum along C = 6 N D: moving N either way raises the loss
    for f in (0.9, 1.1):
        other = scaling.predict_law("chinchilla", TRUE, np.column_stack([n_opt * f, d_opt / f]))
        assert np.all(other > l_opt)
    n1, d1, l1 = scaling.compute_optimal(TRUE, 1e23)
    assert isinstance(n1, float) and n1 == n_opt[1]


def test_bootstrap_is_thread_independent_and_feeds_allocation():
    rng = np.random.default_rng(0)
    x, y = _chinchilla_data()
    y = y * np.exp(rng.normal(0, 0.01, len(y)))
    fit = scaling.fit_law("chinchilla", x, y)
    b1 = scaling.bootstrap_law(fit, x, y, num_resamples=24, seed=3, threads=1)
    b2 = scaling.bootstrap_law(fit, x, y, num_resamples=24, seed=3, threads=2)
    assert b1.params.shape == (24, 5)
    assert np.array_equal(b1.params, b2.params, equal_nan=True)
    a = scaling.allocation_intervals(fit.params, b1.params, 1e23, level=0.8)
    assert a["n_opt"].lower <= a["n_opt"].estimate <= a["n_opt"].upper
    assert a["n_opt"].num_draws == 24 - b1.num_failed


def test_one_input_law_and_posterior():
    x = np.geomspace(1e6, 1e9, 12)
    y = 0.5 + 10.0 * x ** -0.3
    fit = scaling.fit_law("saturating_power", x, y)
    np.testing.assert_allclose(fit.params, [0.5, 10.0, 0.3], rtol=1e-4)
    post = scaling.sample_posterior(fit, x, y * np.exp(np.linspace(-0.01, 0.01, 12)), seed=1,
                                    steps=200, burn_in=100)
    assert post.samples.shape[1] == 4 and post.param_names[-1] == "log_scale"
    assert len(post.log_posterior) == post.samples.shape[0]


def test_scaling_errors():
    x, y = _chinchilla_data()
    with pytest.raises(curvecast.UsageError, match="unknown scaling law"):
        scaling.fit_law("nope", x, y)
    with pytest.raises(curvecast.InvalidInput, match="takes 2 input"):
        scaling.fit_law("chinchilla", x[:, 0], y)
    with pytest.raises(curvecast.InvalidInput, match="rows"):
        scaling.fit_law("chinchilla", x, y[:-1])
    bad = x.copy()
    bad[0, 0] = -1
    with pytest.raises(curvecast.InvalidInput, match="must be finite and > 0"):
        scaling.fit_law("chinchilla", bad, y)
    with pytest.raises(curvecast.InvalidInput):
        scaling.compute_optimal(TRUE, [-1.0])
    with pytest.raises(curvecast.InvalidOptions, match="unknown option"):
        scaling.fit_law("chinchilla", x, y, huber=1)
