#!/usr/bin/python3
"""Recompute the `last` baseline rows of an lc_bench JSON from the data, by hand.

Usage: /usr/bin/python3 scripts/check_last.py r.json [--data CURVES.json]

Follows the extrapolation protocol (docs/protocol.md) independently of the C++ code:
k = max(4, floor(f * n)); cases with fewer than 2 tail points are skipped;
`last` predicts N(y[k-1], sd^2) with sd = max(pstdev(diffs of the prefix) / sqrt(2), 1e-6);
ll = mean of max(log N(y_i), -50); mse; final_ae; cover90 from the central 90% interval.
Then recomputes the `last` aggregates (n, failures, means, medians, floored).
Exits 1 on any mismatch (relative tolerance 1e-9). Standard library only.
"""
import argparse
import json
import math
import statistics
import sys

FLOOR = -50.0
Z95 = statistics.NormalDist().inv_cdf(0.95)


def close(a, b, rtol=1e-9, atol=1e-12):
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def last_row(x, y, cutoff):
    n = len(y)
    k = max(4, math.floor(cutoff * n))
    if n - k < 2:
        return None
    prefix = y[:k]
    diffs = [prefix[i + 1] - prefix[i] for i in range(k - 1)]
    sd = max(statistics.pstdev(diffs) / math.sqrt(2), 1e-6)
    mu = prefix[-1]
    tail = y[k:]
    lps, floored, inside = [], 0, 0
    for v in tail:
        z = (v - mu) / sd
        lp = -0.5 * math.log(2 * math.pi) - math.log(sd) - 0.5 * z * z
        if not lp > FLOOR:
            lp = FLOOR
            floored += 1
        lps.append(lp)
        inside += mu - Z95 * sd <= v <= mu + Z95 * sd
    m = len(tail)
    return {"k": k, "n": n, "ll": sum(lps) / m, "mse": sum((mu - v) ** 2 for v in tail) / m,
            "final_ae": abs(mu - tail[-1]), "cover90": inside / m, "floored": floored}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("result", help="lc_bench --out JSON")
    ap.add_argument("--data", help="curve set (default: the path recorded in the result's meta)")
    a = ap.parse_args()
    res = json.load(open(a.result))
    for key in ("cases", "aggregates"):
        if key not in res:
            sys.exit(f"{a.result}: no top-level '{key}'")
    data_path = a.data or res.get("meta", {}).get("data")
    curves = json.load(open(data_path))["curves"]

    bad = 0
    rows = [r for r in res["cases"] if r["method"] == "last"]
    if not rows:
        sys.exit("no `last` rows in " + a.result)
    mine = {}
    for r in rows:
        c = curves[r["curve_index"]]
        if c["id"] != r["curve_id"]:
            print(f"curve index {r['curve_index']}: id {r['curve_id']} != data id {c['id']}")
            bad += 1
            continue
        e = last_row(c["x"], c["y"], r["cutoff"])
        if e is None:
            print(f"{r['curve_id']} cutoff {r['cutoff']}: scored although it has < 2 tail points")
            bad += 1
            continue
        mine[(r["curve_index"], r["cutoff"])] = e
        if r["failed"]:
            print(f"{r['curve_id']} cutoff {r['cutoff']}: last failed: {r['error']}")
            bad += 1
        for f in ("k", "n", "floored"):
            if r[f] != e[f]:
                print(f"{r['curve_id']} cutoff {r['cutoff']}: {f} {r[f]} != {e[f]}")
                bad += 1
        for f in ("ll", "mse", "final_ae", "cover90"):
            if not close(r[f], e[f]):
                print(f"{r['curve_id']} cutoff {r['cutoff']}: {f} {r[f]!r} != {e[f]!r}")
                bad += 1

    # Completeness: every curve in the run has a `last` row for every cutoff with >= 2 tail points.
    meta = res.get("meta", {})
    cutoffs = meta.get("cutoffs") or sorted({r["cutoff"] for r in rows})
    indices = {r["curve_index"] for r in res["cases"]}
    if not meta.get("ids_file") and not meta.get("limit") and not meta.get("sample"):
        indices = set(range(len(curves)))
    missing = 0
    for i in sorted(indices):
        for f in cutoffs:
            if last_row(curves[i]["x"], curves[i]["y"], f) is not None and (i, f) not in mine:
                missing += 1
    if missing:
        print(f"{missing} (curve, cutoff) cases are missing `last` rows")
        bad += missing

    # Aggregates of `last`.
    for agg in res["aggregates"]:
        if agg["method"] != "last":
            continue
        es = [e for (i, f), e in mine.items() if f == agg["cutoff"]]
        want = {"n": len(es), "failures": 0, "floored": sum(e["floored"] for e in es)}
        for f in ("ll", "mse", "final_ae", "cover90"):
            vals = [e[f] for e in es]
            want[f + "_mean"] = sum(vals) / len(vals)
            want[f + "_median"] = statistics.median(vals)
        for f, v in want.items():
            if f not in agg:
                continue
            ok = agg[f] == v if isinstance(v, int) else close(agg[f], v)
            if not ok:
                print(f"aggregate last cutoff {agg['cutoff']}: {f} {agg[f]!r} != {v!r}")
                bad += 1
        print(f"cutoff {agg['cutoff']}: last n={want['n']} ll_mean={want['ll_mean']:.6f} "
              f"ll_median={want['ll_median']:.6f} mse_mean={want['mse_mean']:.6g} "
              f"final_ae_mean={want['final_ae_mean']:.6g} cover90_mean={want['cover90_mean']:.4f} "
              f"floored={want['floored']}")

    print(f"checked {len(rows)} `last` rows against {data_path}: {'OK' if bad == 0 else str(bad) + ' mismatches'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
