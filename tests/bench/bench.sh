#!/bin/sh
# make bench: what the harness costs, each figure a ratio measured side by
# side in this one run (machines are shared and noisy: nothing here asserts
# a time; the figures go in README by hand).
#  1. harness cost: `lockchaos run` on one scenario against build/bench-driver,
#     a minimal driver in C (tests/bench/driver.c) doing the same work in the
#     same sandbox (spawn the holders, send the commands, read the answers)
#     and nothing else; runs alternate, medians compared;
#  2. the catalog's wall time at JOBS jobs against the floor it really has:
#     the sum of its scenarios' in-sandbox durations (result durationMs,
#     first holder start to last exit) divided by JOBS;
#  3. how far each measured recovery lies past the bound it was checked
#     against (reclaims of dead, recycled and overdue holders);
#  4. the scaling table: wall, lockchaos CPU (the scenario worker's own:
#     runner, checkers, report writers; holders not counted, cost.json),
#     peak RSS, history and timeline bytes, for 1..1,024 holders,
#     10..10,000 messages to one session (from 4 holders: the harness bounds
#     one holder's events at 20,000), 1..1,024 sessions; with the growth
#     exponent of CPU and of timeline bytes fitted over each row's last
#     three sizes (where fixed costs no longer hide the growth);
#  5. time compression (tests/bench/speed.sh): the long-wait scenarios and
#     the catalog's total, in real time and at --speed SPEED (20).
#  6. explore against each built-in mutant (tests/explore-gate): time to
#     the first failure and the shrunk scenario's size.
# Scratch folders go to /dev/shm when it is writable (fsync on a shared
# disk would measure the disk, not the harness); the machine's load is
# printed with the figures.
# Usage: tests/bench/bench.sh [REPORT_DIR]
# Env:   BENCH_QUICK=1 (smaller sizes, fewer runs), RUNS, JOBS (4),
#        CELL_TIMEOUT (seconds one scaling cell may take, 300),
#        BENCH_PARTS (which parts run: "cost catalog scaling speed explore",
#        all by default; the recoveries come with the catalog),
#        BENCH_ROWS (the scaling rows: "holders messages sessions" by
#        default), HOLDERS_ROW, MESSAGES_ROW, SESSIONS_ROW (a row's sizes,
#        e.g. HOLDERS_ROW="64 128 256 512")
set -u
report=${1:-reports/bench-$(date +%Y%m%d-%H%M%S)}
quick=${BENCH_QUICK:-0}
jobs=${JOBS:-4}
cell_timeout=${CELL_TIMEOUT:-300}
top=$(pwd)
lc=$top/build/lockchaos
holder=$top/build/sessionlock-holder
drv=$top/build/bench-driver
for x in "$lc" "$holder" "$drv"; do
	[ -x "$x" ] || { echo "bench: $x is missing (make bench builds it)"; exit 2; }
done
command -v jq >/dev/null || { echo "bench: jq is missing (make deps)"; exit 2; }
if [ "$quick" = 1 ]; then
	runs=${RUNS:-3}
	catalog=scenarios/seeds
	holders_row="1 16 64 256"
	messages_row="10 100 1000"
	sessions_row="1 16 64 256"
else
	runs=${RUNS:-7}
	catalog=scenarios
	holders_row="1 4 16 64 256 1024"
	messages_row="10 100 1000 10000"
	sessions_row="1 4 16 64 256 1024"
fi
holders_row=${HOLDERS_ROW:-$holders_row}
messages_row=${MESSAGES_ROW:-$messages_row}
sessions_row=${SESSIONS_ROW:-$sessions_row}
rows=${BENCH_ROWS:-holders messages sessions}
if [ -w /dev/shm ]; then TMPDIR=/dev/shm; else TMPDIR=${TMPDIR:-/tmp}; fi
export TMPDIR
mkdir -p "$report" || exit 2
out="$report/bench.md"
: >"$out"
say() { echo "$@" | tee -a "$out"; }
say "bench: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), scratch in $TMPDIR$( [ "$quick" = 1 ] && echo ', BENCH_QUICK=1')"

# scenario NAME HOLDERS MESSAGES SESSIONS: message i goes to holder i mod H
# and session i mod S, all issued at once, as the driver sends them.
scenario() {
	awk -v name="$1" -v h="$2" -v m="$3" -v s="$4" 'BEGIN {
		printf "title %s: %d holders, %d messages, %d sessions\n", name, h, m, s
		print "lock timeoutMs=60s pollMs=50ms maxHoldMs=5s"
		# the cells measure cost, not a deadline (30 s by default):
		# 1,024 holders took longer than that under make soak
		print "lock deadline=600s"
		for (i = 0; i < h; i++) {
			if (i % 50 == 0) printf "%sholder", (i ? "\n" : "")
			printf " H%d", i
		}
		print ""
		for (i = 0; i < m; i++)
			printf "H%d deliver session=s%d msg=m%d\n", i % h, i % s, i
		printf "expect m%d ok within 600s\n", m - 1
	}' >"$report/$1.scn"
}

