# A holder told to exit that sits in the kernel (D: its last write on a
# stalled disk) is waited for, up to 100 s, before it is called leaked
# (runner.c, exit_cpu_wait), as a killed holder's exit is: the run's
# scratch is on a loop-mounted ext4 frozen (fsfreeze) for 10 s once A
# answered its release; hostile-holder --mode write-exit, told to exit,
# sleeps 3 s, then writes and fsyncs a file in its session folder and
# exits, so it sits in D until the thaw, past the exit grace's 5 s. Before,
# the run failed `leak` ("holder still running after the end: A (D in
# percpu_rwsem_wait)"); now A's exit is recorded and the run passes. So
# with --mode blocked-exit, 7 s in D on no disk (a vfork's wait): its time
# blocked widens no verdict (no storage stall), but an exit going on in the
# kernel is waited for all the same (red without: leak).
set -u
. "$LOCKCHAOS_TOP/tests/t/lib/frozen-fs.sh"
fail() { echo "FAIL: $*"; cat o.txt; exit 1; }
ffs_make
printf 'title an exit behind a stalled disk\nholder A\nA acquire\nA release\n' > s.scn
TMPDIR=$FFS "$LC" run --report r \
	--holder "$LOCKCHAOS_TOP/build/hostile-holder --mode write-exit" s.scn >o.txt 2>&1 &
run=$!
# frozen once A answered both commands (it then sleeps 3 s on its exit)
ffs_freeze_at r/s/history.jsonl '"type":"ok"' 2 $run "A never answered its release"
sleep 10
ffs_thaw
wait $run
rc=$?
jq -s -e '[.[] | select(.type == "exit" and .process == "A")] | length == 1' r/s/history.jsonl >/dev/null ||
	fail "premise or verdict: no exit of A recorded"
[ "$rc" -eq 0 ] || fail "a holder whose exit waited for the frozen disk was called leaked (exit $rc)"
ffs_remove || fail "the frozen file system is still mounted"
"$LC" run --report r2 --holder "$LOCKCHAOS_TOP/build/hostile-holder --mode blocked-exit" s.scn >o.txt 2>&1 ||
	fail "a holder 7 s in the kernel on its exit was called leaked (exit $?)"
jq -s -e '[.[] | select(.type == "exit" and .process == "A")] | length == 1' r2/s/history.jsonl >/dev/null ||
	fail "no exit of the blocked-exit holder recorded"
echo ok
