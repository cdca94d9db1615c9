#!/usr/bin/env bash
# The long soak (issue 15): nxz-soak for a chosen time with 8 threads of
# random streams, forks in open streams and the emulated engine's fault
# injection on, every byte checked against the system zlib.
#   scripts/run-soak.sh [SECONDS [THREADS]]      (default 1800 s, 8 threads)
# Builds build/ (Release) first. Exit status: the soak's (0: no mismatch).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-1800}
threads=${2:-8}
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target nxz-soak
NXZ_CORPUS_DIR=${NXZ_CORPUS_DIR:-$PWD/../shared/corpus} \
  build/nxz-soak --time "$seconds" --threads "$threads" --seed "${NXZ_SOAK_SEED:-$(date +%s)}"
