# A holder runs in its scenario's scratch folder, so every word of --holder
# that names a file here is made absolute before it starts: `sh
# holders/my-holder.sh` (a script given to an interpreter) works from the
# caller's folder as it would in a shell, and so does the value of a
# --name=FILE word. A word that names no file (an option, a name) is
# passed as it is.
set -u
fail() { echo "FAIL: $*"; cat o.txt; exit 1; }
mkdir holders
cat >holders/my-holder.sh <<SH
# not executable: only an interpreter can run it
[ "\$1" = --impl ] && [ "\$2" = flock ] || { echo "bad args: \$*" >&2; exit 9; }
conf=\${3#--conf=}
[ -f "\$conf" ] && [ "\${conf#/}" != "\$conf" ] || { echo "not an absolute conf: \$3" >&2; exit 9; }
exec "$HOLDER" "\$1" "\$2"
SH
printf 'title t\nholder A B\nA deliver m1\nB deliver m2\nexpect m1 ok\nexpect m2 ok\n' >s.scn
echo 'any' >holders/conf.txt
"$LC" run --report r1 --holder 'sh holders/my-holder.sh --impl flock --conf=holders/conf.txt' s.scn >o.txt 2>&1 ||
	fail "relative script word: exit $?"
grep -q '^ok 1 ' o.txt || fail "not ok"
# The replay line names the script by its absolute path, so it replays
# from any folder.
grep -q "^# replay: .*$PWD/holders/my-holder.sh" o.txt || fail "replay line has no absolute script path"
exit 0
