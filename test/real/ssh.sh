#!/usr/bin/env bash
# OpenSSH with compression (zlib@openssh.com: deflate with Z_PARTIAL_FLUSH
# per packet, inflate of each packet) under LD_PRELOAD=libnxz.so on both
# ends: a private sshd on a free localhost port (temporary host key and
# authorized_keys, this user), ssh -C downloads and uploads every file
# through cat, a stream of small writes each way, scp -C; downloads over
# curl's libssh2 with --compressed-ssh (sftp). Bytes compared with the
# originals. (rsync -z has its own test, rsync.sh, over an rsync daemon.)
# sshd ends its connection processes with _exit(), so their counters never
# reach the stats file: the server side is checked on nxz's debug log (an
# accelerator window opened in an sshd process); the clients on the stats.
#   test/real/ssh.sh LIBNXZ CORPUS_DIR
NXZ_LIB=$(readlink -f "$1")
corpus=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/preload_common.sh"
sshd=$(command -v sshd || echo /usr/sbin/sshd)
[[ -x $sshd ]] || skip "sshd is not installed (openssh-server)"
command -v ssh >/dev/null || skip "ssh is not installed (openssh-client)"
command -v ssh-keygen >/dev/null || skip "ssh-keygen is not installed"
py=/usr/bin/python3
[[ -x $py ]] || skip "no /usr/bin/python3 (to find a free port)"
grep -q 'libz\.so\.1 =>' <<<"$(ldd "$sshd" 2>&1)" || skip "sshd does not link libz.so.1"
grep -q 'libz\.so\.1 =>' <<<"$(ldd "$(command -v ssh)" 2>&1)" || skip "ssh does not link libz.so.1"
if [[ $(id -u) -eq 0 && ! -d /run/sshd ]]; then
  mkdir -p /run/sshd || skip "no privilege separation directory /run/sshd"
fi
corpus_files "$corpus"
log=$(mktemp)
work=$(mktemp -d)
chmod 700 "$work"
sshd_pid=
stop_sshd() {
  [[ -s $work/sshd.pid ]] && kill "$(cat "$work/sshd.pid")" 2>/dev/null
  [[ -n $sshd_pid ]] && kill "$sshd_pid" 2>/dev/null
}
trap 'stop_sshd; rm -rf "$log" "$work"' EXIT
user=$(id -un)
ssh-keygen -q -t ed25519 -N '' -f "$work/host_key" || exit 1
ssh-keygen -q -t ed25519 -N '' -f "$work/user_key" || exit 1
cp "$work/user_key.pub" "$work/authorized_keys"
chmod 600 "$work/authorized_keys"
mkdir -p "$work/up" "$work/got"
cat "${files[@]}" >"$work/all"
head -c 2000000 /dev/urandom >"$work/random"
files+=("$work/all" "$work/random")

# The server: its stderr through a pipe, as under a service manager (sshd's
# pre-auth sandbox sets RLIMIT_FSIZE to 0: a write of its to a file kills it).
for attempt in 1 2 3; do
  port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat >"$work/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $work/host_key
AuthorizedKeysFile $work/authorized_keys
PidFile $work/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
Compression yes
Subsystem sftp internal-sftp
LogLevel ERROR
EOF
  NXZ_LOG=debug NXZ_LOG_FILE=$work/server.log nxz_run "$log" "$sshd" -D -e -f "$work/sshd_config" \
    2> >(cat >>"$work/sshd.err") >/dev/null &
  sshd_pid=$!
  for _ in $(seq 50); do
    [[ -s $work/sshd.pid ]] && break
    kill -0 "$sshd_pid" 2>/dev/null || break
    sleep 0.1
  done
  [[ -s $work/sshd.pid ]] && break
  sshd_pid=
done
[[ -n $sshd_pid ]] || { cat "$work/sshd.err"; skip "the private sshd did not start"; }
sshopts=(-p "$port" -i "$work/user_key" -F /dev/null -o StrictHostKeyChecking=no
  -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o LogLevel=ERROR
  -o Compression=yes)
