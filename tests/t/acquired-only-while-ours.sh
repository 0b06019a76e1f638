# A holder says `acquired` only while the lock file at the path is the one
# it made (docs/holder-protocol.md, P3). B is frozen after its payload
# reached the disk, before it said so (inside its close, which a jitter
# delays); C reclaims B's lock past B's maxHoldMs (1 s) and holds the next
# file across B's thaw (C's own maxHoldMs is 30 s: a disk stall in C's
# payload fsync must not end C's hold first). B must see that the path is
# no longer its file, judge it again and wait for C. Beside the soak,
# python-reference's B (fixtures/pylock, no check after its close) said
# `acquired` 480 ms into C's hold: a mutex verdict in
# races/frozen-before-acquired, where the disk had stretched C's hold
# across B's thaw. The C reference has checked since explore's seed 31.
# Both run here, and the kits' three toy locks (which users copy); red for
# pylock and each toy without the check (mutex: "B acquired s1 ... while C
# still held it").
set -u
fail() { echo "FAIL: $*"; exit 1; }
cat > held.scn <<'SCN'
title a holder frozen before its acquired line while the next owner holds
tags race freeze jitter
requires maxHoldMs
speed off the jitter sleeps and the freeze are in real time
lock maxHoldMs=30s timeoutMs=10s pollMs=50ms
holder B C
jitter B calls=close max=2s
B acquire maxHoldMs=1000ms
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
holders="$LOCKCHAOS_TOP/fixtures/pylock/holder
$HOLDER
$LOCKCHAOS_TOP/build/kits/example_toylock
python3 -I -B $LOCKCHAOS_TOP/kits/python/example_toylock.py"
command -v node >/dev/null && holders="$holders
node $LOCKCHAOS_TOP/kits/node/example_toylock.mjs"
printf '%s\n' "$holders" | while read -r holder; do
	name=$(printf '%s\n' "$holder" | sed "s|$LOCKCHAOS_TOP/||g")
	rm -rf rep
	"$LC" run --seed 6 --report rep --holder "$holder" held.scn >run.out 2>&1 </dev/null
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
done || exit 1
echo ok
