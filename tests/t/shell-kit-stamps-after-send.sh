# The bash holder kit (fixtures/adapters/sh/holderkit.sh) stamps events
# from bash's wall clock plus an offset; its answers must never be stamped
# before the harness sent the command ("answered command N, which was
# never sent"). Its wall clock stepped back 500 ms (a libfaketime clock
# fault, under the 1 s that makes the kit take its offset again) made
# every later stamp 500 ms early; the kit now clamps each stamp to the
# true CLOCK_MONOTONIC its stamp helper (build/sh-stamp) read after the
# command arrived. Asserted: no protocol failure, every outcome at or
# after its invoke. (Timing verdicts of a bash holder on a loaded machine,
# recovery's, are not this test's business.)
set -u
fail() { echo "FAIL: $*"; exit 1; }
top=$LOCKCHAOS_TOP
command -v flock >/dev/null && command -v jq >/dev/null || fail "flock(1) and jq are needed (make deps)"
[ -x "$top/build/sh-stamp" ] || fail "no build/sh-stamp (make all)"
cat >step.scn <<'EOF'
title a bash holder's answers come after their commands, whatever its wall clock does
holder A
A acquire
await A
clock A step=-500ms
A release
await A
A deliver msg=m1
await A
A acquire
A release
await A
expect m1 ok
EOF
"$LC" run --start-timeout 120000 --report rep --holder "$top/fixtures/adapters/sh/flock-holder.sh" step.scn >out 2>&1
h=$(ls rep/*/history.jsonl) || { cat out; fail "no history"; }
jq -s -e '[.[] | select(.type == "fault" and .fault == "clock")] | length == 1' "$h" >/dev/null ||
	{ cat out; fail "the clock fault was not injected"; }
jq -e '[.failures[]? | select(.checker == "protocol")] | length == 0' rep/*/result.json >/dev/null ||
	{ jq -r '.failures[] | .msg' rep/*/result.json; fail "protocol failures (answers before their commands)"; }
jq -s -e '
	([.[] | select(.type == "invoke" and .process == "A") | {key: (.id | tostring), value: .t}] | from_entries) as $inv |
	[.[] | select((.type == "ok" or .type == "fail") and .process == "A")] as $out |
	($out | length) == 5 and all($out[]; .t >= $inv[.id | tostring])' "$h" >/dev/null ||
	{ jq -c 'select(.process == "A" and (.type == "invoke" or .type == "ok" or .type == "fail")) | {type, id, t}' "$h"; fail "an answer stamped before its command"; }
# Driven directly: every stamp lies between the send and the receipt (+5 ms) of
# its line (its offset taken from a bracket that a descheduled read widened
# had stamped answers up to 52 ms after they were received, after the
# holder's own death in seeds/002-recycled-pid).
cat >drive.py <<'PY'
import json, os, subprocess, sys, time
def now(): return time.monotonic_ns() // 1000
bad = []
for run in range(2):
    p = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                         env=dict(os.environ, LOCKCHAOS_DIR=os.getcwd()))
    s = now(); h = json.loads(p.stdout.readline()); r = now()
    if h["t"] > r + 5000: bad.append(("hello", h["t"] - r))
    for i in range(1, 11):
        s = now(); p.stdin.write(json.dumps({"id": i, "op": "spin", "ms": 1}) + "\n"); p.stdin.flush()
        e = json.loads(p.stdout.readline()); r = now()
        # never before the send (1 us: the two clocks' rounding to
        # microseconds); after the receipt by less than 5 ms: the kit's
        # offset is an upper bound, as wide as the tightest bracket of
        # /proc/uptime ticks it found, a few us on a quiet machine, 0.8 to
        # 2 ms beside the soak (load 45); the bug this guards against
        # stamped 8 to 52 ms late
        if not s - 1 <= e["t"] <= r + 5000: bad.append((i, e["t"] - s, r - e["t"]))
    p.stdin.close(); p.wait()
print("outside [send, receipt + 5 ms]:", bad)
sys.exit(1 if bad else 0)
PY
python3 drive.py "$top/fixtures/adapters/sh/flock-holder.sh" --stamp "$top/build/sh-stamp" >d.out 2>&1 ||
	{ cat d.out; fail "a stamp outside [send, receipt] of its line"; }
# without its clock helper the kit refuses to start, never stamps blind
echo '{"id":1,"op":"spin","ms":1}' | LOCKCHAOS_DIR=$PWD "$top/fixtures/adapters/sh/flock-holder.sh" --stamp "$PWD/none" >o2 2>e2
[ $? -eq 69 ] && grep -q "no clock helper at $PWD/none" e2 && [ ! -s o2 ] || { cat o2 e2; fail "started without its clock helper"; }
echo ok
