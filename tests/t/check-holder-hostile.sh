# check-holder against hostile holders (issue 11): it used to hang on a
# holder that floods stdout or stderr, and ran holders outside any sandbox,
# leaving a double-forked child running. Now each ends within a bound, says
# `not ok` on what the holder got wrong, stays small, and leaves nothing.
# The bound is CPU (30 s), not wall time, which a loaded machine stretches;
# a hang still shows, killed at 600 s of wall time (exit 137, not 1).
set -u
top=${LOCKCHAOS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
hostile="$top/build/hostile-holder"
marker="lc-checkholder-$$-$(date +%s%N)"
fail=0
for mode in flood-events flood-stderr escape-fork; do
	start=$(date +%s)
	( ulimit -v 1048576
	  ulimit -t 60
	  exec timeout -s KILL 600 /usr/bin/time -f '%M %U %S' -o rss.out \
		"$LC" check-holder "$hostile --mode $mode --tag $marker" \
		>ch.out 2>&1 )
	rc=$?
	secs=$(($(date +%s) - start))
	rss=$(tail -n 1 rss.out | cut -d' ' -f1)
	cpu=$(tail -n 1 rss.out | awk '{ printf "%d", $2 + $3 }')
	sleep 0.2
	left=$(pgrep -f "$marker" | tr '\n' ' ')
	echo "$mode: exit $rc, ${secs}s, CPU ${cpu}s, ${rss} KiB, left: ${left:-none}"
	[ "$rc" -eq 1 ] || { echo "  want exit 1"; fail=1; }
	[ "${cpu:-999}" -lt 30 ] 2>/dev/null || { echo "  more than 30 s of CPU"; fail=1; }
	[ "${rss:-999999}" -lt 65536 ] 2>/dev/null || { echo "  RSS over 64 MiB"; fail=1; }
	[ -z "$left" ] || { echo "  processes left: $left"; kill -9 $left; fail=1; }
	grep -q '^not ok' ch.out || { echo "  no failed check"; fail=1; }
	# nothing the holder wrote reaches the TAP stream as a line
	grep -Ev '^(TAP version 13|ok |not ok |1\.\.[0-9]+$|# |[0-9]+ passed)' ch.out &&
		{ echo "  raw holder output in the TAP stream"; fail=1; }
done
exit $fail
