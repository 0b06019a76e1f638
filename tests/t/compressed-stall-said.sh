# A compressed run (speed 50) that the machine stalls in real time for
# longer than its scenario could absorb (3 s of real time, 150 s of its
# clock, against a 30 s timeoutMs) is never a silent pass: its reason says
# the stall (run.c, compressed_stall). The run's scratch is on a
# loop-mounted ext4 frozen (fsfreeze) for 3 s once A holds s1. Before,
# the pass said nothing (reason ""). And a real safety verdict still
# fails through such a stall: the reference lock with its
# silent-drop-when-busy bug answers B's deliver ok without a line (a lost
# message, its holder done): FAIL, not re-run, not the machine's.
set -u
. "$LOCKCHAOS_TOP/tests/t/lib/frozen-fs.sh"
fail() { echo "FAIL: $*"; cat o.txt; exit 1; }
ffs_make
cat > s.scn <<'SCN'
title a compressed run the machine's storage stalls
speed 50
holder A B
lock maxHoldMs=1000s timeoutMs=30s pollMs=50ms deadline=30m
A acquire
await A
at 10s B deliver msg=m1
await B
A release
expect m1 fail reason=timeout
SCN
# run_frozen OUT HOLDER...: runs s.scn into report OUT with its scratch
# on the frozen-to-be file system, frozen 3 s once A acquired
run_frozen() {
	out=$1
	shift
	TMPDIR=$FFS "$LC" run --report "$out" --holder "$*" s.scn >o.txt 2>&1 &
	run=$!
	ffs_freeze_at "$out/s/history.jsonl" '"type":"acquired"' 1 $run "A never acquired"
	sleep 3
	ffs_thaw
	wait $run
}
# saw_freeze OUT: whether the run's first try's storage probe saw the
# freeze (a loaded machine may get to the freeze only after the 0.8 s the
# run takes at speed 50: beside the soak it ended before; tried again,
# up to three times, then said and not judged)
saw_freeze() {
	h=$1/s/history.jsonl
	[ -f "$1/s/try1-history.jsonl" ] && h=$1/s/try1-history.jsonl
	jq -s -e '.[] | select(.type == "noise") | .ioMaxUs >= 1000000' "$h" >/dev/null
}
for try in 1 2 3; do
	rm -rf r
	run_frozen r "$HOLDER"
	rc=$?
	saw_freeze r && break
done
if ! saw_freeze r; then
	echo "the freeze came after the run three times (load $(cut -d' ' -f1 /proc/loadavg)): the pass's reason not judged"
else
	[ "$rc" -eq 0 ] || fail "the correct lock failed (exit $rc)"
	jq -e '.status == "pass" and (.reason | test("stalled [0-9]+ ms of real time.*speed 50: longer than its timeoutMs"))' \
		r/s/result.json >/dev/null || fail "a pass through a 3 s stall at speed 50 said nothing of it: $(jq -r .reason r/s/result.json)"
fi

for try in 1 2 3; do
	rm -rf r2
	run_frozen r2 "$HOLDER --bug silent-drop-when-busy"
	rc=$?
	saw_freeze r2 && break
done
saw_freeze r2 || echo "the freeze came after the mutant's run three times: judged without a stall"
[ "$rc" -eq 1 ] || fail "the silent drop passed through the stall (exit $rc)"
jq -e '.status == "fail" and .reruns == 0' r2/s/result.json >/dev/null ||
	fail "a lost message was re-run or called the machine's: $(jq -c '{status, reruns, reason}' r2/s/result.json)"
jq -e '[.failures[].checker] | index("no-silent-drop")' r2/s/result.json >/dev/null ||
	fail "no no-silent-drop verdict: $(jq -c .failures r2/s/result.json)"
ffs_remove || fail "the frozen file system is still mounted"
echo ok
