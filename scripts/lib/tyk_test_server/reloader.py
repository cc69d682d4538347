"""`/tyk/reload`: with `block=true` the files are loaded before the answer; without it the reload is
only queued and happens after the reload delay, as the gateway's reload queue does."""

import threading


class Reloader:
    def __init__(self, state, delay_ms):
        self._state = state
        self._lock = threading.Lock()
        self._timer = None
        self.delay_ms = delay_ms

    def now(self):
        with self._lock:
            if self._timer:
                self._timer.cancel()
                self._timer = None
        self._state.reload()

    def queue(self):
        with self._lock:
            if self._timer:
                return  # one queued reload picks up every write made before it runs
            self._timer = threading.Timer(self.delay_ms / 1000.0, self._run)
            self._timer.daemon = True
            self._timer.start()

    def _run(self):
        with self._lock:
            self._timer = None
        self._state.reload()

    def queued(self):
        with self._lock:
            return self._timer is not None
