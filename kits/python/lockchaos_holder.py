"""lockchaos_holder: a holder kit for the lockchaos holder protocol, version 1.

Standard library only (Python 3.9+). The kit speaks the protocol of
docs/holder-protocol.md: it writes `hello`, reads commands from stdin,
validates them, runs lanes, deliver, turn, spin, exit and the end of input,
writes transcript lines and reports every outcome as an event. A lock author
writes only the lock mapping:

    from lockchaos_holder import Lock, LockError, run

    class MyLock(Lock):
        impl, version = "mylock", "1.0"
        caps = ["timeout"]                 # besides the kit's own (below)
        na = {"maxHoldMs": "why not", ...} # why each missing cap is missing

        def acquire(self, hold):           # block until held, or raise LockError
            ...; hold.reclaimed = "dead-pid"   # when it took a stale lock over
        def release(self, hold):           # None: the lock is gone
            ...                            # STILL_HELD: an outer hold remains
        def append(self, hold, line):      # optional: fencing, then the write
            ...
        def sweep(self):                   # optional: every sweep_ms (watchdog)
            ...; self.ctx.lost(hold, "watchdog")
        def clean(self, folder, grace_ms): # optional: the `sweep` operation
            yield {"session": "s1", "verdict": "removed", "reason": "dead-pid"}

    run(MyLock)

The kit always offers `acquire release deliver turn spin`, and `sweep` (the
folder's cleanup pass a gateway runs at start-up or from a cron) when the
class defines clean(); `lanes` in `caps` makes each lane a thread of its own
(else one thread runs every command in arrival order). See
kits/python/README.md.
"""

import json
import os
import queue
import sys
import threading
import time

PROTO = 1
OPS = ("acquire", "release", "deliver", "turn", "spin", "exit", "sweep")
KIT_CAPS = ("acquire", "release", "deliver", "turn", "spin")
MS_MAX = 10 ** 12          # ~31 years: larger durations are typos
NAME_MAX = 200             # bytes of a session or lane name
ECHO_MAX = 200             # bytes of bad input echoed back in `error`
LINE_MAX = 1024 * 1024     # longer input lines are refused whole
ID_MAX = 2 ** 53
REASONS = ("timeout", "busy", "io", "lane-timeout", "lock-lost", "cleanup",
           "unsupported", "bad-request", "other")

# release() returns this when an outer (reentrant) hold keeps the lock.
STILL_HELD = object()


def now_us():
    """CLOCK_MONOTONIC in microseconds, as every event's `t`."""
    return time.monotonic_ns() // 1000


# ---- for a lock file in OpenClaw's format (the toy's, pylock's) ----------

def pid_ns():
    """The inode of our PID namespace, or 0: where our pid means something
    (two containers sharing a sessions volume both have a pid 7; rule L2)."""
    try:
        return os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return 0


def boot_id():
    """This boot's id (/proc/sys/kernel/random/boot_id), or ""."""
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            return f.read().strip()
    except OSError:
        return ""


def boot_ms():
    """CLOCK_BOOTTIME in ms: a lock's age for readers of the same boot, which
    no step, skew or drift of a wall clock touches (rule L4)."""
    return time.clock_gettime_ns(time.CLOCK_BOOTTIME) // 1000000


class LockError(Exception):
    """A lock operation failed; `reason` is one of the protocol's reasons."""

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason if reason in REASONS else "other"
        self.message = str(message)


