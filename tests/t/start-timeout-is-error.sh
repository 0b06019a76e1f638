# Start-up is not a lock property: a holder that never says hello makes the
# scenario an ERROR naming the cause (how it ended, or --start-timeout when
# it still runs; its stderr's tail), never a FAIL; a slow one within the
# limit runs normally.
set -u
printf 'title one message\nholder A\nA deliver m1\nexpect m1 ok\n' > s.scn
cat > mute.sh <<'SH'
#!/bin/sh
echo "booting the interpreter" >&2
echo "cannot load module lockfile" >&2
exit 3
SH
cat > slow.sh <<SH
#!/bin/sh
echo "warming up" >&2
sleep 1
exec "$HOLDER" "\$@"
SH
cat > silent.sh <<'SH'
#!/bin/sh
exec sleep 30
SH
chmod +x mute.sh slow.sh silent.sh
fail() { echo "FAIL: $*"; cat o.txt; exit 1; }

"$LC" run --report r1 --start-timeout 5000 --holder "$PWD/mute.sh" s.scn >o.txt 2>&1
[ $? -eq 1 ] || fail "mute holder: exit status"
grep -q '^not ok 1 .*(error)' o.txt || fail "not an error"
grep -q 'start-up: holder A exited with code 3 before its hello' o.txt || fail "no start-up error naming the exit"
grep -q 'sent no hello within' o.txt && fail "a holder that exited is called slow"
grep -q 'cannot load module lockfile' o.txt || fail "stderr tail missing"
jq -e '.status == "error"' r1/s/result.json >/dev/null || fail "status is not error"
jq -e '.reason | startswith("start-up: ")' r1/s/result.json >/dev/null || fail "reason does not name start-up"
jq -e '[.failures[] | select(.checker != "harness")] | length == 0' r1/s/result.json >/dev/null \
	|| fail "a checker judged a run that never started"

"$LC" run --report r2 --start-timeout 300 --holder "$PWD/silent.sh" s.scn >o.txt 2>&1
[ $? -eq 1 ] || fail "silent holder: exit status"
# (on a loaded machine, plus the time it waited for a CPU to start)
grep -q 'within 300 ms (--start-timeout)\( + [0-9]* ms the \(holders starting\|harness itself\) waited for a CPU\( or the disk\)\?\)\? (it is still running' o.txt || fail "silent cause"
grep -q 'stderr: (empty)' o.txt || fail "empty stderr not said"

# A holder slower than the old fixed limit's share, well within the default.
"$LC" run --report r3 --holder "$PWD/slow.sh" s.scn >o.txt 2>&1 || fail "slow holder did not pass"

"$LC" run --start-timeout 0 s.scn >o.txt 2>&1
[ $? -eq 2 ] || fail "--start-timeout 0 accepted"
grep -q 'start-timeout: expected 1 to 3600000 ms' o.txt || fail "bad value message"
