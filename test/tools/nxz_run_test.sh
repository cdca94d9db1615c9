#!/usr/bin/env bash
# nxz-run, as a user runs it: one case per CTest (cmake/nxz_run.cmake).
#   nxz_run_test.sh CASE NXZ_RUN LIBNXZ
# CASE: Stats Backend Settings Static Setuid Script Missing ExitCodes Signals.
# Exit 0 = pass, 77 = skipped (a program or permission the case needs is
# missing), anything else = fail.
set -uo pipefail
case_name=${1:?case} run=${2:?path of nxz-run} lib=${3:?path of libnxz.so}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nxz-run-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "FAIL ($case_name): $*" >&2
  if [[ -s $tmp/err ]]; then
    echo "--- nxz-run's stderr:" >&2
    cat "$tmp/err" >&2
  fi
  exit 1
}
skip() {
  echo "SKIP ($case_name): $*"
  exit 77
}
# expect_rc WANT COMMAND...: runs COMMAND (stderr to $tmp/err, stdout to
# $tmp/out), checks its exit status.
expect_rc() {
  local want=$1 rc
  shift
  # (The braces' own stderr takes the shell's "Killed" notices.)
  { "$@" >"$tmp/out" 2>"$tmp/err"; } 2>/dev/null
  rc=$?
  [[ $rc -eq $want ]] || fail "'$*' exited $rc, expected $want"
}
expect_err() { grep -qF -- "$1" "$tmp/err" || fail "stderr lacks: $1"; }
expect_no_err() { ! grep -qF -- "$1" "$tmp/err" || fail "stderr has: $1"; }
expect_out() { grep -qxF -- "$1" "$tmp/out" || fail "stdout lacks the line: $1 (got: $(cat "$tmp/out"))"; }
# The summary's request count and process count (0 when absent).
requests() { sed -n 's/^nxz-run: [0-9]* process.* used nxz: \([0-9]*\) request.*/\1/p' "$tmp/err" | head -1; }
processes() { sed -n 's/^nxz-run: \([0-9]*\) process.* used nxz: .*/\1/p' "$tmp/err" | head -1; }

need_python() { command -v python3 >/dev/null || skip "python3 is not installed"; }
# A zlib round trip of 2 MB: several requests of the library's 128 KiB blocks.
roundtrip='import zlib
d = bytes(range(256)) * 4096 + b"nxz-run " * 131072
assert zlib.decompress(zlib.compress(d, 6)) == d
print("ok")'

# A statically linked program (exit status 3), when the C library's static
# archive is installed; empty when it cannot be built.
build_static() {
  printf 'int main(void) { return 3; }\n' >"$tmp/static.c"
  cc -static -o "$tmp/static" "$tmp/static.c" 2>/dev/null && echo "$tmp/static"
}

case $case_name in
Stats)
  need_python
  expect_rc 0 "$run" --stats python3 -c "$roundtrip"
  expect_out ok
  n=$(requests)
  [[ -n $n && $n -gt 0 ]] || fail "the summary reports no requests"
  expect_err " used nxz: "
  # Counted over every process: two interpreters, started by a shell.
  expect_rc 0 "$run" --stats sh -c "python3 -c '$roundtrip' && python3 -c '$roundtrip'"
  p=$(processes)
  [[ -n $p && $p -ge 2 ]] || fail "expected at least 2 processes in the summary, got '${p}'"
  # Nothing used zlib: said so, plainly.
  expect_rc 0 "$run" --stats true
  expect_err "nxz-run: no zlib work went through nxz (the program may not use zlib, or carries its own copy)"
  # The user's own NXZ_STATS_FILE still gets the lines; the private one is gone.
  NXZ_STATS_FILE=$tmp/mine expect_rc 0 "$run" -v --stats python3 -c "$roundtrip"
  grep -q '^nxz: pid [0-9]* jobs [1-9]' "$tmp/mine" || fail "the user's NXZ_STATS_FILE got no line"
  private=$(sed -n 's/^nxz-run: NXZ_STATS_FILE=//p' "$tmp/err")
  [[ -n $private && $private != "$tmp/mine" ]] || fail "-v did not name a private statistics file"
  [[ ! -e $private ]] || fail "the private statistics file $private was left behind"
  # Without --stats nothing is printed by nxz-run.
  expect_rc 0 "$run" python3 -c "$roundtrip"
  [[ ! -s $tmp/err ]] || fail "nxz-run printed something without --stats or -v"
  ;;

