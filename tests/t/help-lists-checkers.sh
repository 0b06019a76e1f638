# `lockchaos --help` lists every built-in checker with its one line, from the
# checkers table: the same names, in the same order, as docs/history.md.
set -u
"$LC" --help >out 2>err
rc=$?
cat out err
[ "$rc" -eq 0 ] || { echo "exit $rc, expected 0"; exit 1; }
sed -n '/^built-in checkers/,$p' out | sed -n 's/^  \([a-z-]*\) .*/\1/p' >help.txt
sed -n '/^## Checkers/,/^## /p' "$LOCKCHAOS_TOP/docs/history.md" |
	sed -n 's/^| `\([a-z-]*\)` |.*/\1/p' >docs.txt
[ -s help.txt ] || { echo "--help lists no checker"; exit 1; }
diff docs.txt help.txt || { echo "--help and docs/history.md list different checkers"; exit 1; }
grep -q "^  mutex  *one owner at a time" out || exit 1