parts=" ${BENCH_PARTS:-cost catalog scaling speed explore} "
part() { case $parts in *" $1 "*) return 0 ;; esac; return 1; }

median() { sort -n | awk '{ a[NR] = $1 } END { print NR ? a[int((NR + 1) / 2)] : 0 }'; }

# ---- 1. harness against the minimal driver ------------------------------
if part cost; then
say
say "## harness cost against a minimal driver (same scenario, same sandbox; $runs runs each, alternating)"
say
say "| scenario | driver wall | lockchaos wall | ratio | lockchaos CPU (worker) |"
say "|---|---|---|---|---|"
for spec in "1 1 1" "1 100 1" "16 160 4"; do
	set -- $spec
	name="cost-h$1-m$2-s$3"
	scenario "$name" "$1" "$2" "$3"
	: >"$report/$name.drv" ; : >"$report/$name.lc"; : >"$report/$name.cpu"
	i=0
	while [ $i -lt "$runs" ]; do
		"$drv" time "$report/t" -- "$drv" drive "$1" "$2" "$3" -- "$holder" >/dev/null 2>&1 \
			&& cut -d' ' -f1 "$report/t" >>"$report/$name.drv"
		"$drv" time "$report/t" -- "$lc" run --jobs 1 --durations none \
			--report "$report/runs/$name-$i" "$report/$name.scn" >/dev/null 2>&1 \
			&& cut -d' ' -f1 "$report/t" >>"$report/$name.lc"
		jq -r .cpuMs "$report/runs/$name-$i"/*/cost.json >>"$report/$name.cpu" 2>/dev/null
		i=$((i + 1))
	done
	d=$(median <"$report/$name.drv"); l=$(median <"$report/$name.lc"); c=$(median <"$report/$name.cpu")
	say "$(awk -v n="$1 holder(s), $2 message(s), $3 session(s)" -v d="$d" -v l="$l" -v c="$c" 'BEGIN {
		r = "-"
		if (d > 0) r = sprintf("%.2fx", l / d)
		printf "| %s | %.1f ms | %.1f ms | %s | %.1f ms |", n, d / 1000, l / 1000, r, c }')"
done
say
say "(whole processes, timed by build/bench-driver with CLOCK_MONOTONIC around fork/exec/wait4; the driver does no history, checks or reports. Target: at most 1.3x.)"

fi

# ---- 2. the catalog against its floor ------------------------------------
if part catalog; then
say
say "## catalog against its floor ($catalog, $jobs jobs)"
say
"$drv" time "$report/t" -- "$lc" run --jobs "$jobs" --report "$report/catalog" "$catalog" >"$report/catalog.tap" 2>/dev/null
read -r wall cpu rss <"$report/t"
floor=$(jq '[.scenarios[].durationMs] | add' "$report/catalog/summary.json")
n=$(jq '.scenarios | length' "$report/catalog/summary.json")
say "$(awk -v w="$wall" -v f="$floor" -v j="$jobs" -v n="$n" -v t="$(tail -n 1 "$report/catalog.tap")" 'BEGIN {
	printf "%d scenario runs (%s): wall %.1f s; in-sandbox durations add up to %.1f s, / %d jobs = floor %.1f s; ratio %.2fx (target: at most 1.05x)\n",
		n, t, w / 1e6, f / 1000, j, f / 1000 / j, (w / 1000) / (f / j) }')"

# ---- 3. recoveries past their bound --------------------------------------
# one history at a time: slurped together, an acquisition met another
# scenario's invoke or loss (same process names and ids), 1,021,726 ms
for h in "$report"/catalog/*/history.jsonl; do
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
	| "\(.)"' "$h" 2>/dev/null
done >"$report/recovery-past-bound.ms"
say "$(sort -n "$report/recovery-past-bound.ms" | awk '
	{ a[NR] = $1 }
	END {
		if (!NR) { print "recoveries: none measured"; exit }
		printf "recoveries: %d reclaims; time past the poll bound: median %.1f ms, p90 %.1f ms, max %.1f ms (negative: inside the poll interval; checked with slack 300 ms)\n",
			NR, a[int((NR + 1) / 2)], a[int(NR * 0.9) ? int(NR * 0.9) : 1], a[NR] }')"

fi

