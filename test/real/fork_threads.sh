#!/usr/bin/env bash
# Two programs compiled here against the system <zlib.h> and libz.so.1 and
# run with libnxz.so preloaded over it (test/real/programs/):
#   fork_streams   deflate and inflate streams open across fork(): parent,
#                  child and grandchild each finish all of them; fork with
#                  no stream open; fork while other threads run streams
#   thread_streams 8 threads of independent streams (random sizes, levels,
#                  strategies, windows, wrappers, flushes, call sizes,
#                  resets, one-shot calls), every byte and CRC-32 checked
# Each checks deflate's output with the system zlib too (a private copy,
# dlmopen), and exits non-zero on any mismatch.
#   test/real/fork_threads.sh LIBNXZ CORPUS_DIR
NXZ_LIB=$(readlink -f "$1")
corpus=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/preload_common.sh"
cxx=${CXX:-c++}
command -v "$cxx" >/dev/null || skip "no C++ compiler ($cxx)"
corpus_files "$corpus"
log=$(mktemp)
work=$(mktemp -d)
trap 'rm -rf "$log" "$work"' EXIT
for p in fork_streams thread_streams; do
  # Built for the system zlib: -lz, never libnxz (the preload replaces it).
  "$cxx" -O2 -std=c++17 -I"$here/programs" -o "$work/$p" "$here/programs/$p.cpp" -lz -pthread -ldl ||
    skip "cannot build $p (no zlib.h or libz.so? zlib1g-dev)"
  # (grep on a file: grep -q on a pipe can kill ldd, and pipefail is on)
  ldd "$work/$p" >"$work/ldd.txt" 2>&1
  grep -q 'libz\.so\.1 =>' "$work/ldd.txt" || { echo "FAIL: $p does not link libz.so.1"; exit 1; }
done
fail=0
nxz_run "$log" timeout 120 "$work/fork_streams" "${files[@]}" || { echo "FAIL: fork_streams"; fail=1; }
nxz_run "$log" timeout 120 "$work/thread_streams" 12 "${files[@]}" || { echo "FAIL: thread_streams"; fail=1; }
jobs=$(nxz_jobs "$log")
echo "requests through nxz: $jobs ($(grep -c '^nxz: pid' "$log") processes)"
[[ $jobs -gt 0 ]] || { echo "FAIL: no request went through nxz"; fail=1; }
exit $fail
