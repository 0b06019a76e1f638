# lockchaos started with SIGHUP ignored (nohup, a CI runner's shell) must not
# pass that on to its holders: the `signal A HUP` fault would not take, the
# holder would keep its lock, and the reference would FAIL (leak, expect) on
# a correct lock. Found by `make soak` run under nohup. The control: the
# same run is green with SIGHUP at its default, and a holder that ignores
# SIGHUP itself still fails (the check can fail).
set -u
fail() { echo "FAIL: $*"; cat o.txt; exit 1; }
scn="$LOCKCHAOS_TOP/scenarios/faults/signal-hup-while-holding.scn"

(trap '' HUP; exec "$LC" run --report r1 "$scn") >o.txt 2>&1
[ $? -eq 0 ] || fail "with SIGHUP ignored by lockchaos's parent, the reference failed"
grep -q '^1 passed, 0 failed' o.txt || fail "no pass line"

cat > deaf.sh <<SH
#!/bin/sh
trap '' HUP
exec "$HOLDER" "\$@"
SH
chmod +x deaf.sh
"$LC" run --report r2 --holder "$PWD/deaf.sh" "$scn" >o.txt 2>&1
[ $? -eq 1 ] || fail "a holder that ignores SIGHUP itself passed"
grep -q 'left behind' o.txt || fail "no leak verdict for the deaf holder"
echo ok
