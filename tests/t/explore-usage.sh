# lockchaos explore: usage errors exit 2 and run nothing; --dry-run prints
# generated scenarios that `lockchaos run` parses (lockchaos list), and the
# same seed prints the same scenarios, another seed others.
set -u
for bad in "--runs 0" "--runs x" "--time soon" "--jobs 0" "--disable nosuch" \
	"--time 1m --runs 3" "stray"; do
	"$LC" explore $bad --out xout >err 2>&1
	rc=$?
	[ "$rc" -eq 2 ] || { cat err; echo "explore $bad: exit $rc, expected 2"; exit 1; }
	[ ! -e xout ] || { echo "explore $bad: made its out folder"; exit 1; }
done
"$LC" explore --sed 3 >err 2>&1
[ $? -eq 2 ] && grep -q "unknown option '--sed' (did you mean --seed?)" err || { cat err; exit 1; }
"$LC" explore --disable nosuch >err 2>&1
grep -q "unknown checker 'nosuch' (expected one of: recovery" err || { cat err; exit 1; }

"$LC" explore --dry-run --runs 12 --seed 5 >a.txt || { cat a.txt; exit 1; }
"$LC" explore --dry-run --runs 12 --seed 5 >b.txt || exit 1
"$LC" explore --dry-run --runs 12 --seed 6 >c.txt || exit 1
cmp a.txt b.txt || { echo "same seed, other scenarios"; exit 1; }
cmp -s a.txt c.txt && { echo "seeds 5 and 6 gave the same scenarios"; exit 1; }
[ "$(grep -c '^title explored$' a.txt)" -eq 12 ] || { cat a.txt; exit 1; }
# each one, in a file of its own, parses as a scenario
mkdir gen
awk '/^# scenario [0-9]+ of seed/ { n++ } { print > ("gen/" n ".scn") }' a.txt
"$LC" list gen >list.out 2>&1 || { cat list.out; exit 1; }
grep -q '^12 scenario(s)$' list.out || { cat list.out; exit 1; }
