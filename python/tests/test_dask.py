"""curvecast.dask.extrapolate on real Dask clusters (python3-distributed)."""

import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

import curvecast  # noqa: E402
import curvecast.dask as ccd  # noqa: E402

CHEAP = "pow3"          # plumbing tests: least squares of one family (~0.2 ms a curve)
SEEDED = "mcmc:pow3"    # a sampled method: shows the seeds follow the global index
X_QUERY = np.array([30.0, 60.0, 100.0])


def make_curves(n, seed=0, points=12):
    rng = np.random.default_rng(seed)
    curves = []
    for i in range(n):
        x = np.arange(1.0, points + 1)
        a, b, c = 0.1 + 0.3 * rng.random(), 0.5 + rng.random(), 0.3 + 0.7 * rng.random()
        curves.append((x, a + b * x ** -c + rng.normal(0, 0.005, points)))
    return curves


TIMING = ("seconds", "wall_seconds", "threads")


def assert_identical(a, b, top=True):
    """Same structure, same arrays bit for bit (NaN equal to NaN); timing fields left out."""
    assert type(a) is type(b)
    if dataclasses.is_dataclass(a):
        a, b = dataclasses.asdict(a), dataclasses.asdict(b)
    if isinstance(a, np.ndarray):
        assert a.shape == b.shape and a.dtype == b.dtype
        assert np.array_equal(a, b, equal_nan=True)
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            if not (top and k in TIMING):
                assert_identical(a[k], b[k], top=False)
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for u, v in zip(a, b):
            assert_identical(u, v, top=False)
    else:
        assert a == b or (a != a and b != b)


@pytest.fixture(scope="module")
def cluster():
    # Worker processes (not threads): the killed-worker test needs real processes.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, host="127.0.0.1") as c:
        with distributed.Client(c) as client:
            yield c, client


def test_partition_bounds():
    assert ccd.partition_bounds(10, 3) == [(0, 3), (3, 6), (6, 10)]
    assert ccd.partition_bounds(2, 5) == [(0, 1), (1, 2)]
    assert ccd.partition_bounds(0, 4) == []
    b = ccd.partition_bounds(1000, 7)
    assert b[0][0] == 0 and b[-1][1] == 1000 and all(b[i][1] == b[i + 1][0] for i in range(6))


def test_identical_to_single_machine_whatever_the_partitioning(cluster):
    _, client = cluster
    curves = make_curves(9)
    ref = curvecast.extrapolate_many(curves, SEEDED, X_QUERY, threads=1, seed=11)
    assert_identical(ref, curvecast.extrapolate_many(curves, SEEDED, X_QUERY, threads=2, seed=11))
    for parts in (1, 2, 4, 9, 50):
        got = ccd.extrapolate(curves, SEEDED, X_QUERY, client, seed=11, partitions=parts)
        assert_identical(ref, got)
    # the seed matters (so the equality above is not vacuous)
    other = curvecast.extrapolate_many(curves, SEEDED, X_QUERY, threads=1, seed=12)
    with pytest.raises(AssertionError):
        assert_identical(ref, other)


def test_default_partitions_and_empty_input(cluster):
    _, client = cluster
    curves = make_curves(5, seed=3)
    ref = curvecast.extrapolate_many(curves, CHEAP, X_QUERY, threads=1, seed=0)
    assert_identical(ref, ccd.extrapolate(curves, CHEAP, X_QUERY, client))
    assert_identical(curvecast.extrapolate_many([], CHEAP, X_QUERY, threads=1, seed=0),
                     ccd.extrapolate([], CHEAP, X_QUERY, client))
    with pytest.raises(ValueError):
        ccd.extrapolate(curves, CHEAP, X_QUERY, client, partitions=0)


def test_bad_curve_is_reported_as_in_the_single_call(cluster):
    _, client = cluster
    curves = make_curves(4, seed=5)
    curves[2] = (curves[2][0], np.full(12, np.nan))
    ref = curvecast.extrapolate_many(curves, CHEAP, X_QUERY, threads=1, seed=0)
    assert ref.failures[2] and ref.failures[0] is None
    assert_identical(ref, ccd.extrapolate(curves, CHEAP, X_QUERY, client, partitions=3))
    with pytest.raises(TypeError):  # a bad type raises on the worker, and here
        ccd.extrapolate(curves[:2] + ["not a curve"], CHEAP, X_QUERY, client, partitions=2, retries=0)


