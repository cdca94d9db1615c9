#!/usr/bin/env bash
# CPython's own test_zlib and test_gzip under LD_PRELOAD=libnxz.so: the
# standard library's zlib module (streams, flushes, copies, dictionaries,
# unused_data, compress() against compressobj(), gzip files) on nxz.
#   test/real/python_stdlib.sh LIBNXZ
NXZ_LIB=$1
. "$(dirname "$0")/preload_common.sh"
py=/usr/bin/python3
[[ -x $py ]] || skip "no /usr/bin/python3"
$py -c 'import test.test_zlib, test.test_gzip' 2>/dev/null || skip "CPython's test package is not installed (libpython3.X-testsuite)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cd "$(mktemp -d)" || exit 1
nxz_run "$log" $py -m test test_zlib test_gzip || { echo "FAIL: CPython's tests failed under nxz"; exit 1; }
jobs=$(nxz_jobs "$log")
echo "requests through nxz: $jobs"
[[ $jobs -gt 0 ]] || { echo "FAIL: no request went through nxz"; exit 1; }
