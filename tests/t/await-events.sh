# `await` on events (issue 14): each form waits for its event and goes on
# at once (the run takes far less than the 60 s timeouts), and an event that
# does not come within the timeout fails the scenario naming the line.
set -u
cat >forms.scn <<'S'
title await forms
# A's watchdog lets go before B contends: a contender that reclaimed
# first would make A's release lock-lost, not watchdog.
requires maxHoldMs watchdog
lock maxHoldMs=600ms timeoutMs=4s pollMs=50ms deadline=120s
holder A B
A acquire
await A acquired timeout=60s
await A released why=watchdog timeout=60s
B deliver msg=m1
await B acquired timeout=60s
await m1 answered timeout=60s
await A log contains=watchdog timeout=60s
expect m1 ok
S
cat >unmet.scn <<'S'
title await not met
holder A B
A acquire
await A acquired
await B acquired timeout=300ms
A release
S
fail=0
start=$(date +%s%N)
timeout -s KILL 300 "$LC" run --report rep-forms forms.scn >forms.out 2>&1 ||
	{ echo "forms failed:"; cat forms.out; fail=1; }
ms=$((($(date +%s%N) - start) / 1000000))
echo "forms: ${ms} ms"
# each await may wait 60 s: one that waited for its timeout instead of its
# event waited 60 s, less what the holders waited for a CPU meanwhile (a
# loaded machine stretches the wall time, not that)
jq -s -e '[.[] | select(.type == "await") | .waitedMs - (.cpuWaitMs // 0)] | all(. < 30000)' rep-forms/*/history.jsonl >/dev/null ||
	{ echo "an await waited for its timeout: $(jq -c -s '[.[] | select(.type == "await")]' rep-forms/*/history.jsonl)"; fail=1; }
n=$(grep -c '"type":"await".*"met":true' rep-forms/*/history.jsonl)
[ "$n" -eq 5 ] || { echo "expected 5 met await events, got $n"; fail=1; }
timeout -s KILL 60 "$LC" run --report rep-unmet unmet.scn >unmet.out 2>&1
rc=$?
[ "$rc" -eq 1 ] || { echo "unmet: exit $rc, expected 1"; fail=1; }
grep -q 'line 5: await B acquired: not within 300 ms' unmet.out ||
	{ echo "unmet: no reason in:"; cat unmet.out; fail=1; }
exit $fail
