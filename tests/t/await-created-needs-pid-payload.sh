# `await H created` waits for a lock file whose bytes name H's pid. A
# holder whose lock file names no pid (a kernel lock on an empty file, an
# age-based dot-lock) lacks the hello capability `pidPayload`: such a
# scenario is n/a for it, with the reason its hello gives, and runs for a
# holder that declares it (the reference). A pid file (the decimal pid
# alone, as nightlyone/lockfile and liblockfile's L_PID write it) names its
# owner as well as a JSON payload does. check-holder tests the claim.
set -u
fail() { echo "FAIL: $*"; exit 1; }
top=$LOCKCHAOS_TOP
printf 'title created\nholder B\nB acquire\nawait B created timeout=10s\nB release\n' >c.scn

# 1. The reference declares it: the scenario runs and passes.
"$LC" run --report rep1 c.scn >out1 2>&1 || { cat out1; fail "reference: not passed"; }
grep -q '^ok 1 ' out1 || { cat out1; fail "reference: no plain pass"; }
grep -q SKIP out1 && { cat out1; fail "reference: skipped"; }

# 2. A kit holder on an empty O_EXCL file (no pid) that says why: n/a,
# naming the capability and the reason, never run (no holder command sent).
cat >h.py <<'PY'
import os, sys, time
sys.path.insert(0, sys.argv[1])
from lockchaos_holder import Lock, LockError, run

class Marker(Lock):
    impl, version = "empty-marker", "1"
    caps = ["timeout"] + sys.argv[3:]
    na = {"pidPayload": "an empty marker file names no owner"}
    def acquire(self, hold):
        end = time.monotonic() + hold.timeout_ms / 1000
        while True:
            try:
                fd = os.open(hold.lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                if time.monotonic() >= end:
                    raise LockError("timeout", "held")
                time.sleep(0.05)
                continue
            if sys.argv[2] == "pidfile":
                os.write(fd, b"%d\n" % os.getpid())
            os.close(fd)
            return
    def release(self, hold):
        os.unlink(hold.lock_path)

run(Marker, [])
PY
empty="python3 $PWD/h.py $top/kits/python empty"
"$LC" run --start-timeout 120000 --report rep2 --holder "$empty" c.scn >out2 2>&1
grep -q "# SKIP n/a: empty-marker has no 'pidPayload': an empty marker file names no owner" out2 ||
	{ cat out2; fail "a holder without pidPayload was not n/a with its reason"; }
grep -q "^0 passed, 0 failed, 1 skipped" out2 || { cat out2; fail "not counted as skipped"; }
jq -e '.status == "na" and (.reason | contains("pidPayload"))' rep2/c/result.json >/dev/null ||
	fail "result.json: not n/a with the reason"
grep -q '"type":"invoke"' rep2/c/history.jsonl && fail "an n/a scenario sent commands"

# 3. The same lock writing a pid file, declared: the await is met by the
# kernel view's pid (a pid file read as the owner's pid), and it passes.
pidf="python3 $PWD/h.py $top/kits/python pidfile pidPayload"
"$LC" run --start-timeout 120000 --report rep3 --holder "$pidf" c.scn >out3 2>&1 ||
	{ cat out3; fail "a pid-file holder with pidPayload did not pass"; }
jq -s -e '[.[] | select(.type == "fs" and .payload == "pidfile" and (.pid | type) == "number")] | length >= 1' \
	rep3/c/history.jsonl >/dev/null || fail "the kernel view did not read the pid file's pid"

# 4. check-holder tests the claim: an empty file declared pidPayload fails
# the rule, naming what the file named.
"$LC" check-holder "python3 $PWD/h.py $top/kits/python empty pidPayload" >out4 2>&1 &&
	{ cat out4; fail "check-holder passed a false pidPayload claim"; }
grep -q "^not ok .* P3 the lock file names the holder's pid while held (hello: pidPayload; it names 0)" out4 ||
	{ cat out4; fail "check-holder did not name the false claim"; }
echo ok
