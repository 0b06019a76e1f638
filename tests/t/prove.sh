# `prove --ext .scn -e 'lockchaos run --holder CMD' -r DIR` runs each
# scenario file as a TAP test program, as README.md documents: passing
# files pass, a failing one fails prove (named, with its exit status), and
# lockchaos's own progress lines (stderr) stay out of prove's output.
set -u
fail() { echo "FAIL: $*"; cat p.txt; exit 1; }
command -v prove >/dev/null || fail "no prove (Debian's perl)"
mkdir -p cat/sub holders
cat >holders/h.sh <<SH
exec "$HOLDER" "\$@"
SH
printf 'title one\nholder A\nA deliver m1\nexpect m1 ok\n' >cat/one.scn
printf 'title two\nholder A B\nA deliver m1\nat 300ms B deliver m2\nexpect m2 ok\n' >cat/sub/two.scn
prove --ext .scn -e "$LC run --holder 'sh holders/h.sh'" -r cat >p.txt 2>&1 || fail "prove: exit $?"
grep -q '^All tests successful' p.txt || fail "not all successful"
grep -q '^Files=2, Tests=2' p.txt || fail "not 2 files, 2 tests"
grep -q '^\[[0-9]*/[0-9]*\]' p.txt && fail "lockchaos's progress lines in prove's output"

# A file that fails makes prove fail and is named.
printf 'title bad\nholder A\nA deliver m1\nexpect m1 fail\n' >cat/bad.scn
prove --ext .scn -e "$LC run --holder 'sh holders/h.sh'" -r cat >p.txt 2>&1 && fail "prove passed a failing scenario"
grep -q '^cat/bad.scn .*(Wstat: 256 (exited 1) Tests: 1 Failed: 1)' p.txt || fail "the failing file is not named with its status"
grep -q '^Files=3, Tests=3' p.txt || fail "not 3 files, 3 tests"
exit 0
