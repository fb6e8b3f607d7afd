#!/usr/bin/env bash
# Installs what is missing, builds curvecast (Release, in build/) and runs the
# main example: extrapolate a real learning curve with an interval.
# Usage: scripts/demo.sh [example arguments...]   (default: a bundled TaskSet curve,
# data/curves/taskset_imdb_rnn_val_loss.json, observed for 15 of its 51 points)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target extrapolate_curve
./build/examples/extrapolate_curve "$@"