Backend)
  need_python
  expect_rc 0 "$run" -v --backend emulated --stats python3 -c "$roundtrip"
  expect_out ok
  expect_err "nxz-run: NXZ_BACKEND=emulated"
  n=$(requests)
  [[ -n $n && $n -gt 0 ]] || fail "the emulated backend served no requests"
  expect_rc 0 "$run" --backend=auto printenv NXZ_BACKEND
  expect_out auto
  if [[ ! -e /dev/crypto/nx-gzip ]]; then
    expect_rc 0 "$run" --backend nx true
    expect_err "no /dev/crypto/nx-gzip"
  fi
  expect_rc 125 "$run" --backend gpu true
  expect_err "--backend must be auto, nx or emulated"
  ;;

Settings)
  # Each option becomes its variable in the command's environment.
  expect_rc 0 "$run" --log debug --log-file "$tmp/log" printenv NXZ_LOG NXZ_LOG_FILE
  expect_out debug
  expect_out "$tmp/log"
  expect_rc 125 "$run" --log loud true
  # The default library is the one beside nxz-run (a build tree).
  want=$(cd "$(dirname "$run")" && pwd)/libnxz.so.0
  expect_rc 0 "$run" printenv LD_PRELOAD
  expect_out "$want"
  # Prepended to an existing LD_PRELOAD.
  LD_PRELOAD=$lib expect_rc 0 "$run" printenv LD_PRELOAD
  expect_out "$want:$lib"
  # --lib, given relative, is made absolute.
  ln -s "$lib" "$tmp/libcopy.so"
  (cd "$tmp" && "$run" --lib libcopy.so printenv LD_PRELOAD) >"$tmp/out" 2>"$tmp/err" ||
    fail "--lib with a relative path failed"
  expect_out "$tmp/libcopy.so"
  expect_rc 125 "$run" --lib "$tmp/absent.so" true
  expect_err "--lib $tmp/absent.so"
  expect_rc 0 "$run" -v true
  expect_err "nxz-run: LD_PRELOAD=$want"
  expect_rc 0 "$run" --version
  expect_out "library: $want"
  expect_rc 0 "$run" --help
  grep -q '^Usage: nxz-run' "$tmp/out" || fail "--help prints no usage"
  expect_rc 125 "$run" --frobnicate true
  expect_err "unknown option '--frobnicate'"
  expect_rc 125 "$run"
  expect_err "no command given"
  # Options end at the command: its own options are its own.
  expect_rc 0 "$run" -- printenv --version
  ;;

Static)
  static=$(build_static)
  [[ -n $static ]] || skip "cc -static cannot link (no libc.a: libc6-dev)"
  expect_rc 3 "$run" "$static"
  expect_err "nxz-run: $static is statically linked: LD_PRELOAD cannot accelerate it; it runs as it is"
  expect_rc 3 "$run" --stats "$static"
  expect_err "nxz-run: no zlib work went through nxz"
  # Static PIE: a PT_DYNAMIC segment, but no loader.
  if cc -static-pie -fPIE -o "$tmp/static-pie" "$tmp/static.c" 2>/dev/null; then
    expect_rc 3 "$run" "$tmp/static-pie"
    expect_err "nxz-run: $tmp/static-pie is statically linked"
  fi
  # A dynamically linked program gets no such message.
  expect_rc 0 "$run" true
  expect_no_err "statically linked"
  ;;

