# `jitter H... calls=... max=T` (issue 15): every holder named gets its
# own `fault` event with the seed of its delays, the delays happen (the
# final event counts them per holder; a holder not named has none), the
# same --seed gives the same delays' seeds, and a wrong statement is a
# syntax error naming the line and the nearest call.
set -u
cat >j.scn <<'S'
title jittered holders
lock maxHoldMs=5s timeoutMs=3s pollMs=50ms
holder A B C
jitter A B calls=open,stat,unlink,write max=5ms
A deliver msg=m1
B deliver msg=m2
C deliver msg=m3
await A
await B
await C
expect transcript s1 lines=3
S
fail=0
timeout -s KILL 60 "$LC" run --seed 77 --report rep1 j.scn >run1.out 2>&1 ||
	{ echo "run failed:"; cat run1.out; fail=1; }
h=$(ls rep1/*/history.jsonl)
n=$(grep -c '"fault":"jitter"' "$h")
[ "$n" -eq 2 ] || { echo "expected 2 jitter events (A and B), got $n"; fail=1; }
fin=$(grep '"type":"final"' "$h")
for x in A B; do
	d=$(printf '%s' "$fin" | jq ".jitter.$x.delayed // 0")
	[ "$d" -gt 0 ] || { echo "$x: no call delayed: $fin"; fail=1; }
done
[ "$(printf '%s' "$fin" | jq '.jitter.C')" = null ] ||
	{ echo "C was not named but has counts: $fin"; fail=1; }
timeout -s KILL 60 "$LC" run --seed 77 --report rep2 j.scn >run2.out 2>&1
s1=$(grep '"fault":"jitter"' "$h" | jq -c '[.target, .seed]')
s2=$(grep '"fault":"jitter"' rep2/*/history.jsonl | jq -c '[.target, .seed]')
[ -n "$s1" ] && [ "$s1" = "$s2" ] || { echo "seeds differ: $s1 / $s2"; fail=1; }
bad() { # WHAT EXPECTED-TEXT LINE...
	what=$1 want=$2; shift 2
	printf 'title bad\nholder A B\n%s\nA acquire\n' "$1" >bad.scn
	timeout -s KILL 30 "$LC" run --report "rep-$what" bad.scn >bad.out 2>&1
	rc=$?
	[ "$rc" -eq 2 ] || { echo "$what: exit $rc, expected 2"; fail=1; }
	grep -qF "bad.scn:3: $want" bad.out || { echo "$what: not in:"; cat bad.out; fail=1; }
}
bad unknown-call "jitter: unknown call 'opne' in calls=opne; nearest: open" \
	'jitter A calls=opne max=5ms'
bad no-max "jitter: expected max=T" 'jitter A B calls=open'
bad off-with-max "jitter: off takes no calls= or max=" 'jitter A off max=5ms'
bad unknown-holder "jitter: unknown holder 'Z'" 'jitter A Z max=5ms'
exit $fail
