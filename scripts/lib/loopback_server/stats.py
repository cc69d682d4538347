"""Request counts by route template and status, for benchmarks that report the requests a client made."""

import threading
import time
from collections import Counter


class Stats:
    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self._routes = Counter()
            self._statuses = Counter()
            self._since = time.time()

    def record(self, route: str, status: int):
        with self._lock:
            self._routes[route] += 1
            self._statuses[str(status)] += 1

    def snapshot(self):
        with self._lock:
            return {
                "total": sum(self._routes.values()),
                "by_route": dict(sorted(self._routes.items())),
                "by_status": dict(sorted(self._statuses.items())),
                "since": self._since,
            }
