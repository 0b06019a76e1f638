"""Mistake: a createdAt in the future is called a bad lock and deleted (L4)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _toy import ToyLock, iso_ms_future, run  # noqa: E402,F401


class FutureStale(ToyLock):
    impl = "faulty-future-stale"

    def judge(self, seen, grace_ms):
        super().judge(seen, grace_ms)
        if seen.why == "live" and iso_ms_future(seen.data):
            seen.stale, seen.why = True, "future-createdAt"


run(FutureStale)
