# A scenario with no steps is a syntax error; one with every checker
# disabled and no expectation has nothing to judge: an error too, never a
# pass. (issue 10, "Green without a test")
set -u
printf 'title nothing\nholder A\n# no steps at all\n' > nosteps.scn
"$LC" run --report rep1 nosteps.scn >out1 2>err1
rc=$?
cat out1 err1
[ "$rc" -eq 2 ] || { echo "no steps: exit $rc, expected 2"; exit 1; }
grep -q '^nosteps.scn:[0-9]*: .*no steps' err1 || { echo "no file:line message"; exit 1; }
[ ! -e rep1 ] || { echo "a report folder was made"; exit 1; }

printf 'title blind\nholder A\ndisable recovery no-silent-drop mutex leak integrity visibility protocol\nA deliver m1\n' > blind.scn
"$LC" run --report rep2 blind.scn >out2 2>err2
rc=$?
cat out2 err2
[ "$rc" -eq 2 ] || { echo "nothing to judge: exit $rc, expected 2"; exit 1; }
grep -q '^blind.scn:[0-9]*: .*nothing to judge' err2 || { echo "no file:line message"; exit 1; }

# One checker left, or one expectation: fine.
printf 'title one eye\nholder A\ndisable recovery no-silent-drop mutex leak integrity visibility protocol\nA deliver m1\nexpect m1 ok\n' > one.scn
"$LC" run --report rep3 one.scn >out3 2>&1 || { cat out3; exit 1; }
