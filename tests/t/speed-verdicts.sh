# Time compression gives the verdicts of real time: the comparison
# (tests/t/lib/speed-verdicts.sh says what, why and how long).
. "$LOCKCHAOS_TOP/tests/t/lib/speed-verdicts.sh"
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

# One after the other: side by side, under make check at load 40, a
# compressed run fell back to real time (not compressed at 10).
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

exit $fail
