# A command's answer is waited for past its budget by what its holder
# waited for a CPU, and by what the runner itself waited since it sent it,
# when longer: a holder's wait still going on is not in its count until it
# runs, and a runner that waited too read nothing meanwhile. Beside the
# soak the whole machine stalled 11.4 s; the runner woke first, read 4.6 s
# for B (whose next read said 10.3 s) and told both holders to exit mid-turn
# (check-holder, seeds/001-cleanup-cron-takeover on the Node toy lock).
# Here lockchaos runs on CPU 0, its holder on CPU 1; once A holds, every
# thread of both is made SCHED_IDLE and sixteen busy loops at nice -20 take
# each CPU: CPU 0 for 5 s, CPU 1 for 6 s, so the runner wakes first (its
# threads back to SCHED_OTHER at 5 s: at SCHED_IDLE any load, the soak's
# too, would starve it for good). A's turn (0.1 s timeout + 1 s hold + 3 s)
# has a 4.1 s budget. Red before: "holder died before answering". Judged
# when A was still holding as the stall began and the runner's own wait
# (selfWaitUs) passed the budget.
set -u
command -v taskset >/dev/null && command -v chrt >/dev/null || { echo "# SKIP no taskset or chrt"; exit 0; }
fail() { echo "FAIL: $*"; cat o.txt; exit 1; }
printf 'title stalled past a turn budget\nholder A\nlock timeoutMs=100ms maxHoldMs=120s deadline=300s\nA turn hold=1s msg=m1\nexpect m1 ok\n' > t.scn
. "$LOCKCHAOS_TOP/tests/t/lib/busy.sh"
# tree: lockchaos's processes (its own and its children's, the holder's)
tree() {
	ps -e -o pid=,ppid= | awk -v root="$lc" '{ up[$1] = $2 }
		END { for (p in up) { q = p; while (q != root && (q in up) && q > 1) q = up[q]
			if (q == root) print p }; print root }'
}
taskset -c 0 "$LC" run --report r --holder "taskset -c 1 $LOCKCHAOS_TOP/build/sessionlock-holder" t.scn >o.txt 2>&1 &
lc=$!
k=0
until grep -q '"acquired"' r/t/history.jsonl 2>/dev/null || [ $k -ge 600 ]; do sleep 0.1; k=$((k + 1)); done
grep -q '"acquired"' r/t/history.jsonl || { kill $lc; fail "A never acquired within 60 s"; }
pids=$(tree)
cp r/t/history.jsonl stall-began.txt
# this shell at nice -20 too while the loops run: its sleep, chrt and kill
# must get a CPU beside them
renice -n -20 -p $$ >/dev/null
for p in $pids; do chrt -a --idle -p 0 "$p" 2>/dev/null; done
busy_start -20 1
cpu1=$busy
busy_start -20 0
trap 'kill $busy $cpu1 2>/dev/null' EXIT
sleep 5
# (the tree again: a thread or process born in the stall was born idle)
for p in $pids $(tree); do chrt -a --other -p 0 "$p" 2>/dev/null; done
busy_stop
sleep 1
kill $cpu1
wait $cpu1 2>/dev/null
trap - EXIT
for p in $(tree); do chrt -a --other -p 0 "$p" 2>/dev/null; done
renice -n 0 -p $$ >/dev/null
wait $lc
rc=$?
self=$(jq -s '[.[] | select(.type == "noise") | .selfWaitUs // 0] | max // 0' r/t/history.jsonl)
echo "exit $rc; the runner waited ${self} us for a CPU"
if [ "$self" -lt 4100000 ] || grep -q '"type":"ok"' stall-began.txt; then
	echo "not judged: the runner waited less than the 4.1 s budget, or A answered before the stall (the busy loops did not stall it)"
	exit 0
fi
grep -q 'holder died before answering' r/t/history.jsonl && fail "A was told to exit mid-turn while it waited for a CPU"
[ "$rc" -eq 0 ] || fail "exit $rc"
