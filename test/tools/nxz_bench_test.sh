#!/usr/bin/env bash
# nxz-bench, as a user runs it: one case per CTest (cmake/nxz_bench_test.cmake).
#   nxz_bench_test.sh CASE NXZ_BENCH
# CASE: Help Json Plot Mismatch Threads Csv Usage.
# Exit 0 = pass, 77 = skipped (python3 missing), anything else = fail.
set -uo pipefail
case_name=${1:?case} bench=${2:?path of nxz-bench}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nxz-bench-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "FAIL ($case_name): $*" >&2
  if [[ -s $tmp/err ]]; then
    echo "--- nxz-bench's stderr:" >&2
    tail -n 20 "$tmp/err" >&2
  fi
  exit 1
}
need_python() { command -v python3 >/dev/null || { echo "SKIP ($case_name): no python3"; exit 77; }; }

# Small, fast, and compressible in different ways: text, a repeated
# pattern and incompressible bytes, in two files (two chunks each at 64K).
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do cat "$0"; done | head -c 150000 >"$tmp/text"
head -c 70000 /dev/urandom >"$tmp/random"
# Short timings: the case checks behaviour, not speed.
fast=(--quiet --min-time 0.01 --repeat 2 --chunk 64K --stream 4K)
# run WANT_RC ARGS...: nxz-bench with ARGS (stdout to $tmp/out, stderr to
# $tmp/err), checks its exit status.
run() {
  local want=$1 rc
  shift
  "$bench" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [[ $rc == "$want" ]] || fail "nxz-bench $* exited with $rc, expected $want"
}

case $case_name in
  Help)
    run 0 --help
    for opt in --levels --level --stream --threads --json --plot --checksums --repeat --quiet; do
      grep -q -- "$opt" "$tmp/out" || fail "--help does not mention $opt"
    done
    ;;
  Json)
    need_python
    run 0 "${fast[@]}" --json "$tmp/text" "$tmp/random"
    python3 -m json.tool "$tmp/out" >/dev/null || fail "--json output does not parse"
    python3 - "$tmp/out" <<'PY' || fail "--json output lacks what the schema promises"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["schema"] == "nxz-bench/1"
assert r["machine"]["cpu_model"] and r["date"].endswith("Z")
assert [i["name"] for i in r["inputs"]] == ["text", "random"]
rows = r["sets"][-1]["rows"]
assert r["sets"][-1]["label"] == "total"
have = {(x["codec"], x["mode"]) for x in rows}
for want in [("nxz", "engine"), ("nxz", "driver"), ("nxz", "api"), ("nxz", "stream 4K"),
             ("nxz", "decode"), ("nxz", "api dec"), ("zlib", "software")]:
    assert want in have, want
# libdeflate is a peer only where the build found it.
api_dec = sorted(x["level"] for x in rows if x["mode"] == "api dec")
ldef = ["ldef-6"] if any(x["codec"] == "libdeflate" for x in rows) else []
assert api_dec == ldef + ["zlib-1", "zlib-6", "zlib-9"], api_dec
for x in rows:
    assert x["ratio"] > 0, x
    assert x["decompress_mbps"]["median"] > 0, x
    assert len(x["decompress_mbps"]["samples"]) == 2, x
    # Decoding rows time someone else's streams: nothing compressed.
    if x["mode"] in ("decode", "api dec"):
        assert x["compress_mbps"] is None, x
    else:
        c = x["compress_mbps"]
        assert c["min"] <= c["median"] <= c["max"] and c["spread_pct"] >= 0, x
zlib = {x["level"] for x in rows if x["codec"] == "zlib"}
assert zlib == {"1", "6", "9"}, zlib
algs = {(c["algorithm"], c["implementation"]) for c in r["checksums"]}
assert ("crc32", "nxz") in algs and ("adler32", "zlib") in algs, algs
assert [s["bytes"] for s in r["checksums"][0]["sizes"]] == [4096, 65536, 1048576]
assert r["threaded"] is None
PY
    ;;
  Plot)
    need_python
    run 0 "${fast[@]}" --no-checksums --plot "$tmp/chart.svg" --json="$tmp/run.json" "$tmp/text"
    grep -q '^total:' "$tmp/out" || fail "no table beside --plot and --json=FILE"
    python3 - "$tmp/chart.svg" "$tmp/run.json" <<'PY' || fail "the chart is not what was measured"
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
assert root.tag == ns + "svg", root.tag
texts = " ".join(t.text or "" for t in root.iter(ns + "text"))
for word in ["compression speed", "MB/s", "compression ratio", "zlib -6", "nxz fht"]:
    assert word in texts, word
r = json.load(open(sys.argv[2]))
assert r["machine"]["cpu_model"] in texts
timed = [x for x in r["sets"][-1]["rows"] if x["compress_mbps"]]
assert len(list(root.iter(ns + "circle"))) >= len(timed) - 3  # coinciding points merge
PY
    ;;
  Mismatch)
    # A corrupted stream must stop the run with status 1 and no table row.
    run 1 "${fast[@]}" --no-checksums --test-mismatch "$tmp/text"
    grep -q 'VERIFICATION FAILED' "$tmp/err" || fail "no VERIFICATION FAILED message"
    grep -q '^total:' "$tmp/out" && fail "a table was printed for a mismatched run"
    ;;
  Threads)
    need_python
    run 0 "${fast[@]}" --no-checksums --threads 2 --json "$tmp/text" "$tmp/random"
    python3 - "$tmp/out" <<'PY' || fail "--threads 2 did not report two-thread rows"
import json, sys
r = json.load(open(sys.argv[1]))
t = r["threaded"]
assert t["threads"] == 2 and len(t["rows"]) == len(r["sets"][-1]["rows"])
for x in t["rows"]:
    assert x["threads"] == 2 and x["decompress_mbps"]["median"] > 0, x
PY
    run 0 "${fast[@]}" --no-checksums --threads 2 --codecs zlib "$tmp/text"
    grep -q 'on 2 threads' "$tmp/out" || fail "no thread table"
    ;;
  Csv)
    run 0 "${fast[@]}" --no-checksums --csv --levels 1 --codecs zlib "$tmp/text"
    head -n 1 "$tmp/out" | grep -q '^input,chunk,codec,level,' || fail "CSV header changed"
    [[ $(wc -l <"$tmp/out") -ge 3 ]] || fail "CSV rows missing (zlib -1 and the -6 baseline)"
    ;;
  Usage)
    run 2 --no-such-option
    run 2 --threads 0
    run 2 --levels x
    run 2 "$tmp/missing-file"
    ;;
  *)
    fail "unknown case"
    ;;
esac
exit 0
