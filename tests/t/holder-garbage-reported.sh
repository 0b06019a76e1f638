# A holder that speaks garbage is reported (protocol checker), not trusted.
set -u
cat > liar.sh <<'SH'
#!/bin/sh
echo '{"ev":"hello","proto":1,"impl":"liar","pid":'$$',"caps":["deliver"],"t":1}'
while read -r line; do
	echo "I am not JSON"
	id=$(echo "$line" | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
	echo '{"ev":"ok","id":'"$id"',"t":1}'
done
SH
chmod +x liar.sh
printf 'title liar\nholder A\nA deliver m1\n' > l.scn
"$LC" run --report rep --holder "$PWD/liar.sh" l.scn >out 2>&1
rc=$?
cat out
[ "$rc" -eq 1 ] || exit 1
grep -q '\[protocol\]' out && grep -q '\[no-silent-drop\]' out
