# PID recycling on a machine without PID namespaces (forced here with
# --no-namespace): said plainly, exit 3, never a silent pass.
set -u
printf 'title recycle\nholder A B\nA acquire\nawait A\nkill A\nrecycle A\nB deliver m1\n' > r.scn
"$LC" run --no-namespace --report rep r.scn >out 2>err
rc=$?
cat out err
[ "$rc" -eq 3 ] || { echo "exit $rc, expected 3"; exit 1; }
grep -q "# SKIP unsupported here: this machine cannot recycle PIDs" out || exit 1
grep -q "^0 passed, 0 failed, 1 skipped$" out || exit 1
