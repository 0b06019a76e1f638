# SIGINT or SIGTERM to `lockchaos run`: it stops, kills every holder,
# removes the scratch folders, writes a complete report in which what did
# not finish is marked not run, and exits 130 / 143. reports/latest is not
# moved to an interrupted run's report. (issue 10, "Interrupted runs")
set -u
mkdir tmp
for n in 1 2 3; do
	cat > long$n.scn <<SCN
title long scenario $n
holder A B
A turn hold=20s msg=m0
at 10s B deliver msg=m1
SCN
done
marker="lockchaos-interrupt-test-$$"
count() { grep -l "LOCKCHAOS_IRQ_MARK=$marker" /proc/[0-9]*/environ 2>/dev/null | wc -l; }
for sig in INT TERM; do
	rm -rf reports
	LOCKCHAOS_IRQ_MARK=$marker TMPDIR=$PWD/tmp "$LC" run --jobs 2 long1.scn long2.scn long3.scn >out.$sig 2>err.$sig &
	pid=$!
	sleep 2
	before=$(count)
	[ "$before" -ge 4 ] || { echo "SIG$sig: only $before processes of the run before the signal"; exit 1; }
	kill -$sig "$pid"
	wait "$pid"
	rc=$?
	cat out.$sig err.$sig
	want=130; [ $sig = TERM ] && want=143
	[ "$rc" -eq "$want" ] || { echo "SIG$sig: exit $rc, expected $want"; exit 1; }
	left=$(count)
	[ "$left" -eq 0 ] || { echo "SIG$sig: $left processes of the run left"; exit 1; }
	[ -z "$(ls tmp)" ] || { echo "SIG$sig: scratch left in TMPDIR:"; ls -R tmp; exit 1; }
	rep=$(ls -d reports/2* | head -n 1)
	[ -n "$rep" ] || { echo "SIG$sig: no report folder"; exit 1; }
	jq -e '.notRun == 3 and ([.scenarios[] | select(.status == "not-run")] | length) == 3' "$rep/summary.json" >/dev/null ||
		{ echo "SIG$sig: summary.json does not mark 3 scenarios not run"; cat "$rep/summary.json"; exit 1; }
	[ -s "$rep/junit.xml" ] && [ -s "$rep/index.html" ] || { echo "SIG$sig: report incomplete"; exit 1; }
	[ "$(grep -c '# SKIP not run' out.$sig)" -eq 3 ] || { echo "SIG$sig: TAP does not say not run 3 times"; exit 1; }
	[ ! -e reports/latest ] || { echo "SIG$sig: reports/latest moved to an interrupted run"; exit 1; }
done
