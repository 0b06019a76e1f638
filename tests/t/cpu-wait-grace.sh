# A holder's start-up and its exit at the end are not lock properties, and
# on a loaded machine both take what the holder waited for a CPU: the
# harness widens --start-timeout (run/holder_io.c, start_grace) and the 5 s
# it gives holders told to exit (run/runner.c, exit_grace) by that wait,
# read from /proc's schedstat. Here the holder (hostile-holder --mode
# busy-start, busy-exit) spends 0.4 s of CPU before its hello, or after
# `exit`, on one CPU shared with sixteen busy loops (taskset), so each takes
# about 7 s of wall time on an idle machine (12 s beside a soak at load 25):
# red with fixed limits (5 s to start here, 5 s to go). (The more of the
# CPU's queue is ours, the less other load stretches that: with eight
# loops and 1 s of CPU, one took 52 s at load 25.) A holder that sleeps,
# waiting for input or ignoring `exit`, waits for no CPU and is still an
# ERROR after --start-timeout, or failed by `leak` after 5 s.
# An `await`'s timeout is widened the same way (run/runner.c, step_await):
# busy-acquire spends 0.1 s of CPU before it acquires, about 1.7 s of wall
# time here, against `await A acquired timeout=1400ms` (widened up to 14 s:
# one run at load 27 went past a 500 ms await's 5 s, one beside the soak
# past a 1 s await's 10 s, after 9.9 s of CPU wait); an await for an event
# that never comes still fails after its plain timeout.
# Only the holders are pinned to the busy CPU (taskset in --holder), not
# lockchaos: its own work is not what is starved. The busy loops cost a
# CPU for as long as they spin, so every starved run goes side by side
# under the same loops (the test's CPU is the longest run's wall, not the
# sum of them: 51 s of CPU one after another at load 60, each lockchaos
# starved too); the frozen holder runs after them, with no loop.
set -u
out=o.txt
fail() { echo "FAIL: $*"; cat "$out"; exit 1; }
command -v taskset >/dev/null || { echo "# SKIP no taskset"; exit 0; }
hostile="$LOCKCHAOS_TOP/build/hostile-holder"
pin="taskset -c 0"
. "$LOCKCHAOS_TOP/tests/t/lib/busy.sh"
busy_start
runs=""
# starved NAME CMD...: runs CMD in the background, output in NAME.txt,
# exit status and wall ms in NAME.rc
starved() {
	n=$1
	shift
	(t0=$(date +%s%N); "$@" >"$n.txt" 2>&1; rc=$?
	 echo "$rc $(( ($(date +%s%N) - t0) / 1000000 ))" >"$n.rc") &
	runs="$runs $!"
}
printf 'title slow to go\nholder A\nA deliver msg=m1\nawait m1 answered timeout=30s\n' > s.scn
starved r0 "$LC" run --start-timeout 5000 --holder "$pin $hostile --mode busy-start" --report r0 s.scn
# check-holder's wait for the hello is widened the same way
starved ch "$LC" check-holder --start-timeout 5000 --protocol-only "$pin $hostile --mode busy-start"
# and its wait for `exit` to end the holder (2 s) while the holder runs
starved ch2 "$LC" check-holder --start-timeout 60000 --protocol-only "$pin $hostile --mode busy-exit"
starved r "$LC" run --start-timeout 60000 --holder "$pin $hostile --mode busy-exit" --report r s.scn
starved r2 "$LC" run --start-timeout 60000 --holder "$pin $hostile --mode ignore-term" --report r2 s.scn
printf 'title slow to acquire\nholder A\nA acquire\nawait A acquired timeout=1400ms\nA release\n' > a.scn
starved r4 "$LC" run --start-timeout 60000 --holder "$pin $hostile --mode busy-acquire" --report r4 a.scn
printf 'title never released\nholder A\nA acquire\nawait A acquired timeout=30s\nawait A released timeout=500ms\n' > n.scn
starved r5 "$LC" run --start-timeout 60000 --holder "$pin $hostile --mode busy-acquire" --report r5 n.scn
# A holder that waits for a CPU, while it holds, as long as its maxHoldMs
# may rightly lose its lock (its own watchdog, another's reclaim): a run
# whose only failures are then expectations is re-run once, and says why
# (run/run.c; the soak's eight-contender race: a Python contender waited
# 930 ms for a CPU inside its 500 ms hold, was reclaimed, failed lock-lost).
# busy-deliver spends 0.1 s of CPU inside its hold: beside the busy loops,
# about 1.7 s, most of it waiting for a CPU, past its 1 s maxHoldMs. The expectation fails whatever happens
# (m1 is delivered): only the re-run and its reason are judged.
printf 'title held through a wait for a CPU\nholder A\nlock maxHoldMs=1s timeoutMs=5s deadline=120s\nA deliver msg=m1\nawait m1 answered timeout=100s\nexpect m1 fail\n' > st.scn
starved r6 "$LC" run --start-timeout 60000 --holder "$pin $hostile --mode busy-deliver" --report r6 st.scn
printf '#!/bin/sh\nexec sleep 30\n' > silent.sh
chmod +x silent.sh
starved r3 "$LC" run --start-timeout 1000 --holder "$pin $PWD/silent.sh" --report r3 s.scn
wait $runs
busy_stop

