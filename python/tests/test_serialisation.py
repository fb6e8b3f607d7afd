"""Pickle and JSON round trips give the same predictions, bit for bit."""
import json
import pickle
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

import curvecast
from conftest import synthetic_curve

XQ = np.array([25.0, 50.0, 100.0])


@pytest.mark.parametrize("method", ["pow3", "ls:akaike", "ls:best-holdout", "ensemble", "ensemble:lcpfn",
                                    "mcmc:pow3", "last"])
def test_pickle_and_json_round_trip(method):
    x, y = synthetic_curve(20)
    if method == "ensemble:lcpfn":
        y = np.clip(y, 0, 1)
    ex = curvecast.fit(x, y, method=method, seed=5)
    want = ex.predict(XQ)
    for back in (pickle.loads(pickle.dumps(ex)), curvecast.Extrapolator.from_json(ex.to_json())):
        assert back.method == method and back.seed == 5 and back.is_fitted
        got = back.predict(XQ)
        assert got.mean.tolist() == want.mean.tolist()
        assert got.sd.tolist() == want.sd.tolist()
        assert back.x.tolist() == x.tolist()
        assert np.array_equal(back.sample_curves(XQ, 20, seed=1), ex.sample_curves(XQ, 20, seed=1))


def test_json_form_holds_method_options_and_observations():
    x, y = synthetic_curve(12)
    ex = curvecast.fit(x, y, method="pow4", seed=3, num_starts=2, loss="huber")
    doc = json.loads(ex.to_json())
    assert doc["format"] == "curvecast.extrapolator"
    assert doc["method"] == "pow4" and doc["seed"] == 3
    assert doc["options"] == {"num_starts": 2, "loss": "huber"}
    assert doc["observations"] == {"x": x.tolist(), "y": y.tolist(), "higher_is_better": False}
    back = curvecast.Extrapolator.from_json(ex.to_json())
    assert back.options == {"num_starts": 2, "loss": "huber"}


def test_warm_started_posterior_replays_its_fits():
    # A posterior refitted on extended observations starts from its previous
    # samples; the document keeps the fit lengths so loading gives the same state.
    x, y = synthetic_curve(20)
    warm = curvecast.Extrapolator("ensemble", seed=2)
    warm.fit(x[:12], y[:12])
    warm.fit(x, y)
    assert json.loads(warm.to_json())["fit_prefixes"] == [12, 20]
    cold = curvecast.fit(x, y, method="ensemble", seed=2)
    assert json.loads(cold.to_json())["fit_prefixes"] == [20]
    assert warm.diagnostics["warm_started"] and not cold.diagnostics["warm_started"]
    back = pickle.loads(pickle.dumps(warm))
    assert back.diagnostics["warm_started"]
    assert back.predict(XQ).mean.tolist() == warm.predict(XQ).mean.tolist()
    # A fit on unrelated data starts cold again and forgets the history.
    warm.fit(x[:15] * 2, y[:15])
    assert json.loads(warm.to_json())["fit_prefixes"] == [15]


def test_unfitted_round_trip_and_subclass_pickle():
    ex = curvecast.PosteriorExtrapolator(family="pow3", seed=9, steps=50)
    back = pickle.loads(pickle.dumps(ex))
    assert type(back) is curvecast.PosteriorExtrapolator
    assert back.method == "mcmc:pow3" and back.seed == 9 and not back.is_fitted
    assert back.options == {"steps": 50}


def _mean_at_50(ex):
    return ex.predict(50.0).mean


def test_extrapolators_cross_process_boundaries():
    x, y = synthetic_curve(20)
    exs = [curvecast.fit(x, y, method=m, seed=1) for m in ("pow3", "ls:akaike", "ensemble")]
    with ProcessPoolExecutor(max_workers=2) as pool:
        got = list(pool.map(_mean_at_50, exs))
    assert got == [e.predict(50.0).mean for e in exs]


def test_bad_documents_are_json_errors():
    with pytest.raises(curvecast.JsonError):
        curvecast.Extrapolator.from_json("{not json")
    with pytest.raises(curvecast.JsonError):
        curvecast.Extrapolator.from_json('{"format": "something else"}')
    with pytest.raises(curvecast.JsonError):
        curvecast.Extrapolator.from_json('{"format": "curvecast.extrapolator", "seed": 0}')
    x, y = synthetic_curve(12)
    doc = json.loads(curvecast.fit(x, y, method="pow3").to_json())
    doc["fit_prefixes"] = [99]
    with pytest.raises(curvecast.JsonError):
        curvecast.Extrapolator.from_json(json.dumps(doc))


def test_curve_sets(data_dir, tmp_path):
    s = curvecast.read_curve_set(f"{data_dir}/curves/cnn_cifar10_val_error_vs_epoch.json")
    assert len(s) > 10 and s.higher_is_better is False and s.x_name
    c = s[0]
    assert isinstance(c.x, np.ndarray) and c.x.shape == c.y.shape and c.id
    again = curvecast.parse_curve_set(s.to_json())
    assert len(again) == len(s) and again[0].y.tolist() == c.y.tolist()
    assert [cv.id for cv in again] == [cv.id for cv in s]
    p = tmp_path / "set.json"
    p.write_text(s.to_json())
    assert len(curvecast.read_curve_set(p)) == len(s)
