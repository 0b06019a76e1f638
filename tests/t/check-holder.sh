# check-holder passes the reference holder and fails a holder that answers
# nothing right (cat echoes our commands back: not the protocol).
set -u
"$LC" check-holder "$HOLDER" >ok.out 2>&1 || { cat ok.out; exit 1; }
grep -q ' 0 failed$' ok.out || { cat ok.out; exit 1; }
"$LC" check-holder "cat" >bad.out 2>&1
rc=$?
cat bad.out
[ "$rc" -eq 1 ] && grep -q '^not ok' bad.out