out=r0.txt
read -r rc ms <r0.rc
# (unless its wait reached the cap, 10 times the limit: the load covered
# more than this can judge; make check beside the soak, a 15-column Node
# matrix and a zoo matrix at load 80: "+ 50004 ms the holders starting
# waited for a CPU"; the cap is on the whole wait, the 5 s with it: "+
# 46204 ms" at load 60 was past it too)
capped=$(sed -n 's/.*sent no hello within 5000 ms (--start-timeout) + \([0-9]*\) ms the \(holders starting\|harness itself\) waited for a CPU.*/\1/p' r0.txt | head -1)
if [ -n "$capped" ] && [ "$((capped + 5000))" -ge 49000 ]; then
	echo "busy-start waited past the cap for a CPU ($capped ms): not judged"
else
	grep -q 'sent no hello' r0.txt && fail "a holder slow to start because it waited for a CPU was an error"
	[ "$rc" -eq 0 ] || fail "busy-start: the run failed (exit $rc)"
	# it needed the allowance: its hello came after the plain 5 s
	jq -e -s '[.[] | select(.type == "spawn" and .process == "A")][0].t > 5000000' r0/s/history.jsonl >/dev/null ||
		fail "busy-start said hello within 5 s: the busy loops did not slow it, so this tests nothing"
fi

out=ch.txt
read -r rc ms <ch.rc
# (unless it waited past the cap, 10 times the limit: the load covered more
# than this can judge; make check beside the soak at load 80)
if grep -q '^#   no event after [0-9]* ms: 5000 ms + [0-9]* ms it waited for a CPU' ch.txt &&
	[ "$(sed -n 's/^#   no event after \([0-9]*\) ms.*/\1/p' ch.txt)" -ge 50000 ]; then
	echo "check-holder: busy-start waited past the cap for a CPU: not judged"
else
	grep -q '^ok 1 - P1 says hello within 5 s' ch.txt || fail "check-holder: a holder slow to start because it waited for a CPU did not pass its hello"
	[ "$ms" -gt 5000 ] || fail "check-holder: busy-start said hello within 5 s: the busy loops did not slow it, so this tests nothing"
fi

out=ch2.txt
# (unless it was still runnable at P5's 30 s cap: the load covered more
# than this can judge; beside the soak at load 50 it was)
if grep -q '^#   still runnable after 30 s (the cap)' ch2.txt; then
	echo "check-holder: busy-exit still runnable at P5's cap: not judged"
else
	grep -q '^ok [0-9]* - P5 exit ends it with the code asked for' ch2.txt ||
		fail "check-holder: a holder slow to exit because it waited for a CPU failed P5"
fi

out=r.txt
read -r rc ms <r.rc
# (unless it was still runnable, `R`, at the grace's cap: 5 s plus up to
# 55 s of CPU wait, 60 s after the last step; beside the soak at load 50,
# with the other starved runs on the same CPU, its noise probe never ran
# and the leak came at 60.2 s: the load covered more than this can judge)
if [ "$rc" -ne 0 ] && jq -e -s '([.[] | select(.type == "verdict" and .checker == "leak" and
		(.msg | test("A \\(R"))) ][0].at // 0) -
		([.[] | select(.type == "await")][0].t) >= 59000000' r/s/history.jsonl >/dev/null; then
	echo "busy-exit waited past the exit grace's cap for a CPU: not judged"
