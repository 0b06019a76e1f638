# The deadline ends every wait (issue 11): `wait`, `at` and `await` ran to
# their own time (20 s on a 2 s deadline), and an `assert jq` program could
# run forever. Each now ends at the deadline (or jq's 5 s) with an error
# verdict. And jq sees an empty $ENV: the harness's environment printed
# itself into the reports.
set -u
# A run still going at MAX + 40 s is killed, after the states and kernel
# waits of its processes are printed (beside the soak one `wait` run took
# over 52 s on a 2 s deadline, and nothing said where it was)
check() { # NAME MAX-SECONDS WANT-TEXT: runs NAME.scn
	start=$(date +%s)
	LOCKCHAOS_SECRET=do-not-print "$LC" run --report "rep-$1" "$1.scn" >"$1.out" 2>&1 &
	lc=$!
	k=0
	while kill -0 "$lc" 2>/dev/null && [ "$k" -lt $((($2 + 40) * 10)) ]; do
		sleep 0.1
		k=$((k + 1))
	done
	if kill -0 "$lc" 2>/dev/null; then
		echo "$1: still running after $(($2 + 40)) s; its processes:"
		ps -e -o pid= -o ppid= -o stat= -o wchan:32= -o etimes= -o args= |
			awk -v root="$lc" '{ up[$1] = $2; line[$1] = $0 }
				END { for (p in up) { q = p
					while (q != root && (q in up) && q > 1) q = up[q]
					if (q == root) print "  | " line[p] } }'
		pkill -KILL -P "$lc" 2>/dev/null
		kill -KILL "$lc" 2>/dev/null
	fi
	wait "$lc"
	rc=$?
	secs=$(($(date +%s) - start))
	echo "$1: exit $rc after ${secs}s"
	grep -q -- "$3" "$1.out" || { echo "  no '$3' in:"; sed 's/^/  | /' "$1.out" | head -n 20; return 1; }
	[ "$rc" -eq 1 ] && [ "$secs" -lt "$2" ]
}
# judge NAME MAX-SECONDS LINE KIND: the deadline must end line LINE's own
# wait. Its premise is that the run reaches that line within the deadline:
# when the machine stalled before it (the deadline passed before LINE,
# widened by a measured wait: beside the soak a 24 s stall during `A
# acquire`), the case is tried again, up to 3 times, then not judged.
judge() {
	for try in 1 2 3; do
		check "$1" "$2" "deadline of 2000 ms passed during line $3 ($4)" && return 0
		grep -q "deadline of 2000 ms passed before line $3 (+ [1-9][0-9]* ms" "$1.out" || return 1
		echo "$1: not judged (try $try): the machine stalled before line $3 began"
	done
	return 0
}
printf 'title wait\nholder A\nlock deadline=2s\nA acquire\nwait 20s\nA release\n' >wait.scn
printf 'title at\nholder A\nlock deadline=2s\nA acquire\nat 20s A release\n' >at.scn
printf 'title await\nholder A\nlock deadline=2s\nA acquire\nfreeze A\nA release\nawait A timeout=20s\nthaw A\n' >await.scn
printf "title jq forever\nholder A\nA acquire\nA release\nassert jq 'def f: f; f'\n" >jq.scn
printf "title jq env\nholder A\nA acquire\nA release\nassert jq '\$ENV == {} and env == {}'\n" >env.scn
fail=0
judge wait 12 5 wait || fail=1
judge at 12 5 at || fail=1
judge await 12 7 await || fail=1
# jq's limit is 5 s of CPU (a loaded machine stretches its wall time: 32 s
# beside stress-ng, over 120 s at load 80); its wall-clock backstop (120 s)
# gives a program still runnable up to 10 times that: the CPU limit must be
# the one that ends it
check jq 1210 'did not end within 5 s of CPU' || fail=1
timeout -s KILL 60 env LOCKCHAOS_SECRET=do-not-print "$LC" run --report rep-env env.scn >env.out 2>&1 ||
	{ echo "env: \$ENV is not empty"; cat env.out; fail=1; }
grep -rq do-not-print rep-* && { echo "the environment reached a report"; fail=1; }
exit $fail
