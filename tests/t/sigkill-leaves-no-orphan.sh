# lockchaos is SIGKILLed mid-scenario: no holder process may survive it.
# The holders live in a PID namespace whose init dies with the worker, which
# dies with lockchaos (PR_SET_PDEATHSIG); the kernel kills the rest.
set -eu
cat > long.scn <<'SCN'
title long scenario to be interrupted
holder A B
A turn hold=20s msg=m0
B spin
at 10s A deliver msg=m1
SCN
marker="lockchaos-orphan-test-$$"
# The marker in the environment lets us find every process of this run.
LOCKCHAOS_ORPHAN_MARK=$marker "$LC" run --report rep long.scn >out 2>&1 &
pid=$!
# until lockchaos, its worker, the namespace's init and the holders run
# (1.5 s idle; a loaded machine takes longer), 30 s at most
i=0
while :; do
	holders=$(grep -l "LOCKCHAOS_ORPHAN_MARK=$marker" /proc/[0-9]*/environ 2>/dev/null | wc -l)
	[ "$holders" -ge 5 ] || [ $i -ge 150 ] && break
	i=$((i + 1))
	sleep 0.2
done
echo "processes of the run before the kill: $holders"
[ "$holders" -ge 4 ] || { echo "expected lockchaos, worker, init and holders"; exit 1; }
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
for i in 1 2 3 4 5 6 7 8 9 10; do
	left=$(grep -l "LOCKCHAOS_ORPHAN_MARK=$marker" /proc/[0-9]*/environ 2>/dev/null | wc -l)
	[ "$left" -eq 0 ] && break
	sleep 0.2
done
echo "processes left 2 s after SIGKILL: $left"
[ "$left" -eq 0 ]
