#!/usr/bin/python3
"""A toy lock on the holder kit: the smallest lock that passes the catalog.

Copy it and change `create`, `judge` and `remove` to your lock's ways. Each
rule of docs/holder-protocol.md#what-the-catalog-expects-of-a-lock that the
lock obeys is named where it does so (L1 ... L10):

- the lock file `<session>.jsonl.lock` is created with O_CREAT|O_EXCL and its
  payload {"pid","createdAt","maxHoldMs","starttime"} written through the
  same descriptor, with "pidNs", "bootId" and "bootMs" (where the pid means
  something, and an age no wall clock touches); then the path is looked at
  again, and a file that is not ours any more is judged again, never
  `acquired`;
- a lock found in the way is judged: an empty or unparsable one (a pid out
  of 1..4194304 included) is stale once its mtime is older than graceMs; a
  dead, zombie or recycled owner's lock at once; a live owner's once older
  than its own maxHoldMs, the age taken from bootMs on the same boot, else
  from createdAt, or from the mtime when createdAt is missing, unparsable
  or in the future; a lock of another PID namespace or boot by that age
  alone; anything that is not a regular file is never opened through,
  followed or deleted;
- a stale lock is removed only if unchanged (same inode, same bytes) under
  a flock(2) on `<lock>.guard`, and the removal is logged at WARN;
- before every transcript write, and at release, the file must still be the
  one we created with our pid in it (fencing); else nothing is written or
  removed.

It has no lanes and no watchdog: scenarios that need them are n/a.

    lockchaos check-holder 'python3 kits/python/example_toylock.py'
    lockchaos run --holder 'python3 kits/python/example_toylock.py' scenarios/
"""

import calendar
import errno
import fcntl
import json
import os
import re
import stat
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lockchaos_holder import (Lock, LockError, STILL_HELD, boot_id, boot_ms,  # noqa: E402
                              now_us, pid_ns, run)

PAYLOAD_MAX = 64 * 1024      # a bigger lock file is unparsable (L5), never slurped
PID_MAX = 4194304            # Linux PID_MAX_LIMIT (L6)
ISO = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z$")


def wall_ms():
    return int(time.time() * 1000)


def iso_now():
    """Now as createdAt, to the millisecond: a createdAt cut to the second
    makes a fresh lock look up to 999 ms old, past a short maxHoldMs (L3)."""
    ms = wall_ms()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


def iso_ms(s):
    """'2026-11-22T10:00:00.000Z' -> ms since the epoch, or None."""
    m = ISO.match(s) if isinstance(s, str) else None
    if not m:
        return None
    try:
        secs = calendar.timegm(tuple(int(x) for x in m.groups()[:6]) + (0, 0, 0))
    except (OverflowError, ValueError):
        return None
    return secs * 1000 + int((m.group(7) or "0")[:3].ljust(3, "0"))


