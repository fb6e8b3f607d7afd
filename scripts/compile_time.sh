#!/usr/bin/env bash
# CPU seconds (user+sys) that a user's program spends compiling curvecast's
# headers, for each program in benchmarks/compile_time/ (each a ten-line main
# that includes only what it uses), and how many Ceres headers it parses.
# Usage: scripts/compile_time.sh [include-dir]   (default: include/)
set -euo pipefail
cd "$(dirname "$0")/.."
inc=${1:-include}
flags=(-O3 -DNDEBUG -std=c++17 -isystem /usr/include/eigen3 -I"$inc")
out=$(mktemp -d)
for src in benchmarks/compile_time/*.cpp; do
  name=$(basename "$src" .cpp)
  cpu=$( { /usr/bin/time -f "%U %S" g++ "${flags[@]}" -c "$src" -o "$out/$name.o"; } 2>&1 | tail -1 | awk '{printf "%.1f", $1 + $2}')
  ceres=$(g++ "${flags[@]}" -M "$src" | tr ' ' '\n' | grep -c ceres || true)
  printf '%-28s %6s s CPU   %3s Ceres headers\n' "$name" "$cpu" "$ceres"
done
rm -rf "$out"
