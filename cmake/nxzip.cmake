# nxzip (tools/nxzip): a gzip drop-in on libnxz with parallel compression.
# Included from cmake/tools.cmake; cmake/install.cmake installs it and
# tools/nxzip/nxzip.1.
file(GLOB NXZIP_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tools/nxzip/*.cpp)
add_executable(nxzip ${NXZIP_SOURCES})
# The zlib API comes from the system <zlib.h>; its symbols resolve into
# libnxz.so, whose own headers give nxz_stats_get.
target_link_libraries(nxzip PRIVATE nxz Threads::Threads)
target_compile_definitions(nxzip PRIVATE NXZIP_VERSION="${PROJECT_VERSION}")
# Installed, it finds the library installed with it, in the libdir reached
# from its own directory, whatever the prefix (and after the tree is moved).
include(GNUInstallDirs)
file(RELATIVE_PATH NXZIP_LIBDIR_FROM_BINDIR ${CMAKE_INSTALL_FULL_BINDIR}
     ${CMAKE_INSTALL_FULL_LIBDIR})
set_target_properties(nxzip PROPERTIES INSTALL_RPATH "$ORIGIN/${NXZIP_LIBDIR_FROM_BINDIR}")

# test/tools/nxzip_test.sh, one CTest per case. Native builds only (the
# script checks nxzip against the host's gzip and pigz), and not under the
# sanitizers (those programs are not built with them).
if(NXZ_BUILD_TESTS AND NOT CMAKE_CROSSCOMPILING)
  get_filename_component(NXZIP_CORPUS_DIR "${CMAKE_SOURCE_DIR}/../shared/corpus" ABSOLUTE)
  set(NXZIP_TEST_CASES
      RoundTripGzip Members Pigz Stdio KeepForceStdout TestList Recursive Suffix Exists Missing
      Corrupt Truncated FullDisk Signal Metadata Name Stats Parallel Options Progress)
  foreach(case ${NXZIP_TEST_CASES})
    add_test(NAME NxZip.${case} COMMAND bash ${CMAKE_SOURCE_DIR}/test/tools/nxzip_test.sh
             ${case} $<TARGET_FILE:nxzip> ${NXZIP_CORPUS_DIR})
    set_tests_properties(NxZip.${case} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300
                         ENVIRONMENT "NXZ_BACKEND=emulated")
    if(NXZ_SANITIZE)
      set_tests_properties(NxZip.${case} PROPERTIES DISABLED TRUE)
    endif()
  endforeach()
endif()
