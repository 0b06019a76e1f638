# Scenario paths are input too (issue 11): a FIFO given as a scenario, or
# named *.scn in a folder, is refused at once (open() waited for a writer
# forever), and a symlink loop in a scenario folder is walked once (each
# scenario was collected 41 times, until ELOOP).
set -u
mkdir -p d
printf 'title one\nholder A\nA acquire\n' >d/a.scn
ln -s . d/loop
ln -s ../d d/again
timeout -s KILL 20 "$LC" list d >list.out 2>&1 || { cat list.out; exit 1; }
n=$(grep -c '^d/.*a\.scn$' list.out)
[ "$n" -eq 1 ] || { echo "a.scn collected $n times"; cat list.out | head; exit 1; }

mkfifo f.scn
timeout -s KILL 10 "$LC" run --report rep f.scn >run.out 2>&1
rc=$?
cat run.out
[ "$rc" -eq 2 ] || { echo "FIFO scenario: exit $rc, want 2"; exit 1; }
grep -q "f.scn.*FIFO" run.out || exit 1

mkdir e
mkfifo e/x.scn
timeout -s KILL 10 "$LC" list e >run.out 2>&1
rc=$?
cat run.out
[ "$rc" -eq 2 ] && grep -q "e/x.scn.*FIFO" run.out
