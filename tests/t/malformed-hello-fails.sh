# A holder whose hello is malformed (caps not a list, no proto, no pid)
# fails the scenario with a protocol failure; it is never reported n/a
# (skipped). (issue 10, "Green without a test")
set -u
for hello in '{"ev":"hello","proto":1,"pid":'"'"'$$'"'"',"caps":"deliver","t":1}' \
	     '{"ev":"hello","caps":["deliver"],"t":1}' \
	     '{"ev":"hello","proto":1,"pid":"me","caps":["deliver",7],"t":1}'; do
	cat > h.sh <<EOF
#!/bin/sh
echo '$hello'
while read -r line; do :; done
EOF
	chmod +x h.sh
	printf 'title hello\nholder A\nA deliver m1\n' > m.scn
	rm -rf rep
	"$LC" run --report rep --holder "$PWD/h.sh" m.scn >out 2>&1
	rc=$?
	cat out
	[ "$rc" -eq 1 ] || { echo "hello $hello: exit $rc, expected 1"; exit 1; }
	! grep -q '# SKIP' out || { echo "hello $hello: skipped (n/a)"; exit 1; }
	grep -q 'hello' out || { echo "the bad hello is not named"; exit 1; }
done
