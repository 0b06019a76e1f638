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
build() { node "$top/fixtures/adapters/tools/build.mjs" --cache "$top/.cache/npm" --out "$PWD/adapters" "$@"; }
build proper-lockfile@4.1.2 >a.out 2>&1 || { cat a.out; exit 1; }
build lockfile@1.0.4 >b.out 2>&1 || { cat b.out; exit 1; }
cat adapters/registry.d/npm
grep -q '^proper-lockfile	' adapters/registry.d/npm || { echo "proper-lockfile dropped by the second build"; exit 1; }
grep -q '^node-lockfile	' adapters/registry.d/npm || { echo "node-lockfile missing"; exit 1; }
[ ! -e adapters/registry ] || { echo "a single registry file would list columns twice"; exit 1; }
if build lockfile@9.9.9 >c.out 2>&1; then echo "an unpinned spec was built"; exit 1; fi
grep -q 'lockfile@9.9.9 is not pinned' c.out || { cat c.out; exit 1; }
grep -q '^proper-lockfile	' adapters/registry.d/npm
