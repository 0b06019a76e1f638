# The `jitter` preload library (build/libjitter.so) on its own: it delays
# exactly the chosen calls on files inside its folder, through whichever
# symbol the language reaches them by (Python: open64, stat64, rename,
# unlink; Node: open64, __xstat64 or statx by syscall(2), rename, unlink,
# close by syscall(2)), and nothing outside the folder (an interpreter's
# start-up reads hundreds of files).
set -u
lib="$LOCKCHAOS_TOP/build/libjitter.so"
[ -f "$lib" ] || { echo "no $lib"; exit 1; }
mkdir -p inside
fail=0
# ctl CALLS_MASK MAX_US: a fresh control block (fixtures/common/jitterctl.h)
ctl() {
	python3 -c "import struct,sys; open('ctl','wb').write(struct.pack('<IIIIQQQQQ', 0x4a495452, $1, $2, 0, 42, 1, 0, 0, 0))"
}
# counts: matched delayed slept_us
counts() {
	python3 -c "import struct; v=struct.unpack('<IIIIQQQQQ', open('ctl','rb').read()); print(v[6], v[7], v[8])"
}
export LOCKCHAOS_JITTER_CTL="$PWD/ctl" LOCKCHAOS_JITTER_DIR="$PWD/inside"
# bits: open 0, rename 2, unlink 3, stat 9, close 16
for lang in python node; do
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
			command -v node >/dev/null || continue
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
python3 -c "open('ctl','wb').write(bytes(56))"
LD_PRELOAD="$lib" python3 -I -c "import os; os.stat('inside')"
set -- $(counts)
[ "$1" -eq 0 ] || { echo "off: matched $1 calls"; fail=1; }
exit $fail
