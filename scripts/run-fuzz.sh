#!/usr/bin/env bash
# Builds the libFuzzer targets (test/fuzz) with clang under ASan+UBSan in
# build-fuzz/ and runs each for a while, one job each, at low priority.
#
#   scripts/run-fuzz.sh [--time SECONDS] [--max-len BYTES] [TARGET...]
#
# TARGET is engine_crb, inflate, roundtrip, gz_reader or driver_faults (all
# when none is given); --time is per target (default 60). Each target starts
# from its committed corpus (test/fuzz/corpus/<target>, copied into
# build-fuzz/fuzz-work/<target>/corpus, which keeps growing across runs) and
# writes what it finds to build-fuzz/fuzz-work/<target>/artifacts/. At the
# end a summary gives per target the executions, coverage (cov/ft from
# libFuzzer's last status line) and findings; every finding is also copied
# (the first three of each run; the rest stay in artifacts/) to
# test/fuzz/corpus/<target>/regress-<kind>-<hash> so the replay test
# (Fuzz.replay.<target>) keeps it once the bug is fixed; rename it after
# what it found. The log of each run is build-fuzz/fuzz-work/<target>/log.
#
# Exit status: 0 when no target found anything, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

time_per_target=60
max_len=8192
targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --time) time_per_target=$2; shift 2 ;;
    --max-len) max_len=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "run-fuzz: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
all=(engine_crb inflate roundtrip gz_reader driver_faults)
[[ ${#targets[@]} -eq 0 ]] && targets=("${all[@]}")
for t in "${targets[@]}"; do
  [[ " ${all[*]} " == *" $t "* ]] || { echo "run-fuzz: no target $t (${all[*]})" >&2; exit 2; }
done

command -v clang++ >/dev/null || { echo "run-fuzz: clang++ is needed (libFuzzer)" >&2; exit 2; }
build=build-fuzz
CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNXZ_FUZZ=ON \
  -DNXZ_SANITIZE=address,undefined -DNXZ_BUILD_BENCH=OFF >/dev/null
nice -n 10 cmake --build "$build" -j "$(nproc)" --target "${targets[@]/%/_fuzz}"

# Faults come only from the inputs (driver_faults); leaks are findings too.
export NXZ_EMU_FAULTS=
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

summary=()
found_any=0
for t in "${targets[@]}"; do
  work=$build/fuzz-work/$t
  mkdir -p "$work/corpus" "$work/artifacts"
  cp -n test/fuzz/corpus/"$t"/* "$work/corpus/" 2>/dev/null || true
  before=$(ls "$work/artifacts" | wc -l)
  echo "run-fuzz: $t for ${time_per_target}s (log: $work/log)"
  # -fork=1 keeps fuzzing after a finding: each crash is saved, and the
  # run goes on until the time is up.
  set +e
  nice -n 10 "$build/${t}_fuzz" "$work/corpus" -max_total_time="$time_per_target" \
    -max_len="$max_len" -timeout=30 -rss_limit_mb=3072 -fork=1 -ignore_crashes=1 \
    -ignore_timeouts=1 -ignore_ooms=1 -artifact_prefix="$work/artifacts/" -print_final_stats=1 \
    >"$work/log" 2>&1
  rc=$?
  set -e
  # libFuzzer's status lines: "#N ... cov: C ft: F corp: ..." (fork mode
  # prints the same fields).
  last=$(grep -E '^#[0-9]+' "$work/log" | tail -1 || true)
  execs=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$last")
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  stat_execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$work/log" | tail -1)
  [[ -n "$stat_execs" ]] && execs=$stat_execs
  new=()
  for f in "$work"/artifacts/*; do
    [[ -f "$f" ]] || continue
    name=$(basename "$f")
    kind=${name%%-*}  # crash, leak, timeout, oom, slow-unit
    hash=$(sha1sum "$f" | cut -c1-12)
    dest=test/fuzz/corpus/$t/regress-$kind-$hash
    # A few per run: with -ignore_crashes one bug can leave hundreds.
    if [[ ! -e "$dest" && "$kind" != "slow" && ${#new[@]} -lt 3 ]]; then
      cp "$f" "$dest"
      new+=("$dest")
    fi
  done
  after=$(ls "$work/artifacts" | wc -l)
  findings=$((after - before))
  [[ $findings -gt 0 ]] && found_any=1
  summary+=("$(printf '%-14s execs %-10s cov %-6s ft %-7s findings %s (exit %s)' "$t" \
    "${execs:-?}" "${cov:-?}" "${ft:-?}" "$findings" "$rc")")
  for f in "${new[@]}"; do summary+=("    new regression input: $f"); done
  if [[ $findings -gt 0 ]]; then
    summary+=("$(grep -E 'ERROR: |FUZZ CHECK FAILED|runtime error' "$work/log" | sort | uniq -c |
      head -5 | sed 's/^/    /')")
  fi
done

echo
echo "run-fuzz summary (${time_per_target}s per target, max_len $max_len):"
printf '%s\n' "${summary[@]}"
exit $found_any
