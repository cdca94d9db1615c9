#!/usr/bin/env bash
# rsync -z under LD_PRELOAD=libnxz.so on both ends: a private rsync daemon
# on a free localhost port, files downloaded and uploaded with each zlib
# compression rsync has (zlib: deflate with Z_SYNC_FLUSH per token, the
# 00 00 ff ff stripped, the receiver checking inflateSyncPoint() and feeding
# matched data through inflate to keep its window in step; zlibx: the same
# without the matched data), then an update of changed files by delta
# transfer. Bytes compared with the originals.
#   test/real/rsync.sh LIBNXZ CORPUS_DIR
NXZ_LIB=$(readlink -f "$1")
corpus=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/preload_common.sh"
command -v rsync >/dev/null || skip "rsync is not installed"
grep -q 'libz\.so\.1 =>' <<<"$(ldd "$(command -v rsync)" 2>&1)" || skip "rsync does not link libz.so.1"
[[ $(rsync --version) =~ [[:space:]]zlib[[:space:]] ]] || skip "this rsync has no zlib compression"
py=/usr/bin/python3
[[ -x $py ]] || skip "no /usr/bin/python3 (to find a free port)"

work=$(mktemp -d)
log=$work/stats
daemon_pid=
trap '[[ -n $daemon_pid ]] && kill "$daemon_pid" 2>/dev/null; [[ -n ${NXZ_KEEP:-} ]] || rm -rf "$work"' EXIT
mkdir -p "$work/src" "$work/module"
corpus_files "$corpus"
cp "${files[@]}" "$work/src/"
head -c 1500000 /dev/urandom >"$work/src/random"
seq 1 200000 >"$work/src/numbers"

for attempt in 1 2 3; do
  port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat >"$work/rsyncd.conf" <<EOF
use chroot = no
uid = $(id -u)
gid = $(id -g)
pid file = $work/rsyncd.pid
[m]
  path = $work/module
  read only = no
EOF
  # exec: $! is the daemon itself, which the trap can stop.
  (exec env LD_PRELOAD="$NXZ_LIB" NXZ_STATS_FILE="$log" rsync --daemon --no-detach \
    --address=127.0.0.1 --port="$port" --config="$work/rsyncd.conf" \
    --log-file="$work/rsyncd.log") &
  daemon_pid=$!
  for _ in $(seq 50); do
    "$py" -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
    sleep 0.1
  done
  if kill -0 "$daemon_pid" 2>/dev/null; then break; fi
  daemon_pid=
done
[[ -n $daemon_pid ]] || { echo "FAIL: the rsync daemon did not start"; cat "$work/rsyncd.log"; exit 1; }
url=rsync://127.0.0.1:$port/m

fail=0
check_same() {  # what: two directories with the same files
  if ! diff -r "$2" "$3" >/dev/null; then
    echo "FAIL: $1: the files differ"
    fail=1
  fi
}
for choice in zlib zlibx; do
  rm -rf "${work:?}/module/"* "$work/got"
  # Upload: the client deflates, the daemon inflates.
  if ! nxz_run "$log" rsync -rz --compress-choice="$choice" "$work/src/" "$url/up/" 2>"$work/err"; then
    echo "FAIL: upload with $choice: $(cat "$work/err")"
    fail=1
  fi
  check_same "upload with $choice" "$work/src" "$work/module/up"
  # Download: the daemon deflates, the client inflates.
  if ! nxz_run "$log" rsync -rz --compress-choice="$choice" "$url/up/" "$work/got/" 2>"$work/err"; then
    echo "FAIL: download with $choice: $(cat "$work/err")"
    fail=1
  fi
  check_same "download with $choice" "$work/src" "$work/got"
  # Delta transfer: a few changes in every file, the rest matched data.
  for f in "$work/got"/*; do
    printf 'changed at the front\n' | dd of="$f" bs=1 seek=100 conv=notrunc status=none
    printf 'and in the middle\n' | dd of="$f" bs=1 seek=$(($(stat -c %s "$f") / 2)) conv=notrunc status=none
  done
  if ! nxz_run "$log" rsync -rz --no-whole-file --checksum --compress-choice="$choice" \
    "$work/got/" "$url/up/" 2>"$work/err"; then
    echo "FAIL: delta upload with $choice: $(cat "$work/err")"
    fail=1
  fi
  check_same "delta upload with $choice" "$work/got" "$work/module/up"
  cp -r "$work/src/." "$work/got/"  # the originals again, fetched by delta
  if ! nxz_run "$log" rsync -rz --no-whole-file --checksum --compress-choice="$choice" \
    "$work/got/" "$url/up/" 2>"$work/err"; then
    echo "FAIL: delta restore with $choice: $(cat "$work/err")"
    fail=1
  fi
  check_same "delta restore with $choice" "$work/src" "$work/module/up"
done
kill "$daemon_pid" 2>/dev/null
wait "$daemon_pid" 2>/dev/null
daemon_pid=
jobs=$(nxz_jobs "$log")
echo "rsync: accelerator requests in the clients and the daemon: $jobs"
if [[ $jobs -eq 0 ]]; then
  echo "FAIL: no request went through nxz"
  fail=1
fi
[[ $fail -eq 0 ]] && echo "PASS: rsync -z (zlib, zlibx; upload, download, delta) through nxz"
exit $fail
