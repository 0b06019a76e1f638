# check-holder passes the reference holder and fails a holder that answers
# nothing right (cat echoes our commands back: not the protocol). The
# protocol checks only (--protocol-only): the conformance profile's timing
# verdicts are not this test's subject (check-holder-names-rule.sh is).
set -u
"$LC" check-holder --protocol-only "$HOLDER" >ok.out 2>&1 || { cat ok.out; exit 1; }
grep -q ' 0 failed$' ok.out || { cat ok.out; exit 1; }
grep -q '^# conformance profile not run (--protocol-only)' ok.out || { cat ok.out; exit 1; }
"$LC" check-holder "cat" >bad.out 2>&1
rc=$?
cat bad.out
[ "$rc" -eq 1 ] && grep -q '^not ok' bad.out &&
	grep -q '^# conformance profile not run: the protocol checks failed' bad.out
