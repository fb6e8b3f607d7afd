# ctest helper: run PROGRAM with the ;-list ARGS and require exit code EXPECT
# and a message on stderr that names the flag (the first element of FLAG, or of
# ARGS starting with "--"). Used by the cli_* tests (benchmarks/CMakeLists.txt).
#   cmake -DPROGRAM=... "-DARGS=--seeds;5x" -DEXPECT=2 -P expect_usage_error.cmake
execute_process(COMMAND ${PROGRAM} ${ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
set(flag "")
foreach(a IN LISTS ARGS)
  if(a MATCHES "^--" AND NOT a STREQUAL "--file")
    set(flag "${a}")
  endif()
endforeach()
if(NOT "${rc}" STREQUAL "${EXPECT}")
  message(FATAL_ERROR "${PROGRAM} ${ARGS}: exit '${rc}', expected ${EXPECT}\nstderr: ${err}")
endif()
string(FIND "${err}" "${flag}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${PROGRAM} ${ARGS}: stderr does not name ${flag}\nstderr: ${err}")
endif()
message(STATUS "exit ${rc}: ${err}")
