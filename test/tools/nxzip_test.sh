#!/usr/bin/env bash
# nxzip, as a user runs it, checked against GNU gzip: one case per CTest
# (cmake/nxzip.cmake).
#   nxzip_test.sh CASE NXZIP CORPUS_DIR
# Exit 0 = pass, 77 = skipped (a program the case needs is missing),
# anything else = fail.
set -uo pipefail
case_name=${1:?case} nxzip=${2:?path of nxzip} corpus=${3:-}
export NXZ_BACKEND=${NXZ_BACKEND:-emulated}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nxzip-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

fail() {
  echo "FAIL ($case_name): $*" >&2
  if [[ -s $tmp/err ]]; then
    echo "--- last stderr:" >&2
    cat "$tmp/err" >&2
  fi
  exit 1
}
skip() {
  echo "SKIP ($case_name): $*"
  exit 77
}
# expect_rc WANT COMMAND...: runs COMMAND (stdout to $tmp/out, stderr to
# $tmp/err) and checks its exit status.
expect_rc() {
  local want=$1 rc
  shift
  { "$@" >"$tmp/out" 2>"$tmp/err"; } 2>/dev/null
  rc=$?
  [[ $rc -eq $want ]] || fail "'$*' exited $rc, expected $want"
}
expect_err() { grep -qF -- "$1" "$tmp/err" || fail "stderr lacks: $1"; }
expect_quiet() { [[ ! -s $tmp/err ]] || fail "unexpected stderr: $(cat "$tmp/err")"; }
same() { cmp -s "$1" "$2" || fail "$1 and $2 differ"; }
gone() { [[ ! -e $1 ]] || fail "$1 should not exist"; }
there() { [[ -e $1 ]] || fail "$1 should exist"; }
# No temporary of nxzip's left in directory $1.
no_temp() {
  local left
  left=$(find "${1:-.}" -name '.nxzip-*')
  [[ -z $left ]] || fail "temporary left behind: $left"
}

