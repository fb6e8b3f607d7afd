"""Every method name, fitted from Python, gives the C++ factory's predictions bit for bit."""
import numpy as np
import pytest

import curvecast
from conftest import synthetic_curve

ALIASES = ["log_power", "vap"]


def test_methods_list_matches_the_factory():
    names = curvecast.methods()
    for n in ["last", "ls:akaike", "ls:best-aicc", "ls:best-holdout", "ensemble", "ensemble:lcpfn"]:
        assert n in names
    fams = [f["name"] for f in curvecast.families()]
    assert len(fams) >= 21
    for f in fams:
        assert f in names and "mcmc:" + f in names


@pytest.mark.parametrize("seed", [0, 7])
def test_every_method_matches_cpp_bit_for_bit(reference, seed):
    x, y = synthetic_curve(18, seed=seed + 1)
    xq = [20.0, 30.0, 50.0, 100.0]
    methods = curvecast.methods() + ALIASES
    ref = reference({"x": x.tolist(), "y": y.tolist(), "higher_is_better": False, "seed": seed,
                     "x_query": xq, "methods": methods})
    fitted = 0
    for m in methods:
        r = ref[m]
        if "error" in r:  # the same failure from Python, with the same message
            with pytest.raises(curvecast.Error) as e:
                curvecast.fit(x, y, method=m, seed=seed)
            assert str(e.value) == r["error"]
            continue
        p = curvecast.fit(x, y, method=m, seed=seed).predict(np.array(xq))
        assert p.mean.tolist() == r["mean"], m
        assert p.sd.tolist() == r["sd"], m
        fitted += 1
    assert fitted >= len(methods) - 3  # nearly every method fits this curve


def test_real_curve_higher_is_better_matches_cpp(reference, cnn_curve):
    x, y, hib = cnn_curve
    acc_y = 1.0 - y[:15]  # accuracy: higher is better
    xq = [20.0, 40.0, float(x[-1])]
    methods = ["ensemble", "ls:akaike", "pow4", "mcmc:pow3", "last"]
    ref = reference({"x": x[:15].tolist(), "y": acc_y.tolist(), "higher_is_better": True, "seed": 11,
                     "x_query": xq, "methods": methods})
    for m in methods:
        p = curvecast.fit(x[:15], acc_y, method=m, higher_is_better=True, seed=11).predict(xq)
        assert p.mean.tolist() == ref[m]["mean"], m