def whole(v, lo, hi):
    """v when it is a whole number in [lo, hi], else None."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return v if isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi else None


# Where our pid means something (L2): our PID namespace's inode and this
# boot's id (0 / "" when unreadable: then nothing is written or compared).
PID_NS, BOOT_ID = pid_ns(), boot_id()


def starttime(pid):
    """(field 22 of /proc/<pid>/stat, state letter); raises OSError."""
    with open("/proc/%d/stat" % pid, "rb") as f:
        rest = f.read().rsplit(b")", 1)[1].split()
    return int(rest[19]), rest[0].decode()


class Seen:
    """What a contender found at the lock path."""

    def __init__(self, st, data):
        self.st, self.data = st, data
        self.stale, self.why, self.pid, self.age_ms = False, "live", 0, 0


class ToyLock(Lock):
    impl = "toylock"
    version = "0.2"
    caps = ["timeout", "maxHoldMs", "fencing", "pidPayload"]   # no lanes: one thread runs every command
    na = {"lanes": "the toy keeps no per-lane state",
          "watchdog": "the toy never lets go by itself",
          "failpoints": "no libfiu failpoints"}

    def __init__(self, ctx):
        super().__init__(ctx)
        self.held = {}                   # lock path -> [count, dev, ino]

    # ---- taking ---------------------------------------------------------
    def create(self, hold):
        """True when the file is now ours, False when it exists (L1)."""
        try:
            fd = os.open(hold.lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY |
                         os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except FileExistsError:
            return False
        except OSError as e:
            raise LockError("io", "cannot create '%s': %s" % (hold.lock_path, e.strerror))
        try:
            me = os.getpid()
            payload = {"pid": me, "createdAt": iso_now(),
                       "maxHoldMs": hold.max_hold_ms, "starttime": starttime(me)[0]}
            if PID_NS:
                payload["pidNs"] = PID_NS                          # L2
            if BOOT_ID:
                payload.update(bootId=BOOT_ID, bootMs=boot_ms())   # L4
            os.write(fd, json.dumps(payload).encode())
            os.fsync(fd)
            st = os.fstat(fd)
        except OSError as e:
            os.unlink(hold.lock_path)
            raise LockError("io", "cannot write '%s': %s" % (hold.lock_path, e.strerror))
        finally:
            os.close(fd)
        # L1: still our file? While we wrote (a freeze, a slow fsync) it may
        # have been reclaimed and someone else's made: saying `acquired`
        # then makes two owners. Not ours: judge the path again.
        try:
            now = os.lstat(hold.lock_path)
        except FileNotFoundError:
            now = None
        except OSError as e:
            raise LockError("io", "cannot stat '%s': %s" % (hold.lock_path, e.strerror))
        if now is None or (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
            self.ctx.log("WARN", "lock '%s' was removed or replaced between its create "
                         "and its acquired: not ours, judging it again" % hold.lock_path)
            return False
        self.held[hold.lock_path] = [1, st.st_dev, st.st_ino]
        return True

    def look(self, path):
        """Seen, or None when nothing is there. Never follows a symlink nor
        blocks on a fifo; reads at most PAYLOAD_MAX + 1 bytes (L7, L5)."""
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return None
        if not stat.S_ISREG(st.st_mode):
            seen = Seen(st, b"")
            seen.why = "not-regular"
            return seen
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError as e:
            if e.errno in (errno.ENOENT, errno.ELOOP, errno.ENXIO):
                return None              # gone or replaced meanwhile: look again
            raise
        try:
            if (os.fstat(fd).st_ino, os.fstat(fd).st_dev) != (st.st_ino, st.st_dev):
                return None
            data = os.read(fd, PAYLOAD_MAX + 1)
        finally:
            os.close(fd)
        return Seen(st, data)

    def judge(self, seen, grace_ms):
        """Sets seen.stale and seen.why (L2 ... L6)."""
        now = wall_ms()
        mtime_age = now - int(seen.st.st_mtime * 1000)
        p = None
        try:
            p = json.loads(seen.data) if 0 < len(seen.data) <= PAYLOAD_MAX else None
        except ValueError:
            pass
        pid = whole(p.get("pid"), 1, PID_MAX) if isinstance(p, dict) else None
        max_hold = p.get("maxHoldMs", -1) if pid else None
        max_hold = whole(-1 if max_hold is None else max_hold, -1, 2 ** 53)
        if pid is None or max_hold is None:
            # L5: a creator writes its payload right after O_EXCL; until
            # graceMs by the mtime an empty or bad file may be one being born
            seen.stale = mtime_age > grace_ms
            seen.why = ("empty" if not seen.data else "unparsable") + \
                ("-past-grace" if seen.stale else "-in-grace")
            seen.age_ms = mtime_age
            return
        seen.pid = pid
        created = iso_ms(p.get("createdAt"))
        boot = whole(p.get("bootMs"), 0, 2 ** 53)
        if BOOT_ID and p.get("bootId") == BOOT_ID and boot is not None:
            # L4: made on this boot, its age is the boot clock's, whatever
            # any wall clock says (stepped, skewed)
            bnow = boot_ms()
            seen.age_ms = bnow - boot if boot <= bnow else mtime_age
        else:
            # L4: a createdAt that is missing, bad or in the future is no age
            seen.age_ms = now - created if created is not None and created <= now else mtime_age
        foreign = (isinstance(p.get("bootId"), str) and BOOT_ID and p["bootId"] != BOOT_ID) or \
            (whole(p.get("pidNs"), 1, 2 ** 53) is not None and PID_NS and p["pidNs"] != PID_NS)
        # L2: another container's pid 7 is not our pid 7: its age against
        # its own maxHoldMs is all we can judge
        seen.why = None if foreign else self.gone(pid, p.get("starttime"))
        if foreign and not 0 <= max_hold < seen.age_ms:
            seen.why = "other-namespace"
        elif seen.why:
            seen.stale = True                                   # L2
        elif 0 <= max_hold < seen.age_ms:
            seen.stale, seen.why = True, "hold-exceeded"        # L3
        else:
            seen.why = "live"

    def gone(self, pid, start):
        """Why the owner `pid` is gone, or None when it lives (L2)."""
        if pid == os.getpid():
            return "orphan-self"         # ours but not in self.held: a leftover
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return "dead-pid"
        except PermissionError:
            pass
        try:
            now_start, state = starttime(pid)
        except (OSError, ValueError, IndexError):
            return "dead-pid" if not os.path.exists("/proc/%d" % pid) else None
        if state in ("Z", "X"):
            return "zombie"
        if isinstance(start, int) and start != now_start:
            return "recycled-pid"
        return None

    def remove(self, path, st, data, hold=None):
        """Unlinks `path` only if it is still inode `st` holding `data`
        (remove-if-unchanged, L8), under a flock(2) on `<lock>.guard` that
        every remover takes: True when removed."""
        g = os.open(path + ".guard", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(g, fcntl.LOCK_EX)
            now = self.look(path)
            if now is None or (now.st.st_dev, now.st.st_ino) != (st.st_dev, st.st_ino) or \
                    (data is not None and now.data != data):
                return False
            if hold is not None:
                hold.removed_us = now_us()
            os.unlink(path)
            return True
        finally:
            os.close(g)

    def acquire(self, hold):
        mine = self.held.get(hold.lock_path)
        if mine:                          # reentrant: same process, same lane
            if self.ours(hold.lock_path) is None:   # L11: not a lost hold
                raise LockError("lock-lost", "lock '%s' was taken over or removed: not "
                                "re-entered" % hold.lock_path)
            mine[0] += 1
            hold.reentrant = True
            return
        end, owner, warned = hold.deadline(), "unknown", False
        while True:
            if self.create(hold):
                return
            hold.reclaimed = None
            seen = self.look(hold.lock_path)
            if seen is None:
                continue                  # released meanwhile: create at once
            if seen.why == "not-regular":
                if not warned:            # L7: never followed nor deleted
                    warned = True
                    self.ctx.log("WARN", "refusing to reclaim '%s': not-regular; it is never "
                                 "followed or deleted, so this acquire will time out"
                                 % hold.lock_path)
            else:
                self.judge(seen, hold.grace_ms)
                owner = str(seen.pid) if seen.pid else "unknown"
                if seen.stale and self.remove(hold.lock_path, seen.st, seen.data):
                    # L9: every reclaim says why, at WARN
                    self.ctx.log("WARN", "reclaimed stale lock '%s': %s (pid=%d, age %d ms)"
                                 % (hold.lock_path, seen.why, seen.pid, seen.age_ms))
                    hold.reclaimed = seen.why
                    if self.create(hold):
                        return
                    hold.reclaimed = None
            if end is not None and time.monotonic() >= end:
                raise LockError("timeout", "session file locked (timeout %dms): pid=%s %s"
                                % (hold.timeout_ms, owner, hold.lock_path))
            time.sleep(hold.poll_ms / 1000.0)

    # ---- holding ---------------------------------------------------------
    def ours(self, path):
        """The Seen of `path` when it is still the file we created, with our
        pid in it; else None."""
        mine = self.held.get(path)
        seen = self.look(path) if mine else None
        if seen is None or seen.why == "not-regular" or \
                (seen.st.st_dev, seen.st.st_ino) != (mine[1], mine[2]):
            return None
        try:
            return seen if json.loads(seen.data).get("pid") == os.getpid() else None
        except (ValueError, AttributeError):
            return None

    def still_owner(self, hold):
        """Fencing (L11): the kit asks before every transcript write."""
        return self.ours(hold.lock_path) is not None

    # ---- letting go -----------------------------------------------------
    def release(self, hold):
        mine = self.held.get(hold.lock_path)
        if not mine:
            raise LockError("other", "'%s' is not held" % hold.lock_path)
        mine[0] -= 1
        if mine[0] > 0:
            return STILL_HELD
        seen = self.ours(hold.lock_path)
        st = os.stat_result((0, mine[2], mine[1]) + (0,) * 7)   # st_ino, st_dev
        del self.held[hold.lock_path]
        # L10: remove only our own file, and only if it is still ours
        if seen is None or not self.remove(hold.lock_path, st, seen.data, hold):
            self.ctx.log("WARN", "lock '%s' is no longer ours (taken over or removed): "
                         "leaving it to its new owner" % hold.lock_path)
            return "lock-lost"
        return None


if __name__ == "__main__":
    run(ToyLock)
