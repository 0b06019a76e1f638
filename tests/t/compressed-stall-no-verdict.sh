# A compressed run (speed 50) that a stall of the machine fails, try after
# try, is the machine's: an error that says so ("no verdict: the machine
# stalled ..."), never the lock's FAIL (run.c, compressed_stall). Each try
# has its scratch on a loop-mounted ext4 frozen (fsfreeze) for 3 s once A
# holds s1 (150 s of its clock, against a 5 s maxHoldMs): A's release at
# 100 s sits in the kernel, and the look at 105 s finds the lock still
# there. Before, the run was a FAIL of `expect lock s1 absent`, the lock's.
set -u
. "$LOCKCHAOS_TOP/tests/t/lib/frozen-fs.sh"
fail() { echo "FAIL: $*"; cat o.txt; exit 1; }
ffs_make
cat > s.scn <<'SCN'
title a compressed run a stall fails every time
speed 50
holder A
lock maxHoldMs=5s timeoutMs=10s deadline=10m
A acquire
await A
at 100s A release
at 105s expect lock s1 absent
SCN
# freeze_try N: once try N's history (history.jsonl, after N-1 renames)
# shows A's acquire, 3 s of frozen disk
freeze_try() {
	i=0
	until { [ "$1" -eq 1 ] || [ -f "r/s/try$(($1 - 1))-history.jsonl" ]; } &&
		[ -s r/s/history.jsonl ] && grep -q '"type":"acquired"' r/s/history.jsonl; do
		i=$((i + 1))
		[ $i -lt 2400 ] || return 1
		kill -0 $run 2>/dev/null || return 1
		sleep 0.05
	done
	ffs_freeze || return 1
	sleep 3
	ffs_thaw
}
# every try stalled in time: its storage probe saw the freeze, and its
# look came while A's release sat in the kernel (the lock still there)
all_stalled() {
	for h in r/s/try1-history.jsonl r/s/try2-history.jsonl r/s/history.jsonl; do
		[ -f "$h" ] || return 1
		jq -s -e '(.[] | select(.type == "noise") | .ioMaxUs >= 1000000) and
			([.[] | select(.type == "look" and .lock == "file")] | length == 1)' "$h" >/dev/null || return 1
	done
}
# the whole run up to three times, until each of its tries was frozen in
# time (a loaded machine may get to a freeze only after the 2.1 s a try
# takes, and its probes have been seen to take no sample in a run)
for attempt in 1 2 3; do
	rm -rf r
	TMPDIR=$FFS "$LC" run --report r --holder "$HOLDER" s.scn >o.txt 2>&1 &
	run=$!
	for n in 1 2 3; do
		freeze_try $n || break
	done
	wait $run
	rc=$?
	all_stalled && break
done
if ! all_stalled; then
	echo "not every try was frozen in time, three times (load $(cut -d' ' -f1 /proc/loadavg)): not judged"
	ffs_remove || fail "the frozen file system is still mounted"
	exit 0
fi
[ "$rc" -eq 1 ] || fail "exit $rc"
jq -e '.status == "error" and .reruns == 2 and (.reason | test("^no verdict: the machine stalled [0-9]+ ms of real time.*speed 50"))' \
	r/s/result.json >/dev/null || fail "not the machine's: $(jq -c '{status, reruns, reason}' r/s/result.json)"
ffs_remove || fail "the frozen file system is still mounted"
echo ok
