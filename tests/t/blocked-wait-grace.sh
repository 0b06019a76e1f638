# check-holder gives each command 5 s, widened by what the holder waited
# for a CPU and by the time it was blocked in the kernel (state D: a write,
# an fsync or a page fault on a stalled disk; beside the soak a Node
# holder's acquire sat 6 s in folio_wait_bit and a fixed 5 s called it
# unanswered). hostile-holder --mode blocked-acquire sits 7 s in D before
# each acquire (a vfork-like child that sleeps: no disk needed), and must
# pass P3; --mode sleepy-acquire sleeps 7 s instead (state S: waiting for
# nothing the machine owes it) and must still fail it after 5 s.
set -u
out=o.txt
fail() { echo "FAIL: $*"; cat "$out"; exit 1; }
hostile="$LOCKCHAOS_TOP/build/hostile-holder"

"$LC" check-holder --protocol-only "$hostile --mode blocked-acquire" >o.txt 2>&1
grep -q '^ok [0-9]* - P3 acquire answers ok' o.txt ||
	fail "a holder blocked 7 s in the kernel inside its acquire failed P3"
# it was widened by time seen blocked, not by luck: the comment says so
blocked=$(sed -n 's/^#   command 1: answered after [0-9]* ms: 5000 ms + [0-9]* ms it waited for a CPU + \([0-9]*\) ms it was blocked in the kernel.*/\1/p' o.txt)
[ -n "$blocked" ] || fail "no comment on the late answer of command 1"
[ "$blocked" -ge 2000 ] || fail "only $blocked ms seen blocked of the holder's 7 s in D"

out=s.txt
"$LC" check-holder --protocol-only "$hostile --mode sleepy-acquire" >s.txt 2>&1
grep -q '^not ok [0-9]* - P3 acquire answers ok' s.txt ||
	fail "a holder asleep 7 s inside its acquire passed P3 (5 s)"
grep -q '^#   command 1: no answer after [0-9]* ms: 5000 ms + [0-9]* ms it waited for a CPU + 0 ms it was blocked' s.txt ||
	fail "the sleepy holder's missing answer does not say its bound, or it was counted blocked"
exit 0
