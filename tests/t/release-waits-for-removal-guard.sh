# A release waits out the removal guard (`<lock>.guard`, flock'ed by every
# remover for the instant of compare-then-unlink) for up to 5 s instead of
# the reclaim's 200 ms: on a loaded machine the seven losers of an
# eight-contender race each took it in turn, descheduled inside, and the
# winner's release gave up and left its lock to the stale rules for 8 s
# (make soak, python-reference). Driven over the holder protocol, for the
# Python reference lock (fixtures/pylock) and the C one: another process
# holds the guard for 1 s across the release; the release must say
# `released` and leave no lock file. Red with a 200 ms wait.
set -u
fail() { echo "FAIL: $*"; exit 1; }
command -v flock >/dev/null || { echo "# SKIP no flock(1)"; exit 0; }
for holder in "$LOCKCHAOS_TOP/fixtures/pylock/holder" "$LOCKCHAOS_TOP/build/sessionlock-holder"; do
	rm -rf d && mkdir d
	{
		echo '{"id":1,"op":"acquire","session":"s1","timeoutMs":2000}'
		k=0
		until [ -s d/s1.jsonl.lock ]; do
			k=$((k + 1))
			[ "$k" -le 600 ] || break
			sleep 0.1
		done
		flock d/s1.jsonl.lock.guard sleep 1 &
		sleep 0.3
		echo '{"id":2,"op":"release","session":"s1"}'
		wait
		sleep 0.5
	} | LOCKCHAOS_DIR=$PWD/d timeout 120 $holder >out 2>err
	grep -q '"ev": *"released".*"why": *"release"' out ||
		{ cat out err; fail "$holder: no release while another process held the guard for 1 s"; }
	grep -q '"ev": *"fail"' out && { cat out err; fail "$holder: a command failed"; }
	[ ! -e d/s1.jsonl.lock ] || fail "$holder: the lock file was left behind"
done
echo ok
