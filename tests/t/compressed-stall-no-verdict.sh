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
TMPDIR=$FFS "$LC" run --report r --holder "$HOLDER" s.scn >o.txt 2>&1 &
run=$!
# freeze_try N: once try N's history (history.jsonl, after N-1 renames)
# shows A's acquire, 3 s of frozen disk
freeze_try() {
	i=0
	until { [ "$1" -eq 1 ] || [ -f "r/s/try$(($1 - 1))-history.jsonl" ]; } &&
		[ -s r/s/history.jsonl ] && grep -q '"type":"acquired"' r/s/history.jsonl; do
		i=$((i + 1))
		[ $i -lt 2400 ] || return 1
		sleep 0.05
	done
	ffs_freeze || return 1
	sleep 3
	ffs_thaw
}
for n in 1 2 3; do
	kill -0 $run 2>/dev/null || break
	freeze_try $n || break
done
wait $run
rc=$?
[ -f r/s/try1-history.jsonl ] || fail "premise: the first try was not re-run"
[ "$rc" -eq 1 ] || fail "exit $rc"
jq -e '.status == "error" and (.reason | test("^no verdict: the machine stalled [0-9]+ ms of real time.*speed 50"))' \
	r/s/result.json >/dev/null || fail "not the machine's: $(jq -c '{status, reruns, reason}' r/s/result.json)"
ffs_remove || fail "the frozen file system is still mounted"
echo ok
