# `await H created` waits until the kernel view (inotify, `fs` events) saw a
# lock file whose payload names H: a fault meant for "it has written its
# lock file" lands then, not at a fixed time a loaded machine overruns
# (faults/kill-frozen-before-acquired). Met: after an fs event naming B's
# pid; never met (B never asks for the lock): the await fails, naming it.
set -u
fail() { echo "FAIL: $*"; cat o.txt; exit 1; }
printf 'title created\nholder B\nB acquire\nawait B created timeout=10s\nB release\n' > yes.scn
"$LC" run --report r1 yes.scn >o.txt 2>&1 || fail "a created lock file was not seen"
pid=$(jq -s -r '[.[] | select(.type == "spawn" and .process == "B")][0].pid' r1/yes/history.jsonl)
jq -s -e --argjson pid "$pid" '
	([.[] | select(.type == "fs" and .kind == "lock" and .pid == $pid)][0].t) as $seen |
	([.[] | select(.type == "await" and .met == true)][0].t) as $met |
	$seen != null and $met >= $seen' r1/yes/history.jsonl >/dev/null ||
	fail "the await was met before the kernel view saw B's payload"
# A's lock file (created and removed) is not B's
printf 'title never\nholder A B\nA deliver msg=m1\nawait B created timeout=300ms\n' > no.scn
"$LC" run --report r2 no.scn >o.txt 2>&1
[ $? -eq 1 ] || fail "an await on a lock file nobody wrote for B did not fail"
jq -e '[.failures[].checker] == ["await"] and (.reason | contains("await B created: not within 300 ms"))' r2/no/result.json >/dev/null ||
	fail "the run did not fail by the await alone, named"
printf 'title typo\nholder B\nB acquire\nawait B creatd\n' > typo.scn
"$LC" run typo.scn >o.txt 2>&1
[ $? -eq 2 ] || fail "a misspelt await event was accepted"
grep -q "typo.scn:4: await B: unknown event 'creatd'.*created" o.txt || fail "no file:line error naming the events"
echo ok