# Inputs: text from the corpus when there is one, else generated; a
# 3 MB file makes several 1 MiB blocks.
make_inputs() {
  if [[ -n $corpus && -r $corpus/alice29.txt ]]; then
    cat "$corpus"/* >mixed
    cp "$corpus/alice29.txt" text
  else
    seq 1 200000 >mixed
    seq 1 30000 | sed 's/$/ the quick brown fox/' >text
  fi
  while [[ $(stat -c %s mixed) -lt 3000000 ]]; do cat mixed mixed >mixed.2 && mv mixed.2 mixed; done
  : >empty
  head -c 100000 /dev/urandom >random
}
make_inputs

case $case_name in
RoundTripGzip)
  for f in text mixed empty random; do
    for level in 1 6 9; do
      for p in 1 2 4; do
        expect_rc 0 "$nxzip" -c -$level -p "$p" "$f"
        mv out "$f.nx.gz"
        gzip -t "$f.nx.gz" || fail "gzip -t refuses nxzip -$level -p $p $f"
        gzip -dc "$f.nx.gz" >back || fail "gzip -d failed on nxzip -$level -p $p $f"
        same back "$f"
      done
      gzip -c -$level "$f" >"$f.gz"
      expect_rc 0 "$nxzip" -dc "$f.gz"
      same out "$f"
    done
  done
  # Small blocks: many of them, each primed with the one before.
  expect_rc 0 "$nxzip" -c -p 2 --block 4K text
  gzip -dc <"$tmp/out" >back && same back text
  ;;

Members)
  gzip -c text >m.gz
  "$nxzip" -c -p 2 mixed >>m.gz || fail "compress"
  gzip -c empty >>m.gz
  cat text mixed >want
  expect_rc 0 "$nxzip" -dc m.gz
  same out want
  expect_quiet
  # Zeros after the last member: accepted without a word, as gzip does.
  head -c 1000 /dev/zero >>m.gz
  expect_rc 0 "$nxzip" -dc m.gz
  same out want
  expect_quiet
  gzip -dc m.gz >/dev/null 2>&1 || fail "gzip itself refuses the zero padding"
  # Other bytes: a warning, exit 2, the data still out.
  printf 'junk' >>m.gz
  expect_rc 2 "$nxzip" -dc m.gz
  same out want
  expect_err "nxzip: m.gz: decompression OK, trailing garbage ignored"
  # Every optional header field (FEXTRA, FNAME, FCOMMENT, FHCRC), made by hand.
  python3 - <<'PY' || skip "python3 is not installed"
import struct, zlib
data = open("text", "rb").read()
c = zlib.compressobj(6, zlib.DEFLATED, -15)
body = c.compress(data) + c.flush()
head = b"\x1f\x8b\x08" + bytes([2 | 4 | 8 | 16]) + struct.pack("<I", 0) + b"\x00\x03"
head += struct.pack("<H", 6) + b"AB\x02\x00xy" + b"name.txt\x00" + b"a comment\x00"
head += struct.pack("<H", zlib.crc32(head) & 0xffff)
open("fields.gz", "wb").write(head + body + struct.pack("<II", zlib.crc32(data), len(data)))
bad = bytearray(head); bad[-1] ^= 1
open("badhcrc.gz", "wb").write(bytes(bad) + body + struct.pack("<II", zlib.crc32(data), len(data)))
PY
  gzip -t fields.gz || fail "the hand-made member is not valid gzip"
  expect_rc 0 "$nxzip" -dc fields.gz
  same out text
  expect_rc 1 "$nxzip" -dc badhcrc.gz
  expect_err "nxzip: badhcrc.gz: invalid compressed data--header crc error"
  ;;

Pigz)
  command -v pigz >/dev/null || skip "pigz is not installed"
  pigz -c -p 2 -b 128 mixed >p.gz
  expect_rc 0 "$nxzip" -dc p.gz
  same out mixed
  # pigz -i (independent blocks) and -z? no: zlib format is not gzip's.
  pigz -c -i mixed >pi.gz
  expect_rc 0 "$nxzip" -dc pi.gz
  same out mixed
  expect_rc 0 "$nxzip" -c -p 2 mixed
  pigz -dc out >back || fail "pigz -d refuses nxzip's output"
  same back mixed
  # bgzip's BGZF: FEXTRA in every member and an empty last member.
  if command -v bgzip >/dev/null; then
    bgzip -c mixed >b.gz
    expect_rc 0 "$nxzip" -dc b.gz
    same out mixed
  fi
  ;;

Stdio)
  expect_rc 0 "$nxzip" <text
  gzip -dc <out >back && same back text
  expect_rc 0 "$nxzip" -p 2 - <mixed
  gzip -dc <out >back && same back mixed
  # A pipe (no size known) through several threads.
  cat mixed | "$nxzip" -p 2 --block 64K >piped.gz || fail "compress from a pipe"
  gzip -dc piped.gz >back && same back mixed
  gzip -c text | "$nxzip" -d >back || fail "decompress from a pipe"
  same back text
  expect_rc 0 "$nxzip" -d - <piped.gz
  same out mixed
  # Several files to stdout: one member each, one stream.
  expect_rc 0 "$nxzip" -c text mixed
  cat text mixed >want
  gzip -dc <out >back && same back want
  # -dcf passes data that is not gzip through, as gzip does.
  printf 'plain text\n' | "$nxzip" -dcf >back || fail "-dcf on plain data"
  [[ $(cat back) == "plain text" ]] || fail "-dcf did not copy plain data"
  # Not gzip on stdin without -f: an error.
  printf 'plain text\n' >plain
  expect_rc 1 "$nxzip" -d <plain
  expect_err "nxzip: stdin: not in gzip format"
  ;;

KeepForceStdout)
  cp text a
  expect_rc 0 "$nxzip" a
  gone a
  there a.gz
  expect_rc 0 "$nxzip" -d a.gz
  gone a.gz
  same a text
  expect_rc 0 "$nxzip" -k a
  there a
  there a.gz
  expect_rc 0 "$nxzip" -dk a.gz -f
  there a.gz
  same a text
  # -c writes stdout and leaves the input and no .gz.
  rm a.gz
  expect_rc 0 "$nxzip" -c a
  there a
  gone a.gz
  gzip -dc <out >back && same back text
  # -f overwrites.
  echo old >a.gz
  expect_rc 0 "$nxzip" -kf a
  gzip -dc a.gz >back && same back text
  # --long forms.
  rm a.gz
  expect_rc 0 "$nxzip" --keep --stdout --best a
  gzip -dc <out >back && same back text
  "$nxzip" -c a >a.gz
  expect_rc 0 "$nxzip" --decompress --stdout --force a.gz
  same out text
  there a.gz
  ;;

TestList)
  gzip -c text >t.gz
  expect_rc 0 "$nxzip" -t t.gz
  expect_quiet
  there t.gz
  expect_rc 0 "$nxzip" -tv t.gz
  expect_err "t.gz:	 OK"
  expect_rc 0 "$nxzip" --test - <t.gz
  # -l prints what gzip -l prints, byte for byte.
  gzip -c mixed >m.gz
  expect_rc 0 "$nxzip" -l t.gz m.gz
  gzip -l t.gz m.gz >want
  same out want
  expect_rc 0 "$nxzip" --list --verbose t.gz
  gzip -lv t.gz >want
  same out want
  # A corrupt file fails -t.
  cp t.gz c.gz
  printf 'XXXX' | dd of=c.gz bs=1 seek=2000 conv=notrunc 2>/dev/null
  expect_rc 1 "$nxzip" -t c.gz
  expect_err "nxzip: c.gz: invalid compressed data"
  ;;

Recursive)
  mkdir -p tree/sub
  cp text tree/one
  cp mixed tree/sub/two
  gzip -c text >tree/sub/already.gz
  expect_rc 0 "$nxzip" -r tree
  there tree/one.gz
  there tree/sub/two.gz
  there tree/sub/already.gz
  gone tree/sub/already.gz.gz
  gone tree/one
  expect_rc 0 "$nxzip" --recursive -d tree
  same tree/one text
  same tree/sub/two mixed
  there tree/sub/already
  # Without -r a directory is passed over with a warning.
  expect_rc 2 "$nxzip" tree
  expect_err "nxzip: tree is a directory -- ignored"
  ;;

Suffix)
  cp text a
  expect_rc 0 "$nxzip" -S .nxz a
  there a.nxz
  gone a
  expect_rc 0 "$nxzip" -d --suffix .nxz a.nxz
  same a text
  # .tgz decompresses to .tar.
  gzip -c text >arch.tgz
  expect_rc 0 "$nxzip" -d arch.tgz
  same arch.tar text
  # An unknown suffix is refused as gzip does, exit 2.
  gzip -c text >noext
  expect_rc 2 "$nxzip" -d noext
  expect_err "nxzip: noext: unknown suffix -- ignored"
  there noext
  # Compressing what already has the suffix: a warning, nothing done.
  gzip -c text >b.gz
  expect_rc 2 "$nxzip" b.gz
  expect_err "nxzip: b.gz already has .gz suffix -- unchanged"
  gone b.gz.gz
  # gzip -d FILE finds FILE.gz.
  expect_rc 0 "$nxzip" -d b
  same b text
  ;;

Exists)
  cp text a
  echo precious >a.gz
  expect_rc 2 "$nxzip" a </dev/null
  expect_err "nxzip: a.gz already exists; not overwritten"
  [[ $(cat a.gz) == precious ]] || fail "a.gz was overwritten"
  there a
  gzip -c text >b.gz
  echo precious >b
  expect_rc 2 "$nxzip" -d b.gz
  expect_err "nxzip: b already exists; not overwritten"
  [[ $(cat b) == precious ]] || fail "b was overwritten"
  there b.gz
  # gzip agrees on the status.
  gzip a </dev/null 2>/dev/null
  [[ $? -eq 2 ]] || fail "gzip itself gives another status"
  no_temp
  ;;

Missing)
  expect_rc 1 "$nxzip" nofile
  expect_err "nxzip: nofile: No such file or directory"
  # The others still get done; the status stays 1.
  cp text a
  expect_rc 1 "$nxzip" nofile a
  there a.gz
  expect_rc 1 "$nxzip" -d nofile.gz
  expect_err "nxzip: nofile.gz: No such file or directory"
  ;;

Corrupt)
  gzip -c mixed >c.gz
  size=$(stat -c %s c.gz)
  printf 'XXXXXXXX' | dd of=c.gz bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
  expect_rc 1 "$nxzip" -d c.gz
  expect_err "nxzip: c.gz: invalid compressed data--"
  gone c
  there c.gz
  no_temp
  # A bad CRC in the trailer.
  gzip -c text >crc.gz
  size=$(stat -c %s crc.gz)
  printf '\x00\x00' | dd of=crc.gz bs=1 seek=$((size - 8)) conv=notrunc 2>/dev/null
  expect_rc 1 "$nxzip" -d crc.gz
  expect_err "nxzip: crc.gz: invalid compressed data--crc error"
  gone crc
  # Not gzip at all.
  echo 'hello' >plain.gz
  expect_rc 1 "$nxzip" -d plain.gz
  expect_err "nxzip: plain.gz: not in gzip format"
  gone plain
  there plain.gz
  no_temp
  ;;

Truncated)
  gzip -c mixed >t.gz
  head -c 5000 t.gz >short.gz
  expect_rc 1 "$nxzip" -d short.gz
  expect_err "nxzip: short.gz: unexpected end of file"
  gone short
  there short.gz
  # Cut inside the trailer and inside the header.
  size=$(stat -c %s t.gz)
  head -c $((size - 3)) t.gz >tail.gz
  expect_rc 1 "$nxzip" -d tail.gz
  expect_err "nxzip: tail.gz: unexpected end of file"
  gone tail
  head -c 5 t.gz >head.gz
  expect_rc 1 "$nxzip" -d head.gz
  expect_err "nxzip: head.gz: unexpected end of file"
  # Empty, as gzip says.
  : >zero.gz
  expect_rc 1 "$nxzip" -d zero.gz
  expect_err "nxzip: zero.gz: unexpected end of file"
  expect_rc 1 "$nxzip" -d </dev/null
  expect_err "nxzip: stdin: unexpected end of file"
  # A good file of the same name is never replaced by a truncated output.
  echo precious >short
  expect_rc 1 "$nxzip" -df short.gz
  [[ $(cat short) == precious ]] || fail "a failed -f run replaced the existing file"
  no_temp
  ;;

FullDisk)
  [[ -w /dev/full ]] || skip "no /dev/full"
  expect_rc 1 sh -c "exec \"$nxzip\" -c mixed >/dev/full"
  expect_err "nxzip: stdout: No space left on device"
  gzip -c text >t.gz
  expect_rc 1 sh -c "exec \"$nxzip\" -dc t.gz >/dev/full"
  expect_err "nxzip: stdout: No space left on device"
  expect_rc 1 sh -c "exec \"$nxzip\" -c -p 2 mixed >/dev/full"
  expect_err "No space left on device"
  there mixed
  ;;

Signal)
  # A large file, so that a run is still writing when the signal comes.
  cp mixed big
  for i in 1 2 3 4; do cat big big >big.2 && mv big.2 big; done
  cp big big.orig
  gzip -c big.orig >d.gz
  echo precious >big.gz
  echo precious >precious.ref
  killed=0
  for sig in TERM INT; do
    # Compression over an existing output (-f) and decompression (-k).
    for run in "-f big" "-dfk d.gz"; do
      echo precious >big.gz
      echo precious >d
      # (A background job of a non-interactive shell ignores SIGINT: a
      # subshell puts the default back first.)
      (trap - INT; exec "$nxzip" $run) 2>"$tmp/err" &
      pid=$!
      # Decompression is the faster of the two.
      if [[ $run == -d* ]]; then sleep 0.1; else sleep 0.4; fi
      kill -$sig "$pid" 2>/dev/null
      wait "$pid"
      rc=$?
      out=${run##* }; out=${out%.gz}.gz
      [[ $run == -d* ]] && out=d
      if [[ $rc -gt 128 ]] && cmp -s "$out" precious.ref; then
        killed=$((killed + 1))
        # Killed mid-run: the old output untouched, the input intact.
        same big big.orig
        there d.gz
      elif [[ $rc -gt 128 ]]; then
        # Killed after the output was renamed into place (the run's commit
        # point; a fast run gets there before the signal): the new output
        # must be whole, and the input is there unless a finished -f run
        # had already removed it.
        if [[ $run == -d* ]]; then same d big.orig; else gzip -dc big.gz | cmp -s - big.orig ||
          fail "SIG$sig after the commit of '$run' left a bad big.gz"; cp big.orig big; fi
        there d.gz
      elif [[ $rc -eq 0 ]]; then
        # Done before the signal (a fast machine): the output is whole.
        if [[ $run == -d* ]]; then same d big.orig; else gzip -dc big.gz | cmp -s - big.orig ||
          fail "big.gz is bad"; cp big.orig big; fi
      else
        fail "nxzip '$run' exited $rc after SIG$sig"
      fi
      no_temp
    done
  done
  echo "runs killed mid-way: $killed of 4"
  (( killed > 0 )) || skip "every run finished before its signal; nothing was checked"
  ;;

Metadata)
  cp text m
  chmod 640 m
  touch -d '2020-01-02 03:04:05' m
  want_time=$(stat -c %Y m)
  expect_rc 0 "$nxzip" m
  [[ $(stat -c %a m.gz) == 640 ]] || fail "mode not kept: $(stat -c %a m.gz)"
  [[ $(stat -c %Y m.gz) == "$want_time" ]] || fail "mtime not kept on m.gz"
  [[ $(stat -c %u:%g m.gz) == "$(id -u):$(id -g)" ]] || fail "owner changed"
  chmod 604 m.gz
  expect_rc 0 "$nxzip" -d m.gz
  [[ $(stat -c %a m) == 604 ]] || fail "mode not kept on decompression: $(stat -c %a m)"
  [[ $(stat -c %Y m) == "$want_time" ]] || fail "mtime not kept on decompression"
  same m text
  ;;

Name)
  cp text orig.txt
  touch -d '2019-05-06 07:08:09' orig.txt
  want_time=$(stat -c %Y orig.txt)
  # Default: name and mtime stored, as gzip does.
  expect_rc 0 "$nxzip" -c orig.txt
  mv out stored.gz
  [[ $(gzip -lN stored.gz | awk 'NR == 2 { print $4 }') == orig.txt ]] ||
    fail "the name is not stored: $(gzip -lN stored.gz)"
  cmp -s <(head -c 10 stored.gz | tail -c 6 | head -c 4 | od -An -tu4 | tr -d ' ') \
    <(echo "$want_time") || fail "the mtime is not stored"
  # -n: neither.
  expect_rc 0 "$nxzip" -cn orig.txt
  mv out bare.gz
  [[ $(head -c 4 bare.gz | tail -c 1 | od -An -tu1 | tr -d ' ') == 0 ]] || fail "-n stored flags"
  [[ $(head -c 8 bare.gz | tail -c 4 | od -An -tu4 | tr -d ' ') == 0 ]] || fail "-n stored an mtime"
  # -N on decompression: the stored name and time restored (gzip -N too).
  mv stored.gz renamed.gz
  rm orig.txt
  expect_rc 0 "$nxzip" -dN renamed.gz
  there orig.txt
  gone renamed
  same orig.txt text
  [[ $(stat -c %Y orig.txt) == "$want_time" ]] || fail "-N did not restore the mtime"
  # Default decompression ignores the stored name.
  "$nxzip" -c orig.txt >other.gz
  expect_rc 0 "$nxzip" -d other.gz
  there other
  ;;

Stats)
  expect_rc 0 "$nxzip" --stats --backend emulated -c mixed
  grep -qE '^nxzip: nxz stats: jobs=[1-9][0-9]* ' "$tmp/err" || fail "--stats shows no jobs"
  jobs=$(sed -n 's/.*jobs=\([0-9]*\).*/\1/p' "$tmp/err")
  in=$(sed -n 's/.* bytes_in=\([0-9]*\).*/\1/p' "$tmp/err")
  [[ $in -ge $(stat -c %s mixed) ]] || fail "the library saw $in bytes, less than the input"
  gzip -dc <out >back && same back mixed
  gzip -c mixed >m.gz
  expect_rc 0 "$nxzip" --stats -dc m.gz
  grep -qE 'jobs=[1-9]' "$tmp/err" || fail "decompression made no library jobs"
  # Without --stats nothing is printed.
  expect_rc 0 "$nxzip" -c mixed
  expect_quiet
  # --backend is checked.
  expect_rc 1 "$nxzip" --backend gpu -c text
  expect_err "--backend must be auto, nx or emulated"
  echo "jobs $jobs"
  ;;

Parallel)
  # One member, valid for gzip, within 0.5% of the single stream's size.
  for f in mixed text; do
    "$nxzip" -c -p 1 "$f" >serial.gz || fail "-p 1"
    s=$(stat -c %s serial.gz)
    for p in 2 4; do
      for block in 1M 64K; do
        "$nxzip" -c -p $p --block $block "$f" >par.gz || fail "-p $p"
        gzip -t par.gz || fail "gzip -t refuses -p $p --block $block"
        gzip -dc par.gz | cmp -s - "$f" || fail "-p $p --block $block differs"
        n=$(stat -c %s par.gz)
        echo "$f -p $p --block $block: $n bytes, -p 1: $s"
        (( n * 1000 <= s * 1005 )) || fail "-p $p --block $block: $n bytes, more than 0.5% over $s"
        # One member: exactly one magic at the start, one trailer at the end.
        [[ $(gzip -lv par.gz | awk 'NR == 2 { print $2 }') == \
          $(gzip -dc par.gz | gzip -c | gzip -lv | awk 'NR == 2 { print $2 }') ]] ||
          fail "the trailer CRC is wrong"
      done
    done
  done
  # Bounded memory: a 64 MB stream through 2 threads stays far below it.
  if command -v /usr/bin/time >/dev/null; then
    head -c 64000000 /dev/zero | /usr/bin/time -f '%M' "$nxzip" -p 2 >/dev/null 2>rss ||
      fail "streaming 64 MB"
    kb=$(tail -1 rss)
    (( kb < 40000 )) || fail "64 MB through -p 2 used $kb KiB of memory"
  fi
  ;;

