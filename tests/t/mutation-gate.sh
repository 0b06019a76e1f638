# The mutation gate (tests/mutants) on two bugs and a small selection: a
# mutant its killers catch is caught by them; one its killers miss meets the
# whole selection before a verdict (and is caught there); one nothing in the
# selection catches SURVIVES and fails the gate. A killer list can save
# time, never decide a verdict. The scenarios are the test's own, without
# timing bounds, so that a loaded machine cannot fail the reference here.
set -u
fail() { echo "FAIL: $*"; cat gate*.out 2>/dev/null | tail -n 30; exit 1; }
out=$PWD
cat >drain.scn <<'S'
title a re-entered lock is gone after both releases
holder A
A acquire
A acquire
A release
A release
expect lock s1 absent
S
cat >busy.scn <<'S'
title a deliver to a busy lock fails, never answers ok
lock maxHoldMs=60s timeoutMs=200ms
holder A B
A acquire
await A
B deliver msg=m1
await m1 answered timeout=30s
expect m1 fail reason=timeout
A release
S
cat >plain.scn <<'S'
title one message
holder A
A deliver msg=m1
S
cd "$LOCKCHAOS_TOP"
printf 'reentrant-no-drain %s\nsilent-drop-when-busy %s\n' "$out/plain.scn" "$out/busy.scn" >"$out/killers"
MUTANTS_FULL=0 MUTANTS_ONLY="reentrant-no-drain silent-drop-when-busy" MUTANT_KILLERS="$out/killers" JOBS=4 \
	tests/mutants "$out/m1/mutants-1" "$out/drain.scn" "$out/busy.scn" "$out/plain.scn" >"$out/gate1.out" 2>&1 ||
	fail "the gate failed with both bugs catchable"
grep -q "silent-drop-when-busy  *caught by 1 scenario(s) of its killers" "$out/gate1.out" ||
	fail "silent-drop-when-busy not caught by its killer"
grep -q "reentrant-no-drain  *caught by 1 scenario(s) of the catalog (its killers missed it)" "$out/gate1.out" ||
	fail "reentrant-no-drain: its killer missed it, the selection was not run"
[ -f "$out/m1/mutants-1/matrix/reentrant-no-drain.all/summary.json" ] || fail "no whole-selection report"
[ ! -e "$out/m1/mutants-1/matrix/silent-drop-when-busy.all" ] ||
	fail "silent-drop-when-busy met the whole selection though its killer caught it"
grep -q "^2 passed, 0 failed$" "$out/gate1.out" || fail "gate 1: not 2 passed"
grep -q "reference lock: 3 passed, 0 failed" "$out/gate1.out" || fail "gate 1: the reference did not pass the selection"
# nothing in the selection catches no-watchdog: it survives, the gate fails
printf 'no-watchdog %s\n' "$out/plain.scn" >"$out/killers2"
MUTANTS_ONLY="no-watchdog" MUTANT_KILLERS="$out/killers2" MUTANTS_FULL=0 JOBS=4 \
	tests/mutants "$out/m2/mutants-2" "$out/plain.scn" >"$out/gate2.out" 2>&1 && fail "a surviving bug passed the gate"
grep -q "no-watchdog  *SURVIVED" "$out/gate2.out" || fail "no SURVIVED line"
grep -q "^0 passed, 1 failed$" "$out/gate2.out" || fail "gate 2: not 0 passed, 1 failed"
exit 0
