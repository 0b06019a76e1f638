# A lock slow by its own blocking in the kernel gains nothing from the
# disk's allowance (run/sched.c): hostile-holder --mode vfork-deliver sits
# 2 s in vfork's wait (D) inside each deliver's hold, on no disk, while the
# storage probe (the scratch is on tmpfs) sees no stall. The history shows
# A blocked 1 s or more, none of it counted as the disk's, and
# `expect m1 ok within 1s` fails as the lock's. Counting every blocked
# stretch as the machine's (not only as far as the storage probe stalled)
# made it pass.
set -u
fail() { echo "FAIL: $*"; cat o.txt; jq -c 'select(.type == "sched" or .type == "noise" or .type == "verdict")' r/s/history.jsonl 2>/dev/null; exit 1; }
shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || { echo "# SKIP no writable /dev/shm"; exit 0; }
tmp=$(mktemp -d "$shm/lockchaos-t-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cat > s.scn <<'SCN'
title a holder slow by its own blocking in the kernel
holder A
lock timeoutMs=10s
A deliver msg=m1
expect m1 ok within 1s
SCN
TMPDIR=$tmp "$LC" run --report r --holder "$LOCKCHAOS_TOP/build/hostile-holder --mode vfork-deliver" s.scn >o.txt 2>&1
rc=$?
[ "$rc" -eq 1 ] || fail "exit $rc, not 1: its own 2 s in the kernel were excused"
jq -e '.status == "fail"' r/s/result.json >/dev/null || fail "not a fail"
for h in r/s/history.jsonl r/s/try1-history.jsonl; do
	[ -f "$h" ] || continue
	jq -s -e '[.[] | select(.type == "sched" and .process == "A" and (.blockedUs // 0) >= 1000000)] | length > 0' \
		"$h" >/dev/null || fail "premise: A was not seen blocked 1 s in the kernel ($h)"
	# and where, for a person reading the history: the kernel function
	# (a vfork's wait: kernel_clone on this kernel's line)
	jq -s -e '[.[] | select(.type == "sched" and .process == "A" and (.blockedIn // "") != "")] | length > 0' \
		"$h" >/dev/null || fail "no blockedIn on A's sched events ($h)"
	# what the probe on tmpfs saw stalling (for want of a CPU, if ever)
	# is all that may count
	jq -s -e '([.[] | select(.type == "sched" and .process == "A") | .diskWaitUs // 0] | max) as $d |
		(.[] | select(.type == "noise") | .ioMaxUs) as $io | $d <= $io and $d < 1000000' \
		"$h" >/dev/null || fail "A's own blocking was counted as the disk's ($h)"
done
jq -e '.reason | test("or the disk") | not' r/s/result.json >/dev/null || fail "the verdict excused it as the disk's"
echo ok
