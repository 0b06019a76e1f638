# A contender refused (or timed out) while the lock it waited for was
# reclaimable fails the recovery checker, even when it gave up inside the
# bound: the owner was dead (no-liveness mutant), or alive but stuck past
# its declared maxHoldMs (hold-exceeded-report-only mutant). The correct
# reference lock passes both. (issue 10, "Checkers that see what the
# expectations see today")
#
# B waits 2 s, not 200 ms: a contender's own wait for a CPU does not count
# as time it could have polled (the soak at load 70 made 200 ms mostly
# that, and the no-liveness mutant passed); 2 s leaves many polls.
set -u
cat > dead.scn <<'SCN'
title a contender gives up on a dead owner's lock
holder A B
A acquire
await A
kill A
B deliver m1 timeout=2s
disable leak   # the lock of the killed A stays with the mutant
SCN
cat > stuck.scn <<'SCN'
title a contender gives up on a stuck owner past its maxHoldMs
holder A B
A acquire maxHoldMs=300ms
await A
freeze A
at 800ms B deliver m1 timeout=2s
at 3200ms thaw A
SCN
for s in dead:no-liveness stuck:hold-exceeded-report-only; do
	f=${s%%:*}.scn bug=${s#*:}
	"$LC" run --report rep-$bug --holder "$HOLDER --bug $bug" $f >out.$bug 2>&1
	rc=$?
	cat out.$bug
	[ "$rc" -eq 1 ] || { echo "$f with $bug: exit $rc, expected 1"; exit 1; }
	grep -q '^#   \[recovery\].*B' out.$bug || { echo "$f with $bug: recovery does not fail"; exit 1; }
done
"$LC" run --report rep-ref dead.scn stuck.scn >out.ref 2>&1 || { cat out.ref; echo "the reference fails"; exit 1; }
