# A live, healthy owner's lock taken away (reclaimed while the owner is
# alive, neither frozen nor spinning, and within its maxHoldMs) is a steal
# and fails the scenario, even when the owner noticed at once, said
# released why=lock-lost, and its fencing refused its write: the mutex
# checker sees no overlap then, and only an `expect transcript` line would
# notice. (issue 10, "Checkers that see what the expectations see today")
# The holders are puppets (this script) that play that story exactly.
set -u
cat > puppet.sh <<'EOF'
#!/bin/sh
# now: CLOCK_MONOTONIC µs, read from the reference holder's hello.
now() { echo '{"id":0,"op":"exit"}' | "$REAL" | head -n 1 | sed 's/.*"t":\([0-9]*\).*/\1/'; }
say() { printf '%s\n' "$1"; }
D=$LOCKCHAOS_DIR
say '{"ev":"hello","proto":1,"impl":"puppet","pid":'$$',"caps":["acquire","release","deliver","turn","maxHoldMs","fencing","timeout"],"t":'$(now)'}'
while read -r line; do
	id=$(printf '%s' "$line" | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
	op=$(printf '%s' "$line" | sed -n 's/.*"op":"\([a-z]*\)".*/\1/p')
	[ "$op" = exit ] && exit 0
	case $LOCKCHAOS_HOLDER$op in
	Aturn|Aacquire)	# a turn that holds s1 for 2 s and is robbed after ~1 s
		say '{"ev":"acquired","session":"s1","lane":"main","id":'$id',"t":'$(now)'}'
		while [ ! -e "$D/robbed" ]; do sleep 0.02; done
		say '{"ev":"log","level":"WARN","msg":"lock of s1 lost: not our file any more; late will not be written","t":'$(now)'}'
		t=$(now)
		say '{"ev":"released","session":"s1","lane":"main","why":"lock-lost","t":'$t'}'
		echo $t > "$D/a-knows.tmp" && mv "$D/a-knows.tmp" "$D/a-knows"
		sleep 0.8
		say '{"ev":"fail","id":'$id',"reason":"lock-lost","error":"lock of s1 lost before writing late","t":'$(now)'}'
		;;
	Bdeliver)	touch "$D/robbed"
		while [ ! -e "$D/a-knows" ]; do sleep 0.01; done
		# 1 ms after A said it lost the lock (now() is slow under load)
		t=$(($(cat "$D/a-knows") + 1000))
		say '{"ev":"log","level":"WARN","msg":"reclaimed s1 from live pid (too-old) for m1","t":'$t'}'
		say '{"ev":"acquired","session":"s1","lane":"main","id":'$id',"reclaimed":"too-old","t":'$t'}'
		t=$((t + 1000))
		printf '{"msg":"m1","holder":"B","pid":%s,"lane":"main","t":%s}\n' $$ $t >> "$D/s1.jsonl"
		say '{"ev":"appended","session":"s1","msg":"m1","lane":"main","id":'$id',"t":'$t'}'
		say '{"ev":"released","session":"s1","lane":"main","why":"release","t":'$(now)'}'
		say '{"ev":"ok","id":'$id',"t":'$(now)'}'
		;;
	esac
done
EOF
chmod +x puppet.sh
cat > steal.scn <<'SCN'
title a live, running owner within its maxHoldMs is robbed
holder A B
A turn hold=2s msg=late maxHoldMs=10s
at 1s B deliver m1
SCN
REAL=$HOLDER "$LC" run --report rep --holder "$PWD/puppet.sh" steal.scn >out 2>&1
rc=$?
cat out
[ "$rc" -eq 1 ] || { echo "exit $rc, expected 1: the steal passed"; exit 1; }
grep -q '^#   \[mutex\].*B.*s1.*A' out || { echo "the steal is not named"; exit 1; }
grep -qi 'alive\|live' out || exit 1
