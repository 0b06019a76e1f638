# A holder's wait for a CPU reaches the history (run/sched.c): the holder
# (hostile-holder --mode busy-acquire: 0.1 s of CPU between the acquire
# command and its answer) is pinned to one CPU with sixteen busy loops
# (taskset in --holder; lockchaos is not pinned), so it must wait for
# that CPU, and the history must hold `sched` events for it with a
# runDelayUs of 10 ms or more. Were /proc's schedstat unreadable from the
# sandbox, the checkers' CPU-wait allowance would silently be 0: this
# fails then. (A holder that only sleeps and wakes is no premise: on
# Linux 6.18's EEVDF a waking sleeper ran at once beside eight nice-0
# loops, and 1 run in 3 of the reference holder had no 10 ms wait.)
set -u
fail() { echo "FAIL: $*"; cat o.txt; exit 1; }
command -v taskset >/dev/null || { echo "# SKIP no taskset"; exit 0; }
. "$LOCKCHAOS_TOP/tests/t/lib/busy.sh"
busy_start
printf 'title busy\nholder A\nA acquire\nawait A acquired timeout=30s\nA release\nawait A released timeout=30s\n' > s.scn
"$LC" run --start-timeout 60000 --holder "taskset -c 0 $LOCKCHAOS_TOP/build/hostile-holder --mode busy-acquire" \
	--report r s.scn >o.txt 2>&1
rc=$?
busy_stop
busy=""
[ "$rc" -eq 0 ] || fail "the run failed (exit $rc)"
jq -s -e '[.[] | select(.type == "sched" and .process == "A" and .runDelayUs >= 10000)] | length > 0' \
	r/s/history.jsonl >/dev/null || fail "no sched event with a CPU wait for a holder sharing its CPU with sixteen busy loops"
echo ok
