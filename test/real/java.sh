#!/usr/bin/env bash
# OpenJDK under LD_PRELOAD=libnxz.so (its libzip.so links the system
# libz.so.1, so java.util.zip runs on nxz): javac compiles
# test/real/java/NxzCheck.java, which checks Deflater/Inflater (NO_FLUSH,
# SYNC_FLUSH, FULL_FLUSH with a raw restart after it, setLevel/setStrategy
# mid-stream, setDictionary and needsDictionary, nowrap), GZIPOutputStream and
# GZIPInputStream (also two members, and a file of GNU gzip's); the system
# zlib, without the preload (python3's zlib module), decodes every stream it
# wrote. The jar tool builds, lists, updates and extracts a jar of the corpus;
# python3's zipfile checks it, and NxzCheck runs again from that jar.
#   test/real/java.sh LIBNXZ CORPUS_DIR
NXZ_LIB=$(readlink -f "$1")
corpus=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/preload_common.sh"
command -v javac >/dev/null || skip "javac is not installed"
command -v java >/dev/null || skip "java is not installed"
command -v jar >/dev/null || skip "jar is not installed"
py=/usr/bin/python3
[[ -x $py ]] || skip "no /usr/bin/python3 (the system-zlib referee)"
libzip=$(dirname "$(readlink -f "$(command -v java)")")/../lib/libzip.so
if [[ -f $libzip ]] && ! grep -q 'libz\.so\.1 =>' <<<"$(ldd "$libzip" 2>&1)"; then
  skip "this JDK's libzip.so has its own zlib (no libz.so.1 to preload over)"
fi
corpus_files "$corpus"
log=$(mktemp)
work=$(mktemp -d)
trap 'rm -rf "$log" "$work"' EXIT
fail=0
# Small heaps: the machine is shared.
jopts=(-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)

mkdir -p "$work/classes" "$work/out" "$work/out2"
nxz_run "$log" timeout 120 javac -J-Xmx256m -d "$work/classes" "$here/java/NxzCheck.java" ||
  { echo "FAIL: javac"; exit 1; }
gzip -9 -c "${files[0]}" >"$work/gnu.gz"
nxz_run "$log" timeout 120 java "${jopts[@]}" -cp "$work/classes" NxzCheck "$work/out" "${files[@]}" \
  --gz "$work/gnu.gz" "${files[0]}" || { echo "FAIL: NxzCheck"; fail=1; }

# The system zlib decodes what java.util.zip wrote on nxz.
verify() {
  env -u LD_PRELOAD "$py" - "$1" <<'EOF'
import sys, zlib
bad = n = 0
for line in open(sys.argv[1]):
    fmt, comp, orig, *dict_ = line.split()
    data = open(comp, 'rb').read()
    want = open(orig, 'rb').read()
    wbits = {'zlib': 15, 'raw': -15, 'gzip': 31}[fmt]
    d = zlib.decompressobj(wbits, zdict=open(dict_[0], 'rb').read()) if dict_ else zlib.decompressobj(wbits)
    try:
        got = d.decompress(data) + d.flush()
        ok = got == want and d.eof and not d.unused_data
    except zlib.error as e:
        ok = False
        print('  ', e)
    n += 1
    if not ok:
        bad += 1
        print('FAIL: system zlib on', comp)
print(n, 'streams decoded by the system zlib,', bad, 'wrong')
sys.exit(1 if bad or n == 0 else 0)
EOF
}
verify "$work/out/manifest" || fail=1
for f in "$work"/out/*.gzip; do gzip -t "$f" || { echo "FAIL: gzip -t $f"; fail=1; }; done

# The jar tool: create (deflated and stored), list, update, extract.
mkdir -p "$work/tree/data/sub" "$work/x" "$work/x0"
cp "${files[@]}" "$work/tree/data/"
cp "${files[0]}" "$work/tree/data/sub/copy"
cp "$work/classes/NxzCheck.class" "$work/tree/"
j() { nxz_run "$log" timeout 120 jar -J-Xmx256m "$@"; }
j cf "$work/a.jar" -C "$work/tree" . || { echo "FAIL: jar cf"; fail=1; }
j cf0 "$work/stored.jar" -C "$work/tree" . || { echo "FAIL: jar cf0"; fail=1; }
echo "added later" >"$work/later.txt"
j uf "$work/a.jar" -C "$work" later.txt || { echo "FAIL: jar uf"; fail=1; }
cp "$work/later.txt" "$work/tree/"
(cd "$work/tree" && find . -type f | sed 's|^\./||' | sort) >"$work/want.list"
j tf "$work/a.jar" | grep -v '/$' | grep -v '^META-INF/' | sort >"$work/got.list"
cmp -s "$work/want.list" "$work/got.list" || { echo "FAIL: jar tf lists other files"; fail=1; }
(cd "$work/x" && j xf "$work/a.jar") || { echo "FAIL: jar xf"; fail=1; }
rm -rf "$work/x/META-INF"
diff -r "$work/tree" "$work/x" || { echo "FAIL: jar xf gave other contents"; fail=1; }
cp "$work/later.txt" "$work/x0/" && (cd "$work/x0" && j xf "$work/stored.jar") ||
  { echo "FAIL: jar xf of the stored jar"; fail=1; }
rm -rf "$work/x0/META-INF"
diff -r "$work/tree" "$work/x0" || { echo "FAIL: stored jar gave other contents"; fail=1; }
env -u LD_PRELOAD "$py" - "$work/a.jar" "$work/tree" <<'EOF' || { echo "FAIL: zipfile on the jar"; fail=1; }
import os, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None, 'CRC error'
deflated = 0
for i in z.infolist():
    if i.is_dir() or i.filename.startswith('META-INF/'):
        continue
    assert z.read(i) == open(os.path.join(sys.argv[2], i.filename), 'rb').read(), i.filename
    deflated += i.compress_type == zipfile.ZIP_DEFLATED
assert deflated > 0, 'nothing deflated'
print(len(z.infolist()), 'jar entries checked by the system zlib,', deflated, 'deflated')
EOF
# Classes loaded from the jar (the class loader inflates them).
nxz_run "$log" timeout 120 java "${jopts[@]}" -cp "$work/a.jar" NxzCheck "$work/out2" "${files[0]}" >/dev/null ||
  { echo "FAIL: NxzCheck from the jar"; fail=1; }

jobs=$(nxz_jobs "$log")
echo "requests through nxz: $jobs"
[[ $jobs -gt 0 ]] || { echo "FAIL: no request went through nxz"; fail=1; }
exit $fail
