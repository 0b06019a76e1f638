# A holder's wait for a CPU reaches the history (run/sched.c): lockchaos and
# eight busy loops share one CPU (taskset; with one loop, a waking holder
# preempts it at once), so the holders wait for it, and the
# history must hold `sched` events for them with a growing runDelayUs. Were
# /proc's schedstat unreadable from the sandbox, the checkers' CPU-wait
# allowance would silently be 0: this fails then.
set -u
fail() { echo "FAIL: $*"; cat o.txt; exit 1; }
command -v taskset >/dev/null || { echo "# SKIP no taskset"; exit 0; }
printf 'title busy\nholder A B\nlock pollMs=20ms timeoutMs=10s\nA turn hold=800ms msg=m1\nB deliver msg=m2\nawait m2 answered timeout=20s\nA deliver msg=m3\nB deliver msg=m4\nawait A timeout=20s\nawait B timeout=20s\n' > s.scn
busy=""
for i in 1 2 3 4 5 6 7 8; do
	taskset -c 0 sh -c 'while :; do :; done' &
	busy="$busy $!"
done
taskset -c 0 "$LC" run --report r s.scn >o.txt 2>&1
rc=$?
kill $busy
[ "$rc" -eq 0 ] || fail "the run failed (exit $rc)"
jq -s -e '[.[] | select(.type == "sched" and (.process == "A" or .process == "B") and .runDelayUs >= 10000)] | length > 0' \
	r/s/history.jsonl >/dev/null || fail "no sched event with a CPU wait for a holder sharing its CPU with a busy loop"
echo ok
