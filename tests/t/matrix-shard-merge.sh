# `matrix --shard K/N` splits the cells (column x scenario x repeat): each
# cell in exactly one shard; `lockchaos merge` of the N matrix reports gives
# the full matrix's cells, totals and gate. A shard cannot tell that a
# known finding no longer reproduces (it may hold some repeats only): the
# merge does. A missing shard or a run report among matrix shards is
# refused (exit 2, nothing left behind). A shard whose cells are all n/a
# exits 0; the merge fails when no cell of the whole reached a verdict.
set -u
fail() { echo "FAIL: $*"; exit 1; }
mkdir s k
printf 'title passes\nholder A\nrepeat 2\nA deliver m1\nexpect m1 ok\n' > s/a.scn
printf 'title fails on purpose\nholder A B\nA acquire\nB deliver m1 timeout=200ms\nexpect m1 ok\n' > s/b.scn
printf 'title needs what no holder has\nrequires teleport\nholder A\nA deliver m1\n' > s/c.scn
printf 'title waits\nholder A\nA deliver m1\nwait 300ms\n' > s/d.scn
# b fails in both columns, declared; a passes, declared for ref: a known
# finding that no longer reproduces (the gate counts it).
printf 's/b.scn * F1 fails on purpose\n' > k/fl.txt
printf 's/b.scn * F1 fails on purpose\ns/a.scn expect F2 fixed upstream\n' > k/ref.txt
cols="--holder ref=$HOLDER --holder fl=$HOLDER --impl flock"
mx() { "$LC" matrix --seed 9 --known k --holder "ref=$HOLDER" --holder "fl=$HOLDER --impl flock" "$@" s; }
mx --report full >full.out 2>&1; full_rc=$?
grep -q 'known finding no longer reproduces: s/a.scn' full.out || fail "full: a.scn's finding should no longer reproduce: $(tail -3 full.out)"
[ "$full_rc" -eq 1 ] || fail "full matrix exit $full_rc, expected 1"
total=0
for K in 1 2 3; do
	mx --shard $K/3 --report sh$K >sh$K.out 2>&1; rc=$?
	n=$(jq '.shard.cells' sh$K/summary.json)
	[ "$(jq -c '[.shard.k, .shard.n]' sh$K/summary.json)" = "[$K,3]" ] || fail "sh$K: summary.json shard"
	total=$((total + n))
	! grep -q 'no longer reproduces' sh$K.out || fail "shard $K judged a known finding no longer reproducing"
	# No cell of a shard is in another.
	jq -r '.scenarios[].dir' sh$K/summary.json >>cells
done
[ "$total" -eq 10 ] || fail "shards hold $total cells, the matrix 10"
[ "$(sort cells | uniq -d | wc -l)" -eq 0 ] || fail "a cell in two shards: $(sort cells | uniq -d)"
[ "$(wc -l <cells)" -eq 10 ] || fail "cells listed: $(wc -l <cells)"
"$LC" merge --known k --report merged sh3 sh1 sh2 >m.out 2>m.err; rc=$?
cat m.out m.err
[ "$rc" -eq "$full_rc" ] || fail "merge exit $rc, the full matrix's $full_rc"
grep -q 'known finding no longer reproduces: s/a.scn' m.out || fail "the merge does not say a.scn's finding no longer reproduces"
view='[.rows[] | {file, dir, cells: (.cells | map_values(.status + " " + .gate))}]'
jq -S "$view" full/matrix.json >full.view
jq -S "$view" merged/matrix.json >merged.view
diff full.view merged.view || fail "merged cells differ from the full matrix's"
tot='{passed, failed, knownFailed, newFailed, errors, skipped, noLongerReproduce}'
[ "$(jq -c "$tot" full/summary.json)" = "$(jq -c "$tot" merged/summary.json)" ] ||
	fail "totals: $(jq -c "$tot" full/summary.json) vs $(jq -c "$tot" merged/summary.json)"
for c in ref fl; do
	[ "$(jq '.scenarios | length' merged/$c/summary.json)" -eq 5 ] || fail "merged/$c: not 5 runs"
	[ -s merged/$c/junit.xml ] || fail "merged/$c/junit.xml"
done
[ -s merged/index.html ] && [ -s merged/matrix.md ] || fail "merged index.html / matrix.md"
# A shard's index says a missing cell is another shard's; the merged has none.
cat sh1/index.html sh2/index.html sh3/index.html | grep -q '"reason">other shard<' || fail "no shard index names another shard's cell"
! grep -q '"reason">other shard<\|"reason">not run<' merged/index.html || fail "the merged index has a missing cell"
# Refused: a missing shard, a run report among matrix shards.
"$LC" merge --known k --report r1 sh1 sh2 >out 2>err; rc=$?
[ "$rc" -eq 2 ] && grep -q 'shard 3/3 is missing' err || fail "missing shard: exit $rc: $(cat err)"
[ ! -e r1 ] || fail "a refused merge left its folder"
"$LC" run --seed 9 --shard 1/2 --report run1 s >/dev/null 2>&1
"$LC" merge --report r2 sh1 run1 >out 2>err; rc=$?
[ "$rc" -eq 2 ] && grep -q 'some reports are matrix reports' err || fail "matrix + run: exit $rc: $(cat err)"
# All n/a: a shard of several exits 0, its merge and a whole matrix fail.
mkdir na
cp s/c.scn na/
for K in 1 2; do
	"$LC" matrix --seed 9 --known k --shard $K/2 --report na$K --holder "ref=$HOLDER" --holder "fl=$HOLDER --impl flock" na >na$K.out 2>&1 ||
		fail "an all-n/a matrix shard $K/2 exits $?: $(tail -3 na$K.out)"
done
"$LC" merge --known k --report nam na1 na2 >nam.out 2>&1; rc=$?
[ "$rc" -eq 1 ] && grep -q 'no cell ran to a verdict' nam.out || fail "merge of an all-n/a matrix: exit $rc: $(tail -3 nam.out)"
"$LC" matrix --seed 9 --known k --report naw --holder "ref=$HOLDER" na >naw.out 2>&1; rc=$?
[ "$rc" -eq 1 ] || fail "a whole all-n/a matrix exits $rc"
exit 0
