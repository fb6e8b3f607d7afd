#!/usr/bin/env bash
# Installs what is missing, builds curvecast (Release, in build/) and runs the
# main example: extrapolate a real learning curve with an interval.
# Usage: scripts/demo.sh [example arguments...]   (default: a CIFAR-10 curve
# from ../shared/data/curves, or a built-in synthetic curve if that is absent)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target extrapolate_curve
./build/examples/extrapolate_curve "$@"
