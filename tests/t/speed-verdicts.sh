# Time compression is sound (issue 14): the same scenarios give the same
# verdicts in real time (--speed 1) and on the accelerated clock
# (--speed $SPEED, default 10), over a representative subset of the catalog
# that allows compression: every seed but the two with real numbers (17
# minutes in real time), and the faults, races and damaged inputs whose
# verdict hangs on a clock: kills and reclaims within a poll, a frozen or
# spinning holder's maxHoldMs, watchdogs, lane timeouts, grace periods
# measured by mtime, planted createdAt ages.
#
# A loaded machine fails timing verdicts now and then in both modes (a
# holder not scheduled for 50 ms), and compression makes each such delay N
# times longer on the scenario's clock: a scenario whose verdicts differ is
# run again both ways, twice at most, and counts as differing only when
# they differ every time. A verdict that hangs on the clock being wrong (the
# control below) differs every time.
#
# Takes 35 to 70 s of wall time on this loaded 2-core machine (load 40):
# 26 scenarios, real time and speed 10 side by side, plus the re-runs.
# The whole catalog both ways takes 8 minutes (measured 2026-11-30, load
# 45, 2 jobs: 389 s in real time, 88 s at speed 10, the 17-minute seed left
# out; every verdict of the 100 runs that allow compression the same once
# the three nine-holder races said `speed off` and 001-takeover-fencing
# awaited A's acquisition before freezing it), too long for make check.
#
# The control proves the comparison can fail: the reference holder with
# libfaketime's stat mapping switched off (NO_FAKE_STAT=1) reads kernel
# mtimes in real time against its accelerated clock, so a fresh truncated
# lock looks (N - 1) x its age old; that scenario's verdict must differ.
set -u
top=${LOCKCHAOS_TOP:?}
speed=${SPEED:-10}
cd "$top"
files="
scenarios/seeds/000-cleanup-throw.scn
scenarios/seeds/000-reentrant-drain.scn
scenarios/seeds/000-silent-drop.scn
scenarios/seeds/001-cleanup-cron-takeover.scn
scenarios/seeds/001-live-holder-not-stale.scn
scenarios/seeds/001-reclaim-race.scn
scenarios/seeds/001-takeover-fencing.scn
scenarios/seeds/002-recycled-pid.scn
scenarios/seeds/002-sigkill.scn
scenarios/seeds/003-lane-timeout-cross-process.scn
scenarios/seeds/003-lane-timeout.scn
scenarios/seeds/004-blocked-loop.scn
scenarios/seeds/004-watchdog.scn
scenarios/faults/empty-lock-grace.scn
scenarios/faults/exact-planted-maxhold.scn
scenarios/faults/freeze-holding.scn
scenarios/faults/kill-in-reclaim.scn
scenarios/faults/spin-during-turn.scn
scenarios/faults/term-while-holding.scn
scenarios/faults/zombie-holder.scn
scenarios/races/frozen-resumes.scn
scenarios/races/two-lanes.scn
scenarios/badinput/empty-old.scn
scenarios/badinput/truncated-fresh.scn
scenarios/badinput/ancient-created.scn
scenarios/badinput/dead-owner.scn
"
out=${OLDPWD:-.}
fail=0

# run NAME SPEED HOLDER FILE...: one run, its verdicts as "file status"
# lines in $out/NAME.v, its wall time in ms in $out/NAME.ms.
run() {
	name=$1 sp=$2 holder=$3
	shift 3
	start=$(date +%s%N)
	timeout -s KILL 300 "$LC" run --speed "$sp" --jobs 2 --durations none \
		--holder "$holder" --report "$out/rep-$name" "$@" \
		>"$out/$name.tap" 2>&1
	echo $((($(date +%s%N) - start) / 1000000)) >"$out/$name.ms"
	jq -r '.scenarios[] | "\(.file) \(.status)"' \
		"$out/rep-$name/summary.json" 2>/dev/null | sort >"$out/$name.v"
	[ -s "$out/$name.v" ] || { echo "$name: no summary:"; tail -n 20 "$out/$name.tap"; fail=1; }
}

# shellcheck disable=SC2086
run real 1 "$HOLDER" $files
# shellcheck disable=SC2086
run fast "$speed" "$HOLDER" $files
n=$(wc -l <"$out/real.v")
[ "$n" -eq "$(echo $files | wc -w)" ] || { echo "real: $n verdicts"; fail=1; }
# every compressed run really ran at the speed asked
slow=$(jq -r --argjson s "$speed" '.scenarios[] | select(.speed != $s) | .file' \
	"$out/rep-fast/summary.json")
[ -z "$slow" ] || { echo "not compressed at $speed: $slow"; fail=1; }
echo "real time: $(cat "$out/real.ms") ms, speed $speed: $(cat "$out/fast.ms") ms ($n scenarios)"
differ=$(diff "$out/real.v" "$out/fast.v" | sed -n 's/^< \([^ ]*\) .*/\1/p')
for try in 2 3; do
	[ -n "$differ" ] || break
	echo "try $try: $(echo $differ | wc -w) scenario(s) differed: $(echo $differ)"
	# shellcheck disable=SC2086
	run real$try 1 "$HOLDER" $differ
	# shellcheck disable=SC2086
	run fast$try "$speed" "$HOLDER" $differ
	differ=$(diff "$out/real$try.v" "$out/fast$try.v" | sed -n 's/^< \([^ ]*\) .*/\1/p')
done
if [ -n "$differ" ]; then
	echo "verdicts differ between real time and speed $speed, three times:"
	diff "$out/real3.v" "$out/fast3.v"
	grep -h '^not ok\|^#   \[' "$out/real3.tap" "$out/fast3.tap" | head -n 40
	fail=1
fi

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
run ctl-mapped "$speed" "$HOLDER" "$out/ctl.scn"
run ctl-unmapped "$speed" "env NO_FAKE_STAT=1 $HOLDER" "$out/ctl.scn"
mapped=$(cut -d" " -f2 "$out/ctl-mapped.v") unmapped=$(cut -d" " -f2 "$out/ctl-unmapped.v")
if [ "$mapped" != pass ] || [ "$unmapped" != fail ]; then
	echo "control: a lock truncated at 20 s, speed $speed: '$mapped' with mtimes"
	echo "mapped (want pass), '$unmapped' with real-time mtimes (want fail):"
	echo "the comparison cannot see a verdict that depends on mtimes"
	grep -h '^not ok\|^#   \[' "$out/ctl-mapped.tap" "$out/ctl-unmapped.tap" | head -n 20
	fail=1
fi
exit $fail
