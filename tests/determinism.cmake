# Determinism of the benchmark programs: each runs with --threads 1
# (twice), 2 and 8 on a short selection, and its JSON outputs must be identical
# with the timings removed (scripts/compare_thread_runs.py; it prints the keys it
# did not compare). Registered only for the programs this tree has, when
# benchmarks are built and /usr/bin/python3 exists. Each takes < 20 s in Release
# on a shared 2-core machine (docs/reliability.md).
if(CURVECAST_BUILD_BENCHMARKS AND EXISTS /usr/bin/python3)
  set(_cc_cmp /usr/bin/python3 ${PROJECT_SOURCE_DIR}/scripts/compare_thread_runs.py)
  set(_cc_curves ${CURVECAST_BUNDLED_DATA_DIR}/curves)  # bundled: these run on a fresh clone
  set(_cc_det_tests)
  if(EXISTS ${PROJECT_SOURCE_DIR}/benchmarks/lc_bench.cpp AND EXISTS ${_cc_curves}/lcdb11_val_error_vs_trainsize.json)
    # Least-squares methods (seeded multi-start fits, Akaike mixtures, holdout selection).
    add_test(NAME determinism_lc_bench COMMAND ${_cc_cmp} $<TARGET_FILE:lc_bench>
      --data ${_cc_curves}/lcdb11_val_error_vs_trainsize.json --sample 6 --seed 3
      --methods last,pow4,ls:akaike,ls:best-holdout --cutoffs 0.1,0.2,0.4,0.8 --no-progress)
    # Posteriors: the MCMC ensemble (both priors) and two single-family posteriors.
    add_test(NAME determinism_lc_bench_posteriors COMMAND ${_cc_cmp} $<TARGET_FILE:lc_bench>
      --data ${_cc_curves}/lcdb11_val_error_vs_trainsize.json --sample 8 --seed 3
      --methods ensemble,ensemble:lcpfn,mcmc:pow3,mcmc:mmf4 --cutoffs 0.1,0.2,0.4,0.8 --no-progress)
    list(APPEND _cc_det_tests determinism_lc_bench determinism_lc_bench_posteriors)
  endif()
  if(EXISTS ${PROJECT_SOURCE_DIR}/benchmarks/es_bench.cpp AND EXISTS ${_cc_curves}/taskset_imdb_rnn_val_loss.json)
    # Early stopping in a replayed training loop (posterior refits with warm
    # starts, prefix by prefix): 4 tasks run on the worker threads, default
    # method (the MCMC ensemble); the JSON's forecast_digest fingerprints every forecast,
    # and its p_better calibration bins and compute fractions (all cost models) are compared too.
    add_test(NAME determinism_es_bench COMMAND ${_cc_cmp} $<TARGET_FILE:es_bench>
      --data ${_cc_curves}/taskset_imdb_rnn_val_loss.json --max-tasks 4 --max-curves-per-task 5
      --seeds 2 --thresholds 0.05 --cost sum-x)
    list(APPEND _cc_det_tests determinism_es_bench)
  endif()
  if(EXISTS ${PROJECT_SOURCE_DIR}/benchmarks/es_bench.cpp AND EXISTS ${_cc_curves}/lcdb11_val_error_vs_trainsize.json)
    # The same with a single-family posterior (mcmc:pow3) on 2 tasks of LCDB curves.
    add_test(NAME determinism_es_bench_mcmc COMMAND ${_cc_cmp} $<TARGET_FILE:es_bench>
      --data ${_cc_curves}/lcdb11_val_error_vs_trainsize.json --max-tasks 2 --max-curves-per-task 3
      --seeds 2 --thresholds 0.05 --method mcmc:pow3 --max-extrapolation 4)
    list(APPEND _cc_det_tests determinism_es_bench_mcmc)
  endif()
  if(EXISTS ${PROJECT_SOURCE_DIR}/benchmarks/scaling_bench.cpp)
    # With the data that are not bundled present (CURVECAST_DATA_DIR): the 4500-start
    # Chinchilla fit (on the worker threads) once, a 40-resample bootstrap (threads too),
    # BNSL and the Chinchilla posterior; always: Gadre et al. (bundled). Every fitted
    # number is in the JSON; the wall-time targets are under "timing".
    add_test(NAME determinism_scaling_bench COMMAND ${_cc_cmp} $<TARGET_FILE:scaling_bench>
      --data ${CURVECAST_DATA_DIR} --resamples 40 --repeat 1)
    list(APPEND _cc_det_tests determinism_scaling_bench)
  endif()
  if(_cc_det_tests)
    set_tests_properties(${_cc_det_tests} PROPERTIES TIMEOUT 600)
  endif()
endif()
