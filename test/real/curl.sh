#!/usr/bin/env bash
# curl under LD_PRELOAD=libnxz.so decoding HTTP bodies (libcurl inflates
# Content-Encoding: gzip and deflate with the system's libz.so.1): a local
# server (test/real/http/compressing_server.py, the system zlib, no preload)
# sends each file gzip'ed, as a zlib stream, as raw deflate, and chunked in
# pieces of 1 byte to 16 KiB with sync flushes between them (curl's inflate
# gets partial input); one curl fetches them all over one connection, and
# again 8 at a time (--parallel: many inflate streams open at once). Bodies
# compared with the files; a damaged gzip body must make curl fail (61).
# libcurl calls inflate(Z_BLOCK) always (to stop at block boundaries):
# nxz serves it with single-block accelerator requests, so every curl run
# must show requests in its statistics.
#   test/real/curl.sh LIBNXZ CORPUS_DIR
NXZ_LIB=$(readlink -f "$1")
corpus=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/preload_common.sh"
command -v curl >/dev/null || skip "curl is not installed"
py=/usr/bin/python3
[[ -x $py ]] || skip "no /usr/bin/python3 for the server"
grep -qw libz <<<"$(curl -V)" || skip "this curl has no zlib support"
corpus_files "$corpus"
log=$(mktemp)
work=$(mktemp -d)
server=
trap '[[ -n $server ]] && kill $server 2>/dev/null; wait 2>/dev/null; rm -rf "$log" "$work"' EXIT
mkdir -p "$work/www" "$work/got"
cp "${files[@]}" "$work/www/"
cat "${files[@]}" >"$work/www/all"
: >"$work/www/empty"
printf x >"$work/www/one"
names=()
for f in "$work"/www/*; do names+=("$(basename "$f")"); done

env -u LD_PRELOAD "$py" "$here/http/compressing_server.py" "$work/www" "$work/port" 2>"$work/server.err" &
server=$!
for _ in $(seq 100); do [[ -s $work/port ]] && break; sleep 0.1; done
[[ -s $work/port ]] || { echo "FAIL: the server did not start"; exit 1; }
base=http://127.0.0.1:$(cat "$work/port")
fail=0
ncurl=0
c() {
  ncurl=$((ncurl + 1))
  NXZ_LOG=debug NXZ_LOG_FILE=$work/nxz.log nxz_run "$log" timeout 120 curl --compressed -sS --no-progress-meter -f "$@"
}

# One request per transfer, each kind.
kinds=(gzip deflate raw chunked/gzip chunked/deflate)
for k in "${kinds[@]}"; do
  for n in "${names[@]}"; do
    c "$base/$k/$n" -o "$work/got/$n" || { echo "FAIL: curl $k/$n"; fail=1; continue; }
    cmp -s "$work/got/$n" "$work/www/$n" || { echo "FAIL: curl $k/$n: other bytes"; fail=1; }
  done
done
# All of them in one curl, one connection.
args=()
for k in "${kinds[@]}"; do
  for n in "${names[@]}"; do args+=("$base/$k/$n" -o "$work/got/${k//\//_}.$n"); done
done
c "${args[@]}" || { echo "FAIL: one curl for every transfer"; fail=1; }
for k in "${kinds[@]}"; do
  for n in "${names[@]}"; do
    cmp -s "$work/got/${k//\//_}.$n" "$work/www/$n" || { echo "FAIL: $k/$n in one curl"; fail=1; }
  done
done
rm -f "$work"/got/*
# Eight at a time.
c --parallel --parallel-max 8 "${args[@]}" || { echo "FAIL: curl --parallel"; fail=1; }
for k in "${kinds[@]}"; do
  for n in "${names[@]}"; do
    cmp -s "$work/got/${k//\//_}.$n" "$work/www/$n" || { echo "FAIL: $k/$n in curl --parallel"; fail=1; }
  done
done
# A damaged body is an error, as with the system zlib.
for n in all "${names[0]}"; do
  c "$base/corrupt/$n" -o "$work/got/bad" 2>/dev/null
  rc=$?
  env -u LD_PRELOAD curl --compressed -s -f "$base/corrupt/$n" -o "$work/got/bad" 2>/dev/null
  ref=$?
  [[ $rc -eq 61 && $ref -eq 61 ]] || { echo "FAIL: damaged gzip $n: curl exit $rc, with the system zlib $ref (want 61)"; fail=1; }
done

jobs=$(nxz_jobs "$log")
runs=$(grep -c '^nxz: pid ' "$log")
idle=$(awk '/^nxz: pid / && $5 == 0 {n++} END {print n + 0}' "$log")
echo "${#names[@]} files x ${#kinds[@]} encodings, $ncurl curl runs ($runs stats lines, $idle without a request); accelerator requests: $jobs"
[[ ${runs:-0} -ge $ncurl && ${idle:-1} -eq 0 ]] || { echo "FAIL: not every curl run inflated through the accelerator"; fail=1; }
[[ $fail -eq 0 ]] || { echo "server's stderr:"; cat "$work/server.err"; }
exit $fail
