#!/usr/bin/env bash
# Parallel compression with nxzip: size and throughput of -p 1 (one deflate
# stream) and -p 2 (blocks on two threads) next to gzip -6, per file.
#
#   scripts/nxzip-scaling.sh [--nxzip PATH] [--block SIZE] [--backend B] [--runs N] [FILE...]
#
# Defaults: build-nxzip/nxzip (else build/nxzip), the emulated backend,
# nxzip's own 1M block, the best of 3 runs, and every file of
# ../shared/corpus plus their concatenation and that concatenation 4 times
# (made in a temporary directory, never in the repository): the corpus
# files are 100-700 KB, so only the last two rows have several blocks at
# 1M (--block 128K gives every file several). Prints one row per file:
# sizes, -p 2 vs -p 1 in percent, MB/s of input per second of wall time.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
nxzip="" block=1M backend=emulated runs=3
files=()
while [[ $# -gt 0 ]]; do
  case $1 in
  --nxzip) nxzip=$2; shift 2 ;;
  --block) block=$2; shift 2 ;;
  --backend) backend=$2; shift 2 ;;
  --runs) runs=$2; shift 2 ;;
  -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) files+=("$1"); shift ;;
  esac
done
if [[ -z $nxzip ]]; then
  for c in "$here/build-nxzip/nxzip" "$here/build/nxzip"; do
    [[ -x $c ]] && nxzip=$c && break
  done
fi
[[ -x $nxzip ]] || { echo "nxzip not found; build it or give --nxzip" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nxzip-scaling.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [[ ${#files[@]} -eq 0 ]]; then
  corpus=$here/../shared/corpus
  for f in "$corpus"/*; do
    [[ -f $f && $f != *.md ]] && files+=("$f")
  done
  cat "${files[@]}" >"$tmp/corpus-all"
  cat "$tmp/corpus-all" "$tmp/corpus-all" "$tmp/corpus-all" "$tmp/corpus-all" >"$tmp/corpus-all-x4"
  files+=("$tmp/corpus-all" "$tmp/corpus-all-x4")
fi

# best_seconds CMD...: the shortest wall time of $runs runs (output to /dev/null).
best_seconds() {
  local best="" t0 t1 t
  for ((r = 0; r < runs; r++)); do
    t0=$(date +%s%N)
    "$@" >/dev/null
    t1=$(date +%s%N)
    t=$((t1 - t0))
    [[ -z $best || $t -lt $best ]] && best=$t
  done
  echo "$best"
}
mbps() { awk -v b="$1" -v ns="$2" 'BEGIN { printf "%.1f", (ns > 0 ? b / 1e6 / (ns / 1e9) : 0) }'; }

export NXZ_BACKEND=$backend
echo "nxzip $("$nxzip" -V | cut -d' ' -f2), backend $backend, --block $block, best of $runs, $(nproc) cores"
printf '%-16s %10s %10s %10s %10s %8s %9s %9s\n' file bytes gzip-6 "-p 1" "-p 2" "p2/p1" "MB/s p1" "MB/s p2"
for f in "${files[@]}"; do
  size=$(stat -c %s "$f")
  g=$(gzip -6 -c "$f" | wc -c)
  s1=$("$nxzip" -c -p 1 "$f" | wc -c)
  s2=$("$nxzip" -c -p 2 --block "$block" "$f" | wc -c)
  # Both outputs must be what gzip reads back.
  "$nxzip" -c -p 2 --block "$block" "$f" | gzip -dc | cmp -s - "$f" || {
    echo "$f: -p 2 output does not decompress to the input" >&2
    exit 1
  }
  t1=$(best_seconds "$nxzip" -c -p 1 "$f")
  t2=$(best_seconds "$nxzip" -c -p 2 --block "$block" "$f")
  printf '%-16s %10d %10d %10d %10d %7.2f%% %9s %9s\n' "$(basename "$f")" "$size" "$g" "$s1" "$s2" \
    "$(awk -v a="$s2" -v b="$s1" 'BEGIN { print 100 * (a - b) / b }')" "$(mbps "$size" "$t1")" \
    "$(mbps "$size" "$t2")"
done
