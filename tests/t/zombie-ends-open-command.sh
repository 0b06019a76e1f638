# A `zombie` fault ends its holder as `kill` does: a command it had not
# answered yet is no protocol failure (the protocol checker used to say "on
# its own (the scenario did not end it)"; found by lockchaos explore). A
# turn, so that the command is still open when the zombie comes, however
# slow the machine (a deliver right before it raced the zombie: at load 20
# A had not acquired after 918 ms, a recovery verdict).
set -u
cat >z.scn <<'SCN'
title a zombie's unanswered command is the scenario's doing
holder A B
A turn hold=5s msg=m1
await A acquired timeout=20s
zombie A
reap A
at 300ms B deliver msg=m2
expect m2 ok
SCN
i=0
while [ $i -lt 3 ]; do
	"$LC" run --report r$i z.scn >out.txt 2>&1
	rc=$?
	grep -q '\[protocol\]' out.txt && { cat out.txt; echo "protocol failure"; exit 1; }
	[ "$rc" -eq 0 ] || { cat out.txt; echo "exit $rc"; exit 1; }
	i=$((i + 1))
done
