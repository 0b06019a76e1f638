# Every bad line of a scenario file is shown in one run (up to 20), each
# as `file:line:` with the nearest words of the language ("did you mean");
# TAP says `Bail out!` on stdout; exit 2, nothing runs.
set -u
fail() { echo "$*"; cat out err; exit 1; }
mkdir s
cat > s/bad.scn <<'SCN'
title three typos
holder Alpha B
Alpha aquire
kil Alpha
Alpha deliver m1 sesion=s2
damage s1 trunated
disable mutx
SCN
"$LC" run --report rep s >out 2>err; rc=$?
[ "$rc" -eq 2 ] || fail "exit $rc, expected 2"
[ ! -e rep ] || fail "a report folder was made"
for want in \
	"s/bad.scn:3: Alpha: unknown operation 'aquire' (did you mean: acquire?)" \
	"s/bad.scn:4: unknown statement 'kil' (did you mean: kill?)" \
	"s/bad.scn:5: Alpha deliver: unknown key 'sesion' (did you mean: session?)" \
	"s/bad.scn:6: damage: unknown kind 'trunated' (did you mean: truncated?)" \
	"s/bad.scn:7: disable: unknown checker 'mutx' (did you mean: mutex?)"; do
	grep -qF "$want" err || fail "missing: $want"
done
grep -q "^lockchaos: 5 syntax error(s) in 1 scenario file(s); nothing was run" err || fail "no count"
head -n 1 out | grep -qx 'TAP version 13' || fail "no TAP header"
grep -q "^Bail out! 5 syntax error(s) in 1 scenario file(s): s/bad.scn:3: " out || fail "no Bail out! on stdout"
# A file with 30 bad lines: 20 shown, then a line that says it stopped.
{ echo 'holder A'; i=0; while [ $i -lt 30 ]; do echo 'A acquir'; i=$((i + 1)); done; } > s/bad.scn
"$LC" run --report rep s >out 2>err; rc=$?
[ "$rc" -eq 2 ] || fail "exit $rc, expected 2"
[ "$(grep -c "unknown operation 'acquir'" err)" -eq 20 ] || fail "expected 20 errors shown"
grep -q "^s/bad.scn: stopped after 20 errors" err || fail "the stop is not said"
# A holder's name is a did-you-mean for an unknown statement too.
printf 'holder Alpha\nAlpah acquire\n' > s/bad.scn
"$LC" list s >out 2>err
grep -qF "unknown statement 'Alpah' (did you mean: Alpha?)" err || fail "holder names not suggested"
exit 0
