#!/usr/bin/env bash
# Formats the C++ sources with .clang-format (clang-format-14, Debian's
# clang-format-14 package), or with --check only reports files that differ.
#   scripts/format.sh           # rewrite in place
#   scripts/format.sh --check   # exit 1 if any file is not formatted (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
cf=$(command -v clang-format-14 || command -v clang-format || true)
[ -n "$cf" ] || { echo "scripts/format.sh: clang-format-14 not found (apt install clang-format-14)" >&2; exit 2; }
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.hpp' '*.cpp' '*.h' '*.cc')
else
  mapfile -t files < <(find include tests benchmarks examples fuzz python/src scripts -name '*.hpp' -o -name '*.cpp' -o -name '*.h' -o -name '*.cc')
fi
if [ "${1:-}" = "--check" ]; then
  "$cf" --dry-run --Werror "${files[@]}" || { echo "scripts/format.sh: run scripts/format.sh to format" >&2; exit 1; }
else
  "$cf" -i "${files[@]}"
fi
