# A run writes summary.json, junit.xml, index.html and, per scenario,
# history.jsonl, result.json and timeline.html; TAP ends with the totals.
set -eu
printf 'title one\nholder A\nA deliver m1\nexpect m1 ok\n' > one.scn
"$LC" run --report rep one.scn >out 2>err
tail -n 1 out | grep -qx '1 passed, 0 failed'
for f in summary.json junit.xml index.html one/history.jsonl one/result.json one/timeline.html; do
	[ -s "rep/$f" ] || { echo "missing rep/$f"; exit 1; }
done
jq -e '.passed == 1 and .scenarios[0].status == "pass"' rep/summary.json >/dev/null
jq -s -e 'map(select(.type=="meta"))[0].seed' rep/one/history.jsonl >/dev/null
grep -q '<testcase' rep/junit.xml
