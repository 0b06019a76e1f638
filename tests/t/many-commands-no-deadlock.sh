# Commands queued past a pipe's worth to one holder (issue 11: 1,000
# deliver lines deadlocked): the harness wrote them with blocking write()
# while the holder blocked writing its events back, and both waited
# forever. Writes to holders are buffered and polled now: the reference
# holder takes all of them (400 lines of ~330 bytes, twice the 64 KiB a
# pipe holds), and the run ends. The bound is loose: a loaded machine.
set -u
{
	echo "title a thousand messages in a row"
	echo "holder A"
	echo "lock timeoutMs=2s deadline=20s"
	i=0
	pad=padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding
	while [ $i -lt 400 ]; do
		echo "A deliver msg=m$i-$pad"
		i=$((i + 1))
	done
	echo "await A timeout=15s"
	echo "expect transcript s1 lines=400"
} >many.scn
start=$(date +%s)
timeout -s KILL 90 "$LC" run --report rep many.scn >run.out 2>&1
rc=$?
secs=$(($(date +%s) - start))
tail -n 5 run.out
echo "exit $rc after ${secs}s"
[ "$rc" -eq 0 ] && [ "$secs" -lt 80 ]
