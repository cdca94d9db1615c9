# Cross-compiles for ppc64le (POWER8 and later, little-endian) with Debian's
# g++-powerpc64le-linux-gnu; tests run under qemu-ppc64le (scripts/cross-test.sh).
#
# Target packages are runtime ones only, zlib1g:ppc64el and libstdc++6:ppc64el
# (a foreign -dev package may be uninstallable beside the host's):
# CMakeLists.txt compiles against the host's zlib.h and links
# NXZ_CROSS_ZLIB_RUNTIME by full path. GoogleTest is built from /usr/src/googletest.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ppc64le)

set(NXZ_CROSS_TRIPLE powerpc64le-linux-gnu)
set(CMAKE_C_COMPILER ${NXZ_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${NXZ_CROSS_TRIPLE}-g++)

set(CMAKE_FIND_ROOT_PATH /usr/${NXZ_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest and gtest_discover_tests run every test binary through this.
# zlib1g:ppc64el brings the target's own glibc (libc6:ppc64el, /lib64/ld64.so.2):
# then programs must run on its loader, not with -L /usr/powerpc64le-linux-gnu,
# whose cross-package ld64.so.2 (another glibc build) would load that libc.so.6
# from the multiarch directory, and every program aborts at start ("stack
# smashing detected"). Without it, the cross package's runtime is the target's.
if(EXISTS /lib64/ld64.so.2)
  set(CMAKE_CROSSCOMPILING_EMULATOR qemu-ppc64le)
else()
  set(CMAKE_CROSSCOMPILING_EMULATOR qemu-ppc64le -L /usr/${NXZ_CROSS_TRIPLE})
endif()

set(NXZ_CROSS_ZLIB_RUNTIME /usr/lib/${NXZ_CROSS_TRIPLE}/libz.so.1 CACHE FILEPATH
    "The target's zlib runtime library, linked by full path")
set(NXZ_CROSS_GTEST_SOURCE /usr/src/googletest CACHE PATH
    "GoogleTest sources, built with the cross compiler")
# Google Benchmark has no cross build here.
set(NXZ_BUILD_BENCH OFF CACHE BOOL "Build the benchmarks and the nxz-bench tool")