else
	[ "$rc" -eq 0 ] || fail "a holder slow to exit because it waited for a CPU was called a leak (exit $rc)"
	# it needed the allowance: it went more than 5 s after the last step (a
	# holder that took that long without waiting for a CPU would be a leak:
	# red below). No `sched` event proves the wait: CPU waits are sampled for
	# holders with a command unanswered, and the exit grace reads its own.
	jq -e -s '([.[] | select(.type == "exit" and .process == "A")][0].t - [.[] | select(.type == "await")][0].t) > 5000000' r/s/history.jsonl >/dev/null ||
		fail "busy-exit went within 5 s: the busy loops did not slow it, so this tests nothing"
fi

out=r2.txt
read -r rc ms <r2.rc
[ "$rc" -eq 1 ] || fail "a holder that ignores exit was not failed (exit $rc)"
jq -e '[.failures[]?.checker] | index("leak")' r2/s/result.json >/dev/null ||
	fail "a holder that ignores exit was not failed by the leak checker"
# and the kernel's word on why it stayed: asleep, reading its stdin
grep -q 'still running after the end: A (S in [a-z_]' r2/s/result.json ||
	fail "the leak does not say the holder's state and where it sleeps: $(jq -r .reason r2/s/result.json)"

# An await's timeout is widened by its holder's wait for a CPU ...
out=r4.txt
read -r rc ms <r4.rc
grep -q 'await' r4/a/result.json && fail "an await whose holder waited for a CPU failed: $(jq -c -s '[.[] | select(.type == "await")]' r4/a/history.jsonl)"
[ "$rc" -eq 0 ] || fail "busy-acquire: the run failed (exit $rc)"
jq -e -s '[.[] | select(.type == "await")][0] | .met and .waitedMs > 1400 and .cpuWaitMs > 0' r4/a/history.jsonl >/dev/null ||
	fail "busy-acquire acquired within 1 s or waited for no CPU: the busy loops did not slow it, so this tests nothing"
# ... and one for an event that never comes still fails after its own
out=r5.txt
read -r rc ms <r5.rc
[ "$rc" -eq 1 ] || fail "an await for a release that never comes did not fail"
grep -q 'await A released: not within 500 ms' r5/n/result.json || fail "the failed await does not say its line and timeout"
jq -e -s '[.[] | select(.type == "await")][1] | (.met | not) and .waitedMs < 5000' r5/n/history.jsonl >/dev/null ||
	fail "an await for an event that never comes was widened to its cap (the holder was asleep, waiting for no CPU)"

out=r6.txt
read -r rc ms <r6.rc
[ "$rc" -eq 1 ] || fail "the expectation that m1 fails did not fail"
[ -e r6/st/try1-result.json ] || fail "a holder that waited for a CPU past its maxHoldMs, failing only an expectation, was not re-run"
jq -e '.reruns >= 1 and (.reason | test("could not keep a lock for want of a CPU: A waited [0-9]+ ms for a CPU while it held s1 \\(maxHoldMs 1000\\)"))' r6/st/result.json >/dev/null ||
	fail "the re-run does not say why: $(jq -r .reason r6/st/result.json)"

out=r3.txt
read -r rc ms <r3.rc
[ "$rc" -eq 1 ] || fail "a holder that sleeps instead of its hello was not an error"
grep -q 'sent no hello within 1000 ms' r3.txt || fail "the sleeping holder's error is not a start-up timeout"

# A holder frozen or spinning on purpose is never so counted (the
# scenario's stuck holder loses its lock by design). Frozen instead
# (SIGSTOP: not runnable, so no wait for a CPU), A loses its lock the same
# way, and that is never put down to a CPU: a spin without the busy loops
# would be, at load 80.
printf 'title held through a freeze\nholder A B\nlock maxHoldMs=1s timeoutMs=5s\nA turn hold=200ms msg=m0\nawait A acquired\nfreeze A\nB deliver msg=m1\nawait m1 answered timeout=30s\nthaw A\nawait A timeout=30s\nexpect m0 ok\n' > fr.scn
out=o.txt
"$LC" run --holder "$HOLDER" --report r7 fr.scn >o.txt 2>&1
[ $? -eq 1 ] || fail "a turn frozen past its maxHoldMs did not fail"
# (B, which reclaims A's lock and holds it, may itself wait for a CPU or
# the disk past its maxHoldMs beside the soak: that re-run is B's, and
# right; only A's freeze must never be put down to the machine)
jq -e '(.reason // "") | test("for want of a CPU[a-z ]*: A waited") | not' r7/fr/result.json >/dev/null ||
	fail "a frozen holder's lost lock was put down to a CPU: $(jq -r .reason r7/fr/result.json)"
echo ok