Options)
  # Bundled flags, -# levels, --fast, and bad options (exit 1, as gzip).
  cp text a
  expect_rc 0 "$nxzip" -kc9 a
  mv out a9.gz
  expect_rc 0 "$nxzip" --fast -kc a
  mv out a1.gz
  gzip -dc a9.gz >back && same back text
  gzip -dc a1.gz >back && same back text
  [[ $(head -c 9 a9.gz | tail -c 1 | od -An -tu1 | tr -d ' ') == 2 ]] || fail "XFL of -9 is not 2"
  expect_rc 1 "$nxzip" -x a
  expect_err "invalid option -- 'x'"
  expect_rc 1 "$nxzip" -p 0 a
  expect_rc 1 "$nxzip" --block 1 a
  expect_rc 0 "$nxzip" --help
  grep -q -- '--processes' "$tmp/out" || fail "--help does not mention --processes"
  expect_rc 0 "$nxzip" -V
  # Quiet: the warning is not printed, the status still says it.
  expect_rc 2 "$nxzip" -q a9.gz
  expect_quiet
  # The progress line appears only on a terminal: silent here.
  expect_rc 0 "$nxzip" -c mixed
  expect_quiet
  ;;

Progress)
  # Not a terminal: silent, however large the input.
  cp mixed big
  for i in 1 2 3; do cat big big >big.2 && mv big.2 big; done
  expect_rc 0 "$nxzip" -c big
  expect_quiet
  # On a terminal (script(1) gives one): a line with bytes, rate and ratio.
  command -v script >/dev/null || skip "script(1) is not installed"
  script -qec "\"$nxzip\" -k -f big" /dev/null >tty.log 2>&1 </dev/null ||
    fail "nxzip under script failed: $(cat tty.log)"
  grep -qE 'nxzip: big: [0-9.]+ MB \([0-9]+%\), [0-9.]+ MB/s, ratio 0\.[0-9]+' tty.log ||
    fail "no progress line on the terminal: $(tr '\r' '\n' <tty.log | head -5)"
  gzip -dc big.gz | cmp -s - big || fail "big.gz is bad"
  # Small input on a terminal: nothing.
  script -qec "\"$nxzip\" -k -f text" /dev/null >tty.log 2>&1 </dev/null
  ! grep -q 'MB/s' tty.log || fail "a progress line for a small file"
  ;;

*)
  fail "unknown case"
  ;;
esac
exit 0