# ---- 4. scaling -----------------------------------------------------------
# cell ROW N HOLDERS MESSAGES SESSIONS: one run, one line of $report/ROW.tsv:
# N wall_ms cpu_ms rss_kb history_bytes timeline_bytes verdict (a timing
# failure within the noise is run again: the verdict says how many tries
# the wall and CPU figures add up)
cell() {
	name="$1-$2"
	scenario "$name" "$3" "$4" "$5"
	"$drv" time "$report/t" -- timeout "$cell_timeout" "$lc" run --jobs 1 --durations none \
		--report "$report/runs/$name" "$report/$name.scn" >"$report/$name.tap" 2>&1
	rc=$?
	d=$(ls -d "$report/runs/$name"/*/ 2>/dev/null | head -n 1)
	if [ "$rc" -eq 124 ] || [ -z "$d" ] || [ ! -f "$d/cost.json" ]; then
		printf '%s\t-\t-\t-\t-\t-\t%s\n' "$2" "$( [ "$rc" -eq 124 ] && echo "over ${cell_timeout}s" || echo "no result (exit $rc)")" >>"$report/$1.tsv"
		return
	fi
	read -r wall cpu rss <"$report/t"
	printf '%s\t%.0f\t%s\t%s\t%s\t%s\t%s\n' "$2" "$(echo "$wall" | awk '{ print $1 / 1000 }')" \
		"$(jq -r .cpuMs "$d/cost.json")" \
		"$(jq -r --arg r "$rss" '[.maxRssKb, ($r | tonumber)] | max' "$d/cost.json")" \
		"$(wc -c <"$d/history.jsonl")" "$(wc -c <"$d/timeline.html" 2>/dev/null || echo 0)" \
		"$(jq -r '.status + (if (.reruns // 0) > 0 then " (\(.reruns + 1) tries: the CPU and wall are of all)" else "" end)' "$d/result.json")" >>"$report/$1.tsv"
}

# Least-squares slope of log(column) against log(N) over the last 3 rows.
exponent() {
	tail -n 3 "$report/$1.tsv" | awk -F'\t' -v c="$2" '
		BEGIN { n = 0 }
		$c != "-" && $c > 0 { x[n] = log($1); y[n] = log($c); n++ }
		END {
			if (n < 2) { print "-"; exit }
			for (i = 0; i < n; i++) { sx += x[i]; sy += y[i] }
			mx = sx / n; my = sy / n
			for (i = 0; i < n; i++) { num += (x[i] - mx) * (y[i] - my); den += (x[i] - mx) ^ 2 }
			printf "%.2f", num / den }'
}

if part scaling; then
say
say "## scaling (one scenario per cell, 1 job)"
say
say "| row | N | wall | lockchaos CPU | peak RSS | history | timeline | verdict |"
say "|---|---|---|---|---|---|---|---|"
for row in $rows; do
	: >"$report/$row.tsv"
	case $row in
	holders) sizes=$holders_row ;;
	messages) sizes=$messages_row ;;
	sessions) sizes=$sessions_row ;;
	esac
	for n in $sizes; do
		case $row in
		holders) cell holders "$n" "$n" "$n" 4 ;;
		messages) cell messages "$n" 4 "$n" 1 ;;
		sessions) cell sessions "$n" 4 "$n" "$n" ;;
		esac
		tail -n 1 "$report/$row.tsv" | awk -F'\t' -v r="$row" '{
			if ($2 == "-") { printf "| %s | %s | - | - | - | - | - | %s |\n", r, $1, $7; next }
			printf "| %s | %s | %.2f s | %.0f ms | %.1f MB | %.0f KB | %.0f KB | %s |\n",
				r, $1, $2 / 1000, $3, $4 / 1024, $5 / 1024, $6 / 1024, $7 }' | tee -a "$out"
	done
done
say
say "| row | growth exponent of lockchaos CPU | of timeline bytes | of history bytes |"
say "|---|---|---|---|"
for row in $rows; do
	say "| $row | $(exponent "$row" 3) | $(exponent "$row" 6) | $(exponent "$row" 5) |"
done
say
say "(exponent: slope of log(figure) against log(N) over the row's last three sizes; targets: at most 1.1; 10,000 messages in under 5 s of lockchaos CPU; timelines at most 2 MB)"
part catalog && say "$(jq -r '[.scenarios[] | .dir] | .[]' "$report/catalog/summary.json" | while read -r d; do
	wc -c <"$report/catalog/$d/timeline.html" 2>/dev/null; done | sort -n | tail -n 1 | awk '{ printf "largest catalog timeline: %.0f KB", $1 / 1024 }')"

fi

# ---- 5. time compression -------------------------------------------------
part speed && CATALOG=$catalog JOBS=$jobs sh "$top/tests/bench/speed.sh" "$report"

# ---- 6. explore against the mutants --------------------------------------
# tests/explore-gate: per built-in mutant, the time explore takes to its
# first failure and the size it shrinks it to (BENCH_QUICK: 2 mutants).
if part explore; then
say
say "## explore against the mutants (tests/explore-gate, docs/explore.md)"
say
if [ "$quick" = 1 ]; then gate_mutants="no-liveness kill0-liveness"; else gate_mutants=""; fi
EXPLORE_TIME=${EXPLORE_TIME:-5m} SHRINK_TIME=${SHRINK_TIME:-3m} JOBS=2 \
	tests/explore-gate "$report/explore-gate" $gate_mutants >"$report/explore-gate.log" 2>&1
sed -n '/^| mutant/,/^$/p' "$report/explore-gate/explore-gate.md" | tee -a "$out"
say "$(tail -n 1 "$report/explore-gate.log")"
fi

say
say "bench report: $report (tables: $out)"
