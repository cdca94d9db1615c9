#!/usr/bin/env bash
# pigz under LD_PRELOAD=libnxz.so: it compresses every corpus file (its own
# threads, raw deflate with sync flushes between blocks), GNU gzip (its own
# deflate, the outside referee) checks and decompresses the result; pigz
# decompresses what GNU gzip made. Bytes compared with the originals.
#   test/real/pigz.sh LIBNXZ CORPUS_DIR
NXZ_LIB=$1
corpus=$2
. "$(dirname "$0")/preload_common.sh"
command -v pigz >/dev/null || skip "pigz is not installed"
command -v gzip >/dev/null || skip "gzip is not installed"
corpus_files "$corpus"
log=$(mktemp)
work=$(mktemp -d)
trap 'rm -rf "$log" "$work"' EXIT
fail=0
for f in "${files[@]}"; do
  name=$(basename "$f")
  for level in 1 6 9; do
    nxz_run "$log" pigz -"$level" -p 2 -c "$f" >"$work/$name.gz" || { echo "FAIL: pigz -$level $name"; fail=1; continue; }
    gzip -t "$work/$name.gz" || { echo "FAIL: gzip -t on pigz -$level $name"; fail=1; }
    gzip -dc "$work/$name.gz" | cmp -s - "$f" || { echo "FAIL: pigz -$level $name round trip"; fail=1; }
  done
  gzip -6 -c "$f" >"$work/$name.ref.gz"
  nxz_run "$log" pigz -dc "$work/$name.ref.gz" | cmp -s - "$f" || { echo "FAIL: pigz -d of gzip's $name"; fail=1; }
done
jobs=$(nxz_jobs "$log")
echo "${#files[@]} files, requests through nxz: $jobs"
[[ $jobs -gt 0 ]] || { echo "FAIL: no request went through nxz"; fail=1; }
exit $fail
