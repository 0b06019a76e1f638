# lockchaos init-holder writes a starting holder from a kit that passes
# check-holder as written, names the holder file when given one, and never
# overwrites: when any file to write exists, nothing is written.
set -u
top=${LOCKCHAOS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
fail() { echo "$*"; exit 1; }
for lang in $(ls "$top/kits"); do
	case $lang in python) file=holder.py ;; node) file=holder.mjs ;; c) file=holder.c ;; *) continue ;; esac
	"$LC" init-holder --lang "$lang" "$lang-dir" >out 2>&1 || { cat out; fail "$lang: init-holder failed"; }
	cat out
	[ -n "$(ls "$lang-dir")" ] || fail "$lang: nothing written"
	check=$(sed -n "s/^check: lockchaos check-holder '\(.*\)'$/\1/p" out)
	[ -n "$check" ] || fail "$lang: no check line"
	build=$(sed -n 's/^build: //p' out)
	[ -z "$build" ] || $build >build.out 2>&1 || { cat build.out; fail "$lang: build failed"; }
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
# half-present: one file of the kit exists, nothing else is written
mkdir half && echo mine >half/lockchaos_holder.py
"$LC" init-holder --lang python half >half.out 2>&1 && fail "half: overwrote"
[ "$(ls half)" = lockchaos_holder.py ] && [ "$(cat half/lockchaos_holder.py)" = mine ] ||
	fail "half: something was written"
"$LC" init-holder --lang cobol x >bad.out 2>&1
[ $? -eq 2 ] && grep -q "no kit for 'cobol'" bad.out || { cat bad.out; fail "unknown language"; }
[ ! -e x ] || fail "unknown language wrote x"
