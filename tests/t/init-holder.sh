# lockchaos init-holder writes a starting holder from a kit that passes
# check-holder as written, names the holder file when given one, and never
# overwrites: when any file to write exists, nothing is written.
set -u
top=${LOCKCHAOS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
fail() { echo "$*"; exit 1; }
for lang in $(ls "$top/kits"); do
	case $lang in python) file=holder.py ;; node) file=holder.mjs ;; c) file=holder.c ;; *) continue ;; esac
	"$LC" init-holder --lang "$lang" "$lang-dir" >init.out 2>&1 || { cat init.out; fail "$lang: init-holder failed"; }
	cat init.out
	[ -n "$(ls "$lang-dir")" ] || fail "$lang: nothing written"
	check=$(sed -n "s/^check: lockchaos check-holder '\(.*\)'$/\1/p" init.out)
	[ -n "$check" ] || fail "$lang: no check line"
	build=$(sed -n 's/^build: //p' init.out)
	[ -z "$build" ] || CFLAGS=-O0 $build >build.out 2>&1 || { cat build.out; fail "$lang: build failed"; }
	# as written, it speaks the protocol (its lock rules: the kit's own
	# tests; timing bounds on a loaded machine are not this test's subject)
	"$LC" check-holder --protocol-only "$check" >check.out 2>&1 ||
		{ cat check.out; fail "$lang: the starting holder fails check-holder"; }
	# a second time into the same folder: refused, nothing touched
	sum=$(cat "$lang-dir"/* | cksum)
	"$LC" init-holder --lang "$lang" "$lang-dir" >again.out 2>&1 && fail "$lang: overwrote"
	[ $? -eq 1 ] || fail "$lang: want exit 1"
	grep -q "exists: nothing written" again.out || { cat again.out; fail "$lang: no reason"; }
	[ "$(cat "$lang-dir"/* | cksum)" = "$sum" ] || fail "$lang: files changed"
	# FILE names the holder; the kit's library lands beside it
	"$LC" init-holder --lang "$lang" "named/$file" >named.out 2>&1 || { cat named.out; fail "$lang: FILE form"; }
	[ -f "named/$file" ] || fail "$lang: named/$file not written"
	rm -rf named
done
# C: the Makefile names the kit's folder (no placeholder left) and builds
# the holder with cc; a FILE names the program too (named/holder.c ->
# named/holder), and what it builds speaks the protocol.
! grep -q '@[A-Z]*@' c-dir/Makefile || { cat c-dir/Makefile; fail "c: a placeholder is left in the Makefile"; }
grep -q "^KIT  *?= $top/kits/c\$" c-dir/Makefile || { cat c-dir/Makefile; fail "c: the Makefile does not name the kit"; }
[ -x c-dir/my_holder ] || fail "c: make built no my_holder"
"$LC" init-holder --lang c named/holder.c >named.out 2>&1 || { cat named.out; fail "c: FILE form"; }
# (MAKEFLAGS cleared: under `make -s check` the silent flag reached this
# make, and it printed no command line to look for)
MAKEFLAGS= CFLAGS=-O0 make -C named CC=cc >named.build 2>&1 || { cat named.build; fail "c: named/holder.c does not build"; }
grep -q '^cc .* -o holder holder.c ' named.build || { cat named.build; fail "c: not built with cc"; }
"$LC" check-holder --protocol-only "$PWD/named/holder" >named.check 2>&1 ||
	{ cat named.check; fail "c: named/holder fails check-holder"; }
# half-present: one file of the kit exists, nothing else is written
mkdir half && echo mine >half/lockchaos_holder.py
"$LC" init-holder --lang python half >half.out 2>&1 && fail "half: overwrote"
[ "$(ls half)" = lockchaos_holder.py ] && [ "$(cat half/lockchaos_holder.py)" = mine ] ||
	fail "half: something was written"
"$LC" init-holder --lang cobol x >bad.out 2>&1
[ $? -eq 2 ] && grep -q "no kit for 'cobol'" bad.out || { cat bad.out; fail "unknown language"; }
[ ! -e x ] || fail "unknown language wrote x"
