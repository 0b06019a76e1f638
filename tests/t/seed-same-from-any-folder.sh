# One seed: each scenario's seed is drawn from the run seed and the
# scenario's path relative to its catalog root (the folder with a
# .lockchaos-catalog file), not from the path as typed. So the same --seed
# gives every scenario the same seed, and its report folder the same name,
# from any folder and whether the file or its folder was named. A loose
# file (no marker above it) is named by its file name.
set -u
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p cat/sub elsewhere/deeper
: >cat/.lockchaos-catalog
printf 'title t\nholder A B\nat 10ms~9ms A deliver m1\nat 10ms~9ms B deliver m2\nexpect m1 ok\nexpect m2 ok\n' >cat/sub/j.scn
sed 's/^title t$/title t\ntags odd/' cat/sub/j.scn >cat/k.scn
top=$PWD
seeds() { jq -r '.scenarios[] | "\(.dir) \(.seed)"' "$1/summary.json" | sort; }
# Seeds are the point here, not verdicts: a run may fail a scenario (exit
# 1: a timing verdict on a loaded machine), never refuse to run (exit 2).
ran() { [ "$1" -le 1 ]; }
"$LC" run --seed 77 --report "$top/r1" cat/sub/j.scn cat/k.scn >o1.txt 2>&1; ran $? || fail "run 1"
(cd cat/sub && "$LC" run --seed 77 --report "$top/r2" j.scn ../k.scn) >o2.txt 2>&1; ran $? || fail "run 2"
(cd elsewhere/deeper && "$LC" run --seed 77 --report "$top/r3" "$top/cat") >o3.txt 2>&1; ran $? || fail "run 3"
"$LC" run --seed 78 --report "$top/r4" cat >o4.txt 2>&1; ran $? || fail "run 4"
for r in r1 r2 r3 r4; do echo "$r: $(seeds $r | tr '\n' ' ')"; done
[ "$(jq -r '.scenarios[].dir' r1/summary.json | tr '\n' ' ')" = "sub-j k " ] ||
	fail "report folders not named by catalog path"
[ "$(seeds r1)" = "$(seeds r2)" ] || fail "from cat/sub: other seeds"
[ "$(seeds r1)" = "$(seeds r3)" ] || fail "the folder from elsewhere: other seeds"
[ "$(seeds r1)" != "$(seeds r4)" ] || fail "another run seed, the same scenario seeds"
# The two files have the same text but other names: other seeds.
[ "$(jq -r '.scenarios[0].seed' r1/summary.json)" != "$(jq -r '.scenarios[1].seed' r1/summary.json)" ] ||
	fail "two scenarios, one seed"

# The replay line of the run made in cat/sub (relative paths typed there)
# replays it from elsewhere: the same seeds.
line=$(jq -r .replay r2/summary.json)
echo "replay: $line"
(cd elsewhere/deeper && eval "$(echo "$line" | sed "s| run | run --report $top/r7 |")") >o7.txt 2>&1
ran $? || fail "the replay line, run from elsewhere: $(tail -3 o7.txt)"
[ "$(seeds r1)" = "$(seeds r7)" ] || fail "the replay line from elsewhere: other seeds"

# A selection is part of the run: the replay line keeps it.
"$LC" run --seed 77 --report "$top/r8" --tag odd --filter 'k\.scn$' cat >o8.txt 2>&1; ran $? || fail "run 8"
line=$(jq -r .replay r8/summary.json)
echo "replay: $line"
echo "$line" | grep -qF -- "--tag odd --filter 'k\.scn\$' " || fail "the replay line lost the selection"
[ "$(jq -r '.scenarios[].dir' r8/summary.json)" = k ] || fail "--tag odd: not k alone"

# Loose files: named by their file name, from any folder.
mkdir loose
cp cat/k.scn loose/x.scn
"$LC" run --seed 77 --report "$top/r5" loose/x.scn >o5.txt 2>&1; ran $? || fail "run 5"
(cd loose && "$LC" run --seed 77 --report "$top/r6" x.scn) >o6.txt 2>&1; ran $? || fail "run 6"
[ "$(jq -r '.scenarios[0].seed' r5/summary.json)" = "$(jq -r '.scenarios[0].seed' r6/summary.json)" ] ||
	fail "a loose file: other seeds from another folder"
# The repository's catalog has its marker.
[ -f "$LOCKCHAOS_TOP/scenarios/.lockchaos-catalog" ] || fail "scenarios/ has no .lockchaos-catalog"
exit 0
