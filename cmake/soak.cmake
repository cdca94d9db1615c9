# nxz-soak (test/soak): random streams in threads and forks under fault
# injection, every byte checked against the system zlib. A short run is in
# the suite (Soak.Short); scripts/run-soak.sh runs a long one.
add_executable(nxz-soak test/soak/soak_main.cpp test/soak/soak_job.cpp test/soak/soak_fork.cpp
                        test/api/ref_zlib.cpp)
target_include_directories(nxz-soak PRIVATE test include)
target_compile_definitions(nxz-soak PRIVATE NXZ_SYSTEM_ZLIB="${NXZ_SYSTEM_ZLIB}"
                           NXZ_CORPUS_DIR="${NXZ_CORPUS_DIR}")
target_link_libraries(nxz-soak PRIVATE nxz Threads::Threads ${CMAKE_DL_LIBS})
add_test(NAME Soak.Short COMMAND nxz-soak --time 20 --threads 4 --fork-every 1 --quiet)
set_tests_properties(Soak.Short PROPERTIES ENVIRONMENT "NXZ_CORPUS_DIR=${NXZ_CORPUS_DIR}"
                     TIMEOUT 300)
# qemu-user cannot fork a guest whose threads run: the cross run has this one.
add_test(NAME Soak.ShortWithoutForks COMMAND nxz-soak --time 10 --threads 2 --fork-every 0 --quiet)
set_tests_properties(Soak.ShortWithoutForks PROPERTIES ENVIRONMENT "NXZ_CORPUS_DIR=${NXZ_CORPUS_DIR}"
                     TIMEOUT 300)
# The checks can fail: with every stream corrupted, the soak must say so.
add_test(NAME Soak.SelfCheckFindsCorruptedStreams
         COMMAND nxz-soak --time 3 --threads 2 --fork-every 0 --self-check --quiet)
# (the FAIL lines are printed only for counted mismatches, which exit 1)
set_tests_properties(Soak.SelfCheckFindsCorruptedStreams PROPERTIES
                     PASS_REGULAR_EXPRESSION "FAIL seed [0-9a-f]+: .*other bytes|FAIL seed [0-9a-f]+: system zlib")
