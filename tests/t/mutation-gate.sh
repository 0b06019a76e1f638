# The mutation gate (tests/mutants) on two bugs and a small selection: a
# mutant its killers catch is caught by them; one its killers miss meets the
# whole selection before a verdict (and is caught there); one nothing in the
# selection catches SURVIVES and fails the gate. A killer list can save
# time, never decide a verdict.
set -u
fail() { echo "FAIL: $*"; cat gate*.out 2>/dev/null | tail -n 30; exit 1; }
cd "$LOCKCHAOS_TOP"
out=$OLDPWD
drain=scenarios/seeds/000-reentrant-drain.scn
watchdog=scenarios/seeds/004-watchdog.scn
silent=scenarios/seeds/000-silent-drop.scn
printf 'reentrant-no-drain %s\nno-watchdog %s\n' "$silent" "$watchdog" >"$out/killers"
MUTANTS_FULL=0 MUTANTS_ONLY="reentrant-no-drain no-watchdog" MUTANT_KILLERS="$out/killers" JOBS=4 \
	tests/mutants "$out/m1/mutants-1" "$drain" "$watchdog" "$silent" >"$out/gate1.out" 2>&1 ||
	fail "the gate failed with both bugs catchable"
grep -q "no-watchdog  *caught by 1 scenario(s) of its killers" "$out/gate1.out" || fail "no-watchdog not caught by its killer"
grep -q "reentrant-no-drain  *caught by 1 scenario(s) of the catalog (its killers missed it)" "$out/gate1.out" ||
	fail "reentrant-no-drain: its killer missed it, the selection was not run"
[ -f "$out/m1/mutants-1/matrix/reentrant-no-drain.all/summary.json" ] || fail "no whole-selection report"
[ ! -e "$out/m1/mutants-1/matrix/no-watchdog.all" ] || fail "no-watchdog met the whole selection though its killer caught it"
grep -q "^2 passed, 0 failed$" "$out/gate1.out" || fail "gate 1: not 2 passed"
grep -q "reference lock: 3 passed, 0 failed" "$out/gate1.out" || fail "gate 1: the reference did not pass the selection"
# nothing in the selection catches no-watchdog: it survives, the gate fails
printf 'no-watchdog %s\n' "$silent" >"$out/killers2"
MUTANTS_ONLY="no-watchdog" MUTANT_KILLERS="$out/killers2" MUTANTS_FULL=0 JOBS=4 \
	tests/mutants "$out/m2/mutants-2" "$silent" >"$out/gate2.out" 2>&1 && fail "a surviving bug passed the gate"
grep -q "no-watchdog  *SURVIVED" "$out/gate2.out" || fail "no SURVIVED line"
grep -q "^0 passed, 1 failed$" "$out/gate2.out" || fail "gate 2: not 0 passed, 1 failed"
exit 0
