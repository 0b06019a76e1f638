# A holder's start-up that sits in the kernel behind the machine's stalled
# storage is not slow by itself: --start-timeout is widened by the storage
# probe's stall from when a starting holder was first seen blocked
# (holder_io.c, start_cpu_wait), as it is by a CPU wait. The run's scratch
# is on a loop-mounted ext4, frozen (fsfreeze) for 8 s once the run began;
# hostile-holder --mode write-start sleeps 1 s, then writes and fsyncs a
# file in its session folder before its hello, and so waits for the thaw.
# With --start-timeout 3000 it was a start-up error before ("sent no hello
# within 3000 ms + N ms the holders starting waited for a CPU"); now it
# starts, and the run passes. A holder asleep for 7 s before its hello
# (busy-start would spend CPU: sleepy is not a mode at start) is not
# excused: test_supervise and start-timeout-is-error.sh cover that.
set -u
. "$LOCKCHAOS_TOP/tests/t/lib/frozen-fs.sh"
fail() { echo "FAIL: $*"; cat o.txt; exit 1; }
ffs_make
printf 'title a start-up behind a stalled disk\nholder A\nA deliver msg=m1\nexpect m1 ok\n' > s.scn
TMPDIR=$FFS "$LC" run --start-timeout 3000 --report r \
	--holder "$LOCKCHAOS_TOP/build/hostile-holder --mode write-start" s.scn >o.txt 2>&1 &
run=$!
# frozen once the run began (its history's first line, the meta event,
# is written before the holders start)
ffs_freeze_at r/s/history.jsonl . 1 $run "the run never began"
sleep 8
ffs_thaw
wait $run
rc=$?
jq -s -e '.[] | select(.type == "noise") | .ioMaxUs >= 5000000' r/s/history.jsonl >/dev/null ||
	fail "premise: the storage probe did not see the freeze"
[ "$rc" -eq 0 ] || fail "a holder whose start waited for the frozen disk was an error (exit $rc)"
ffs_remove || fail "the frozen file system is still mounted"
echo ok
