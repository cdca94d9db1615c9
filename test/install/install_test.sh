#!/usr/bin/env bash
# Install.PkgConfigCMakeAndCompat (cmake/install.cmake): installs this build
# into a temporary prefix, as a user would, and uses the installed files only.
#   install_test.sh BUILD_DIR LIBDIR INCLUDEDIR BINDIR MANDIR VERSION
# (the directories relative to the prefix, as GNUInstallDirs set them).
#  1. a program built with `pkg-config --cflags --libs nxz` runs on the
#     installed libnxz.so and nxz does its work;
#  2. the same program built by a CMake project with find_package(nxz) and
#     nxz::nxz;
#  3. a plain -lz program run with LD_LIBRARY_PATH=PREFIX/LIBDIR/nxz gets nxz
#     (NXZ_STATS_FILE shows the requests), and without it the system zlib;
#  4. the installed nxz-run finds the installed library on its own;
#  5. the installed man pages render without warnings (when groff is there).
# Exit 0 = pass, 77 = skipped (pkg-config or a C compiler missing).
set -uo pipefail
build=${1:?build dir} libdir=${2:?} includedir=${3:?} bindir=${4:?} mandir=${5:?}
version=${6:?}
here=$(cd "$(dirname "$0")" && pwd)
# The cmake that configured the build (CTest passes it), else the one in PATH.
cmake=${CMAKE:-cmake}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
skip() {
  echo "SKIP: $*"
  exit 77
}
command -v pkg-config >/dev/null || skip "pkg-config is not installed"
command -v cc >/dev/null || skip "no C compiler (cc)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nxz-install-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
cflags=(-O1 -Wall -Wextra -Werror)

# ---- the install itself, into a prefix other than the configured one
"$cmake" --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
  fail "cmake --install failed: $(cat "$tmp/install.log")"
# The zlib-named copy goes in by default only with NXZ_INSTALL_ZLIB_COMPAT=ON;
# any build with tests has it as component zlib-compat.
if [[ ! -e $prefix/$libdir/nxz/libz.so.1 ]]; then
  "$cmake" --install "$build" --prefix "$prefix" --component zlib-compat >>"$tmp/install.log" 2>&1 ||
    fail "cmake --install --component zlib-compat failed: $(cat "$tmp/install.log")"
fi
for f in "$libdir/libnxz.so" "$libdir/libnxz.so.0" "$libdir/libnxz.so.$version" \
  "$includedir/nxz/stats.h" "$includedir/nxz/version.h" "$includedir/nxz/accel.h" \
  "$libdir/pkgconfig/nxz.pc" "$libdir/cmake/nxz/nxzConfig.cmake" \
  "$libdir/cmake/nxz/nxzConfigVersion.cmake" "$libdir/cmake/nxz/nxzTargets.cmake" \
  "$libdir/nxz/libz.so.1" "$bindir/nxz-run" "$mandir/man1/nxz-run.1"; do
  [[ -e $prefix/$f ]] || fail "not installed: $f"
done
[[ $(readlink "$prefix/$libdir/libnxz.so") == libnxz.so.0 ]] || fail "libnxz.so does not link to libnxz.so.0"
[[ $(readlink "$prefix/$libdir/libnxz.so.0") == "libnxz.so.$version" ]] ||
  fail "libnxz.so.0 does not link to libnxz.so.$version"
# The zlib-named copy: zlib's SONAME, in its own directory, no -lz link anywhere.
[[ ! -e $prefix/$libdir/nxz/libz.so ]] || fail "$libdir/nxz/libz.so exists: -lz could pick the copy"
compgen -G "$prefix/$libdir/libz.so*" >/dev/null && fail "a libz.so* is installed in $libdir itself"
if command -v readelf >/dev/null; then
  readelf -d "$prefix/$libdir/nxz/libz.so.1" | grep -q 'SONAME.*\[libz\.so\.1\]' ||
    fail "the copy's SONAME is not libz.so.1"
  readelf -d "$prefix/$libdir/libnxz.so.0" | grep -q 'SONAME.*\[libnxz\.so\.0\]' ||
    fail "libnxz's SONAME is not libnxz.so.0"
  # Nothing installed may point back into the build tree.
  for f in "$prefix/$libdir/libnxz.so.0" "$prefix/$libdir/nxz/libz.so.1" "$prefix/$bindir/nxz-run"; do
    ! readelf -d "$f" | grep -E 'R(UN)?PATH' | grep -qF "$build" || fail "$f keeps a build-tree RPATH"
  done
fi

# ---- 1. pkg-config
export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
[[ $(pkg-config --modversion nxz) == "$version" ]] || fail "pkg-config --modversion nxz: $(pkg-config --modversion nxz 2>&1)"
pc_libs=$(pkg-config --libs nxz) || fail "pkg-config --libs nxz failed"
pc_cflags=$(pkg-config --cflags nxz) || fail "pkg-config --cflags nxz failed"
[[ " $pc_libs " != *" -lz "* ]] || fail "pkg-config --libs nxz names -lz: $pc_libs"
# shellcheck disable=SC2086  # pkg-config's output is word lists
cc "${cflags[@]}" -o "$tmp/prog_pc" "$here/roundtrip.c" $pc_cflags $pc_libs -ldl ||
  fail "cc with pkg-config's flags ($pc_cflags $pc_libs) failed"