Setuid)
  [[ $(id -u) -eq 0 ]] || skip "making a set-id program owned by someone else needs root"
  if command -v python3 >/dev/null &&
    ! python3 -c 'import os,sys; sys.exit(os.statvfs(sys.argv[1]).f_flag & os.ST_NOSUID)' "$tmp"; then
    skip "$tmp is on a nosuid filesystem"
  fi
  cp "$(type -P true)" "$tmp/suid"
  { chown 65534 "$tmp/suid" && chmod 4755 "$tmp/suid"; } || skip "cannot chown/chmod in $tmp"
  expect_rc 0 "$run" "$tmp/suid"
  expect_err "nxz-run: $tmp/suid is setuid (owner uid 65534): the loader ignores LD_PRELOAD for it; it runs as it is"
  cp "$(type -P true)" "$tmp/sgid"
  { chown 0:65534 "$tmp/sgid" && chmod 2755 "$tmp/sgid"; } || skip "cannot chgrp/chmod in $tmp"
  expect_rc 0 "$run" "$tmp/sgid"
  expect_err "nxz-run: $tmp/sgid is setgid (group gid 65534)"
  ;;

Script)
  printf '#!/bin/sh\nexit 5\n' >"$tmp/s.sh"
  chmod +x "$tmp/s.sh"
  expect_rc 5 "$run" -v "$tmp/s.sh"
  expect_err "nxz-run: $tmp/s.sh is a script run by /bin/sh (its #! line)"
  # "#!/usr/bin/env NAME": NAME through PATH is the program checked.
  if [[ -x /usr/bin/env ]]; then
    printf '#!/usr/bin/env sh\nexit 6\n' >"$tmp/e.sh"
    chmod +x "$tmp/e.sh"
    expect_rc 6 "$run" -v "$tmp/e.sh"
    expect_err "nxz-run: $tmp/e.sh is a script run by $(command -v sh) (#!/usr/bin/env sh)"
  fi
  # No "#!" and not ELF: /bin/sh runs it, as a shell would.
  printf 'exit 7\n' >"$tmp/plain"
  chmod +x "$tmp/plain"
  expect_rc 7 "$run" -v "$tmp/plain"
  expect_err "/bin/sh will run it"
  expect_rc 7 "$run" --stats "$tmp/plain"
  # Not text and not runnable: no /bin/sh fallback. An ELF file of an
  # unknown machine: the kernel refuses it (126), and the mismatch is named.
  printf '\0\1\2binary' >"$tmp/data"
  chmod +x "$tmp/data"
  expect_rc 126 "$run" "$tmp/data"
  expect_err "Exec format error"
  python3 -c 'import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[18:20] = (0xbeef).to_bytes(2, "little" if b[5] == 1 else "big")
open(sys.argv[2], "wb").write(b)' "$(type -P true)" "$tmp/alien" 2>/dev/null && chmod +x "$tmp/alien"
  if [[ -x $tmp/alien ]]; then
    expect_rc 126 "$run" "$tmp/alien"
    expect_err "machine 48879 but"
    expect_err "the loader will skip the library"
  fi
  # A missing interpreter: 127, as a shell.
  printf '#!%s/no-such-interpreter\n' "$tmp" >"$tmp/bad.sh"
  chmod +x "$tmp/bad.sh"
  expect_rc 127 "$run" "$tmp/bad.sh"
  expect_err "its interpreter $tmp/no-such-interpreter does not exist"
  expect_rc 127 "$run" --stats "$tmp/bad.sh"
  # A script whose interpreter is static: the message names the interpreter.
  static=$(build_static)
  if [[ -n $static ]]; then
    printf '#!%s\n' "$static" >"$tmp/st.sh"
    chmod +x "$tmp/st.sh"
    expect_rc 3 "$run" "$tmp/st.sh"
    expect_err "nxz-run: $static is statically linked"
  fi
  ;;

