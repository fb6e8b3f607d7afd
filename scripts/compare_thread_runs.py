#!/usr/bin/python3
"""Determinism check of a benchmark program: runs it with
--threads 1 (twice), 2 and 8, each writing --out JSON, and compares the
outputs with every timing removed, and nothing else: a key is a timing when
one of its words (split at '_' and other non-letters) is second(s), sec(s),
ms, wall, elapsed, cpu or timing (e.g. seconds_median, wall_seconds,
overhead_ms_p99, cpu_ms_median, the "timing" object), plus the thread count
(threads) and the output path (out). Result fields such as acceptance_rate,
autocorr_time or regret_rel are compared. Exit 0 when all are equal.

  /usr/bin/python3 scripts/compare_thread_runs.py BINARY [ARGS...]
(BINARY gets ARGS plus --threads T --out FILE; ARGS should keep the run short,
e.g. --limit 6.)
"""
import json
import os
import re
import subprocess
import sys
import tempfile

TIMING_WORDS = {"second", "seconds", "sec", "secs", "ms", "wall", "elapsed", "cpu", "timing"}
NOT_RESULTS = {"threads", "out"}


def is_timing(key):
    words = [w for w in re.split(r"[^a-z]+", key.lower()) if w]
    return key.lower() in NOT_RESULTS or any(w in TIMING_WORDS for w in words)


STRIPPED = set()


def strip(v):
    if isinstance(v, dict):
        STRIPPED.update(k for k in v if is_timing(k))
        return {k: strip(x) for k, x in v.items() if not is_timing(k)}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v


def first_difference(a, b, path="$"):
    if type(a) != type(b):
        return f"{path}: {a!r} vs {b!r}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: present in one run only"
            d = first_difference(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: length {len(a)} vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r} vs {b!r}"


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, t in enumerate([1, 1, 2, 8]):
            out = os.path.join(tmp, f"run{i}.json")
            cmd = argv + ["--threads", str(t), "--out", out]
            p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if p.returncode != 0:
                print(f"FAILED (exit {p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
                return 1
            with open(out) as f:
                runs.append((t, strip(json.load(f))))
    ok = True
    for t, r in runs[1:]:
        d = first_difference(runs[0][1], r)
        if d:
            ok = False
            print(f"threads 1 vs {t}: outputs differ at {d}")
    print("keys not compared: " + ", ".join(sorted(STRIPPED)))
    if ok:
        print(f"{os.path.basename(argv[0])}: identical outputs (timings removed) with --threads 1, 1, 2, 8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
