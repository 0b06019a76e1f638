# A unit binary that fails says what failed (tests/run-unit on a Check
# binary built on tests/unit/unit.h, tests/t/lib/unit-dies.c): a failure
# message longer than Check's 4096 bytes is that failure (it was "Early
# exit with return value 2", why said nowhere); one with bytes that are not
# text is shown (a log grep took for binary showed no failing check), and
# so is an error in a teardown (Check marks it S, not E: "Errors: 1" was
# all make unit-asan said of one); a
# binary that crashes, or is killed at UNIT_TIMEOUT, without fork mode (make
# unit-asan) names the test it died in; a test whose premise was not given
# passes, said "not judged".
set -u
last=
fail() { echo "FAIL: $*"; [ -z "$last" ] || cut -c1-300 "out.$last"; exit 1; }
top=$LOCKCHAOS_TOP
mkdir -p b/tests
cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -iquote "$top/tests/unit" $(pkg-config --cflags check) \
	-o b/tests/unit-dies "$top/tests/t/lib/unit-dies.c" $(pkg-config --libs check) || fail "cannot build unit-dies"
run() { # run NAME FORK: run-unit's output in out.NAME, its status in rc
	UNIT_DIES=$1 CK_FORK=$2 "$top/tests/run-unit" "$PWD/b/tests/unit-dies" >"out.$1" 2>&1
	rc=$? last=$1
}
said() { grep -q -e "$2" "out.$1" || fail "$1: run-unit did not say '$2'"; }

for fork in yes no; do
	run long_message $fork
	[ $rc -ne 0 ] || fail "long_message ($fork): passed"
	said long_message ':F:all:long_message:0: no outcome; got xxx'
	said long_message 'xxx END'
	! grep -q 'Early exit' out.long_message || fail "long_message ($fork): Check exited the test early"

	run odd_bytes $fork
	[ $rc -ne 0 ] || fail "odd_bytes ($fork): passed"
	said odd_bytes ':F:all:odd_bytes:0: payload was'

	run premise_not_given $fork
	[ $rc -eq 0 ] || fail "premise_not_given ($fork): failed"
	said premise_not_given 'premise_not_given: not judged: the machine gave it 10 ms of 1000'
	said premise_not_given '1 of the passes not judged'
done

# without fork mode a crash ends the binary: which test, and how
run crashes no
[ $rc -ne 0 ] || fail "crashes: passed"
said crashes 'printed no Check summary: it was killed by signal 6 (ABRT) in crashes (.*unit-dies.c:[0-9]*, iteration 0)'
run crashes yes
said crashes ':E:all:crashes:0: (after this point) Received signal 6'

# an abort in a teardown: Check's line says ":S:" (it was "Errors: 1"
# and no line, as make unit-asan's test_sessionlock once)
run teardown yes
[ $rc -ne 0 ] || fail "teardown: passed"
said teardown ':S:torn:last_passes:0: (after this point) Received signal 6'

UNIT_TIMEOUT=3 run hangs no
[ $rc -ne 0 ] || fail "hangs: passed"
said hangs 'it was killed at UNIT_TIMEOUT (3 s) in hangs (.*unit-dies.c'

run none no
[ $rc -eq 0 ] || fail "a binary whose tests all pass failed"
! grep -q 'not judged\|printed no' out.none || fail "a passing binary said more than its summary"
exit 0
