# nxz-bench (tools/nxz-bench) as a user runs it: test/tools/nxz_bench_test.sh,
# one CTest per case. Included from CMakeLists.txt after the nxz-bench target
# is defined. Native builds only (the script runs the tool directly).
if(TARGET nxz-bench AND NXZ_BUILD_TESTS AND NOT CMAKE_CROSSCOMPILING)
  foreach(case Help Json Plot Mismatch Threads Csv Usage)
    add_test(NAME NxzBench.${case} COMMAND bash ${CMAKE_SOURCE_DIR}/test/tools/nxz_bench_test.sh
             ${case} $<TARGET_FILE:nxz-bench>)
    set_tests_properties(NxzBench.${case} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
  endforeach()
endif()
