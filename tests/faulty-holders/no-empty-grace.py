"""Mistake: an empty lock file is stale at once, no grace by mtime (L5)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _toy import ToyLock, run  # noqa: E402


class NoEmptyGrace(ToyLock):
    impl = "faulty-no-empty-grace"

    def judge(self, seen, grace_ms):
        super().judge(seen, grace_ms)
        if not seen.data:
            seen.stale, seen.why = True, "empty"


run(NoEmptyGrace)
