# The `jitter` preload library (build/libjitter.so) on its own: it delays
# exactly the chosen calls on files inside its folder, through whichever
# symbol the language reaches them by (Python: open64, stat64, rename,
# unlink; Node: open64, __xstat64 or statx by syscall(2), rename, unlink,
# close by syscall(2)), and nothing outside the folder (an interpreter's
# start-up reads hundreds of files).
#
# Sourced by tests/t/jitter-preload-python.sh and -node.sh with JITTER_LANG
# set, so that the two languages run side by side. The control block is
# written and read by the shell (printf, od), not by a Python process per
# call kind: under make soak's stressors a bare python3 start took 14 s of
# wall (0.9 s of CPU), and the 21 helper starts made this test 197 s.
set -u
lib="$LOCKCHAOS_TOP/build/libjitter.so"
[ -f "$lib" ] || { echo "no $lib"; exit 1; }
mkdir -p inside
fail=0
# le BYTES VALUE: VALUE as BYTES bytes, least significant first
le() {
	n=$2 i=0
	while [ $i -lt "$1" ]; do
		printf "\\$(printf %03o $((n & 255)))"
		n=$((n >> 8)) i=$((i + 1))
	done
}
# ctl CALLS_MASK MAX_US: a fresh control block (fixtures/common/jitterctl.h:
# magic, calls, max_us, pad, seed, gen; then the counters matched, delayed,
# slept_us), as the little-endian machines this runs on lay it out
ctl() {
	{ le 4 $((0x4a495452)); le 4 "$1"; le 4 "$2"; le 4 0; le 8 42; le 8 1
	  le 8 0; le 8 0; le 8 0; } >ctl
}
# counts: matched delayed slept_us
counts() {
	od -A n -t u8 -j 32 -N 24 ctl
}
export LOCKCHAOS_JITTER_CTL="$PWD/ctl" LOCKCHAOS_JITTER_DIR="$PWD/inside"
# bits: open 0, rename 2, unlink 3, stat 9, close 16
for lang in $JITTER_LANG; do
	for call in 0:open 2:rename 3:unlink 9:stat 16:close; do
		bit=${call%%:*} name=${call#*:}
		ctl $((1 << bit)) 2000
		if [ $lang = python ]; then
			LD_PRELOAD="$lib" python3 -I -c "
import os
for i in range(5):
    p = 'inside/f%d' % i
    fd = os.open(p, os.O_CREAT | os.O_WRONLY, 0o644); os.close(fd)
    os.stat(p); os.rename(p, p + '.x'); os.unlink(p + '.x')
    os.stat('/etc/hostname')
" || { echo "$lang: the script failed under the library"; fail=1; }
		else
			command -v node >/dev/null || { echo "node: not installed, skipped"; continue; }
			LD_PRELOAD="$lib" node -e "
const fs = require('fs');
for (let i = 0; i < 5; i++) {
  const p = 'inside/f' + i;
  fs.closeSync(fs.openSync(p, 'w'));
  fs.statSync(p); fs.renameSync(p, p + '.x'); fs.unlinkSync(p + '.x');
  fs.statSync('/etc/hostname');
}" || { echo "$lang: the script failed under the library"; fail=1; }
		fi
		set -- $(counts)
		# five calls of each kind on files inside; none outside
		[ "$1" -eq 5 ] || { echo "$lang $name: matched $1 calls, expected 5"; fail=1; }
		[ "$2" -ge 1 ] && [ "$3" -ge 1 ] ||
			{ echo "$lang $name: nothing slept (delayed $2, $3 us)"; fail=1; }
	done
done
# Off (no magic): nothing counted, nothing slept.
head -c 56 /dev/zero >ctl
LD_PRELOAD="$lib" python3 -I -c "import os; os.stat('inside')"
set -- $(counts)
[ "$1" -eq 0 ] || { echo "off: matched $1 calls"; fail=1; }
exit $fail
