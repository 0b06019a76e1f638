# PID recycling, and holders in PID namespaces of their own, on a machine
# without PID namespaces (forced here with
# --no-namespace): said plainly, exit 3, never a silent pass.
set -u
printf 'title recycle\nholder A B\nA acquire\nawait A\nkill A\nrecycle A\nB deliver m1\n' > r.scn
"$LC" run --no-namespace --report rep r.scn >out 2>err
rc=$?
cat out err
[ "$rc" -eq 3 ] || { echo "exit $rc, expected 3"; exit 1; }
grep -q "# SKIP unsupported here: this machine has no PID namespaces" out || exit 1
grep -q "^0 passed, 0 failed, 1 skipped$" out || exit 1
# holders in containers of their own (ns=, pid=): the same
printf 'title containers\nholder A ns=c1 pid=7\nholder B ns=c2\nA acquire\nB deliver m1\n' > c.scn
"$LC" run --no-namespace --report rep2 c.scn >out2 2>err2
rc=$?
cat out2 err2
[ "$rc" -eq 3 ] || { echo "exit $rc, expected 3"; exit 1; }
grep -q "# SKIP unsupported here: this machine has no PID namespaces" out2 || exit 1
