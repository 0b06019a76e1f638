# A run that finds no scenario fails; it never reports a green empty run.
set -u
mkdir empty
"$LC" run --report rep empty >out 2>&1
rc=$?
cat out
[ "$rc" -eq 2 ] && grep -q "no scenario" out
