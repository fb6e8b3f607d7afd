#!/usr/bin/python3
"""Same program, two builds: runs BEFORE and AFTER with the same ARGS (plus
--threads 2 --out FILE) and compares their JSON outputs with the timings
removed exactly as scripts/compare_thread_runs.py removes them. Exit 0 when
they are identical.
  /usr/bin/python3 scripts/compare_builds.py BEFORE_BINARY AFTER_BINARY [ARGS...]
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_thread_runs import STRIPPED, first_difference, strip  # noqa: E402


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    before, after, args = argv[0], argv[1], argv[2:]
    outs = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, binary in enumerate([before, after]):
            out = os.path.join(tmp, f"run{i}.json")
            cmd = [binary] + args + ["--threads", "2", "--out", out]
            p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if p.returncode != 0:
                print(f"FAILED (exit {p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
                return 1
            with open(out) as f:
                outs.append(strip(json.load(f)))
    d = first_difference(outs[0], outs[1])
    print("keys not compared: " + ", ".join(sorted(STRIPPED)))
    if d:
        print(f"{os.path.basename(after)}: outputs differ at {d}")
        return 1
    print(f"{os.path.basename(after)}: identical outputs (timings removed), before and after")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
