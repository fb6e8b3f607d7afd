#!/usr/bin/python3
"""Failure accounting of lc_bench runs.

Reads one or more lc_bench --out JSON files and checks that
  * no numeric output is NaN/missing (JSON null where a number belongs, or a
    NaN/Infinity literal in the file),
  * every failed case carries a non-empty reason,
then prints the counts of cases and failures by method and by reason (the
message with numbers and quoted names replaced by placeholders, so that the
same reason on different curves is counted once).
Exit status: 0 when every check holds, 1 otherwise.

  /usr/bin/python3 scripts/failure_accounting.py run1.json [run2.json ...] [--markdown]
"""
import collections
import json
import math
import re
import sys

NUMERIC = ("n", "k", "tail", "ll", "mse", "final_ae", "cover90", "seconds", "floored", "cutoff")


def reason_key(msg):
    m = re.sub(r"'[^']*'", "'…'", msg)
    m = re.sub(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", "#", m)
    return m.strip()


def main(argv):
    md = "--markdown" in argv
    paths = [a for a in argv if a != "--markdown"]
    if not paths:
        print(__doc__)
        return 2
    problems = []
    cases = collections.Counter()
    fails = collections.Counter()
    reasons = collections.Counter()
    examples = {}
    for path in paths:
        text = open(path).read()
        if re.search(r"\bNaN\b|\bInfinity\b", text):
            problems.append(f"{path}: NaN or Infinity literal in the file")
        doc = json.loads(text)
        for c in doc["cases"]:
            key = (c["method"], c["cutoff"])
            cases[key] += 1
            for f in NUMERIC:
                if f in c and (c[f] is None or (isinstance(c[f], float) and math.isnan(c[f]))):
                    problems.append(f"{path}: {c['curve_id']} {c['method']} {c['cutoff']}: {f} is NaN/null")
            if c.get("failed"):
                fails[key] += 1
                why = c.get("error", "")
                if not why.strip():
                    problems.append(f"{path}: {c['curve_id']} {c['method']} {c['cutoff']}: failure without a reason")
                r = (c["method"], reason_key(why))
                reasons[r] += 1
                examples.setdefault(r, c["curve_id"])
        for a in doc.get("aggregates", []):
            for f, v in a.items():
                if v is None:
                    problems.append(f"{path}: aggregate {a.get('method')} {a.get('cutoff')}: {f} is null")
    total = sum(cases.values())
    nfail = sum(fails.values())
    print(f"cases: {total}, failures: {nfail}, NaN/null outputs or unexplained failures: {len(problems)}")
    methods = sorted({m for m, _ in cases})
    cutoffs = sorted({c for _, c in cases})
    sep = "|" if md else " "
    if md:
        print("\n| method | " + " | ".join(f"failures @{c}" for c in cutoffs) + " | cases |")
        print("|---|" + "---|" * (len(cutoffs) + 1))
    for m in methods:
        row = [str(fails[(m, c)]) for c in cutoffs]
        n = sum(cases[(m, c)] for c in cutoffs)
        if md:
            print(f"| {m} | " + " | ".join(row) + f" | {n} |")
        else:
            print(f"{m:>16} " + " ".join(f"{c}:{r:>5}" for c, r in zip(cutoffs, row)) + f"  of {n}")
    if reasons:
        print("\n| method | reason | count | example curve |" if md else "\nby reason:")
        if md:
            print("|---|---|---|---|")
        for (m, r), k in sorted(reasons.items(), key=lambda t: (-t[1], t[0])):
            if md:
                print(f"| {m} | `{r}` | {k} | {examples[(m, r)]} |")
            else:
                print(f"{k:>7}  {m}: {r}   (e.g. {examples[(m, r)]})")
    for p in problems[:50]:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
