# The same scenario passes on the reference lock and fails (exit 1) on the
# mutant that brings seed 002's bug back, with the checker named.
set -u
s="$LOCKCHAOS_TOP/scenarios/seeds/002-sigkill.scn"
"$LC" run --report ref "$s" >ref.out 2>&1 || { cat ref.out; exit 1; }
"$LC" run --report mut --holder "$HOLDER --bug no-liveness" "$s" >mut.out 2>&1
rc=$?
cat mut.out
[ "$rc" -eq 1 ] || { echo "exit $rc, expected 1"; exit 1; }
grep -q '^not ok 1 ' mut.out && grep -q '\[recovery\]' mut.out
grep -q '^0 passed, 1 failed$' mut.out
