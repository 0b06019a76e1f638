# The Python reference lock (fixtures/pylock) removes a judged stale file
# only if it is the same life of that file: the same inode, bytes, mtime
# and ctime. An inode number is reused: beside the soak a contender judged
# an empty file 2 s old, another contender removed it and created its own,
# empty, which got the same number, and the first one's reclaim took the
# new owner's lock (races/eight-contenders-stuck-holder, mutex). Here: an
# empty file past its grace is judged stale, its mtime is changed (same
# inode, same bytes: what a new file in the old inode looks like), and the
# reclaim must leave it; judged again, it is removed (red without the
# times in the compare).
set -u
fail() { echo "FAIL: $*"; exit 1; }
: > s.jsonl.lock
touch -d '-10 seconds' s.jsonl.lock
python3 -B - "$LOCKCHAOS_TOP/fixtures/pylock" "$PWD/s.jsonl.lock" <<'PY' || fail "see above"
import os, sys
sys.path.insert(0, sys.argv[1])
import pylock
path = sys.argv[2]
lk = pylock.PyLock(None)
info = lk.inspect(path, 300)
assert info.stale, "an empty file 10 s old was not judged stale: %s" % info.reason
os.utime(path, (1000, 1000))
r = lk.reclaim(path, info)
assert r == 0 and os.path.exists(path), "a touched file was reclaimed (%r)" % r
info = lk.inspect(path, 300)
assert info.stale, "judged again: not stale: %s" % info.reason
r = lk.reclaim(path, info)
assert r == 1 and not os.path.exists(path), "an unchanged stale file was not reclaimed (%r)" % r
print("ok")
PY
