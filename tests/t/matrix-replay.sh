# A matrix prints, for each column, the `lockchaos run` command that
# replays it (also `replay` in the column's summary.json): run, it gives
# every scenario the seed it had in the matrix.
set -u
fail() { echo "FAIL: $*"; cat m.txt; exit 1; }
printf 'title t\nholder A B\nat 10ms~9ms A deliver m1\nat 10ms~9ms B deliver m2\nexpect m1 ok\nexpect m2 ok\n' >j.scn
# Seeds are the point, not verdicts: exit 1 (a cell failed, as a loaded
# machine can make a timing verdict fail) is fine, 2 (refused) is not.
"$LC" matrix --seed 31 --report m --holder "ref=$HOLDER" --holder "fl=$HOLDER --impl flock" j.scn >m.txt 2>&1
[ $? -le 1 ] || fail "matrix: refused"
line=$(sed -n 's/^# fl: replay: //p' m.txt)
[ -n "$line" ] || fail "no replay line for column fl"
[ "$line" = "$(jq -r .replay m/fl/summary.json)" ] || fail "summary.json's replay differs from TAP's"
echo "$line" | grep -q -- "--holder '$HOLDER --impl flock'" || fail "the replay line lacks the column's holder"
eval "$(echo "$line" | sed 's/ run / run --report r /')" >r.txt 2>&1
[ $? -le 1 ] || { cat r.txt; fail "the replay was refused"; }
a=$(jq -r '.scenarios[].seed' m/fl/summary.json)
b=$(jq -r '.scenarios[].seed' r/summary.json)
echo "matrix $a, replay $b"
[ -n "$a" ] && [ "$a" = "$b" ] || fail "the replay gave other seeds"
exit 0