Missing)
  expect_rc 127 "$run" nxz-no-such-command-here
  expect_err "nxz-run: nxz-no-such-command-here: command not found"
  expect_rc 127 "$run" --stats nxz-no-such-command-here
  expect_no_err "used nxz"
  expect_rc 127 "$run" "$tmp/absent"
  expect_err "nxz-run: $tmp/absent: No such file or directory"
  printf 'data\n' >"$tmp/noexec"
  expect_rc 126 "$run" "$tmp/noexec"
  expect_err "Permission denied"
  expect_rc 126 "$run" "$tmp"
  expect_err "Is a directory"
  # Found in PATH but not executable: 126; executable later in PATH wins.
  mkdir "$tmp/bin1" "$tmp/bin2"
  printf 'data\n' >"$tmp/bin1/nxzprog"
  PATH=$tmp/bin1 expect_rc 126 "$run" nxzprog
  printf '#!/bin/sh\nexit 11\n' >"$tmp/bin2/nxzprog"
  chmod +x "$tmp/bin2/nxzprog"
  PATH=$tmp/bin1:$tmp/bin2 expect_rc 11 "$run" nxzprog
  ;;

ExitCodes)
  for stats in "" --stats; do
    expect_rc 0 "$run" $stats true
    expect_rc 1 "$run" $stats false
    expect_rc 42 "$run" $stats sh -c 'exit 42'
    expect_rc 255 "$run" $stats sh -c 'exit 255'
    expect_rc 137 "$run" $stats sh -c 'kill -KILL $$'
    expect_rc 143 "$run" $stats sh -c 'kill -TERM $$'
  done
  ;;

Signals)
  # Job control: background jobs keep SIGINT (a plain script's have it
  # ignored, which nxz-run then leaves ignored, as a shell does).
  set -m
  for sig in INT TERM HUP; do
    rm -f "$tmp/ready" "$tmp/got"
    "$run" --stats sh -c "trap 'echo $sig >\"$tmp/got\"; exit 9' $sig
      touch \"$tmp/ready\"
      while :; do sleep 0.05; done" 2>"$tmp/err" &
    pid=$!
    for _ in $(seq 200); do [[ -e $tmp/ready ]] && break; sleep 0.05; done
    [[ -e $tmp/ready ]] || fail "the child never started"
    kill -s "$sig" "$pid"  # nxz-run only, not its process group
    wait "$pid"
    rc=$?
    [[ $rc -eq 9 ]] || fail "SIG$sig to nxz-run: exit $rc, expected the child's 9"
    [[ $(cat "$tmp/got" 2>/dev/null) == "$sig" ]] || fail "the child did not get SIG$sig"
    expect_err "nxz-run: no zlib work went through nxz"
  done
  # A child that does not catch it dies of it: 128 + 15, and it is gone.
  "$run" --stats sleep 60 2>"$tmp/err" &
  pid=$!
  for _ in $(seq 200); do child=$(pgrep -P "$pid" 2>/dev/null) && break; sleep 0.05; done
  [[ -n ${child:-} ]] || fail "no child process under nxz-run"
  kill -TERM "$pid"
  wait "$pid"
  rc=$?
  [[ $rc -eq 143 ]] || fail "SIGTERM: exit $rc, expected 143"
  ! kill -0 "$child" 2>/dev/null || fail "the child $child outlived nxz-run"
  # Without --stats nxz-run becomes the command (exec): the same pid.
  "$run" sh -c "echo \$\$ >\"$tmp/pid\"" &
  pid=$!
  wait "$pid"
  [[ $(cat "$tmp/pid" 2>/dev/null) == "$pid" ]] || fail "without --stats the command got another pid"
  ;;

*)
  fail "unknown case $case_name"
  ;;
esac
echo "PASS ($case_name)"
