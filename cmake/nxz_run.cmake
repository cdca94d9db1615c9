# nxz-run (tools/nxz-run): runs a program with libnxz.so preloaded and
# chosen settings. Issue 14. Included from cmake/tools.cmake.
include(GNUInstallDirs)

file(GLOB NXZ_RUN_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tools/nxz-run/*.cpp)
add_executable(nxz-run ${NXZ_RUN_SOURCES})
# The library it preloads by default is looked for beside the binary (this
# build tree: both land in CMAKE_BINARY_DIR), then in the installed tree's
# libdir reached from the binary's own directory (so that a tree installed
# with another --prefix, or moved, still uses its own library), then at the
# configured install libdir.
file(RELATIVE_PATH NXZ_RUN_LIBDIR_FROM_BINDIR ${CMAKE_INSTALL_FULL_BINDIR}
     ${CMAKE_INSTALL_FULL_LIBDIR})
target_compile_definitions(nxz-run PRIVATE NXZ_RUN_VERSION="${PROJECT_VERSION}"
                           NXZ_RUN_LIBDIR="${CMAKE_INSTALL_FULL_LIBDIR}"
                           NXZ_RUN_LIBDIR_FROM_BINDIR="${NXZ_RUN_LIBDIR_FROM_BINDIR}")
# Built with the library, since it is useless without it.
add_dependencies(nxz-run nxz)

# test/tools/nxz_run_test.sh, one CTest per case. Native builds only (it
# runs host programs with the library preloaded), and not under the
# sanitizers (those programs are not built with them).
if(NXZ_BUILD_TESTS AND NOT CMAKE_CROSSCOMPILING)
  foreach(case Stats Backend Settings Static Setuid Script Missing ExitCodes Signals)
    add_test(NAME NxzRun.${case} COMMAND bash ${CMAKE_SOURCE_DIR}/test/tools/nxz_run_test.sh
             ${case} $<TARGET_FILE:nxz-run> $<TARGET_FILE:nxz>)
    set_tests_properties(NxzRun.${case} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
    if(NXZ_SANITIZE)
      set_tests_properties(NxzRun.${case} PROPERTIES DISABLED TRUE)
    endif()
  endforeach()
endif()
