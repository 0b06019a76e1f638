"""Mistake: any whole-number pid is trusted; pid 0 reaches kill(0, 0),
which asks about our own process group: "alive" for ever (L6)."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _toy import ToyLock, run  # noqa: E402


class PidUnbounded(ToyLock):
    impl = "faulty-pid-unbounded"

    def judge(self, seen, grace_ms):
        try:
            pid = json.loads(seen.data).get("pid")
        except (ValueError, AttributeError):
            pid = None
        if isinstance(pid, int) and pid <= 0:
            try:
                os.kill(pid, 0)           # succeeds: our own group
                seen.stale, seen.why, seen.pid = False, "live", pid
                return
            except OSError:
                pass
        super().judge(seen, grace_ms)


run(PidUnbounded)
