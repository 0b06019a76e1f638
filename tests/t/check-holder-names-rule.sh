# check-holder's conformance profile catches the typical first-draft
# mistakes that its protocol checks cannot see (issue 17: a first-draft
# holder passed all 19 protocol checks, then failed 48 of 94 catalog runs),
# and names the rule of docs/holder-protocol.md each holder broke. The
# holders are the Python kit's toy lock with one mistake each
# (tests/faulty-holders/); the toy itself passes the same rules. About a
# minute on a loaded 2-core machine (a few short scenarios per holder).
set -u
top=${LOCKCHAOS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
py="/usr/bin/python3 -I -B"
fail=0
for case in future-stale:L4 no-empty-grace:L5 pid-unbounded:L6 silent-reclaim:L9:L2; do
	name=${case%%:*}
	rule=$(echo "$case" | cut -d: -f2)
	only=$(echo "$case" | cut -d: -f3)
	only=${only:-$rule}
	timeout 900 "$LC" check-holder --rule "$only" \
		"$py $top/tests/faulty-holders/$name.py" >"$name.out" 2>&1
	rc=$?
	# every protocol check passes: only the profile can see the mistake
	if grep -q '^not ok [0-9]* - P' "$name.out"; then
		echo "$name: a protocol check failed"; fail=1
	fi
	if [ "$rc" -ne 1 ]; then
		echo "$name: exit $rc, want 1"; fail=1
	fi
	if ! grep -Eq "^#   (also )?broke $rule \\(" "$name.out"; then
		echo "$name: rule $rule not named"; fail=1
	fi
	# the failed runs' reports are kept, named, with their histories
	kept=$(sed -n 's/^# the conformance runs. reports, kept for the [0-9]* that failed (history.jsonl, timeline.html): //p' "$name.out")
	if [ -z "$kept" ] || ! ls "$kept"/*/history.jsonl >/dev/null 2>&1; then
		echo "$name: the failed runs' reports were not kept and named"; fail=1
	fi
	[ -n "$kept" ] && rm -rf "$kept"
	[ "$fail" -eq 0 ] || { cat "$name.out"; exit 1; }
	echo "$name: caught, $rule named"
done
# The toy lock the faulty holders come from passes the scenarios that
# caught them (only those: the rules' other scenarios have timing bounds a
# loaded machine can miss, which is not this test's subject).
for rule in L4 L5; do
	timeout 900 "$LC" check-holder --rule "$rule" \
		"$py $top/kits/python/example_toylock.py" >toy-$rule.out 2>&1
done
for scn in conformance/future-created-fresh.scn conformance/empty-fresh.scn; do
	grep -q "^ok [0-9]* - L[45] [a-z]*: $scn\$" toy-L4.out toy-L5.out ||
		{ cat toy-L4.out toy-L5.out; echo "toy lock: $scn failed"; exit 1; }
done
echo "toy lock: the scenarios that caught the faulty holders pass"
# A rule that does not exist is a usage error.
"$LC" check-holder --rule L99 "$HOLDER" >bad.out 2>&1
[ $? -eq 2 ] && grep -q "no rule 'L99'" bad.out || { cat bad.out; exit 1; }
