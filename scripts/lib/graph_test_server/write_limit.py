"""Graph's write limit per application and tenant ("3,000 writes per 2 min 30 s"), scaled down for tests.

A sliding window: a write is allowed when fewer than `count` writes by the same caller in the same tenant
were allowed in the last `seconds`. Over it, the answer is 429 with `Retry-After` in whole seconds until the
oldest write in the window leaves it (at least 1, as Graph never says 0). Refused writes do not take a slot:
Graph counts what it served.
"""

import math
import re
import threading
import time
from collections import deque

_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*$")


def parse(spec):
    """(count, seconds) from 'N/SECONDS', or ValueError naming what is wrong."""
    m = _SPEC.match(spec or "")
    if not m:
        raise ValueError(f"--write-limit {spec!r}: expected N/SECONDS, e.g. 300/15")
    count, seconds = int(m.group(1)), float(m.group(2))
    if count < 1 or seconds <= 0:
        raise ValueError(f"--write-limit {spec!r}: both the count and the seconds must be above 0")
    return count, seconds


class WriteLimit:
    def __init__(self, count=None, seconds=None, clock=time.monotonic):
        self._lock = threading.Lock()
        self._clock = clock
        self._windows = {}
        self.throttled = 0
        self.allowed = 0
        self.set(count, seconds)

    def set(self, count, seconds):
        """Replaces the limit (None: no limit) and forgets what was counted."""
        with self._lock:
            self.count, self.seconds = count, seconds
            self._windows.clear()
            self.throttled = self.allowed = 0

    def take(self, app_id, tenant_id):
        """None when the write may go ahead (and counts it), else the Retry-After seconds."""
        with self._lock:
            if self.count is None:
                return None
            now = self._clock()
            window = self._windows.setdefault((app_id, tenant_id), deque())
            while window and window[0] <= now - self.seconds:
                window.popleft()
            if len(window) < self.count:
                window.append(now)
                self.allowed += 1
                return None
            self.throttled += 1
            return max(1, math.ceil(window[0] + self.seconds - now))

    def as_json(self):
        with self._lock:
            limit = None if self.count is None else {"count": self.count, "seconds": self.seconds}
            return {"limit": limit, "allowed": self.allowed, "throttled": self.throttled}
