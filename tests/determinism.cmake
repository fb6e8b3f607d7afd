# Determinism of the benchmark programs (issue 7): each runs with --threads 1
# (twice), 2 and 8 on a short selection, and its JSON outputs must be identical
# with the timings removed (scripts/compare_thread_runs.py). Registered only for
# the programs this tree has, when benchmarks are built and /usr/bin/python3 exists.
if(CURVECAST_BUILD_BENCHMARKS AND EXISTS /usr/bin/python3)
  set(_cc_cmp /usr/bin/python3 ${PROJECT_SOURCE_DIR}/scripts/compare_thread_runs.py)
  set(_cc_curves ${CURVECAST_DATA_DIR}/curves)
  if(EXISTS ${PROJECT_SOURCE_DIR}/benchmarks/lc_bench.cpp AND EXISTS ${_cc_curves}/cnn_cifar10_val_error_vs_epoch.json)
    add_test(NAME determinism_lc_bench COMMAND ${_cc_cmp} $<TARGET_FILE:lc_bench>
      --data ${_cc_curves}/lcdb11_val_error_vs_trainsize.json --sample 6 --seed 3
      --methods last,pow4,ls:akaike,ls:best-holdout --cutoffs 0.1,0.2,0.4,0.8 --no-progress)
  endif()
endif()
