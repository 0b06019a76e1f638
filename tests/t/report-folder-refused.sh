# Report folder handling: an earlier run's folder is never overwritten,
# --report FILE is refused before any holder starts, a full TMPDIR is said
# as such (not as a lock failure) before any holder starts, a report disk
# too full to take the timelines makes the run fail, and a usage error
# leaves no report folder. (issue 10, "Report folder handling")
set -u
printf 'title one\nholder A\nA deliver m1\nexpect m1 ok\n' > one.scn
# A holder that leaves a mark when it starts.
cat > marking.sh <<EOF
#!/bin/sh
touch "$PWD/holder-started"
exec $HOLDER
EOF
chmod +x marking.sh

# 1. --report pointing at an earlier run's folder.
"$LC" run --report rep one.scn >out1 2>&1 || { cat out1; exit 1; }
cp rep/summary.json before.json
"$LC" run --report rep --holder "$PWD/marking.sh" one.scn >out2 2>err2
rc=$?
cat out2 err2
[ "$rc" -eq 2 ] || { echo "existing report folder: exit $rc, expected 2"; exit 1; }
grep -q "rep.*not empty" err2 || { echo "no clear message"; exit 1; }
cmp -s before.json rep/summary.json || { echo "the earlier report was overwritten"; exit 1; }
[ ! -e holder-started ] || { echo "a holder started"; exit 1; }

# 2. --report FILE.
echo x > afile
"$LC" run --report afile --holder "$PWD/marking.sh" one.scn >out3 2>err3
rc=$?
cat out3 err3
[ "$rc" -eq 2 ] || { echo "--report FILE: exit $rc, expected 2"; exit 1; }
grep -q "afile.*not a folder" err3 || exit 1
[ ! -e holder-started ] || { echo "a holder started before --report FILE was refused"; exit 1; }

# 3. A usage error creates no report folder (not even reports/<stamp>).
mkdir u && (cd u && "$LC" run --jobs 0 ../one.scn >out 2>err; [ $? -eq 2 ] || exit 1
	"$LC" run --holder "$PWD/../marking.sh" ../nonexistent.scn >out 2>err; [ $? -eq 2 ] || exit 1
	"$LC" run --holder "$PWD/../marking.sh" --holder "$PWD/../marking.sh" ../one.scn >out 2>err; [ $? -eq 2 ] || exit 1
	[ ! -e reports ]) || { echo "a usage error made a report folder"; ls -R u; exit 1; }
[ ! -e holder-started ] || { echo "a holder started on a usage error"; exit 1; }

# 4 and 5 need small filesystems: a private mount namespace with tmpfs.
if ! unshare -m true 2>/dev/null; then echo "no mount namespace here: skipping the full-disk cases"; exit 0; fi
mkdir full small
unshare -m sh -c '
	mount -t tmpfs -o size=256k tmpfs full || exit 99
	dd if=/dev/zero of=full/fill bs=4k count=100 2>/dev/null
	TMPDIR=$PWD/full "$LC" run --report rep4 --holder "$PWD/marking.sh" one.scn >out4 2>err4
	echo $? > rc4' 
[ "$(cat rc4)" != 99 ] || { echo "cannot mount tmpfs: skipping the full-disk cases"; exit 0; }
cat out4 err4
[ "$(cat rc4)" -eq 1 ] || { echo "full TMPDIR: exit $(cat rc4), expected 1"; exit 1; }
grep -q "TMPDIR.*No space left" err4 || { echo "full TMPDIR not said as such"; exit 1; }
! grep -q "^not ok\|^ok" out4 || { echo "a scenario was judged with a full TMPDIR"; exit 1; }
[ ! -e holder-started ] || { echo "a holder started with a full TMPDIR"; exit 1; }
[ ! -e rep4 ] || { echo "a report folder was made with a full TMPDIR"; exit 1; }

# 5. The report disk fills up: the results fit, the timelines do not.
unshare -m sh -c '
	mount -t tmpfs -o size=24k tmpfs small || exit 99
	"$LC" run --report small/rep one.scn >out5 2>err5
	echo $? > rc5
	ls -la small/rep small/rep/one > ls5 2>&1'
cat out5 err5 ls5
[ "$(cat rc5)" -eq 1 ] || { echo "report disk full: exit $(cat rc5), expected 1"; exit 1; }
grep -q "report.*incomplete" err5 || { echo "the lost files are not said"; exit 1; }
