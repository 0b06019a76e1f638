# `make install DESTDIR=... PREFIX=/usr/local` installs a lockchaos that
# works from any folder with what it ships: the reference holder (libexec),
# the catalog (share/lockchaos/scenarios, the default when no path is
# given), the known findings, man pages that render, the bash completion;
# `make uninstall` leaves no file behind. About 30 s (most of it the
# seed scenarios and the man pages).
set -u
O=$PWD/o.txt
fail() { echo "FAIL: $*"; tail -n 20 "$O"; exit 1; }
D=$PWD/dest
P=$D/usr/local
make --no-print-directory -C "$LOCKCHAOS_TOP" install DESTDIR="$D" PREFIX=/usr/local >"$O" 2>&1 ||
	fail "make install: exit $?"
L=$P/bin/lockchaos
[ -x "$L" ] || fail "no bin/lockchaos"
[ -x "$P/libexec/lockchaos/sessionlock-holder" ] || fail "no libexec/lockchaos/sessionlock-holder"
[ -f "$P/libexec/lockchaos/lockchaos-clockshim.so" ] || fail "no libexec/lockchaos/lockchaos-clockshim.so"
[ -f "$P/libexec/lockchaos/lockchaos-speed.so" ] || fail "no libexec/lockchaos/lockchaos-speed.so"
[ -f "$P/libexec/lockchaos/libjitter.so" ] || fail "no libexec/lockchaos/libjitter.so"
[ -f "$P/share/lockchaos/scenarios/.lockchaos-catalog" ] || fail "the catalog has no root marker"
[ -f "$P/share/lockchaos/known/reference.txt" ] || fail "no known findings"
[ -f "$P/share/bash-completion/completions/lockchaos" ] || fail "no bash completion"
n_src=$(find "$LOCKCHAOS_TOP/scenarios" -name '*.scn' | wc -l)
n_inst=$(find "$P/share/lockchaos/scenarios" -name '*.scn' | wc -l)
[ "$n_src" -eq "$n_inst" ] || fail "catalog: $n_inst of $n_src scenarios installed"

# From another folder, the installed program finds its catalog (no PATH)
# and its holder (no --holder); nothing of the source tree is used.
mkdir -p elsewhere/deeper
cd elsewhere/deeper
"$L" --version >"$O" 2>&1 || fail "--version"
"$L" list >"$O" 2>&1 || fail "list with no path: exit $?"
grep -q "^$n_src scenario(s)\$" "$O" || fail "list with no path: not the $n_src installed scenarios"
grep -q "^$P/share/lockchaos/scenarios/seeds/002-sigkill.scn\$" "$O" || fail "list: not the installed catalog"
grep "^/" "$O" | grep -v "^$P/share/lockchaos/scenarios/" && fail "list: a scenario from outside the installed catalog"
# As issue 17's "done when" says: from another folder, with a holder of
# one's own given by a relative path, the installed catalog's seed tag (its
# speed-100 seeds need the installed lockchaos-speed.so, else they are
# unsupported).
cat >../my-holder <<SH
#!/bin/sh
exec "$P/libexec/lockchaos/sessionlock-holder" "\$@"
SH
chmod +x ../my-holder
n_seed=$("$L" list --tag seed | sed -n 's/^\([0-9]*\) scenario(s)$/\1/p')
[ "${n_seed:-0}" -ge 10 ] || fail "list --tag seed: ${n_seed:-no} scenarios"
"$L" run --report "$D/../r1" --holder ../my-holder --tag seed >"$O" 2>&1
[ $? -le 1 ] || fail "run --tag seed: refused"
# Each ran to a verdict (a timing verdict may fail on a loaded machine;
# an installed tree that lacks a part gives an error or "unsupported").
[ "$(jq -r '[.scenarios[] | select(.status == "pass" or .status == "fail")] | length' "$D/../r1/summary.json")" = "$n_seed" ] ||
	fail "run --tag seed: not $n_seed verdicts: $(jq -c '[.scenarios[] | .status]' "$D/../r1/summary.json")"
grep -qF -- "--holder $(cd .. && pwd -P)/my-holder " "$O" ||
	fail "run: the replay line does not name my-holder by its absolute path"
"$L" run --report "$D/../r4" "$P/share/lockchaos/scenarios/seeds/000-silent-drop.scn" >"$O" 2>&1
[ $? -le 1 ] || fail "run with the default holder: refused"
grep -q "^# replay: .* --holder $P/libexec/lockchaos/sessionlock-holder " "$O" ||
	fail "run: the replay line does not name the installed holder"
