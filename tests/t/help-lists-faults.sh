# `lockchaos --help` lists every fault statement with its arguments, from
# the fault table, and each one is documented in scenarios/README.md.
set -u
"$LC" --help >out 2>err
rc=$?
cat out err
[ "$rc" -eq 0 ] || { echo "exit $rc, expected 0"; exit 1; }
sed -n '/^faults/,/^$/p' out | sed -n 's/^  \([a-z]*\) [A-Z].*/\1/p' >help.txt
cat help.txt
[ "$(wc -l <help.txt)" -ge 8 ] || { echo "--help lists fewer than 8 faults"; exit 1; }
for f in $(cat help.txt); do
	grep -q "\`$f [A-Z]" "$LOCKCHAOS_TOP/scenarios/README.md" ||
		{ echo "fault $f is not in scenarios/README.md"; exit 1; }
done
grep -qx "  signal HOLDER SIGNAL" out || { echo "no signal line"; exit 1; }
grep -q "^  damage SESSION KIND \[owner=H\] \[age=T\] \[pid=N\] .*\[payload='TEXT'\]\$" out || exit 1
