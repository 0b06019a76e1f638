# A holder says `acquired` only while the lock file at the path is the one
# it made (docs/holder-protocol.md, P3). B is frozen after its payload
# reached the disk, before it said so (inside its close, which a jitter
# delays); C reclaims B's lock past its maxHoldMs and holds the next file
# across B's thaw. B must see that the path is no longer its file, judge it
# again and wait for C. Beside the soak, python-reference's B (fixtures/
# pylock, no check after its close) said `acquired` 480 ms into C's hold:
# a mutex verdict in races/frozen-before-acquired, where C's hold had been
# stretched by the disk across B's thaw. The C reference has checked since
# explore's seed 31. Both run here; red for pylock without the check
# (mutex: "B acquired s1 ... while C still held it").
set -u
fail() { echo "FAIL: $*"; exit 1; }
cat > held.scn <<'SCN'
title a holder frozen before its acquired line while the next owner holds
tags race freeze jitter
requires maxHoldMs
speed off the jitter sleeps and the freeze are in real time
lock maxHoldMs=1000ms timeoutMs=10s pollMs=50ms
holder B C
jitter B calls=close max=2s
B acquire
await B created timeout=20s
freeze B
C acquire
await C acquired timeout=20s
jitter B off
thaw B
wait 300ms
C release
await B timeout=20s
B release
await B timeout=20s
expect lock s1 absent
SCN
for holder in "$LOCKCHAOS_TOP/fixtures/pylock/holder" "$HOLDER"; do
	name=$(basename "$(dirname "$holder")")/$(basename "$holder")
	rm -rf rep
	"$LC" run --seed 6 --report rep --holder "$holder" held.scn >run.out 2>&1
	rc=$?
	h=$(ls rep/*/history.jsonl)
	# the premise: B was frozen before its `acquired` (else it held the
	# lock when frozen, and C's reclaim of it proves nothing here)
	first=$(jq -rs '[.[] | select((.process == "B" and .type == "acquired") or
		(.type == "fault" and .fault == "freeze" and .target == "B"))][0] |
		.type' "$h")
	if [ "$first" != fault ]; then
		cat run.out
		fail "$name: B said acquired before it was frozen (premise)"
	fi
	[ "$rc" -eq 0 ] || { cat run.out; fail "$name: exit $rc"; }
	grep -q '"process":"B".*removed or replaced\|removed or replaced.*"process":"B"' "$h" ||
		fail "$name: B did not say its file was removed or replaced"
done
echo ok
