#!/usr/bin/env bash
# Builds the library (Release, build/) and runs the main job: the throughput
# benchmark of the NX engine model next to zlib, libdeflate and ISA-L.
#   scripts/run-bench.sh [nxz-bench options] [FILE|DIR ...]
# With no files it uses ../shared/corpus when present, else files every
# Debian system has. Besides the tables it leaves the chart and the JSON
# in build/ (build/nxz-bench.svg, build/nxz-bench.json) unless the options
# name their own --plot or --json.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target nxz-bench
extra=()
case " $* " in *" --plot "*) ;; *) extra+=(--plot build/nxz-bench.svg) ;; esac
case " $* " in *" --json"*) ;; *) extra+=(--json=build/nxz-bench.json) ;; esac
case " $* " in *" --help "* | *" -h "*) extra=() ;; esac
exec build/nxz-bench "${extra[@]}" "$@"
