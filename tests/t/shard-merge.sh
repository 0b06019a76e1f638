# --shard 1/2 and --shard 2/2, merged, equal one full run: the same
# verdict, seed and folder per scenario run (repeats included), the same
# totals, the same JUnit testcases, and the same exit status. Every run is
# in exactly one shard; a missing shard or another seed is refused.
set -u
fail() { echo "$*"; exit 1; }
mkdir s
printf 'title passes\ntags one\nholder A\nrepeat 3\nA deliver m1\nexpect m1 ok\n' > s/a.scn
printf 'title fails on purpose\ntags two\nholder A B\nA acquire\nB deliver m1 timeout=200ms\nexpect m1 ok\n' > s/b.scn
printf 'title needs what no holder has\ntags one\nrequires teleport\nholder A\nA deliver m1\n' > s/c.scn
printf 'title waits\ntags two\nholder A\nA deliver m1\nwait 400ms\n' > s/d.scn
"$LC" run --seed 42 --report full s >full.out 2>&1; full_rc=$?
"$LC" run --seed 42 --shard 1/2 --report sh1 s >sh1.out 2>&1
"$LC" run --seed 42 --shard 2/2 --report sh2 s >sh2.out 2>&1
n1=$(jq '.scenarios | length' sh1/summary.json) n2=$(jq '.scenarios | length' sh2/summary.json)
[ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] || fail "a shard got nothing: $n1 + $n2"
[ $((n1 + n2)) -eq 6 ] || fail "shards hold $n1 + $n2 runs, expected 6"
grep -q "^# shard 1/2: $n1 of 6 scenario runs" sh1.out || fail "TAP does not say the shard"
"$LC" merge --report merged sh2 sh1 >merge.out 2>merge.err; merge_rc=$?
cat merge.out merge.err
[ "$merge_rc" -eq "$full_rc" ] || fail "merge exit $merge_rc, the full run's $full_rc"
[ "$full_rc" -eq 1 ] || fail "the full run should fail (s/b.scn): exit $full_rc"
view='[.scenarios[] | {dir, status, seed, file, repeat}]'
jq -S "$view" full/summary.json >full.view
jq -S "$view" merged/summary.json >merged.view
diff full.view merged.view || fail "merged runs differ from the full run's"
tot='{passed, failed, skipped, notRun}'
[ "$(jq -c "$tot" full/summary.json)" = "$(jq -c "$tot" merged/summary.json)" ] ||
	fail "totals differ: $(jq -c "$tot" full/summary.json) vs $(jq -c "$tot" merged/summary.json)"
# In whichever order the shards are given.
"$LC" merge --report merged2 sh1 sh2 >/dev/null 2>&1
jq -S "$view" merged2/summary.json >merged2.view
diff full.view merged2.view || fail "shards given as 1 2: runs out of order"
grep -c '<testcase' full/junit.xml >a; grep -c '<testcase' merged/junit.xml >b
cmp -s a b || fail "junit.xml testcases differ"
grep -q 'tests="6" failures="1" errors="0" skipped="1"' merged/junit.xml || fail "merged junit totals"
[ -s merged/index.html ] || fail "no merged index.html"
for d in $(jq -r '.scenarios[] | select(.status != "na") | .dir' merged/summary.json); do
	[ -s "merged/$d/timeline.html" ] || fail "merged/$d/timeline.html not copied"
done
# A missing shard, a shard given twice, another seed: refused, exit 2.
"$LC" merge --report m2 sh1 >out 2>err; rc=$?
[ "$rc" -eq 2 ] && grep -q "shard 2/2 is missing" err || fail "missing shard: exit $rc: $(cat err)"
[ ! -e m2 ] || fail "a refused merge left its folder"
"$LC" merge --report m3 sh1 sh1 >out 2>err; rc=$?
[ "$rc" -eq 2 ] && grep -q "given twice" err || fail "shard twice: exit $rc: $(cat err)"
"$LC" run --seed 43 --shard 2/2 --report sh2b s >/dev/null 2>&1
"$LC" merge --report m4 sh1 sh2b >out 2>err; rc=$?
[ "$rc" -eq 2 ] && grep -q "same --seed" err || fail "two seeds: exit $rc: $(cat err)"
# Without the failing scenario the merged shards pass, like the full run.
rm s/b.scn
"$LC" run --seed 7 --shard 1/3 --report p1 s >/dev/null 2>&1
"$LC" run --seed 7 --shard 2/3 --report p2 s >/dev/null 2>&1
"$LC" run --seed 7 --shard 3/3 --report p3 s >/dev/null 2>&1
"$LC" merge --report pm p1 p2 p3 >out 2>err || fail "passing shards: merge exit $?: $(cat out err)"
grep -qx '4 passed, 0 failed, 1 skipped' out || fail "merged totals: $(cat out)"
exit 0