def test_curve_set_and_curve_objects_keep_their_ids(cluster):
    _, client = cluster
    curves = make_curves(5, seed=8)
    doc = {"source": "test", "x_name": "epoch", "y_name": "accuracy", "higher_is_better": True,
           "curves": [{"id": f"run-{i}", "task": "t", "x": list(x), "y": list(1 - y)}
                      for i, (x, y) in enumerate(curves)]}
    cset = curvecast.parse_curve_set(json.dumps(doc))
    ref = curvecast.extrapolate_many(cset, CHEAP, X_QUERY, threads=1, seed=2)
    assert ref.ids == [f"run-{i}" for i in range(5)]
    assert_identical(ref, ccd.extrapolate(cset, CHEAP, X_QUERY, client, seed=2, partitions=2))
    assert_identical(ref, ccd.extrapolate(list(cset.curves), CHEAP, X_QUERY, client, seed=2, partitions=3,
                                          higher_is_better=True))


def test_ragged_queries_are_padded_as_in_the_single_call(cluster):
    _, client = cluster
    curves = make_curves(5, seed=6)
    xq = [np.array([20.0]), np.array([20.0, 40.0, 80.0]), np.array([15.0, 30.0]),
          np.array([50.0]), np.array([13.0, 26.0, 52.0, 104.0])]
    ref = curvecast.extrapolate_many(curves, CHEAP, xq, threads=1, seed=0)
    assert_identical(ref, ccd.extrapolate(curves, CHEAP, xq, client, partitions=3))


def test_killed_worker_partitions_are_recomputed(cluster):
    _, client = cluster
    curves = make_curves(96, seed=7, points=15)
    ref = curvecast.extrapolate_many(curves, SEEDED, X_QUERY, threads=1, seed=3)
    pids = client.run(os.getpid)  # worker address -> process id
    result, error = {}, {}

    def run():
        try:
            result["r"] = ccd.extrapolate(curves, SEEDED, X_QUERY, client, seed=3, partitions=8)
        except Exception as e:  # pragma: no cover - reported below
            error["e"] = e

    t = threading.Thread(target=run)
    t.start()
    victim = None
    deadline = time.monotonic() + 60
    while victim is None and time.monotonic() < deadline and t.is_alive():
        busy = {w: keys for w, keys in client.processing().items()
                if any(str(k).startswith("curvecast-extrapolate-") for k in keys)}
        if len(busy) == 2:  # both workers hold partitions: kill one of them mid-run
            victim = sorted(busy)[0]
            held = list(busy[victim])
            os.kill(pids[victim], signal.SIGKILL)
        else:
            time.sleep(0.01)
    t.join(120)
    assert victim is not None, "the computation ended before a worker could be killed"
    assert held
    assert not error, error
    assert_identical(ref, result["r"])
    # the nanny replaced the killed process
    client.wait_for_workers(2, timeout=60)
    assert pids[victim] not in client.run(os.getpid).values()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_command_line_scheduler_and_two_workers(tmp_path):
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ)
    # the workers must import the same curvecast as this process
    pkg_root = os.path.dirname(os.path.dirname(os.path.abspath(curvecast.__file__)))
    env["PYTHONPATH"] = pkg_root + os.pathsep + env.get("PYTHONPATH", "")
    dask_cli = shutil.which("dask")  # the `dask` program of python3-distributed
    if dask_cli is None:
        pytest.skip("the dask command-line program is not on PATH")
    procs = []
    try:
        procs.append(subprocess.Popen(
            [dask_cli, "scheduler", "--host", "127.0.0.1", "--port", str(port),
             "--no-dashboard"], env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for i in range(2):
            procs.append(subprocess.Popen(
                [dask_cli, "worker", address, "--nthreads", "1", "--no-nanny",
                 "--no-dashboard", "--host", "127.0.0.1", "--name", f"w{i}"],
                env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        with distributed.Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
            assert len(client.scheduler_info()["workers"]) == 2
            curves = make_curves(6, seed=9)
            ref = curvecast.extrapolate_many(curves, SEEDED, X_QUERY, threads=1, seed=5)
            assert_identical(ref, ccd.extrapolate(curves, SEEDED, X_QUERY, client, seed=5))
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
