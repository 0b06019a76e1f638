"""Mistake: a stale lock is removed without saying so (L9)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _toy import ToyLock, run  # noqa: E402


class Quiet:
    def __init__(self, ctx):
        self.ctx = ctx

    def log(self, level, msg, **extra):
        if "reclaimed stale lock" not in msg:
            self.ctx.log(level, msg, **extra)

    def __getattr__(self, name):
        return getattr(self.ctx, name)


class SilentReclaim(ToyLock):
    impl = "faulty-silent-reclaim"

    def __init__(self, ctx):
        super().__init__(Quiet(ctx))


run(SilentReclaim)
