# Two holders given one pid in two PID namespaces (two containers' pid 7)
# start at least one clock tick apart, so their starttimes differ as two
# real processes' would: started in one tick, a lock that checks pid and
# starttime rightly takes one for the other and the containers scenarios
# test nothing (faults/containers-other-pid-alive passed that way on
# OpenClaw 5.20 and 7.1). Five runs: without the wait most give twins
# with one starttime.
set -u
printf 'title twins\nholder A ns=c1 pid=7\nholder B ns=c2 pid=7\nholder C ns=c2\nA acquire\nA release\n' > t.scn
for i in 1 2 3 4 5; do
	"$LC" run --report rep$i t.scn >out 2>err
	rc=$?
	cat out err
	[ "$rc" -eq 0 ] || { echo "run $i: exit $rc, expected 0"; exit 1; }
	h=rep$i/t/history.jsonl
	n=$(jq -s '[.[] | select(.type == "spawn" and .pid == 7)] | length' "$h")
	[ "$n" = 2 ] || { echo "run $i: $n holders with pid 7, expected 2"; exit 1; }
	jq -s -e '[.[] | select(.type == "spawn" and .pid == 7) | .starttime]
		| .[0] != .[1]' "$h" >/dev/null ||
		{ echo "run $i: the two pid 7 holders share a starttime"; jq -c 'select(.type == "spawn")' "$h"; exit 1; }
done
