# A misspelled failpoint is a scenario error (exit 2, file:line, the
# nearest valid names), never a fault that "took": sessionlock/ names are
# checked against the list the holder declares in hello, posix/ names
# against libfiu's POSIX wrappers. Reports say "armed" for a failpoint and
# "fired" only when the holder said it fired. (issue 10)
set -u
printf 'title typo\nholder A\nA acquire\nfailpoint A name=sessionlock/clenup/dispose errno=EIO\nA release\n' > sl.scn
"$LC" run --report rep1 sl.scn >out1 2>err1
rc=$?
cat out1 err1
[ "$rc" -eq 2 ] || { echo "sessionlock typo: exit $rc, expected 2"; exit 1; }
grep -q "^sl.scn:4: .*'sessionlock/clenup/dispose'" err1 || { echo "no file:line naming the point"; exit 1; }
grep -q "sessionlock/cleanup/dispose" err1 || { echo "nearest valid name not offered"; exit 1; }
! grep -q '^ok ' out1 || { echo "the scenario passed"; exit 1; }

printf 'title typo\nholder A\nfailpoint A name=posix/io/rw/wirte errno=EIO\nA deliver m1\n' > px.scn
"$LC" run --report rep2 px.scn >out2 2>err2
rc=$?
cat out2 err2
[ "$rc" -eq 2 ] || { echo "posix typo: exit $rc, expected 2"; exit 1; }
grep -q "^px.scn:3: .*'posix/io/rw/wirte'" err2 || exit 1
grep -q "posix/io/rw/write" err2 || { echo "nearest valid name not offered"; exit 1; }
[ ! -e rep2 ] || { echo "posix names are known before anything runs: no report folder expected"; exit 1; }

# Armed versus fired: a point that fires is reported fired (the holder said
# so); one that never fires is reported armed, never fired.
cat > af.scn <<'SCN'
title armed and fired
holder A
failpoint A name=sessionlock/cleanup/dispose errno=EIO once
failpoint A name=sessionlock/reclaim/pause-before-unlink delay=10ms
A turn hold=100ms msg=m1
expect m1 fail reason=cleanup
SCN
"$LC" run --report rep3 af.scn >out3 2>&1 || { cat out3; exit 1; }
h=rep3/af/history.jsonl
jq -s -e '[.[] | select(.type == "failpoint" and .name == "sessionlock/cleanup/dispose")] | length == 1' $h >/dev/null ||
	{ echo "the fired point is not in the history"; exit 1; }
jq -s -e '[.[] | select(.type == "failpoint" and .name == "sessionlock/reclaim/pause-before-unlink")] | length == 0' $h >/dev/null || exit 1
t=rep3/af/timeline.html
grep -q 'sessionlock/cleanup/dispose[^<]*fired\|fired[^<]*sessionlock/cleanup/dispose' $t ||
	{ echo "timeline does not say the dispose point fired"; exit 1; }
grep -q 'sessionlock/reclaim/pause-before-unlink[^<]*armed\|armed[^<]*sessionlock/reclaim/pause-before-unlink' $t ||
	{ echo "timeline does not say the reclaim point was armed"; exit 1; }
! grep -q 'sessionlock/reclaim/pause-before-unlink[^<]*fired\|fired[^<]*sessionlock/reclaim/pause-before-unlink' $t ||
	{ echo "timeline says a point fired that never did"; exit 1; }
