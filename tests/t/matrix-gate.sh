# `lockchaos matrix` is a gate: every FAIL cell counts unless the column's
# known findings (--known DIR, DIR/<impl>.txt) declare it, whatever the
# column is called; a declared finding that passes now is reported and
# counts; a holder that never said hello is ERROR, not FAIL, and nobody
# claims the reference failed; a bad known-findings line is exit 2 with
# file:line before anything runs. (issue 10, "matrix as a gate")
set -u
s=$LOCKCHAOS_TOP/scenarios/seeds/002-sigkill.scn
mkdir known
mine="mine=$HOLDER --bug no-liveness"
ref="ref=$HOLDER"

# 1. Nothing declared: the buggy column's FAIL fails the matrix, though
#    neither column is called "reference".
"$LC" matrix --known known --report r1 --holder "$mine" --holder "$ref" "$s" >out1 2>err1
rc=$?
cat out1
[ "$rc" -eq 1 ] || { echo "undeclared FAIL: exit $rc, expected 1"; exit 1; }
grep -q '^not ok .* - mine: .*002-sigkill.scn # FAIL, not declared' out1 || exit 1
grep -q '^ok .* - ref: ' out1 || exit 1
grep -q '# matrix gate: FAILED' out1 || exit 1
jq -e '.newFailed == 1 and .knownFailed == 0' r1/summary.json >/dev/null || exit 1

# 2. Declared (by checker): the same matrix passes.
printf '# what mine is known to get wrong\nseeds/002-sigkill.scn recovery - no liveness check\nseeds/002-sigkill.scn expect - same\nseeds/002-sigkill.scn leak - the dead holder'"'"'s lock stays\n' > known/mine.txt
"$LC" matrix --known known --report r2 --holder "$mine" --holder "$ref" "$s" >out2 2>err2
rc=$?
cat out2
[ "$rc" -eq 0 ] || { cat err2; echo "declared FAIL: exit $rc, expected 0"; exit 1; }
grep -q '^not ok .* - mine: .*002-sigkill.scn # TODO known finding' out2 || exit 1
grep -q '# matrix gate: passed' out2 || exit 1

# 3. Declared for a checker that does not fail: the cell fails in an
#    undeclared way (recovery), and the declared one is reported stale.
printf 'seeds/002-sigkill.scn integrity - not what fails\n' > known/mine.txt
"$LC" matrix --known known --report r3 --holder "$mine" "$s" >out3 2>err3
rc=$?
cat out3
[ "$rc" -eq 1 ] || { echo "exit $rc, expected 1"; exit 1; }
grep -q 'FAIL, not declared (.*recovery' out3 || exit 1

# 4. A known finding that no longer reproduces (the column passes).
printf 'seeds/002-sigkill.scn * F99 fixed upstream?\n' > known/ref.txt
"$LC" matrix --known known --report r4 --holder "$ref" "$s" >out4 2>err4
rc=$?
cat out4 err4
[ "$rc" -eq 1 ] || { echo "stale known finding: exit $rc, expected 1"; exit 1; }
grep -q 'known finding no longer reproduces: seeds/002-sigkill.scn \* F99 (known/ref.txt:1)' out4 || exit 1
grep -q 'known finding no longer reproduces' err4 || exit 1
rm known/ref.txt

# 5. A holder that never says hello: ERROR, not FAIL; the reference column
#    passes and is not said to have failed.
printf '#!/bin/sh\nexit 0\n' > mute.sh
chmod +x mute.sh
"$LC" matrix --known known --report r5 --holder "reference=$HOLDER" --holder "mute=$PWD/mute.sh" "$s" >out5 2>err5
rc=$?
cat out5
[ "$rc" -eq 1 ] || { echo "ERROR cell: exit $rc, expected 1"; exit 1; }
grep -q '^not ok .* - mute: .* # ERROR' out5 || { echo "mute cell not ERROR"; exit 1; }
! grep -q 'reference FAILED' out5 || { echo "claims the reference failed"; exit 1; }
grep -q '0 FAIL .*1 ERROR' out5 || exit 1
grep -q 'ERROR' r5/matrix.md && ! grep -q 'FAIL' r5/matrix.md || { cat r5/matrix.md; echo "matrix.md calls the ERROR a FAIL"; exit 1; }

# 6. A bad known-findings line: exit 2, file:line, nothing run, no folder.
printf 'seeds/002-sigkill.scn recovery F4 ok\nseeds/002-sigkill.scn recovry F4 typo\n' > known/mine.txt
"$LC" matrix --known known --report r6 --holder "$mine" "$s" >out6 2>err6
rc=$?
cat err6
[ "$rc" -eq 2 ] || { echo "bad known line: exit $rc, expected 2"; exit 1; }
grep -q "^known/mine.txt:2: unknown checker 'recovry'" err6 || exit 1
[ ! -e r6 ] || { echo "a report folder was made"; exit 1; }