LD_LIBRARY_PATH=$prefix/$libdir "$tmp/prog_pc" >"$tmp/out" || fail "the pkg-config program failed: $(cat "$tmp/out")"
grep -qF "from $prefix/$libdir/libnxz.so.0" "$tmp/out" || fail "the pkg-config program ran another library: $(cat "$tmp/out")"
echo "pkg-config: $(cat "$tmp/out")"

# ---- 2. find_package(nxz) and nxz::nxz
mkdir -p "$tmp/cmake-src"
cp "$here/roundtrip.c" "$tmp/cmake-src/"
cat >"$tmp/cmake-src/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.18)
project(nxz_consumer C)
find_package(nxz $version REQUIRED)
add_executable(prog roundtrip.c)
target_compile_options(prog PRIVATE ${cflags[*]})
target_link_libraries(prog PRIVATE nxz::nxz \${CMAKE_DL_LIBS})
EOF
"$cmake" -S "$tmp/cmake-src" -B "$tmp/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release >"$tmp/cmake.log" 2>&1 || fail "configuring with find_package(nxz) failed: $(cat "$tmp/cmake.log")"
"$cmake" --build "$tmp/cmake-build" >>"$tmp/cmake.log" 2>&1 || fail "building against nxz::nxz failed: $(cat "$tmp/cmake.log")"
# CMake links the imported library by full path and gives the program a
# build RPATH to it: no LD_LIBRARY_PATH needed.
"$tmp/cmake-build/prog" >"$tmp/out" || fail "the find_package program failed: $(cat "$tmp/out")"
grep -qF "from $prefix/$libdir/libnxz.so.0" "$tmp/out" || fail "the find_package program ran another library: $(cat "$tmp/out")"
echo "find_package: $(cat "$tmp/out")"
# A version it does not provide is refused.
sed -i "s/find_package(nxz $version REQUIRED)/find_package(nxz 99.0 REQUIRED)/" "$tmp/cmake-src/CMakeLists.txt"
! "$cmake" -S "$tmp/cmake-src" -B "$tmp/cmake-build2" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null 2>&1 ||
  fail "find_package(nxz 99.0) accepted version $version"

# ---- 3. a plain -lz program and the zlib-named copy
cc "${cflags[@]}" -o "$tmp/prog_z" "$here/plain_zlib.c" -lz -ldl || fail "cc ... -lz failed (zlib1g-dev?)"
"$tmp/prog_z" >"$tmp/out" || fail "the -lz program failed on the system zlib"
grep -q '^zlib ' "$tmp/out" || fail "without LD_LIBRARY_PATH the -lz program did not get the system zlib: $(cat "$tmp/out")"
LD_LIBRARY_PATH=$prefix/$libdir/nxz NXZ_STATS_FILE=$tmp/stats "$tmp/prog_z" >"$tmp/out" ||
  fail "the -lz program failed on the zlib-named nxz"
grep -q "^nxz 1.2.13 $prefix/$libdir/nxz/libz.so.1" "$tmp/out" || fail "the -lz program did not get nxz: $(cat "$tmp/out")"
jobs=$(awk '/^nxz: pid /{n += $5} END {print n + 0}' "$tmp/stats" 2>/dev/null)
[[ ${jobs:-0} -gt 0 ]] || fail "NXZ_STATS_FILE shows no requests through the zlib-named nxz: $(cat "$tmp/stats" 2>&1)"
echo "libz.so.1 copy: $(cat "$tmp/out"), $jobs requests"

# ---- 4. the installed nxz-run uses the installed library
"$prefix/$bindir/nxz-run" --version >"$tmp/out" || fail "installed nxz-run --version failed"
grep -qxF "library: $prefix/$libdir/libnxz.so.0" "$tmp/out" || fail "installed nxz-run picks another library: $(cat "$tmp/out")"
"$prefix/$bindir/nxz-run" --stats "$tmp/prog_z" >"$tmp/out" 2>"$tmp/err" || fail "nxz-run --stats on the -lz program failed: $(cat "$tmp/err")"
grep -q '^nxz ' "$tmp/out" || fail "under nxz-run the -lz program did not get nxz"
grep -q '^nxz-run: 1 process used nxz: [1-9][0-9]* request' "$tmp/err" || fail "nxz-run --stats: $(cat "$tmp/err")"
echo "installed nxz-run: $(cat "$tmp/err")"

# ---- 5. man pages
if command -v groff >/dev/null; then
  for page in "$prefix/$mandir"/man1/*.1; do
    warnings=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>&1)
    [[ -z $warnings ]] || fail "groff warns on $(basename "$page"): $warnings"
  done
  echo "man pages: $(cd "$prefix/$mandir/man1" && echo *.1) render cleanly"
else
  echo "man pages: groff not installed, not rendered"
fi
echo PASS
