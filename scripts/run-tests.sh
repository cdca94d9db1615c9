#!/usr/bin/env bash
# Builds the library and runs the whole test suite (the README's test command).
#   scripts/run-tests.sh            Release build in build/, all tests
#   scripts/run-tests.sh --sanitize AddressSanitizer+UBSan build in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

build=build
flags=(-DCMAKE_BUILD_TYPE=Release)
if [[ "${1:-}" == "--sanitize" ]]; then
  build=build-asan
  flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DNXZ_SANITIZE=address,undefined -DNXZ_BUILD_BENCH=OFF)
fi

cmake -S . -B "$build" "${flags[@]}" >/dev/null
cmake --build "$build" -j "$(nproc)"
cd "$build"
ctest --output-on-failure -j "$(nproc)" --timeout 600
