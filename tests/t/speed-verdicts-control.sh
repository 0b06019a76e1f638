# Time compression: the control that proves the comparison of
# tests/t/speed-verdicts.sh can fail (tests/t/lib/speed-verdicts.sh).
. "$LOCKCHAOS_TOP/tests/t/lib/speed-verdicts.sh"

# The control: mtimes in real time against the accelerated clock. A lock
# file truncated at 20 s of scenario time (2 s of real time at speed 10)
# carries a real-time mtime; a holder that reads it unmapped sees it 18 s
# older than it is, past its 15 s grace at once, and reclaims without
# waiting. Mapped, it waits the grace out (1.5 s of real time). So the
# mapped run must pass and the unmapped one fail, on any machine: load
# only delays the reclaim, which the unmapped run would need to delay by a
# whole second of real time to pass. (Truncating at 0 s instead would make
# the misjudgement only as large as the holder's start-up: on an idle
# runner too small to see.)
cat >"$out/ctl.scn" <<'SCN'
title control: a truncated lock's grace judged by mtime on an accelerated clock
lock maxHoldMs=60s timeoutMs=40s pollMs=50ms graceMs=15s deadline=60s
holder B
at 20s damage s1 truncated owner=init
B deliver msg=m1
expect m1 ok
assert jq '([.[] | select(.type == "acquired")][0].t - ([.[] | select(.type == "fault")][0].t)) > 10000000'
SCN
run ctl-mapped "$speed" "$HOLDER" "$out/ctl.scn" &
run ctl-unmapped "$speed" "env NO_FAKE_STAT=1 $HOLDER" "$out/ctl.scn"
wait
mapped=$(cut -d" " -f2 "$out/ctl-mapped.v") unmapped=$(cut -d" " -f2 "$out/ctl-unmapped.v")
if [ "$mapped" != pass ] || [ "$unmapped" != fail ]; then
	echo "control: a lock truncated at 20 s, speed $speed: '$mapped' with mtimes"
	echo "mapped (want pass), '$unmapped' with real-time mtimes (want fail):"
	echo "the comparison cannot see a verdict that depends on mtimes"
	grep -h '^not ok\|^#   \[' "$out/ctl-mapped.tap" "$out/ctl-unmapped.tap" | head -n 20
	fail=1
fi
exit $fail
