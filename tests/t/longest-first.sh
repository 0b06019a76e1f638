# Scenarios are launched longest expected first (reports stay in file
# order): by their declared waits on a first run, by an earlier report's
# durations (--durations) when there is one. With one job, the order the
# runs ended in is the order they were launched in. Verdicts are not what
# this is about (a loaded machine may fail a timing bound): exit 0 or 1.
set -u
mk() { printf 'title %s\nholder A\nA deliver msg=m1\nwait %s\nexpect m1 ok\n' "$1" "$2" > "$1.scn"; }
mk a 10ms
mk b 700ms
mk c 350ms
ended() { stat -c '%.9Y %n' "$1"/*/history.jsonl | sort -n | sed 's:.*/\([a-z]\)/history.jsonl:\1:' | tr -d '\n'; }

"$LC" run --jobs 1 --report first a.scn b.scn c.scn >out 2>err; [ $? -le 1 ] || { cat out err; exit 1; }
cat out
[ "$(grep -o '^\(not \)*ok [0-9] - [a-z]' out | sed 's/.* //' | tr -d '\n')" = abc ] || { echo "TAP not in file order"; exit 1; }
got=$(ended first)
[ "$got" = bca ] || { echo "by declared waits: ran $got, expected bca"; exit 1; }

mkdir prev
printf '{"scenarios":[{"dir":"a","durationMs":9000},{"dir":"b","durationMs":10},{"dir":"c","durationMs":500}]}\n' > prev/summary.json
"$LC" run --jobs 1 --durations prev --report second a.scn b.scn c.scn >out 2>err; [ $? -le 1 ] || { cat out err; exit 1; }
got=$(ended second)
[ "$got" = acb ] || { echo "by earlier durations: ran $got, expected acb"; exit 1; }

# A matrix (and so the mutation gate) runs all its columns in one pool:
# both columns' long scenario before either column's short one.
"$LC" matrix --jobs 1 --durations none --report m --holder "x=$HOLDER" --holder "y=$HOLDER" a.scn b.scn >out 2>err; [ $? -le 1 ] || { cat out err; exit 1; }
got=$(stat -c '%.9Y %n' m/*/*/history.jsonl | sort -n | sed 's:.*/\([xy]\)/\([a-z]\)/history.jsonl:\1\2:' | tr -d '\n')
[ "$got" = xbybxaya ] || { echo "matrix: ran $got, expected xbybxaya"; exit 1; }
