# Every command has help, as `lockchaos help CMD` and as `CMD --help`
# (neither reads a file called --help nor starts a holder called --help);
# --version says the version; a misspelt command or option is refused
# (exit 2) with a did-you-mean. The commands are read from `lockchaos
# --help`, which prints the command table.
set -u
fail() { echo "FAIL: $*"; cat o.txt e.txt 2>/dev/null; exit 1; }
"$LC" --version > o.txt 2>e.txt || fail "--version exit $?"
grep -Eq '^lockchaos [0-9]+\.[0-9]+\.[0-9]+ ' o.txt || fail "--version says no version"
"$LC" --help >help.txt 2>e.txt || fail "--help exit $?"
sed -n 's/^  lockchaos \([a-z][a-z-]*\).*/\1/p' help.txt >cmds.txt
cat cmds.txt
for c in run list check-holder matrix help; do
	grep -qx "$c" cmds.txt || fail "--help lists no '$c' command"
done
for c in $(cat cmds.txt); do
	"$LC" help "$c" > o.txt 2>e.txt || fail "help $c: exit $?"
	grep -q "^usage: lockchaos $c" o.txt || fail "help $c: no usage line"
	[ "$c" = help ] && continue
	"$LC" "$c" --help > o2.txt 2>e.txt || fail "$c --help: exit $?"
	cmp -s o.txt o2.txt || fail "$c --help differs from help $c"
	"$LC" "$c" -h > o2.txt 2>e.txt || fail "$c -h: exit $?"
	cmp -s o.txt o2.txt || fail "$c -h differs from help $c"
done
# Options named in a command's help are its options: --help of run names
# --holder and --seed, of list --json.
"$LC" help run | grep -q '^  --holder CMD' || fail "run's help has no --holder"
"$LC" help list | grep -q '^  --json' || fail "list's help has no --json"

# Misspellings: exit 2 and a did-you-mean on stderr, nothing run.
printf 'title t\nholder A\nA deliver m1\nexpect m1 ok\n' >s.scn
check() { # expected-substring command...
	want=$1; shift
	"$LC" "$@" > o.txt 2>e.txt
	rc=$?
	[ "$rc" -eq 2 ] || fail "$*: exit $rc, expected 2"
	grep -qF -- "$want" e.txt || fail "$*: no '$want' on stderr"
}
check "unknown command 'rn' (did you mean run?)" rn s.scn
check "unknown command 'lst' (did you mean list?)" help lst
check "unknown option '--verison' (did you mean --version?)" --verison
check "unknown option '--hodler' (did you mean --holder?)" run --hodler "$HOLDER" s.scn
check "unknown option '--sed' (did you mean --seed?)" matrix --sed 1 s.scn
check "unknown option '--jsn' (did you mean --json?)" list --jsn s.scn
check "unknown option '--protocl-only' (did you mean --protocol-only?)" check-holder --protocl-only "$HOLDER"
check "--seed needs a value" run --seed
check "--verbose takes no value" run --verbose=1 s.scn
[ ! -e reports ] || fail "a usage error made a report folder"
exit 0