class Hold:
    """One acquire by one lane, from the request to its release.

    Filled by the kit: id, op, session, lane, transcript, lock_path,
    timeout_ms, poll_ms, max_hold_ms, grace_ms (the command's, else the
    lock's `defaults`), opts (the scenario's `opt.KEY=VALUE`: a dict whose
    keys are all in the lock's `options`), cmd (the command as sent, for
    extra fields).
    Set by the lock's acquire(): reclaimed (why it removed someone else's
    lock, or None), reentrant (bool), info (extra fields for `acquired`),
    and any state of its own. removed_us: when the lock file went (stamps
    `released`). done: why the hold ended, once it did.
    """

    def __init__(self, cmd, ctx, defaults):
        self.cmd = cmd
        self.id = cmd["id"]
        self.op = cmd["op"]
        self.session = cmd["session"]
        self.lane = cmd.get("lane") or "main"
        self.transcript = os.path.join(ctx.dir, self.session + ".jsonl")
        self.lock_path = self.transcript + ".lock"
        self.timeout_ms = _field(cmd, "timeoutMs", defaults)
        self.poll_ms = _field(cmd, "pollMs", defaults)
        self.max_hold_ms = _field(cmd, "maxHoldMs", defaults)
        self.grace_ms = _field(cmd, "graceMs", defaults)
        self.opts = dict(cmd.get("opts") or {})
        self.reclaimed = None
        self.reentrant = False
        self.info = {}
        self.removed_us = 0
        self.done = None
        self.why = "release"    # set by the kit before release(): release, lane-timeout, cleanup
        self._t0 = time.monotonic()

    def deadline(self):
        """time.monotonic() by which an acquire must give up (None: never)."""
        if self.timeout_ms is None:
            return None
        return self._t0 + self.timeout_ms / 1000.0


def _field(cmd, key, defaults):
    v = cmd.get(key)
    return defaults.get(key) if v is None else v


class Lock:
    """Base class of a lock mapping: override acquire and release."""

    impl = "unnamed"
    version = "0"
    caps = []          # e.g. ["lanes", "timeout", "maxHoldMs", "watchdog", "fencing"]
    na = {}            # {"cap": "why the lock cannot do it"}
    options = []       # the `opt.KEY` names the lock honours (hello "opts");
                       # their values arrive in hold.opts, any other is
                       # refused `unsupported` by the kit
    notes = {}         # free-form facts for hello
    lock_file = None   # "kept": a kernel lock (flock, lockf) on a file that
                       # stays after release (hello "lockFile")
    defaults = {"timeoutMs": 10000, "pollMs": 50, "maxHoldMs": 1020000,
                "graceMs": 5000}
    sweep_ms = 50      # how often sweep() runs, when the class defines one
    capture_logging = None  # e.g. "INFO": the lock's `logging` records at that
                            # level and above become `log` events (src "impl")

    def __init__(self, ctx):
        self.ctx = ctx

    def acquire(self, hold):
        raise LockError("unsupported", "acquire is not implemented")

    def release(self, hold):
        raise LockError("unsupported", "release is not implemented")

    def still_owner(self, hold):
        """Fencing: may `hold` still write? The default trusts the hold."""
        return True

    def sweep(self):
        """Runs every sweep_ms on a thread of its own when a subclass
        overrides it (a watchdog): report what it let go with ctx.lost()."""

    def clean(self, folder, grace_ms):
        """The `sweep` operation, when a subclass overrides it: the cleanup
        pass over every lock file of `folder`, judged as an acquire judges
        (graceMs for empty or unparsable files), removing only stale ones.
        Yields (or returns) one dict per lock file: "session", "verdict"
        ("removed" or "kept"), "reason", and "pid" when known; log a WARN
        for every removal (ctx.log). Raise LockError to fail the sweep."""
        raise LockError("unsupported", "this lock has no cleanup pass")

    def append(self, hold, line):
        """Writes one transcript line (bytes ending in a newline) for
        `hold`: refuses with reason lock-lost when the lock is no longer
        ours, then appends all-or-nothing (append_line)."""
        if not self.still_owner(hold):
            raise LockError("lock-lost", "lock '%s' was taken over or removed: "
                            "nothing written" % hold.lock_path)
        append_line(hold.transcript, line)


