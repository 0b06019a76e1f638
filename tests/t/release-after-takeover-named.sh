# A `released why=watchdog` (or lock-lost) reported after another owner
# already acquired the session is a contradiction the checkers name: the
# holder says it let go of a lock that was no longer its own to let go.
# Here A is stuck past its maxHoldMs (so B's reclaim is right), and A's
# watchdog then claims to have released s1. (issue 10)
set -u
cat > puppet.sh <<'EOF'
#!/bin/sh
now() { echo '{"id":0,"op":"exit"}' | "$REAL" | head -n 1 | sed 's/.*"t":\([0-9]*\).*/\1/'; }
say() { printf '%s\n' "$1"; }
D=$LOCKCHAOS_DIR
say '{"ev":"hello","proto":1,"impl":"puppet","pid":'$$',"caps":["acquire","release","deliver","maxHoldMs","watchdog","timeout"],"t":'$(now)'}'
while read -r line; do
	id=$(printf '%s' "$line" | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
	op=$(printf '%s' "$line" | sed -n 's/.*"op":"\([a-z]*\)".*/\1/p')
	[ "$op" = exit ] && exit 0
	case $LOCKCHAOS_HOLDER$op in
	Aturn|Aacquire)	say '{"ev":"acquired","session":"s1","lane":"main","id":'$id',"t":'$(now)'}'
		say '{"ev":"ok","id":'$id',"t":'$(now)'}'
		while [ ! -e "$D/taken" ]; do sleep 0.02; done
		sleep 0.2
		say '{"ev":"log","level":"WARN","msg":"watchdog: released s1 held past maxHoldMs","t":'$(now)'}'
		say '{"ev":"released","session":"s1","lane":"main","why":"watchdog","t":'$(now)'}'
		;;
	Bdeliver)	say '{"ev":"log","level":"WARN","msg":"reclaimed s1 (hold-exceeded) for m1","t":'$(now)'}'
		say '{"ev":"acquired","session":"s1","lane":"main","id":'$id',"reclaimed":"hold-exceeded","t":'$(now)'}'
		touch "$D/taken"
		t=$(now)
		printf '{"msg":"m1","holder":"B","pid":%s,"lane":"main","t":%s}\n' $$ $t >> "$D/s1.jsonl"
		say '{"ev":"appended","session":"s1","msg":"m1","lane":"main","id":'$id',"t":'$t'}'
		sleep 0.5
		say '{"ev":"released","session":"s1","lane":"main","why":"release","t":'$(now)'}'
		say '{"ev":"ok","id":'$id',"t":'$(now)'}'
		;;
	esac
done
EOF
chmod +x puppet.sh
cat > late.scn <<'SCN'
title a watchdog release reported after the lock was taken over
holder A B
A acquire maxHoldMs=300ms
# (not a fixed `at 800ms`: each of the puppet's stamps starts a process,
# and under load A's acquired line came after B had reclaimed)
await A acquired timeout=60s
wait 500ms
B deliver m1
SCN
REAL=$HOLDER "$LC" run --report rep --holder "$PWD/puppet.sh" late.scn >out 2>&1
rc=$?
cat out
[ "$rc" -eq 1 ] || { echo "exit $rc, expected 1: the contradiction passed"; exit 1; }
grep -q '^#   \[[a-z-]*\].*A.*released.*watchdog.*after B acquired' out || { echo "the contradiction is not named"; exit 1; }
