# cmake --install: the library, its headers, pkg-config and CMake package
# files, the tools and their man pages, and optionally a zlib-named copy of
# the library. Issue 14. Included from CMakeLists.txt after cmake/tools.cmake.
#
#   cmake --install build [--prefix DIR]
#     lib/libnxz.so.0.1.0, libnxz.so.0, libnxz.so    (LIBDIR per GNUInstallDirs)
#     include/nxz/*.h
#     lib/pkgconfig/nxz.pc                            pkg-config nxz
#     lib/cmake/nxz/nxz{Config,ConfigVersion,Targets}.cmake   find_package(nxz) -> nxz::nxz
#     bin/nxz-run, bin/nxzip                          when those targets exist
#     share/man/man1/*.1                              tools/*/*.1
#     lib/nxz/libz.so.1                               with NXZ_INSTALL_ZLIB_COMPAT=ON
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

option(NXZ_INSTALL_ZLIB_COMPAT
       "Install a copy of the library named libz.so.1 in LIBDIR/nxz (for LD_LIBRARY_PATH)" OFF)

# ------------------------------------------------------------------ library
# The build tree uses include/ by absolute path; an installed tree has its
# own. (CMakeLists.txt gives the relative "include", which the export would
# refuse as a path inside the source tree.)
set_property(TARGET nxz PROPERTY INTERFACE_INCLUDE_DIRECTORIES
             "$<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include>"
             "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>")
install(TARGETS nxz EXPORT nxzTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT devel)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/nxz DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        COMPONENT devel FILES_MATCHING PATTERN "*.h")

# -------------------------------------------------------------- pkg-config
# Relocatable: the prefix is found from the .pc file's own place
# (${pcfiledir}, known to pkg-config and pkgconf), so that the same build
# installed with `cmake --install --prefix DIR` or DESTDIR points at DIR.
# An absolute LIBDIR or INCLUDEDIR is written as it is.
set(NXZ_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(NXZ_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(NXZ_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  # From PREFIX/LIBDIR/pkgconfig back up to PREFIX: one ".." per component.
  set(NXZ_PC_PREFIX "\${pcfiledir}")
  string(REPLACE "/" ";" nxz_pc_parts "${NXZ_PC_DIR}")
  foreach(part ${nxz_pc_parts})
    if(part AND NOT part STREQUAL ".")
      string(APPEND NXZ_PC_PREFIX "/..")
    endif()
  endforeach()
  set(NXZ_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(NXZ_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(NXZ_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file(${CMAKE_SOURCE_DIR}/cmake/nxz.pc.in ${CMAKE_BINARY_DIR}/install/nxz.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/install/nxz.pc DESTINATION ${NXZ_PC_DIR} COMPONENT devel)

# ----------------------------------------------------------- CMake package
set(NXZ_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/nxz)
install(EXPORT nxzTargets NAMESPACE nxz:: DESTINATION ${NXZ_CMAKE_DIR} COMPONENT devel)
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/nxzConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/install/nxzConfig.cmake
                              INSTALL_DESTINATION ${NXZ_CMAKE_DIR})
# Before 1.0 a minor release may change the API: find_package(nxz 0.1)
# accepts 0.1.x only.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/install/nxzConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/install/nxzConfig.cmake
              ${CMAKE_BINARY_DIR}/install/nxzConfigVersion.cmake
        DESTINATION ${NXZ_CMAKE_DIR} COMPONENT devel)

# ------------------------------------------------------ tools and man pages
foreach(tool nxz-run nxzip)
  if(TARGET ${tool})
    install(TARGETS ${tool} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)
  endif()
endforeach()
file(GLOB NXZ_MAN1_PAGES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tools/*/*.1)
foreach(page ${NXZ_MAN1_PAGES})
  if(EXISTS ${page})
    install(FILES ${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT tools)
  endif()
endforeach()

# ------------------------------------------------------ zlib-named library
# The same library under zlib's name and SONAME (libz.so.1, 1.2.13), for
# programs that are to get nxz through LD_LIBRARY_PATH instead of
# LD_PRELOAD (a set-id program ignores both; a program run by a launcher
# that clears LD_PRELOAD does not). It lives in LIBDIR/nxz, a directory of
# its own, so it never shadows the system's zlib unless asked to; there is
# no libz.so development link, so nothing links against it by accident.
# The library's software codec is the system zlib loaded by full path, and
# src/api/soft_zlib.cpp refuses a zlib-named copy of nxz, so it cannot load
# itself.
#
# It is a relink of libnxz.so's own objects (a second, cheap link step), so
# it is built whenever it may be installed or tested: with the option, and
# in every build with tests (Install.PkgConfigCMakeAndCompat installs it as
# component zlib-compat). A plain `cmake --install` installs it only with
# NXZ_INSTALL_ZLIB_COMPAT=ON; `cmake --install build --component zlib-compat`
# installs it from any build that has it.
if(NXZ_INSTALL_ZLIB_COMPAT OR NXZ_BUILD_TESTS)
  add_library(nxz_zlib_compat SHARED $<TARGET_OBJECTS:nxz>)
  target_link_libraries(nxz_zlib_compat PRIVATE -Wl,--whole-archive nxz_core
                        -Wl,--no-whole-archive ${CMAKE_DL_LIBS})
  target_link_options(nxz_zlib_compat PRIVATE
                      -Wl,--version-script=${CMAKE_SOURCE_DIR}/src/api/nxz.map
                      -Wl,--no-undefined -Wl,-Bsymbolic-functions)
  # In the build tree too it stays out of the directory holding libnxz.so:
  # a program there linked with -L<build> -lz must still get the system zlib.
  set_target_properties(nxz_zlib_compat PROPERTIES OUTPUT_NAME z VERSION 1.2.13 SOVERSION 1
                        LINKER_LANGUAGE CXX
                        LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/zlib-compat
                        LINK_DEPENDS ${CMAKE_SOURCE_DIR}/src/api/nxz.map)
  if(NXZ_INSTALL_ZLIB_COMPAT)
    set(nxz_compat_all "")
  else()
    set(nxz_compat_all EXCLUDE_FROM_ALL)
  endif()
  install(TARGETS nxz_zlib_compat LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/nxz
          COMPONENT zlib-compat NAMELINK_SKIP ${nxz_compat_all})
endif()

# -------------------------------------------------------------------- test
# Installs this build into a temporary prefix and builds programs against
# it: pkg-config, find_package(nxz), and a plain -lz program pointed at the
# zlib-named copy (test/install/install_test.sh). Native builds only; not
# under the sanitizers (the programs it builds are not).
if(NXZ_BUILD_TESTS AND NOT CMAKE_CROSSCOMPILING)
  add_test(NAME Install.PkgConfigCMakeAndCompat
           COMMAND bash ${CMAKE_SOURCE_DIR}/test/install/install_test.sh ${CMAKE_BINARY_DIR}
                   ${CMAKE_INSTALL_LIBDIR} ${CMAKE_INSTALL_INCLUDEDIR} ${CMAKE_INSTALL_BINDIR}
                   ${CMAKE_INSTALL_MANDIR} ${PROJECT_VERSION})
  set_tests_properties(Install.PkgConfigCMakeAndCompat PROPERTIES SKIP_RETURN_CODE 77
                       TIMEOUT 300 ENVIRONMENT "CMAKE=${CMAKE_COMMAND}")
  if(NXZ_SANITIZE)
    set_tests_properties(Install.PkgConfigCMakeAndCompat PROPERTIES DISABLED TRUE)
  endif()
endif()
