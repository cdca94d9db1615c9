# libFuzzer targets (test/fuzz) and their replay tests.
#
# Every target is one test/fuzz/targets/<name>_fuzz.cpp defining
# LLVMFuzzerTestOneInput. It is always built into a replay test,
# nxz_fuzz_replay_<name>, whose main (test/fuzz/replay/replay_main.cpp) feeds
# it every file of test/fuzz/corpus/<name>/ (seeds and regression inputs)
# as one GoogleTest case each: `Fuzz.replay.<name>` in the normal suite, on
# any compiler and in the ppc64le cross build. With NXZ_FUZZ=ON and clang
# it is also a libFuzzer binary, <name>_fuzz (scripts/run-fuzz.sh runs them).
#
# The sources live in subfolders of test/fuzz so that the per-layer test
# glob of CMakeLists.txt (test/<layer>/*.cpp) makes no nxz_test_fuzz.
option(NXZ_FUZZ "Build the libFuzzer binaries (clang only)" OFF)

set(NXZ_FUZZ_DIR ${CMAKE_SOURCE_DIR}/test/fuzz)
# name -> what it links: "core" targets call the engine or the driver
# directly (nxz_core next to the system zlib); "api" targets use libnxz.so
# as their zlib and the reference zlib through dlmopen.
set(NXZ_FUZZ_CORE_TARGETS engine_crb driver_faults)
set(NXZ_FUZZ_API_TARGETS inflate roundtrip gz_reader)

set(NXZ_FUZZ_BUILD_FUZZERS OFF)
if(NXZ_FUZZ)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    set(NXZ_FUZZ_BUILD_FUZZERS ON)
    # Coverage feedback from the library too, not only from the targets.
    target_compile_options(nxz_core PRIVATE -fsanitize=fuzzer-no-link)
    target_compile_options(nxz PRIVATE -fsanitize=fuzzer-no-link)
  else()
    message(WARNING "NXZ_FUZZ needs clang (libFuzzer); building the replay tests only")
  endif()
endif()
if(NXZ_SANITIZE AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  # clang links the sanitizer runtimes into executables only: libnxz.so's
  # references to them are resolved by the program that loads it, so the
  # library's -Wl,--no-undefined is relaxed here (later -z undefs wins).
  target_link_options(nxz PRIVATE -Wl,-z,undefs)
endif()

function(nxz_fuzz_sources name kind out)
  set(srcs ${NXZ_FUZZ_DIR}/targets/${name}_fuzz.cpp)
  if(kind STREQUAL "api")
    list(APPEND srcs ${NXZ_FUZZ_DIR}/support/fuzz_ref.cpp)
  endif()
  set(${out} ${srcs} PARENT_SCOPE)
endfunction()

function(nxz_fuzz_link target kind)
  target_include_directories(${target} PRIVATE ${NXZ_FUZZ_DIR})
  if(kind STREQUAL "api")
    target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR}/include)
    target_compile_definitions(${target} PRIVATE NXZ_SYSTEM_ZLIB="${NXZ_SYSTEM_ZLIB}")
    target_link_libraries(${target} PRIVATE nxz ${CMAKE_DL_LIBS})
  else()
    target_link_libraries(${target} PRIVATE nxz_core ZLIB::ZLIB)
  endif()
endfunction()

foreach(kind core api)
  if(kind STREQUAL "core")
    set(names ${NXZ_FUZZ_CORE_TARGETS})
  else()
    set(names ${NXZ_FUZZ_API_TARGETS})
  endif()
  foreach(name ${names})
    nxz_fuzz_sources(${name} ${kind} srcs)
    add_executable(nxz_fuzz_replay_${name} ${srcs} ${NXZ_FUZZ_DIR}/replay/replay_main.cpp)
    nxz_fuzz_link(nxz_fuzz_replay_${name} ${kind})
    target_link_libraries(nxz_fuzz_replay_${name} PRIVATE GTest::gtest)
    add_test(NAME Fuzz.replay.${name} COMMAND nxz_fuzz_replay_${name}
             ${NXZ_FUZZ_DIR}/corpus/${name})
    # Injected faults come from the inputs only, never from the caller's
    # environment.
    set_tests_properties(Fuzz.replay.${name} PROPERTIES ENVIRONMENT "NXZ_EMU_FAULTS=")
    if(NXZ_FUZZ_BUILD_FUZZERS)
      add_executable(${name}_fuzz ${srcs})
      nxz_fuzz_link(${name}_fuzz ${kind})
      target_compile_options(${name}_fuzz PRIVATE -fsanitize=fuzzer)
      target_link_options(${name}_fuzz PRIVATE -fsanitize=fuzzer)
    endif()
  endforeach()
endforeach()

# The seed generator: writes the crafted seeds of every target into
# test/fuzz/corpus (run by hand; its output is committed).
add_executable(nxz_fuzz_seedgen EXCLUDE_FROM_ALL ${NXZ_FUZZ_DIR}/seedgen/seedgen.cpp)
target_link_libraries(nxz_fuzz_seedgen PRIVATE ZLIB::ZLIB)
