# fixtures/adapters/tools/lockcode.mjs groups OpenClaw releases by their lock
# code: two builds of the same code (other chunk hashes in the file names and
# import paths, other one-letter export aliases) are one group; a changed
# line is another group, and --diff names the file and shows the line. On a
# made-up cache (no network, no real release needed).
set -u
top=$LOCKCHAOS_TOP
mk() { # VERSION HASH ALIAS BODY
	d=cache/openclaw-$1/package/dist
	mkdir -p "$d"
	printf 'import { %s as isPidAlive } from "./pid-alive-%s.js";\n%s\nexport { acquire as %s };\n' \
		"$3" "$2" "$4" "$3" >"$d/session-write-lock-$2.js"
	printf 'function isPidAlive(p) { return p > 0; }\nexport { isPidAlive as %s };\n' "$3" >"$d/pid-alive-$2.js"
	printf '{"module":"package/dist/session-write-lock-%s.js","closure":["package/dist/session-write-lock-%s.js","package/dist/pid-alive-%s.js"],"deps":{}}\n' \
		"$2" "$2" "$2" >"cache/openclaw-$1/lockchaos-manifest.json"
}
mk 1.0.0 AAAAAAAA t 'async function acquire() { return 10; }'
mk 1.0.1 BBBB_-CC n 'async function acquire() { return 10; }'
mk 1.1.0 CCCCCCCC t 'async function acquire() { return 60; }'
cat >pins.txt <<'PINS'
openclaw@1.0.0  sha512-x
# openclaw@1.0.1  sha512-y
openclaw@1.1.0  sha512-z
# openclaw@2.0.0  sha512-w
PINS
lc() { node "$top/fixtures/adapters/tools/lockcode.mjs" --cache cache --pins pins.txt "$@"; }
lc >out.txt 2>err.txt || { cat out.txt err.txt; exit 1; }
cat out.txt err.txt
grep -q '^3 releases, 2 distinct lock codes (3 distinct byte for byte)' out.txt || { echo "wrong counts"; exit 1; }
grep -q '^lock code 1 [0-9a-f]*: 1.0.0 1.0.1$' out.txt || { echo "1.0.0 and 1.0.1 are not one group"; exit 1; }
grep -q '^lock code 2 [0-9a-f]*: 1.1.0$' out.txt || { echo "1.1.0 is not a group of its own"; exit 1; }
grep -q 'columns: 1.0.0$' out.txt || { echo "the commented-out 1.0.1 is counted as a column"; exit 1; }
grep -q 'changed since 1.0.0: ~session-write-lock$' out.txt || { echo "the changed file is not named"; exit 1; }
grep -q 'left out: 2.0.0' err.txt || { echo "a release missing from the cache is not named"; exit 1; }
lc --diff 1.0.0 1.1.0 >d.txt || exit 1
grep -qx '~session-write-lock' d.txt || { cat d.txt; exit 1; }
lc --diff 1.0.0 1.1.0 session-write-lock >d2.txt
grep -q '^+async function acquire() { return 60; }' d2.txt || { cat d2.txt; exit 1; }
lc --diff 1.0.0 1.0.1 >d3.txt && grep -qx '(nothing)' d3.txt || { cat d3.txt; exit 1; }
if lc --diff 1.0.0 9.9.9 >/dev/null 2>e.txt; then echo "an unknown release was accepted"; exit 1; fi
grep -q '9.9.9 is not a pinned release in the cache' e.txt
