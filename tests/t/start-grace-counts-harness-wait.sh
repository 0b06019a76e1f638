# A holder's start-up is judged by a runner that must run to judge it: the
# time the runner itself waited for a CPU while it waited for the hellos
# widens --start-timeout as the holders' own wait does (holder_io.c,
# start_cpu_wait), as it widens the scenario's deadline. make check beside
# the soak: the runner waited 10.6 s for a CPU, its starting holder sat in
# a frozen disk's fsync it could not see, and the hello came 0.9 s after
# the limit (3 s + the holder's 5.8 s of CPU wait) had passed: an ERROR.
# Here the holder sleeps 6 s before its hello (it waits for no CPU); once
# the run began, the runner (the worker process, not its children) is pinned to
# CPU 0 beside sixteen busy loops at SCHED_IDLE for 4.5 s, then set free.
# With --start-timeout 3000 it was a start-up error before ("sent no hello
# within 3000 ms ..."): the runner, running again at about 4.5 s, found
# the 3 s gone; now its own 4.5 s of waiting count, and the run passes. A
# holder that sleeps past the limit while the runner runs is still an
# error (start-timeout-is-error.sh).
set -u
fail() { echo "FAIL: $*"; cat o.txt; exit 1; }
command -v taskset >/dev/null && command -v chrt >/dev/null ||
	{ echo "# SKIP no taskset or chrt"; exit 0; }
[ "$(nproc)" -ge 2 ] || { echo "# SKIP needs 2 CPUs"; exit 0; }
cat > late.sh <<SH
#!/bin/sh
sleep 6
exec taskset -c 1 "$HOLDER"
SH
chmod +x late.sh
printf 'title a start-up while the runner could not run\nholder A\nA deliver msg=m1\nexpect m1 ok\n' > s.scn
"$LC" run --jobs 1 --start-timeout 3000 --report r --holder "$PWD/late.sh" s.scn >o.txt 2>&1 &
run=$!
# begun: the history's first line (the meta event) is written before the
# holders start
i=0
while [ ! -s r/s/history.jsonl ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
[ -s r/s/history.jsonl ] || { wait $run; fail "the run never began"; }
# the worker: the run's child (the holders are the sandbox's, further down)
worker=$(ps -o pid= --ppid $run | head -1 | tr -d ' ')
[ -n "$worker" ] || { wait $run; fail "no worker found"; }
delay() { awk '{ print int($2 / 1000000) }' "/proc/$worker/schedstat" 2>/dev/null || echo 0; }
d0=$(delay)
taskset -a -p -c 0 "$worker" >/dev/null || { wait $run; fail "cannot pin the worker"; }
# one real-time loop on CPU 0: the worker, pinned there, runs only in what
# the kernel keeps for the others (5% by default: sched_rt_runtime_us)
taskset -c 0 chrt -f 1 sh -c 'while :; do :; done' &
hog=$!
trap 'kill $hog 2>/dev/null' EXIT
sleep 4.5
kill $hog
wait $hog 2>/dev/null
trap - EXIT
d1=$(delay)
taskset -a -p -c 0-$(($(nproc) - 1)) "$worker" >/dev/null
wait $run
rc=$?
# premises: the runner did wait for a CPU, most of those 4.5 s, and the
# hello came after the plain 3 s
if [ $((d1 - d0)) -lt 2500 ]; then
	echo "the runner waited only $((d1 - d0)) ms for a CPU while starved: not judged"
	exit 0
fi
jq -e -s '[.[] | select(.type == "spawn" and .process == "A")][0].t > 3000000' r/s/history.jsonl >/dev/null 2>&1 ||
	grep -q 'sent no hello' o.txt ||
	fail "premise: the holder said hello within the plain 3 s"
grep -q 'sent no hello' o.txt && fail "a start-up the runner could not judge for want of a CPU was an error"
[ "$rc" -eq 0 ] || fail "the run failed (exit $rc)"
echo ok