s() { nxz_run "$log" timeout 60 ssh "${sshopts[@]}" "$user@127.0.0.1" "$@"; }
s true || { cat "$work/sshd.err"; echo "FAIL: cannot log in to the private sshd"; exit 1; }
fail=0

# One connection each way per file: a few files, the concatenation, random
# bytes (scp below takes them all); time.
few=("${files[@]:0:3}" "$work/all" "$work/random")
for f in "${few[@]}"; do
  n=$(basename "$f")
  s cat "'$f'" >"$work/got/$n" || { echo "FAIL: ssh cat $n"; fail=1; }
  cmp -s "$work/got/$n" "$f" || { echo "FAIL: download of $n: other bytes"; fail=1; }
  s "cat > '$work/up/$n'" <"$f" || { echo "FAIL: ssh cat > $n"; fail=1; }
  cmp -s "$work/up/$n" "$f" || { echo "FAIL: upload of $n: other bytes"; fail=1; }
done
# Many small packets each way (one write per line, pauses now and then).
gen='i=0; while [ $i -lt 4000 ]; do echo "line $i of nxz over ssh"; i=$((i+1)); done'
sh -c "$gen" >"$work/lines"
s "$gen" >"$work/got/lines" || { echo "FAIL: ssh small writes down"; fail=1; }
cmp -s "$work/got/lines" "$work/lines" || { echo "FAIL: small writes down: other bytes"; fail=1; }
while IFS= read -r line; do
  printf '%s\n' "$line"
  if [[ $line == *00\ of* ]]; then sleep 0.01; fi
done <"$work/lines" | s "cat > '$work/up/lines'" || { echo "FAIL: ssh small writes up"; fail=1; }
cmp -s "$work/up/lines" "$work/lines" || { echo "FAIL: small writes up: other bytes"; fail=1; }
# scp (the SFTP protocol since OpenSSH 9), its ssh child preloaded as well.
if command -v scp >/dev/null; then
  rm -rf "$work/up/scp"
  mkdir -p "$work/up/scp"
  nxz_run "$log" timeout 60 scp -q -C -P "$port" -i "$work/user_key" -F /dev/null \
    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes \
    -o IdentitiesOnly=yes -o LogLevel=ERROR "${files[@]}" "$user@127.0.0.1:$work/up/scp/" ||
    { echo "FAIL: scp -C"; fail=1; }
  for f in "${files[@]}"; do
    cmp -s "$work/up/scp/$(basename "$f")" "$f" || { echo "FAIL: scp of $(basename "$f")"; fail=1; }
  done
fi
# libssh2 (curl's SFTP) with compression.
curl_note="curl not installed"
if command -v curl >/dev/null && grep -qi 'libssh2' <<<"$(curl -V)"; then
  curl_note="curl sftp --compressed-ssh: checked"
  for f in "${files[0]}" "$work/all"; do
    nxz_run "$log" timeout 60 curl -sS --compressed-ssh -k --key "$work/user_key" \
      --pubkey "$work/user_key.pub" "sftp://$user@127.0.0.1:$port$f" -o "$work/got/curl" ||
      { echo "FAIL: curl sftp $f"; fail=1; }
    cmp -s "$work/got/curl" "$f" || { echo "FAIL: curl sftp $f: other bytes"; fail=1; }
  done
fi

jobs=$(nxz_jobs "$log")
server=$(grep -c 'window opened' "$work/server.log" 2>/dev/null)
echo "${#few[@]} files each way through cat, ${#files[@]} by scp; $curl_note"
echo "client-side requests through nxz: $jobs; sshd processes that opened an accelerator window: ${server:-0}"
[[ $jobs -gt 0 ]] || { echo "FAIL: no request went through nxz"; fail=1; }
[[ ${server:-0} -gt 0 ]] || { echo "FAIL: the server's compression did not reach nxz's accelerator"; fail=1; }
[[ $fail -eq 0 ]] || { echo "sshd's stderr:"; cat "$work/sshd.err"; }
exit $fail
