#!/bin/sh
# make bench: what the harness costs and how close it runs to the floor.
#  1. harness cost per scenario: an empty scenario (sandbox, one holder,
#     hello, exit, checks, reports), run N times one after another;
#  2. the catalog's wall time against the floor its scenarios declare (the
#     waits no harness can beat, see `lockchaos list --json`), divided by
#     the jobs run side by side;
#  3. how far each measured recovery lies past the bound it was checked
#     against (for reclaims of dead, recycled and overdue holders).
# Figures only: nothing here asserts a time (machines are shared and noisy).
# Usage: tests/bench [REPORT_DIR]   Env: RUNS (40), JOBS (4)
set -eu
report=${1:-reports/bench-$(date +%Y%m%d-%H%M%S)}
runs=${RUNS:-40}
jobs=${JOBS:-4}
lc=build/lockchaos
mkdir -p "$report"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

printf 'title empty: sandbox, one holder, hello, exit\nholder A\n' > "$report/empty.scn"
i=0
: > "$report/empty.ms"
while [ $i -lt "$runs" ]; do
	t0=$(date +%s%N)
	"$lc" run --jobs 1 --report "$report/empty/$i" "$report/empty.scn" >/dev/null 2>&1
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000 )) >> "$report/empty.ms"
	i=$((i + 1))
done
sort -n "$report/empty.ms" > "$report/empty.sorted"
med=$(awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}' "$report/empty.sorted")
p90=$(awk '{a[NR]=$1} END {print a[int(NR*0.9)]}' "$report/empty.sorted")
inner=$(jq -s '[.[] | .durationMs] | sort | .[length/2|floor]' "$report"/empty/*/*/result.json)
echo "harness cost per scenario (whole lockchaos process, $runs runs): median $((med / 1000)).$(( (med % 1000) / 100 )) ms, p90 $((p90 / 1000)).$(( (p90 % 1000) / 100 )) ms (target: median under 10 ms)"
echo "  of which inside the sandbox, holder start to last exit: median $inner ms"

floor=$("$lc" list --json scenarios/ | jq -s 'map(.floorMs * .repeat) | add')
t0=$(now_ms)
"$lc" run --jobs "$jobs" --report "$report/catalog" scenarios/ > "$report/catalog.tap" 2>/dev/null || true
t1=$(now_ms)
wall=$((t1 - t0))
tail -n 1 "$report/catalog.tap"
awk -v w="$wall" -v f="$floor" -v j="$jobs" 'BEGIN {
	printf "catalog: wall %.1f s with %d jobs; declared floor %.1f s, %.1f s per job; ratio %.2fx (target: under 1.3x)\n",
		w / 1000, j, f / 1000, f / 1000 / j, w / (f / j) }'

jq -s -r '
	. as $h
	| [ $h[] | select(.type == "acquired" and (.reclaimed // "" | test("dead|recycled|zombie|hold-exceeded"))) ][]
	| . as $a
	| ([ $h[] | select(.type == "invoke" and .process == $a.process and .id == $a.id) ][0]) as $inv
	| select($inv != null)
	| if $a.reclaimed == "hold-exceeded" then
		([ $h[] | select(.type == "acquired" and .process != $a.process and .session == $a.session and .t < $a.t) ] | last) as $prev
		| select($prev != null)
		| ([ $h[] | select(.type == "invoke" and .process == $prev.process and .id == $prev.id) ][0].maxHoldMs) as $mh
		| select($mh != null)
		| (($a.t - ([$inv.t, $prev.t + $mh * 1000] | max)) / 1000 - $inv.pollMs)
	  else
		([ $h[] | select(.t < $a.t and ((.type == "fault" and (.fault == "kill" or .fault == "term")) or .type == "exit")) ] | last) as $loss
		| (($a.t - ([$inv.t, ($loss.t // 0)] | max)) / 1000 - $inv.pollMs)
	  end
	| "\(.)"' "$report"/catalog/*/history.jsonl > "$report/recovery-past-bound.ms" 2>/dev/null || true
sort -n "$report/recovery-past-bound.ms" | awk '
	{ a[NR] = $1 }
	END {
		if (!NR) { print "recoveries: none measured"; exit }
		printf "recoveries: %d reclaims; time past the poll bound: median %.1f ms, p90 %.1f ms, max %.1f ms (negative: inside the poll interval; checked with slack 300 ms)\n",
			NR, a[int((NR + 1) / 2)], a[int(NR * 0.9) ? int(NR * 0.9) : 1], a[NR] }'
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f '%M' -o "$report/rss" "$lc" run --jobs "$jobs" --report "$report/rss-run" scenarios/seeds >/dev/null 2>&1 || true
	echo "peak memory of lockchaos over the seed scenarios: $(cat "$report/rss") KiB (largest process)"
fi
echo "bench report: $report"
