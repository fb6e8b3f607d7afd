#!/usr/bin/env bash
# Installs what is missing, builds curvecast and runs every test with CTest.
# Exits non-zero on any failure.
#
#   scripts/test.sh                      # Release build in build/, every test
#   scripts/test.sh --sanitize           # also: clang ASan+UBSan build in build-asan/
#                                        #   (tests and fuzz targets), every test there
#   scripts/test.sh --fuzz-seconds 45    # also: each fuzz target for 45 s (implies --sanitize)
#   scripts/test.sh --all                # what CI runs: --sanitize --fuzz-seconds 40; also checks the
#                                        #   formatting (scripts/format.sh --check) and makes warnings
#                                        #   errors in the Release build (CURVECAST_WERROR)
set -euo pipefail
cd "$(dirname "$0")/.."
stage() { echo "test.sh: $1 done at ${SECONDS} s"; }  # elapsed time, stage by stage
sanitize=0
fuzz_seconds=0
werror=OFF
while [ $# -gt 0 ]; do
  case "$1" in
    --sanitize) sanitize=1 ;;
    --fuzz-seconds) fuzz_seconds="$2"; sanitize=1; shift ;;
    --all) sanitize=1; fuzz_seconds=40; werror=ON ;;
    *) echo "usage: scripts/test.sh [--sanitize] [--fuzz-seconds N] [--all]" >&2; exit 2 ;;
  esac
  shift
done

if [ "$sanitize" = 1 ]; then bash scripts/deps.sh clang-14 libclang-rt-14-dev clang-format-14; else bash scripts/deps.sh; fi
# With --all (CI) the sources must be formatted (.clang-format).
if [ "$werror" = ON ]; then bash scripts/format.sh --check; fi
stage "dependencies and format check"
# The Python module and its pytest suite (python/) build and run with the rest.
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCURVECAST_BUILD_PYTHON=ON -DCURVECAST_WERROR=$werror >/dev/null
cmake --build build -j"$(nproc)"
stage "Release build"
(cd build && ctest --output-on-failure -j"$(nproc)")
stage "Release tests"

if [ "$sanitize" = 1 ]; then
  # AddressSanitizer + UndefinedBehaviorSanitizer (and libFuzzer coverage) at -O1:
  # the tests and the fuzz targets only, no benchmarks or examples. Line tables
  # are enough for symbolized reports and compile faster than full debug info.
  CXX=clang++-14 cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" \
    -DCURVECAST_SANITIZE=ON -DCURVECAST_BUILD_FUZZERS=ON -DCURVECAST_BUILD_BENCHMARKS=OFF \
    -DCURVECAST_BUILD_EXAMPLES=OFF -DCURVECAST_INSTALL=OFF >/dev/null
  cmake --build build-asan -j"$(nproc)"
  stage "sanitizer build"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # The consumer_* tests build their own unsanitized projects: they ran above.
  (cd build-asan && ctest --output-on-failure -j"$(nproc)" -E '^consumer_')
  stage "sanitizer tests"
fi

if [ "$fuzz_seconds" != 0 ]; then
  # Short bounded runs from the committed seed corpora; a crash, a sanitizer
  # report, a NaN finding or a hang (-timeout) fails the script. fuzz_fit, the
  # target that fits curves, runs for the full time on one core while the two
  # cheap targets (json, predictive) take half the time each, one after the
  # other, on the second core.
  fuzz_one() {  # target seconds -> exit status; log in $FUZZ_DIR/target.log
    local t=$1 secs=$2 work="$FUZZ_DIR/$1"
    mkdir -p "$work"
    cp fuzz/corpus/"${t#fuzz_}"/* "$work"/ 2>/dev/null || true
    local dict=(); [ -f fuzz/"${t#fuzz_}".dict ] && dict=(-dict=fuzz/"${t#fuzz_}".dict)
    build-asan/fuzz/"$t" "${dict[@]}" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 \
      -print_final_stats=1 -artifact_prefix="$work/" "$work" >"$FUZZ_DIR/$t.log" 2>&1
  }
  report() {  # target exit-status
    local t=$1 rc=$2
    echo "fuzzed $t"
    grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' "$FUZZ_DIR/$t.log" || true
    if [ "$rc" != 0 ]; then
      tail -n 60 "$FUZZ_DIR/$t.log"
      echo "fuzz target $t failed (exit $rc); reproducer(s): $(ls "$FUZZ_DIR/$t" | grep -E '^(crash|timeout|oom|leak)-' || true)" >&2
      exit 1
    fi
  }
  FUZZ_DIR=$(mktemp -d)
  half=$(( (fuzz_seconds + 1) / 2 ))
  echo "fuzzing fuzz_fit for ${fuzz_seconds} s while fuzz_json, then fuzz_predictive, run ${half} s each"
  rc_json=0; rc_pred=0; rc_fit=0
  fuzz_one fuzz_fit "$fuzz_seconds" & pid_fit=$!
  fuzz_one fuzz_json "$half" || rc_json=$?
  fuzz_one fuzz_predictive "$half" || rc_pred=$?
  wait "$pid_fit" || rc_fit=$?
  report fuzz_json "$rc_json"
  report fuzz_predictive "$rc_pred"
  report fuzz_fit "$rc_fit"
  rm -rf "$FUZZ_DIR"
  echo "fuzzing: 3 passed, 0 failed"
  stage "fuzzing"
fi
