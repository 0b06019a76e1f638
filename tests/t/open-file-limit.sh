# Every holder costs the harness three open files. lockchaos raises its soft
# RLIMIT_NOFILE to the hard limit at start (40 holders run green under a
# soft limit of 64), and a scenario that needs more than the hard limit
# allows fails at once with both numbers, before any holder is started
# (it used to die half-way with "cannot create pipes: Too many open files").
set -u
{
	echo "title forty holders, one message each"
	printf 'holder'; i=0; while [ $i -lt 40 ]; do printf ' H%d' $i; i=$((i + 1)); done; echo
	i=0; while [ $i -lt 40 ]; do echo "H$i deliver session=s$((i % 4)) msg=m$i"; i=$((i + 1)); done
	echo "expect m39 ok"
} > h40.scn
[ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge 200 ] || { echo "hard limit $(ulimit -Hn): too low to test"; exit 1; }
(ulimit -Sn 64 && "$LC" run --jobs 1 --report raised h40.scn) >out 2>err
rc=$?
cat out err
[ "$rc" -eq 0 ] || { echo "soft limit 64: exit $rc, expected 0 (soft raised to hard)"; exit 1; }
grep -q "^1 passed, 0 failed" out || exit 1

(ulimit -n 100 && "$LC" run --jobs 1 --report capped h40.scn) >out 2>err
rc=$?
cat out err
[ "$rc" -eq 1 ] || { echo "hard limit 100: exit $rc, expected 1"; exit 1; }
grep -q "needs 152 open files (40 holders x 3 + 32), this process may open 100" out || exit 1
[ ! -e capped/h40/history.jsonl ] || { echo "holders were started anyway"; exit 1; }
