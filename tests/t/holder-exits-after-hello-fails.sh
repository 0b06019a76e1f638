# A holder that exits right after hello (or closes its stdout and stays),
# leaving every command unanswered, fails the scenario: the steps were
# never answered, whatever the scenario expects. (issue 10, "Green without
# a test")
set -u
# t: CLOCK_MONOTONIC µs, read from the reference holder's hello.
cat > quitter.sh <<'EOF'
#!/bin/sh
t=$(echo '{"id":0,"op":"exit"}' | "$REAL" | head -n 1 | sed 's/.*"t":\([0-9]*\).*/\1/')
echo '{"ev":"hello","proto":1,"impl":"quitter","pid":'$$',"caps":["acquire","release","deliver"],"t":'$t'}'
exit 0
EOF
cat > mute.sh <<'EOF'
#!/bin/sh
t=$(echo '{"id":0,"op":"exit"}' | "$REAL" | head -n 1 | sed 's/.*"t":\([0-9]*\).*/\1/')
echo '{"ev":"hello","proto":1,"impl":"mute","pid":'$$',"caps":["acquire","release","deliver"],"t":'$t'}'
exec >&-
exec sleep 30
EOF
chmod +x quitter.sh mute.sh
printf 'title never answered\nholder A\nA acquire\nA release\n' > q.scn
for h in quitter mute; do
	REAL=$HOLDER "$LC" run --report rep-$h --holder "$PWD/$h.sh" q.scn >out.$h 2>&1
	rc=$?
	cat out.$h
	[ "$rc" -eq 1 ] || { echo "$h: exit $rc, expected 1"; exit 1; }
	grep -q '^not ok 1 ' out.$h || { echo "$h: not a failure"; exit 1; }
	grep -qi 'unanswered\|never answered\|no answer' out.$h || { echo "$h: the unanswered commands are not named"; exit 1; }
	jq -e '.scenarios[0].status == "fail"' rep-$h/summary.json >/dev/null || exit 1
done
# A scenario that kills its holder does not owe the answers (unknown fate).
printf 'title killed\nholder A\nA acquire\nawait A\nA deliver m1\nkill A\ndisable leak # A dies holding s1\n' > k.scn
"$LC" run --report rep-k k.scn >out.k 2>&1 || { cat out.k; echo "a killed holder's unanswered command failed the run"; exit 1; }
