# A holder the harness kills while it sits in the kernel (a write on a
# stalled disk: unkillable until it returns) ends only when the kernel
# lets it, and the time the harness waits for that is the kernel's, not
# the scenario's: the deadline absorbs it (runner.c, deadline_widen;
# faults/signal.c, await_death). Beside the soak a SIGKILLed Python holder
# was reaped 37 s after its kill, and seeds/002-recycled-pid's 30 s
# deadline passed inside the wait: an ERROR, no verdict. Here the run's
# scratch is on a loop-mounted ext4, frozen once the run is ready; A's
# deliver at 1 s sits in its lock create, the kill at 1.5 s takes only at
# the thaw 7 s later, and a 5 s deadline must not end the run (red before:
# "deadline of 5000 ms passed").
set -u
. "$LOCKCHAOS_TOP/tests/t/lib/frozen-fs.sh"
fail() { echo "FAIL: $*"; cat o.txt; exit 1; }
ffs_make
cat > s.scn <<'SCN'
title a killed holder the kernel ends late
holder A
lock deadline=5s timeoutMs=20s
at 1s A deliver msg=m1
at 1500ms kill A
wait 100ms
SCN
TMPDIR=$FFS "$LC" run --report r s.scn >o.txt 2>&1 &
run=$!
ffs_freeze_at r/s/history.jsonl '"type":"ready"' 1 $run "the run never got ready"
sleep 7
ffs_thaw
wait $run
# the premise: A was killed while frozen and reaped only after the thaw
jq -s -e '([.[] | select(.type == "fault" and .fault == "kill")][0].t) as $k |
	([.[] | select(.type == "exit" and .process == "A")][0].t) as $e |
	$k != null and $e != null and $e - $k > 3000000' r/s/history.jsonl >/dev/null ||
	{ echo "premise: A was not slow to die (the freeze missed its deliver?): not judged"; ffs_remove; exit 0; }
grep -q 'deadline of 5000 ms passed' o.txt &&
	fail "the deadline passed inside the wait for a killed holder the kernel had not ended"
ffs_remove || fail "the frozen file system is still mounted"
echo ok
