# A scenario with a syntax error: exit 2, `file:line:` and what was expected,
# and nothing runs (not even the good scenario beside it).
set -u
mkdir s
printf 'title good\nholder A\nA deliver m1\n' > s/a-good.scn
printf 'title bad\nholder A\n\nkil A\n' > s/b-bad.scn
"$LC" run --report rep s >out 2>err
rc=$?
cat out err
[ "$rc" -eq 2 ] || { echo "exit $rc, expected 2"; exit 1; }
grep -q "^s/b-bad.scn:4: unknown statement 'kil'" err || exit 1
grep -q "expected one of" err || exit 1
[ ! -e rep/a-good ] || { echo "a scenario ran despite the syntax error"; exit 1; }
