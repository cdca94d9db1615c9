#!/usr/bin/env bash
# git under LD_PRELOAD=libnxz.so: loose objects and packs are zlib streams
# (git reads them with bytes after the end left over, and inflates object
# headers a few bytes at a time). init, add the corpus, commit, fsck --full,
# clone (pack, index-pack), gc in the clone, and the plain git's fsck of the
# result.
#   test/real/git.sh LIBNXZ CORPUS_DIR
NXZ_LIB=$1
corpus=$2
. "$(dirname "$0")/preload_common.sh"
command -v git >/dev/null || skip "git is not installed"
log=$(mktemp)
work=$(mktemp -d)
trap 'rm -rf "$log" "$work"' EXIT
src=$corpus
[[ -d $src ]] || src=/usr/share/common-licenses
g() { nxz_run "$log" git -c user.name=nxz -c user.email=nxz@localhost -c init.defaultBranch=main "$@"; }
set -e
g init -q "$work/repo"
cp -r "$src"/. "$work/repo/"
g -C "$work/repo" add -A
g -C "$work/repo" commit -q -m corpus
echo more >>"$work/repo/$(ls "$work/repo" | head -1)"
g -C "$work/repo" commit -q -am change
g -C "$work/repo" fsck --full --strict
g clone -q --no-local "$work/repo" "$work/clone"
g -C "$work/clone" gc -q --aggressive
g -C "$work/clone" fsck --full --strict
# The system git alone agrees with what the preloaded one wrote.
git -C "$work/clone" fsck --full --strict
diff -r -x .git "$work/repo" "$work/clone"
set +e
jobs=$(nxz_jobs "$log")
echo "requests through nxz: $jobs"
[[ $jobs -gt 0 ]] || { echo "FAIL: no request went through nxz"; exit 1; }