jq -r '.scenarios[].dir' "$D/../r1/summary.json" | grep -qx 'seeds-002-sigkill' ||
	fail "report folder not named by the catalog path"
# check-holder's conformance profile runs scenarios of the installed catalog.
"$L" check-holder --rule L2 "$P/libexec/lockchaos/sessionlock-holder" >"$O" 2>&1 || fail "check-holder: exit $?"
grep -q 'L2 dead-owner: seeds/002-sigkill.scn' "$O" || fail "check-holder ran no L2 scenario"
[ -z "$(ls -A .)" ] || fail "the run wrote in the current folder: $(ls -A .)"
# init-holder writes from the installed kits; the installed check-holder
# finds its conformance profile in the installed catalog.
"$L" init-holder --lang python "$D/../myholder" >"$O" 2>&1 || fail "init-holder from the installed kits: exit $?"
[ -x "$D/../myholder/my_holder.py" ] || fail "init-holder: no my_holder.py"
"$L" check-holder --rule L2 "/usr/bin/python3 -I -B $D/../myholder/my_holder.py" >"$O" 2>&1
grep -q "^# conformance profile: 4 scenarios of $P/share/lockchaos/scenarios" "$O" ||
	fail "check-holder: the profile is not the installed catalog's"
# The C kit: init-holder's Makefile builds against the installed kit.
"$L" init-holder --lang c "$D/../mycholder" >"$O" 2>&1 || fail "init-holder --lang c from the installed kits: exit $?"
grep -q "^KIT  *?= $P/share/lockchaos/kits/c\$" "$D/../mycholder/Makefile" || fail "init-holder --lang c: the Makefile does not name the installed kit"
CFLAGS=-O0 make -C "$D/../mycholder" >"$O" 2>&1 || { cat "$O"; fail "the C holder does not build against the installed kit"; }
"$L" check-holder --protocol-only "$D/../mycholder/my_holder" >"$O" 2>&1 || { cat "$O"; fail "the C holder from the installed kit fails check-holder"; }
# Clock faults find the installed clock shim (libexec), not the build's.
if [ -e /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 ] || ls /usr/lib/*/faketime/libfaketime.so.1 >/dev/null 2>&1; then
	printf 'title clock\nlock maxHoldMs=60s timeoutMs=2s\nholder A\nclock A offset=-2h\nA acquire as=a1\nawait A acquired\nA release as=r1\n' >"$D/../clk.scn"
	"$L" run --report "$D/../r2" "$D/../clk.scn" >"$O" 2>&1 || fail "a clock fault from the installed tree: exit $?"
fi
# So does the jitter fault its libjitter.so.
printf 'title jitter\nholder A\njitter A calls=open max=5ms\nA deliver m1\nexpect m1 ok\n' >"$D/../jit.scn"
"$L" run --report "$D/../r3" "$D/../jit.scn" >"$O" 2>&1; [ $? -le 1 ] || fail "a jitter fault from the installed tree: refused"
[ "$(jq -r '.scenarios[0].status' "$D/../r3/summary.json")" != error ] || fail "a jitter fault from the installed tree: error"
cd ../..

# The man pages render; each says its name.
for m in man1/lockchaos.1 man5/lockchaos-scenario.5 man7/lockchaos-holder.7; do
	f=$P/share/man/$m
	[ -f "$f" ] || fail "no $m"
	MANWIDTH=80 man -l "$f" >"$O" 2>"$O.err" || fail "man -l $m: exit $?"
	grep -q '^NAME' "$O" || fail "$m: no NAME section"
	name=$(basename "$m" | sed 's/\.[0-9]$//')
	grep -q "^ *$name  *- " "$O" || fail "$m: NAME does not say '$name - ...'"
	grep -i 'not defined\|error' "$O.err" && fail "$m: troff errors"
done
MANWIDTH=80 man -l "$P/share/man/man1/lockchaos.1" >"$O" 2>/dev/null
for c in run list check-holder matrix; do
	grep -q "usage: lockchaos $c" "$O" || fail "lockchaos(1) has no help of $c"
done

make --no-print-directory -C "$LOCKCHAOS_TOP" uninstall DESTDIR="$D" PREFIX=/usr/local >"$O" 2>&1 ||
	fail "make uninstall: exit $?"
left=$(find "$D" -type f -o -type l)
[ -z "$left" ] || fail "uninstall left: $left"
[ ! -e "$P/share/lockchaos" ] && [ ! -e "$P/libexec/lockchaos" ] || fail "uninstall left lockchaos's folders"
exit 0
