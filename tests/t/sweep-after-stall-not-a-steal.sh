# seeds/001-sweep-mid-write asserts that no sweep removed A's lock while A
# was mid-write. Beside the soak the mutation gate's reference run stalled
# 16 s whole (every process waited ~15.9 s for a CPU, maxHoldMs 10 s): the
# sweeps ran after it and rightly removed A's lock as hold-exceeded (L3),
# and the assertion, which counted any removal, failed with A's expected
# lock-lost: a jq failure is no expectation, so the run was not re-run as
# the machine's. The assertion now counts a removal inside A's maxHoldMs,
# or one for any other reason. Judged here: the catalog's own assertion on
# that run's history (tests/histories/seed001-sweep-after-stall.jsonl,
# paths cut) is true; the sweep-by-age mutant (a removal at 0.8 s,
# "too-old") still fails it, and the reference passes the scenario.
set -u
fail() { echo "FAIL: $*"; cat o.txt 2>/dev/null; exit 1; }
scn="$LOCKCHAOS_TOP/scenarios/seeds/001-sweep-mid-write.scn"
expr=$(sed -n "s/^assert jq '\(.*\)'\$/\1/p" "$scn")
[ -n "$expr" ] || fail "no assert jq line in $scn"
stalled="$LOCKCHAOS_TOP/tests/histories/seed001-sweep-after-stall.jsonl"
jq -e -s '[.[] | select(.type == "swept" and .verdict == "removed" and .reason == "hold-exceeded")] | length == 1' "$stalled" >/dev/null ||
	fail "premise: the stalled history has no hold-exceeded removal"
[ "$(jq -s "$expr" "$stalled")" = true ] ||
	fail "a hold-exceeded removal after a 16 s stall counted as a sweep of a live lock"
"$LC" run --report m --holder "$HOLDER --bug sweep-by-age" "$scn" >o.txt 2>&1
[ $? -eq 1 ] || fail "sweep-by-age passed"
jq -e '[.failures[] | select(.checker == "jq")] | length == 1' m/seeds-001-sweep-mid-write/result.json >/dev/null ||
	fail "sweep-by-age's removal at 0.8 s not caught by the assertion"
"$LC" run --report r "$scn" >o.txt 2>&1 || fail "the reference failed"
echo ok
