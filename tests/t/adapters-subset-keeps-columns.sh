# Building a subset of the npm adapters keeps the columns built before in
# build/adapters/registry.d/npm (it used to rewrite the registry with the
# subset alone), and a spec that is not pinned is refused by name. Uses
# packages already in the npm cache (.cache/npm, filled by `make adapters`):
# nothing is fetched; without them the test says so and passes.
set -u
top=$LOCKCHAOS_TOP
for p in proper-lockfile-4.1.2 lockfile-1.0.4; do
	if [ ! -f "$top/.cache/npm/$p/lockchaos-manifest.json" ]; then
		echo "skip: $p is not in .cache/npm (run make adapters)"
		exit 0
	fi
done
out=$PWD/adapters
build() { node "$top/fixtures/adapters/tools/build.mjs" --cache "$top/.cache/npm" --out "$out" "$@"; }
build proper-lockfile@4.1.2 >a.out 2>&1 || { cat a.out; exit 1; }
build lockfile@1.0.4 >b.out 2>&1 || { cat b.out; exit 1; }
cat adapters/registry.d/npm
grep -q '^proper-lockfile	' adapters/registry.d/npm || { echo "proper-lockfile dropped by the second build"; exit 1; }
grep -q '^node-lockfile	' adapters/registry.d/npm || { echo "node-lockfile missing"; exit 1; }
[ ! -e adapters/registry ] || { echo "a single registry file would list columns twice"; exit 1; }
if build lockfile@9.9.9 >c.out 2>&1; then echo "an unpinned spec was built"; exit 1; fi
grep -q 'lockfile@9.9.9 is not pinned' c.out || { cat c.out; exit 1; }
grep -q '^proper-lockfile	' adapters/registry.d/npm

# OpenClaw: adding a release is one line of pins.txt, and a subset build
# keeps every other column. Runs on copies of pins.txt (--pins), from the
# cache only: every pinned package and one release that is not a column yet
# must be in .cache/npm, else this part says so and passes.
pins=$top/fixtures/adapters/pins.txt
cached() { [ -f "$top/.cache/npm/$1/lockchaos-manifest.json" ]; }
for spec in $(sed -n 's/^\(openclaw@[^ ]*\) .*/\1/p' "$pins"); do
	cached "openclaw-${spec#openclaw@}" || { echo "skip: $spec is not in .cache/npm (run make adapters)"; exit 0; }
done
extra=
for spec in $(sed -n 's/^# \(openclaw@[^ ]*\) .*/\1/p' "$pins"); do
	if cached "openclaw-${spec#openclaw@}"; then extra=$spec; break; fi
done
[ -n "$extra" ] || { echo "skip: no commented-out OpenClaw release in .cache/npm"; exit 0; }
ncols=$(grep -c '^[a-z][^ ]*@[^ ]* *sha512-' "$pins")
cp "$pins" p1.txt
out=$PWD/oc
sed "s/^# $extra /$extra /" p1.txt >p2.txt
[ "$(diff p1.txt p2.txt | grep -c '^[<>]')" = 2 ] || { echo "uncommenting $extra is not one line"; exit 1; }
build --pins p1.txt >d.out 2>&1 || { cat d.out; exit 1; }
[ "$(wc -l <oc/registry.d/npm)" = "$ncols" ] || { cat oc/registry.d/npm; echo "expected $ncols columns"; exit 1; }
! grep -q "^openclaw-${extra#openclaw@}	" oc/registry.d/npm || { echo "$extra is a column while commented out"; exit 1; }
build --pins p2.txt >e.out 2>&1 || { cat e.out; exit 1; }
grep -q "^openclaw-${extra#openclaw@}	" oc/registry.d/npm || { cat e.out; echo "the uncommented $extra is no column"; exit 1; }
[ "$(wc -l <oc/registry.d/npm)" = "$((ncols + 1))" ] || { cat oc/registry.d/npm; exit 1; }
# a subset of one keeps the other columns, in pins.txt order
build --pins p2.txt "$extra" >f.out 2>&1 || { cat f.out; exit 1; }
[ "$(wc -l <oc/registry.d/npm)" = "$((ncols + 1))" ] || { cat oc/registry.d/npm; echo "the subset build dropped columns"; exit 1; }
grep -v '^#' p2.txt | awk 'NF { split($1, a, "@"); print a[1] "-" a[2] }' | sed 's/^proper-lockfile-.*/proper-lockfile/; s/^lockfile-.*/node-lockfile/' >want.txt
cut -f1 oc/registry.d/npm >got.txt
diff want.txt got.txt || { echo "registry is not the pinned columns in order"; exit 1; }
# make check's --skip openclaw builds the other packages only
out=$PWD/skip
build --pins p2.txt --skip openclaw >g.out 2>&1 || { cat g.out; exit 1; }
! grep -q '^openclaw' skip/registry.d/npm || { cat skip/registry.d/npm; echo "--skip openclaw built an OpenClaw column"; exit 1; }
grep -q '^proper-lockfile	' skip/registry.d/npm || { cat g.out; exit 1; }
echo "ok: $ncols columns, +1 line adds $extra, a subset keeps all $((ncols + 1))"
