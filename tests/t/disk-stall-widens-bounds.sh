# A holder's time blocked in the kernel while the machine's storage stalls
# is the machine's, as its wait for a CPU is (run/sched.c): the run's
# scratch is on a loop-mounted ext4 that is frozen (fsfreeze) for 3 s
# just before A's deliver, so A's create of its lock file sits in the
# kernel (D) and the storage probe, on the same file system, stalls with
# it. `expect m1 ok within 1s` then passes at the first try, its bound
# widened by A's diskWaitUs; before, it failed by about 2 s and was only
# re-run (reruns 1) for the storage probe's stall. The premise is checked:
# the history shows A blocked 1 s or more, of it 1 s or more the disk's.
set -u
. "$LOCKCHAOS_TOP/tests/t/lib/frozen-fs.sh"
fail() { echo "FAIL: $*"; cat o.txt; jq -c 'select(.type == "sched" or .type == "noise" or .type == "verdict")' r/s/history.jsonl r/s/try1-history.jsonl 2>/dev/null; exit 1; }
ffs_make
cat > s.scn <<'SCN'
title a deliver whose lock file's create the machine's storage stalls
holder A
lock timeoutMs=10s
at 1s A deliver msg=m1
expect m1 ok within 1s
SCN
TMPDIR=$FFS "$LC" run --report r --holder "$HOLDER" s.scn >o.txt 2>&1 &
run=$!
# frozen once the scenario's clock started (`ready`), before the deliver
ffs_freeze_at r/s/history.jsonl '"type":"ready"' 1 $run "the run never got ready"
sleep 3
ffs_thaw
wait $run
rc=$?
h=r/s/history.jsonl # the first try's, when it was re-run
[ -f r/s/try1-history.jsonl ] && h=r/s/try1-history.jsonl
jq -s -e '[.[] | select(.type == "sched" and .process == "A" and (.blockedUs // 0) >= 1000000)] | length > 0' \
	"$h" >/dev/null || fail "premise: A was not seen blocked 1 s in the kernel (the freeze missed its deliver?)"
jq -s -e '[.[] | select(.type == "sched" and .process == "A" and (.diskWaitUs // 0) >= 1000000)] | length > 0' \
	"$h" >/dev/null || fail "A's time blocked while the storage probe stalled was not counted as the disk's"
[ "$rc" -eq 0 ] || fail "the run failed (exit $rc)"
jq -e '.status == "pass" and .reruns == 0' r/s/result.json >/dev/null ||
	fail "passed only at a re-run: the disk's wait did not widen the bound"
ffs_remove || fail "the frozen file system is still mounted"
echo ok
