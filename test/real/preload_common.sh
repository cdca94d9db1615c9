# Shared by the real-program tests: run a command with libnxz.so preloaded
# and its statistics appended to a file at exit (NXZ_STATS_FILE, so that the
# programs' own stderr stays as it is), then check that work went through it.
#   nxz_run LOGFILE COMMAND...   (exit status of COMMAND)
#   nxz_jobs LOGFILE             requests completed in those runs, every process
set -uo pipefail
NXZ_LIB=${NXZ_LIB:?path of libnxz.so}
nxz_run() {
  local log=$1
  shift
  LD_PRELOAD=$NXZ_LIB NXZ_STATS_FILE=$log "$@"
}
nxz_jobs() {
  awk '/^nxz: pid /{n += $5} END {print n + 0}' "$1"
}
skip() {
  echo "SKIP: $*"
  exit 77
}
# corpus_files DIR: sets `files` to the regular files of DIR (its README.md
# aside), or to two files every Debian machine has when DIR gives none.
corpus_files() {
  files=()
  local f
  if [[ -d $1 ]]; then
    for f in "$1"/*; do [[ -f $f && $(basename "$f") != README.md ]] && files+=("$f"); done
  fi
  [[ ${#files[@]} -gt 0 ]] || files=(/usr/share/common-licenses/GPL-3 /usr/bin/gzip)
}
