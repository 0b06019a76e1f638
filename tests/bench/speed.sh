#!/bin/sh
# make bench, part 5 (also runs alone): what time compression saves, side
# by side in one run. The long-wait scenarios of the catalog (a declared
# floor of 1.5 s or more on their own clock, `lockchaos list`) each run in
# real time (--speed 1) and compressed (--speed $SPEED, or the scenario's
# own speed when it has one), one job each, wall time around the whole
# `lockchaos run`; then the catalog's total both ways (JOBS jobs). A
# scenario whose real-time floor is over 2 minutes (the seeds with the
# reports' real numbers: 17 minutes) is not run in real time: its floor is
# shown instead, and it is left out of both catalog totals.
# Usage: tests/bench/speed.sh [REPORT_DIR]   (appends to REPORT_DIR/bench.md)
# Env:   SPEED (20), JOBS (4), CATALOG (scenarios)
set -u
report=${1:-reports/bench-speed-$(date +%Y%m%d-%H%M%S)}
speed=${SPEED:-20}
jobs=${JOBS:-4}
catalog=${CATALOG:-scenarios}
top=$(pwd)
lc=$top/build/lockchaos
drv=$top/build/bench-driver
for x in "$lc" "$drv"; do
	[ -x "$x" ] || { echo "bench: $x is missing (make bench builds it)"; exit 2; }
done
mkdir -p "$report/speed" || exit 2
out="$report/bench.md"
say() { echo "$@" | tee -a "$out"; }

# timed NAME SPEED PATH...: runs them; prints "wall_ms verdicts" where
# verdicts counts pass/fail/other.
timed() {
	name=$1 sp=$2
	shift 2
	"$drv" time "$report/speed/t" -- "$lc" run --jobs "$j" --durations none \
		--speed "$sp" --report "$report/speed/$name" "$@" >/dev/null 2>&1
	w=$(awk '{ printf "%.0f", $1 / 1000 }' "$report/speed/t")
	v=$(jq -r '[.scenarios[].status] | group_by(.) | map("\(length) \(.[0])") | join(", ")' \
		"$report/speed/$name/summary.json" 2>/dev/null)
	echo "$w ${v:-no summary}"
}

"$lc" list --json "$catalog" >"$report/speed/list.json" || exit 2
say
say "## time compression (speed $speed; a scenario with its own \`speed\` at that)"
say "load $(cut -d' ' -f1-3 /proc/loadavg)"
say
say "| long-wait scenario | floor (own clock) | real time | compressed | speed | saved |"
say "|---|---|---|---|---|---|"
j=1
jq -r 'select(.floorMs * .speed >= 1500 and (.speedOff | not))
	| "\(.file) \(.floorMs * .speed) \(.speed)"' "$report/speed/list.json" |
while read -r f floor own; do
	name=$(basename "$f" .scn)
	sp=$speed
	[ "$own" -gt 1 ] && sp=$own
	if [ "$floor" -le 120000 ]; then
		set -- $(timed "$name-real" 1 "$f")
		real=$1
	else
		real=
	fi
	set -- $(timed "$name-fast" "$sp" "$f")
	fast=$1
	say "$(awk -v f="$f" -v fl="$floor" -v r="$real" -v c="$fast" -v s="$sp" 'BEGIN {
		rs = r == "" ? sprintf("not run (floor %.0f s)", fl / 1000) : sprintf("%.2f s", r / 1000)
		sv = r == "" ? sprintf("%.0fx the floor", fl / c) : sprintf("%.1fx", r / c)
		printf "| %s | %.1f s | %s | %.2f s | %d | %s |", f, fl / 1000, rs, c / 1000, s, sv }')"
done
say
j=$jobs
files=$(jq -r 'select(.floorMs * .speed <= 120000) | .file' "$report/speed/list.json")
left=$(jq -r 'select(.floorMs * .speed > 120000) | .file' "$report/speed/list.json" | tr '\n' ' ')
# shellcheck disable=SC2086
set -- $(timed catalog-real 1 $files)
real=$1 rv=$(echo "$*" | cut -d' ' -f2-)
# shellcheck disable=SC2086
set -- $(timed catalog-fast "$speed" $files)
fast=$1 fv=$(echo "$*" | cut -d' ' -f2-)
say "catalog ($(echo $files | wc -w) scenarios, $jobs jobs; left out: ${left:-none}):"
say "real time $(awk -v r="$real" 'BEGIN { printf "%.1f s", r / 1000 }') ($rv);" \
	"at speed $speed $(awk -v c="$fast" 'BEGIN { printf "%.1f s", c / 1000 }') ($fv);" \
	"$(awk -v r="$real" -v c="$fast" 'BEGIN { printf "%.2fx", r / c }')"
say "(wall time of the whole \`lockchaos run\`, build/bench-driver; holder start-up and the harness's own work are not compressed)"
