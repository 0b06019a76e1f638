# lockchaos reports a scenario once its worker says the verdict is written
# (a byte on a pipe after result.json), not once the worker has exited: the
# rest of the worker (its timeline, cost.json, its exit: memory torn down,
# the inotify fd's last close) goes on beside the report, and lockchaos
# reaps it before it ends. strace holds every exit_group 8 s (main must
# read result.json and write its line within that: a margin for a loaded
# machine); the holder dies of SIGKILL before its hello (no exit_group of
# its own), so the worker's exit is the one held inside the run. Its
# "not ok 1" line must come before the worker's end (its parent's
# SIGCHLD); waiting for the worker's exit, it came 8 s after (red on the
# code before).
set -eu
command -v strace >/dev/null || { echo "strace is missing (make deps)"; exit 1; }
printf 'title one\nholder A\nA deliver m1\nexpect m1 ok\n' > one.scn
strace -f -qq -o trace -e trace=clone,write,exit_group \
	-e inject=exit_group:delay_enter=8000000 \
	"$LC" run --holder "sh -c 'kill -KILL \$\$'" --report rep one.scn \
	>out 2>err || true
grep -q '^not ok 1 ' out || { cat out err; exit 1; }
[ -s rep/summary.json ] || { echo "no summary.json"; exit 1; }
main=$(head -n 1 trace | cut -d' ' -f1)
worker=$(awk -v m="$main" '$1 == m && /clone\(/ { sub(/.*= /, ""); print; exit }' trace)
[ -n "$worker" ] || { echo "no worker in the trace"; cat trace; exit 1; }
said=$(grep -n "^$main  *write(1, \"not ok 1 " trace | head -n 1 | cut -d: -f1)
# the worker's end: its parent's SIGCHLD for it (a tracer sees it
# although lockchaos ignores it)
ended=$(grep -n "^$main  *--- SIGCHLD .*si_pid=$worker," trace | head -n 1 | cut -d: -f1)
[ -n "$said" ] && [ -n "$ended" ] || { echo "said=$said ended=$ended"; cat trace; exit 1; }
[ "$said" -lt "$ended" ] || {
	echo "the result (trace line $said) waited for the worker's exit (line $ended)"
	exit 1
}
