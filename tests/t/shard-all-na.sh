# A shard whose runs are all n/a for the holder (or that got no run) is no
# failure of the lock: it exits 0 and says why; `lockchaos merge` judges the
# whole and fails when no shard's run reached a verdict (a run that executed
# no test must fail). An unsharded run (or --shard 1/1) of n/a runs only
# still fails.
set -u
fail() { echo "$*"; exit 1; }
mkdir s
# The longest (by its declared wait) goes to shard 1 alone: n/a there.
printf 'title needs what no holder has\nrequires teleport\nholder A\nA deliver m1\nwait 2s\n' > s/a.scn
printf 'title passes\nholder A\nA deliver m1\nexpect m1 ok\n' > s/b.scn
"$LC" run --seed 5 --shard 1/2 --report sh1 s >sh1.out 2>sh1.err; rc=$?
cat sh1.out sh1.err
[ "$(jq -r '[.scenarios[].status] | join(",")' sh1/summary.json)" = na ] ||
	fail "shard 1/2 should hold the n/a run alone"
[ "$rc" -eq 0 ] || fail "an all-n/a shard exits $rc, expected 0"
grep -q 'shard 1/2: no scenario run reached a verdict here (1 n/a); exit 0' sh1.err ||
	fail "the all-n/a shard does not say why it exits 0"
"$LC" run --seed 5 --shard 2/2 --report sh2 s >/dev/null 2>&1 || fail "shard 2/2 exit $?"
"$LC" merge --report m sh1 sh2 >m.out 2>m.err || fail "merge of a passing whole: exit $?: $(cat m.out m.err)"
grep -qx '1 passed, 0 failed, 1 skipped' m.out || fail "merged totals: $(cat m.out)"
# Three shards of two runs: shard 3/3 gets none, and is no failure either.
"$LC" run --seed 5 --shard 3/3 --report e3 s >e3.out 2>e3.err; rc=$?
[ "$(jq '.scenarios | length' e3/summary.json)" -eq 0 ] || fail "shard 3/3 of 2 runs got some"
[ "$rc" -eq 0 ] || fail "an empty shard exits $rc: $(cat e3.err)"
# Unsharded, and 1/1 (no other shard to see), all n/a still fails.
rm s/b.scn
"$LC" run --seed 5 --report whole s >/dev/null 2>w.err; rc=$?
[ "$rc" -eq 1 ] && grep -q 'no scenario ran to a verdict' w.err || fail "whole n/a run: exit $rc: $(cat w.err)"
"$LC" run --seed 5 --shard 1/1 --report one s >/dev/null 2>o.err; rc=$?
[ "$rc" -eq 1 ] || fail "--shard 1/1 all n/a: exit $rc, expected 1"
# Every shard n/a: each exits 0, the merge fails.
printf 'title needs it too\nrequires teleport\nholder A\nA deliver m1\nwait 1s\n' > s/c.scn
"$LC" run --seed 5 --shard 1/2 --report n1 s >/dev/null 2>&1 || fail "n/a shard 1/2: exit $?"
"$LC" run --seed 5 --shard 2/2 --report n2 s >/dev/null 2>&1 || fail "n/a shard 2/2: exit $?"
"$LC" merge --report nm n1 n2 >nm.out 2>nm.err; rc=$?
cat nm.out nm.err
[ "$rc" -eq 1 ] && grep -q 'no scenario ran to a verdict' nm.err || fail "merge of an all-n/a whole: exit $rc"
exit 0
