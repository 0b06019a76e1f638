# `at T expect lock S present|absent [owner=H]` (issue 15) is judged at T,
# from the `look` event the harness records then, not from the final
# snapshot: a lock held at 300 ms and gone at the end passes `present
# owner=A` at 300 ms; the same line naming B, or saying absent, fails with
# the owner it saw; a look the run never reached fails too; a timed expect
# of anything but a lock is a syntax error.
set -u
cat >held.scn <<'S'
title lock looked at mid-run
lock maxHoldMs=5s timeoutMs=2s pollMs=50ms
holder A B
A acquire
await A acquired
at 300ms expect lock s1 present owner=A
at 400ms A release
await A
at 700ms expect lock s1 absent
expect lock s1 absent
S
sed 's/owner=A/owner=B/' held.scn >wrong-owner.scn
sed 's/at 300ms expect lock s1 present owner=A/at 300ms expect lock s1 absent/' \
	held.scn >wrong-state.scn
sed 's/at 700ms expect lock s1 absent/at 700ms expect lock s1 present/' \
	held.scn >released.scn
cat >never.scn <<'S'
title a look after the deadline
lock deadlineMs=1s
holder A
A acquire
at 5s expect lock s1 absent
S
cat >bad.scn <<'S'
title timed transcript
holder A
A acquire
at 1s expect transcript s1 lines=0
S
fail=0
run() { # NAME WANT_RC
	timeout -s KILL 60 "$LC" run --report "rep-$1" "$1.scn" >"$1.out" 2>&1
	rc=$?
	[ "$rc" -eq "$2" ] || { echo "$1: exit $rc, expected $2"; cat "$1.out"; fail=1; }
}
run held 0
n=$(grep -c '"type":"look"' rep-held/*/history.jsonl)
[ "$n" -eq 2 ] || { echo "held: expected 2 look events, got $n"; fail=1; }
grep '"type":"look"' rep-held/*/history.jsonl | head -1 | grep -q '"lock":"file"' ||
	{ echo "held: the first look did not see the file"; fail=1; }
# (times in reasons count from the run's start, holders' start-up included:
# past 1 s on a loaded machine)
run wrong-owner 1
grep -q "the lock at [0-9]*\.[0-9]* s is A's (pid [0-9]*), not B's" wrong-owner.out ||
	{ echo "wrong-owner: no owner named in:"; cat wrong-owner.out; fail=1; }
run wrong-state 1
grep -q 'expect lock s1 absent: lock is file at [0-9]*\.[0-9]* s' wrong-state.out ||
	{ echo "wrong-state: no reason in:"; cat wrong-state.out; fail=1; }
run released 1
grep -q 'expect lock s1 present: lock is absent at [0-9]*\.[0-9]* s' released.out ||
	{ echo "released: no reason in:"; cat released.out; fail=1; }
run never 1
grep -q 'never looked at' never.out ||
	{ echo "never: no reason in:"; cat never.out; fail=1; }
run bad 2
grep -q "bad.scn:4: at: only \`expect lock\` can be timed" bad.out ||
	{ echo "bad: no syntax error in:"; cat bad.out; fail=1; }
exit $fail
