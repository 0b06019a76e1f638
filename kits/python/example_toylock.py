#!/usr/bin/python3
"""A toy lock on the holder kit: the smallest holder worth running.

The lock is an O_EXCL file holding the owner's pid; a contender polls until
it is gone or its timeout passes. It has no notion of a dead owner, so the
catalog's crash scenarios fail on it (seeds/002-sigkill.scn: the killed
holder's lock is never taken over), which is what lockchaos is for:

    lockchaos check-holder 'python3 kits/python/example_toylock.py'
    lockchaos run --holder 'python3 kits/python/example_toylock.py' scenarios/seeds/
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lockchaos_holder import Lock, LockError, run  # noqa: E402


class ToyLock(Lock):
    impl = "toylock"
    version = "0.1"
    caps = ["timeout"]                  # no lanes: one thread runs every command
    na = {"lanes": "the toy keeps no per-lane state",
          "maxHoldMs": "the toy writes only a pid",
          "watchdog": "the toy never lets go by itself",
          "fencing": "the toy never checks the file is still its own",
          "failpoints": "no libfiu failpoints"}

    def acquire(self, hold):
        end = hold.deadline()
        while True:
            try:
                fd = os.open(hold.lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                if time.monotonic() >= end:
                    raise LockError("timeout", "session file locked (timeout %dms): %s"
                                    % (hold.timeout_ms, hold.lock_path))
                time.sleep(hold.poll_ms / 1000.0)
                continue
            except OSError as e:
                raise LockError("io", "cannot create '%s': %s" % (hold.lock_path, e.strerror))
            os.write(fd, b"%d" % os.getpid())
            os.close(fd)
            return

    def release(self, hold):
        try:
            os.unlink(hold.lock_path)
        except OSError as e:
            raise LockError("io", "cannot remove '%s': %s" % (hold.lock_path, e.strerror))


if __name__ == "__main__":
    run(ToyLock)
