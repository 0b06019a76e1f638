# Commands queued past a pipe's worth to one holder (issue 11: 1,000
# deliver lines deadlocked): the harness wrote them with blocking write()
# while the holder blocked writing its events back, and both waited
# forever. Writes to holders are buffered and polled now: the reference
# holder takes all of them (400 lines of ~330 bytes, twice the 64 KiB a
# pipe holds), and the run ends. A deadlock runs to the 70 s deadline and
# fails it (two processes blocked in write() wait for no CPU, so nothing
# widens it); no wall bound beyond that, which a loaded machine stretches
# (at load 45 it took 20 s), only a kill at 900 s.
set -u
{
	echo "title a thousand messages in a row"
	echo "holder A"
	echo "lock timeoutMs=2s deadline=70s"
	i=0
	pad=padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding
	while [ $i -lt 400 ]; do
		echo "A deliver msg=m$i-$pad"
		i=$((i + 1))
	done
	echo "await A timeout=60s"
	echo "expect transcript s1 lines=400"
} >many.scn
start=$(date +%s)
timeout -s KILL 900 "$LC" run --report rep many.scn >run.out 2>&1
rc=$?
secs=$(($(date +%s) - start))
tail -n 5 run.out
echo "exit $rc after ${secs}s"
[ "$rc" -eq 0 ]
