# A scenario's deadline stops a run that hangs; a loaded machine that runs
# one slowly is not a hang (make check beside the soak, load 80: a bash
# holder's scenario took 96 s against its 30 s deadline, and the run was an
# ERROR). The deadline is widened by the most a holder waited for a CPU
# since the scenario began, up to 10 times it (run/runner.c,
# deadline_widen). Here hostile-holder --mode busy-acquire spends 0.1 s of
# CPU before it acquires, on one CPU shared with sixteen busy loops: about
# 1.7 s of wall time, against a 1 s deadline (red before: "deadline of
# 1000 ms passed during line 5 (await)"). A holder that waits asleep, for a
# lock nobody gives up, waits for no CPU: its run is still an ERROR at the
# plain deadline.
set -u
fail() { echo "FAIL: $*"; cat o.txt; exit 1; }
command -v taskset >/dev/null || { echo "# SKIP no taskset"; exit 0; }
hostile="$LOCKCHAOS_TOP/build/hostile-holder"
printf 'title slow to acquire, short deadline\nholder A\nlock deadline=1s\nA acquire\nawait A acquired\nA release\nawait A\n' > a.scn
. "$LOCKCHAOS_TOP/tests/t/lib/busy.sh"
busy_start
taskset -c 0 "$LC" run --start-timeout 60000 --holder "$hostile --mode busy-acquire" --report r1 a.scn >o.txt 2>&1
rc=$?
busy_stop
# (unless the wait passed the cap: 9 s more, at 10 times the deadline; beside
# the soak at load 70 the acquire took 12.4 s)
if grep -q 'deadline of 1000 ms passed during line 5 (await) (+ 9000 ms the holders waited for a CPU or to end, or the harness for a CPU)' r1/a/result.json; then
	echo "busy-acquire waited past the cap (10 s) for a CPU: the load covered more than this test can judge"
else
	grep -q 'deadline of' o.txt && fail "a deadline passed while the holder waited for a CPU"
	[ "$rc" -eq 0 ] || fail "busy-acquire: the run failed (exit $rc)"
	# it needed the widening: its acquire came after the plain deadline
	jq -e -s '[.[] | select(.type == "await")][0] | .met and .waitedMs > 1000' r1/a/history.jsonl >/dev/null ||
		fail "busy-acquire acquired within the 1 s deadline: the busy loops did not slow it, so this tests nothing"
fi

printf 'title a lock never given up\nholder A B\nlock deadline=1s timeoutMs=60s maxHoldMs=120s\nA acquire\nawait A\nB acquire\nawait B acquired\n' > n.scn
start=$(date +%s%N)
"$LC" run --report r2 n.scn >o.txt 2>&1
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
[ "$rc" -eq 1 ] || fail "a wait past the deadline for a lock nobody gives up: exit $rc, not 1"
grep -q 'deadline of 1000 ms passed during line 7 (await)' r2/n/result.json || fail "the error does not name the deadline and its line"
[ "$ms" -lt 20000 ] || fail "a holder asleep past the deadline was waited for ${ms} ms: past the 10 s cap of the widening"
# The runner's own wait for a CPU widens it too: its steps are the
# scenario's clock (beside the soak a 3 s deadline passed before line 117
# of 332 queued delivers, the holder waiting for nothing). lockchaos on the
# busy CPU, its holder on the other, 200 delivers against a 1 s deadline.
# Judged when the runner waited for a CPU a second more than the holder
# did (selfWaitUs, in the noise event) and the scenario ran past 1 s.
{
	printf 'title the runner starved\nholder A\nlock deadline=1s timeoutMs=30s\n'
	i=0
	while [ $i -lt 200 ]; do echo "A deliver msg=m$i"; i=$((i + 1)); done
	echo "await A timeout=60s"
} > q.scn
busy_start
taskset -c 0 "$LC" run --report r3 --holder "taskset -c 1 $LOCKCHAOS_TOP/build/sessionlock-holder" q.scn >o.txt 2>&1
rc=$?
busy_stop
self=$(jq -s '[.[] | select(.type == "noise") | .selfWaitUs // 0] | max // 0' r3/q/history.jsonl)
held=$(jq -s '[.[] | select(.type == "sched" and .process == "A") | .runDelayUs] | max // 0' r3/q/history.jsonl)
took=$(jq -s '[.[] | select(.type == "noise")][0].t // 0' r3/q/history.jsonl)
if [ "$self" -ge $((held + 1000000)) ] && [ "$took" -gt 1000000 ]; then
	grep -q 'deadline of' o.txt && fail "the deadline passed while the runner itself waited $((self / 1000)) ms for a CPU"
	[ "$rc" -eq 0 ] || fail "the starved runner's run failed (exit $rc)"
	echo "runner starved: $((self / 1000)) ms of CPU wait, the holder $((held / 1000)) ms, the run $((took / 1000)) ms against a 1 s deadline"
else
	echo "the runner waited $((self / 1000)) ms for a CPU, the holder $((held / 1000)) ms, the run $((took / 1000)) ms: not judged"
fi
echo "widened: busy-acquire met its await after $(jq -s '[.[] | select(.type == "await")][0].waitedMs // "-"' r1/a/history.jsonl) ms; asleep: error after ${ms} ms"
