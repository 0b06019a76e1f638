# One verdict, everywhere: TAP, JUnit, summary.json, index.html and
# timeline.html show the same verdict and the same failures, the
# scenario's own expect/assert failures included. (issue 10, "One verdict,
# everywhere": --bug no-watchdog on seeds/004-watchdog.scn showed PASS in
# the timeline.)
set -u
s=$LOCKCHAOS_TOP/scenarios/seeds/004-watchdog.scn
"$LC" run --report rep --holder "$HOLDER --bug no-watchdog" "$s" >out 2>&1
rc=$?
cat out
[ "$rc" -eq 1 ] || { echo "exit $rc, expected 1"; exit 1; }
grep -q '^not ok 1 ' out || exit 1
d=rep/$(jq -r '.scenarios[0].dir' rep/summary.json)
jq -e '.scenarios[0].status == "fail"' rep/summary.json >/dev/null || exit 1
grep -q '<failure' rep/junit.xml || exit 1
grep -q 'FAIL' rep/index.html || exit 1
! grep -q '>PASS<' "$d/timeline.html" || { echo "timeline.html says PASS"; exit 1; }
grep -q '>FAIL<' "$d/timeline.html" || { echo "timeline.html does not say FAIL"; exit 1; }
# Every failure of the result, by checker and line, in every format.
n=$(jq '.failures | length' "$d/result.json")
[ "$n" -gt 0 ] || exit 1
[ "$(jq '.scenarios[0].failures | length' rep/summary.json)" -eq "$n" ] || { echo "summary.json lists another set"; exit 1; }
jq -r '.failures[] | select(.checker == "expect") | .msg' "$d/result.json" | head -n 3 > msgs
[ -s msgs ] || { echo "no expectation failure in result.json"; exit 1; }
while read -r m; do
	key=$(printf '%s' "$m" | cut -c1-40 | sed 's/[&<>"]/./g')
	grep -q -- "$key" "$d/timeline.html" || { echo "timeline.html leaves out: $m"; exit 1; }
	grep -q -- "$key" rep/junit.xml || { echo "junit.xml leaves out: $m"; exit 1; }
	grep -q -- "$key" out || { echo "TAP leaves out: $m"; exit 1; }
done < msgs
