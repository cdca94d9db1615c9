#!/usr/bin/env bash
# Installs what nxz needs to build, test and benchmark on Debian or Ubuntu.
#
#   scripts/install-deps.sh                  native build, tests, benchmarks
#   scripts/install-deps.sh --cross-ppc64le  also the ppc64le cross compiler,
#                                            qemu-user and ppc64el runtime libs
#
# Safe to run again: packages already installed are detected with dpkg-query
# first, so a machine that has everything needs no network and prints
# nothing. Uses sudo when not run as root.
set -euo pipefail

NATIVE_PACKAGES=(build-essential cmake zlib1g-dev libboost-context-dev libgtest-dev
  libgmock-dev libbenchmark-dev libdeflate-dev libisal-dev pkg-config)
CROSS_PACKAGES=(g++-powerpc64le-linux-gnu qemu-user)
# Real programs the test suite runs with the library preloaded (test/real);
# each test skips itself when its program cannot be had.
REAL_PACKAGES=(pigz gzip git python3 curl openssh-client openssh-server rsync)
# Runtime libraries only: -dev packages of a foreign architecture often
# conflict with the native ones and cannot be installed side by side.
CROSS_RUNTIME=(zlib1g:ppc64el libstdc++6:ppc64el)

usage() { sed -n '2,11s/^# \{0,1\}//p' "$0"; }

cross=0
for arg in "$@"; do
  case "$arg" in
    --cross-ppc64le) cross=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install-deps: unknown argument: $arg" >&2; usage >&2; exit 2 ;;
  esac
done

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
  echo "install-deps: needs a Debian-based system (dpkg and apt-get)" >&2
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "install-deps: run as root or install sudo" >&2
    exit 1
  fi
  SUDO=(sudo)
fi

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

missing_of() {
  local p
  for p in "$@"; do is_installed "$p" || printf '%s\n' "$p"; done
}

updated=0
apt_update_once() {
  if [ "$updated" -eq 0 ]; then
    # A partly failed update (a mirror mid-sync) often still leaves usable
    # lists: go on, and let apt-get install report what it cannot find.
    if ! "${SUDO[@]}" apt-get update -qq; then
      echo "install-deps: warning: apt-get update failed; using the package lists present" >&2
    fi
    updated=1
  fi
}

apt_install() {
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "$@"
}

mapfile -t missing < <(missing_of "${NATIVE_PACKAGES[@]}")
if [ "$cross" -eq 1 ]; then
  mapfile -t -O "${#missing[@]}" missing < <(missing_of "${CROSS_PACKAGES[@]}")
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  apt_update_once
  apt_install "${missing[@]}"
fi

# The real programs, one by one: a missing one skips its test, never the build.
mapfile -t missing_real < <(missing_of "${REAL_PACKAGES[@]}")
for p in "${missing_real[@]}"; do
  apt_update_once
  echo "install-deps: installing $p"
  apt_install "$p" || echo "install-deps: warning: could not install $p; its test will skip" >&2
done
# CPython's own test suite, for the python3 there now.
if [ -x /usr/bin/python3 ]; then
  pyver=$(/usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true)
  if [ -n "$pyver" ] && ! is_installed "libpython$pyver-testsuite"; then
    apt_update_once
    echo "install-deps: installing libpython$pyver-testsuite"
    apt_install "libpython$pyver-testsuite" ||
      echo "install-deps: warning: no CPython test suite; its test will skip" >&2
  fi
fi

if [ "$cross" -eq 1 ]; then
  mapfile -t missing_rt < <(missing_of "${CROSS_RUNTIME[@]}")
  if [ "${#missing_rt[@]}" -gt 0 ]; then
    if ! dpkg --print-foreign-architectures | grep -qx ppc64el; then
      echo "install-deps: adding the ppc64el architecture"
      "${SUDO[@]}" dpkg --add-architecture ppc64el
      updated=0  # the new architecture's package lists are not there yet
    fi
    apt_update_once
    for p in "${missing_rt[@]}"; do
      echo "install-deps: installing $p"
      if ! apt_install "$p"; then
        echo "install-deps: warning: could not install $p; the cross build may still" \
          "work, running its tests under qemu may not" >&2
      fi
    done
  fi
fi