def append_line(path, line):
    """Appends `line` (bytes, one JSON line with its newline) to `path`
    with O_APPEND in one write, then fsync. A transcript whose last line was
    torn by a crash gets a newline first, so the new line lands whole. All
    or nothing: when the write or the sync fails, the file is cut back to
    its size before and LockError("io") is raised."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as e:
        raise LockError("io", "cannot open '%s': %s" % (path, e.strerror))
    before = -1
    try:
        before = os.fstat(fd).st_size
        if before > 0 and os.pread(fd, 1, before - 1) != b"\n":
            line = b"\n" + line
        done = 0
        while done < len(line):
            done += os.write(fd, line[done:])
        os.fsync(fd)
    except OSError as e:
        undone = ""
        if before >= 0:
            try:
                os.ftruncate(fd, before)
                undone = "; the partial line was removed"
            except OSError as e2:
                undone = "; could not remove the partial line: %s" % e2.strerror
        raise LockError("io", "cannot write '%s': %s%s" % (path, e.strerror, undone))
    finally:
        os.close(fd)


def _cut(b, n=ECHO_MAX):
    if isinstance(b, str):
        b = b.encode("utf-8", "surrogateescape")
    return b[:n].decode("utf-8", "ignore")


def _is_int(v, lo, hi):
    if isinstance(v, bool):
        return False
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return isinstance(v, int) and lo <= v <= hi


# ---- the holder ----------------------------------------------------------

class _Ctx:
    """What the lock sees of the kit (self.ctx): dir, holder, pid, log(),
    lost(), emit(), now_us()."""

    def __init__(self, holder):
        self._h = holder
        self.dir = holder.dir
        self.holder = holder.name
        self.pid = os.getpid()
        self.now_us = now_us

    def log(self, level, msg, **extra):
        """A `log` event: level DEBUG, INFO, WARN or ERROR."""
        self._h.emit("log", level=level, msg=str(msg), **extra)

    def lost(self, hold, why):
        """The lock let go of `hold` on its own (why: watchdog, lock-lost):
        reports `released`; a later release of that hold answers ok."""
        self._h.lost(hold, why)

    def emit(self, ev, **fields):
        self._h.emit(ev, **fields)


class _Holder:
    def __init__(self, lock_cls):
        self.dir = os.environ.get("LOCKCHAOS_DIR") or os.getcwd()
        self.name = os.environ.get("LOCKCHAOS_HOLDER") or "h%d" % os.getpid()
        self.out_lock = threading.Lock()
        self.state = threading.Lock()   # guards holds
        self.holds = {}                 # (lane, session) -> [Hold]
        self.ctx = _Ctx(self)
        try:
            self.lock = lock_cls(self.ctx)
        except Exception as e:  # e.g. the library is not installed
            sys.stderr.write("%s: cannot load %s: %r\n" % (os.path.basename(sys.argv[0]),
                                                          lock_cls.impl, e))
            sys.exit(70)
        self.caps = list(KIT_CAPS) + [c for c in lock_cls.caps if c not in KIT_CAPS]
        if lock_cls.clean is not Lock.clean and "sweep" not in self.caps:
            self.caps.append("sweep")
        self.lanes_on = "lanes" in self.caps
        self.lanes = {}                 # lane name -> (queue, thread)

    # -- output --
    def emit(self, ev, t=None, **fields):
        obj = {"ev": ev}
        obj.update(fields)
        obj["t"] = t if t else now_us()
        data = (json.dumps(obj, separators=(",", ":")) + "\n").encode("utf-8")
        with self.out_lock:
            try:
                _write_all(1, data)
            except OSError:
                os._exit(0)  # the harness is gone: nobody to report to

    def fail(self, cmd, reason, error, **extra):
        self.emit("fail", id=cmd["id"], reason=reason, error=str(error), **extra)

    def refused(self, cmd, reason, error):
        """A refused message: the WARN the visibility checker looks for."""
        self.ctx.log("WARN", "message '%s' (id %s, lane '%s') refused: %s: %s"
                     % (cmd["msg"], cmd["id"], cmd.get("lane") or "main", reason, error))

    # -- holds --
    def remember(self, hold):
        with self.state:
            self.holds.setdefault((hold.lane, hold.session), []).append(hold)

    def forget(self, hold):
        with self.state:
            stack = self.holds.get((hold.lane, hold.session), [])
            if hold in stack:
                stack.remove(hold)
            if not stack:
                self.holds.pop((hold.lane, hold.session), None)

    def last_hold(self, lane, session):
        with self.state:
            stack = self.holds.get((lane, session))
            return stack[-1] if stack else None

    def lost(self, hold, why):
        with self.state:
            if hold.done:
                return
            hold.done = why
        self.emit("released", t=hold.removed_us or None, session=hold.session,
                  lane=hold.lane, why=why, id=hold.id)

    # -- lock calls --
    def do_acquire(self, cmd, timeout_ms=None):
        hold = Hold(cmd, self.ctx, self.lock.defaults)
        if timeout_ms is not None:
            hold.timeout_ms = timeout_ms
        hold._t0 = time.monotonic()
        self.lock.acquire(hold)
        self.remember(hold)
        ev = {"session": hold.session, "lane": hold.lane, "id": hold.id,
              "reentrant": bool(hold.reentrant)}
        if hold.reclaimed:
            ev["reclaimed"] = hold.reclaimed
        ev.update(hold.info or {})
        self.emit("acquired", **ev)
        return hold

    def do_release(self, hold, why="release"):
        """Releases `hold`; emits `released` when the lock went. Returns
        None, or the error text when the release failed."""
        self.forget(hold)
        with self.state:
            if hold.done:
                return None
            hold.done = why
        hold.why = why
        try:
            r = self.lock.release(hold)
        except LockError as e:
            self.ctx.log("ERROR", "release of '%s' failed: %s" % (hold.lock_path, e.message))
            return e.message
        if r is STILL_HELD:
            return None
        self.emit("released", t=hold.removed_us or None, session=hold.session,
                  lane=hold.lane, why=r if isinstance(r, str) else why, id=hold.id)
        return None

    def do_append(self, cmd, hold):
        line = json.dumps({"msg": cmd["msg"], "holder": self.name, "pid": os.getpid(),
                           "lane": hold.lane, "t": now_us()}, separators=(",", ":"))
        if hold.done:
            raise LockError("lock-lost", "the hold on '%s' ended (%s) before the write: "
                            "nothing written" % (hold.lock_path, hold.done))
        self.lock.append(hold, (line + "\n").encode("utf-8"))
        self.emit("appended", session=cmd["session"], msg=cmd["msg"], id=cmd["id"],
                  lane=hold.lane)

    # -- commands --
    def op_acquire(self, cmd):
        try:
            self.do_acquire(cmd)
        except LockError as e:
            self.ctx.log("WARN", "acquire id %s: %s" % (cmd["id"], e.message))
            self.fail(cmd, e.reason, e.message)
            return
        self.emit("ok", id=cmd["id"])

    def op_release(self, cmd):
        lane = cmd.get("lane") or "main"
        hold = self.last_hold(lane, cmd["session"])
        if hold is None:
            self.fail(cmd, "other", "lane '%s' holds no lock on '%s'" % (lane, cmd["session"]))
            return
        already = hold.done
        err = self.do_release(hold)
        if err:
            self.fail(cmd, "io", err)
        elif already:
            self.emit("ok", id=cmd["id"], already=already)
        else:
            self.emit("ok", id=cmd["id"])

    def op_deliver(self, cmd):
        try:
            hold = self.do_acquire(cmd)
        except LockError as e:
            self.refused(cmd, e.reason, e.message)
            self.fail(cmd, e.reason, e.message, msg=cmd["msg"])
            return
        bad = None
        try:
            self.do_append(cmd, hold)
        except LockError as e:
            bad = e
        err = self.do_release(hold)
        if bad:
            self.refused(cmd, bad.reason, bad.message)
            self.fail(cmd, bad.reason, bad.message, msg=cmd["msg"])
        elif err:
            self.emit("ok", id=cmd["id"], msg=cmd["msg"], releaseError=err)
        else:
            self.emit("ok", id=cmd["id"], msg=cmd["msg"])

    def op_turn(self, cmd):
        start = time.monotonic()
        lane_to = cmd.get("laneTimeoutMs")
        lane_end = None if lane_to is None else start + lane_to / 1000.0
        msg = cmd.get("msg")
        extra = {"msg": msg} if msg is not None else {}

        def lane_timeout(holding):
            err = "lane '%s' timed out after %d ms (laneTimeoutMs %d)%s" % (
                cmd.get("lane") or "main", (time.monotonic() - start) * 1000, lane_to,
                "" if holding else " while waiting for the lock")
            self.ctx.log("WARN", err)
            if msg is not None:
                self.refused(cmd, "lane-timeout", err)
            self.fail(cmd, "lane-timeout", err, **extra)

        timeout = None
        if lane_end is not None:
            full = _field(cmd, "timeoutMs", self.lock.defaults)
            timeout = lane_to if full is None else min(full, lane_to)
        try:
            hold = self.do_acquire(cmd, timeout)
        except LockError as e:
            if lane_end is not None and time.monotonic() >= lane_end - 0.001:
                lane_timeout(False)
                return
            if msg is not None:
                self.refused(cmd, e.reason, e.message)
            self.fail(cmd, e.reason, e.message, **extra)
            return
        hold_end = time.monotonic() + (cmd.get("holdMs") or 0) / 1000.0
        while True:
            t = time.monotonic()
            if lane_end is not None and t >= lane_end:
                err = self.do_release(hold, "lane-timeout")
                if err:
                    self.ctx.log("ERROR", "lane-timeout release failed: %s" % err)
                lane_timeout(True)
                return
            if t >= hold_end:
                break
            time.sleep(min(hold_end, lane_end or hold_end) - t)
        if hold.done:
            err = "the lock on '%s' was let go during the turn (%s)" % (hold.lock_path, hold.done)
            self.forget(hold)
            if msg is not None:
                self.refused(cmd, "lock-lost", err)
            self.fail(cmd, "lock-lost", err, **extra)
            return
        bad = None
        if msg is not None:
            try:
                self.do_append(cmd, hold)
            except LockError as e:
                bad = e
        err = self.do_release(hold)
        if bad:
            self.refused(cmd, bad.reason, bad.message)
            self.fail(cmd, bad.reason, bad.message, **extra)
        elif err:
            self.fail(cmd, "io", err, **extra)
        else:
            self.emit("ok", id=cmd["id"], **extra)

    def op_sweep(self, cmd):
        grace = _field(cmd, "graceMs", self.lock.defaults)
        try:
            for v in self.lock.clean(self.dir, grace) or ():
                ev = {"id": cmd["id"], "session": v["session"],
                      "verdict": v["verdict"], "reason": v.get("reason")}
                if v.get("pid"):
                    ev["pid"] = v["pid"]
                self.emit("swept", **ev)
        except LockError as bad:
            self.fail(cmd, bad.reason, bad.message)
            return
        self.emit("ok", id=cmd["id"])

    def run_cmd(self, cmd):
        try:
            getattr(self, "op_" + cmd["op"])(cmd)
        except Exception as e:  # a bug in the lock or the kit: one outcome anyway
            self.ctx.log("ERROR", "internal error on %s id %s: %r" % (cmd["op"], cmd["id"], e))
            self.fail(cmd, "other", "internal error: %r" % (e,))

    # -- lanes --
    def lane_worker(self, q):
        while True:
            cmd = q.get()
            if cmd is None:
                return
            self.run_cmd(cmd)

    def enqueue(self, cmd):
        name = (cmd.get("lane") or "main") if self.lanes_on else "*"
        if name not in self.lanes:
            q = queue.Queue()
            t = threading.Thread(target=self.lane_worker, args=(q,), name="lane " + name,
                                 daemon=True)
            self.lanes[name] = (q, t)
            t.start()
        self.lanes[name][0].put(cmd)

    def sweeper(self):
        while True:
            time.sleep(self.lock.sweep_ms / 1000.0)
            try:
                self.lock.sweep()
            except Exception as e:
                self.ctx.log("ERROR", "sweep failed: %r" % (e,))

    # -- input --
    def bad_input(self, error, raw, cmd_id=None):
        ev = {"error": error, "line": _cut(raw)}
        if cmd_id is not None:
            ev["id"] = cmd_id
        self.emit("error", **ev)
        if cmd_id is not None:  # it has an id: it also gets its one outcome
            self.emit("fail", id=cmd_id, reason="bad-request", error=error)

    def parse(self, raw):
        """The command in `raw` (bytes), validated, or None (error emitted)."""
        try:
            cmd = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            self.bad_input("not json: %s" % e, raw)
            return None
        if not isinstance(cmd, dict):
            self.bad_input("not a json object", raw)
            return None
        cid = cmd.get("id")
        cid = int(cid) if _is_int(cid, -ID_MAX, ID_MAX) else None
        op = cmd.get("op")
        if not isinstance(op, str) or op not in OPS:
            self.bad_input("unknown op '%.64s'" % op if isinstance(op, str)
                           else "field 'op' must be a string", raw, cid)
            return None
        if cid is None:
            self.bad_input("field 'id' must be an integer", raw)
            return None
        cmd["id"] = cid
        err = _validate(cmd)
        if err:
            self.bad_input(err, raw, cid)
            return None
        return cmd

    def handle(self, raw):
        cmd = self.parse(raw)
        if cmd is None:
            return
        unknown = [k for k in cmd.get("opts") or {} if k not in self.lock.options]
        if unknown:  # ignored, it would let a scenario pass without it
            self.emit("fail", id=cmd["id"], reason="unsupported",
                      error="option '%s' is not one %s has" % (unknown[0], self.lock.impl))
            return
        if cmd["op"] == "exit":
            # releases nothing: the lock files stay, as after a crash
            with self.out_lock:
                os._exit(int(cmd.get("code") or 0))
        if cmd["op"] == "spin":
            spin(cmd.get("ms") or 0)
            self.emit("ok", id=cmd["id"])
            return
        self.enqueue(cmd)

    def end_of_input(self):
        for q, _ in self.lanes.values():
            q.put(None)
        for _, t in self.lanes.values():
            t.join()
        # what explicit acquires still hold: an exit hook releasing it
        with self.state:
            left = [h for stack in self.holds.values() for h in reversed(stack)]
        for hold in left:
            self.do_release(hold, "cleanup")

    def hello(self):
        lk = self.lock  # instance attributes may override the class's
        ev = {"proto": PROTO, "impl": lk.impl, "version": lk.version, "bug": None,
              "pid": os.getpid(), "caps": self.caps}
        na = {k: v for k, v in lk.na.items() if k not in self.caps}
        if na:
            ev["na"] = na
        if lk.notes:
            ev["notes"] = lk.notes
        if lk.lock_file:
            ev["lockFile"] = lk.lock_file
        if lk.options:
            ev["opts"] = list(lk.options)
        self.emit("hello", **ev)

    def capture_logging(self, level):
        """Routes the root logger's records (the library's own log lines)
        into `log` events with src "impl", as they happen."""
        import logging
        holder = self
        names = {"WARNING": "WARN", "CRITICAL": "ERROR"}

        class ToEvents(logging.Handler):
            def emit(self, record):
                try:
                    msg = record.getMessage()
                    if record.exc_info and record.exc_info[1] is not None:
                        msg += ": %r" % (record.exc_info[1],)
                except Exception:  # a bad format string in the library
                    msg = str(record.msg)
                holder.emit("log", level=names.get(record.levelname, record.levelname),
                            msg=msg, src="impl", logger=record.name)

        root = logging.getLogger()
        root.addHandler(ToEvents())
        root.setLevel(getattr(logging, level))

    def main(self):
        if type(self.lock).capture_logging:
            self.capture_logging(type(self.lock).capture_logging)
        self.hello()
        if type(self.lock).sweep is not Lock.sweep:
            threading.Thread(target=self.sweeper, name="sweep", daemon=True).start()
        stdin = sys.stdin.buffer
        while True:
            raw = stdin.readline(LINE_MAX + 1)
            if not raw:
                break
            if len(raw) > LINE_MAX and not raw.endswith(b"\n"):
                head = raw[:ECHO_MAX]
                while raw and not raw.endswith(b"\n"):  # skip the rest of it
                    raw = stdin.readline(LINE_MAX)
                self.bad_input("line longer than %d bytes" % LINE_MAX, head)
                continue
            if raw.strip():
                self.handle(raw.rstrip(b"\n"))
        self.end_of_input()


def _write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]


def _validate(cmd):
    """None, or what is wrong with a command that has an op and an id."""
    for key, kind in (("session", "session"), ("lane", "name"), ("msg", "text")):
        v = cmd.get(key)
        if v is None:
            continue
        if not isinstance(v, str):
            return "field '%s' must be a string" % key
        if kind != "text":
            b = v.encode("utf-8", "surrogatepass")
            if not b or len(b) > NAME_MAX or "\0" in v:
                return "field '%s' must be 1 to %d bytes, without NUL" % (key, NAME_MAX)
            if kind == "session" and ("/" in v or v in (".", "..")):
                return "field '%s' must be a plain file name" % key
    for key, lo in (("timeoutMs", 0), ("pollMs", 1), ("maxHoldMs", 0), ("graceMs", 0),
                    ("holdMs", 0), ("laneTimeoutMs", 0), ("ms", 0)):
        v = cmd.get(key)
        if v is None:
            continue
        if not _is_int(v, lo, MS_MAX):
            return "field '%s' must be an integer from %d to %d" % (key, lo, MS_MAX)
        cmd[key] = int(v)
    if cmd.get("opts") is not None and not isinstance(cmd["opts"], dict):
        return "field 'opts' must be an object"
    if cmd["op"] == "exit" and cmd.get("code") is not None:
        if not _is_int(cmd["code"], 0, 255):
            return "field 'code' must be an integer from 0 to 255"
        cmd["code"] = int(cmd["code"])
    if cmd["op"] not in ("spin", "exit", "sweep") and cmd.get("session") is None:
        return "op '%s' needs field 'session'" % cmd["op"]
    if cmd["op"] == "deliver" and cmd.get("msg") is None:
        return "op 'deliver' needs field 'msg'"
    return None


def spin(ms):
    """Blocks the whole process, as a stuck synchronous turn blocks an event
    loop: the spinning thread keeps the GIL (a switch interval of hours), so
    no other thread of this interpreter (lanes, the sweeper) runs until it
    ends. ms 0: forever."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e6)
    try:
        end = time.monotonic() + ms / 1000.0
        while ms == 0 or time.monotonic() < end:
            pass
    finally:
        sys.setswitchinterval(old)


def run(lock_cls, argv=None, usage=None):
    """Runs a holder on `lock_cls` (a Lock subclass) until end of input;
    never returns. `--help` prints `usage` (or a default) and exits 0."""
    argv = sys.argv[1:] if argv is None else argv
    if "--help" in argv or "-h" in argv:
        sys.stdout.write(usage or ("usage: %s [--help]\n\nA lockchaos holder (protocol %d) "
                                   "on %s %s; see docs/holder-protocol.md.\n"
                                   % (os.path.basename(sys.argv[0]), PROTO, lock_cls.impl,
                                      lock_cls.version)))
        sys.exit(0)
    h = _Holder(lock_cls)
    h.main()
    sys.stdout.flush()
    os._exit(0)
