"""Imports the Python kit's toy lock for the faulty holders next to this file."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "kits", "python"))

import example_toylock  # noqa: E402,F401
from example_toylock import ToyLock, Seen, wall_ms, whole  # noqa: E402,F401
from lockchaos_holder import run  # noqa: E402,F401


def iso_ms_future(data):
    """True when the payload's createdAt parses and is ahead of the clock."""
    import json
    try:
        created = example_toylock.iso_ms(json.loads(data).get("createdAt"))
    except (ValueError, AttributeError):
        return False
    return created is not None and created > wall_ms()
