"""Starting one of the project's loopback test servers by its script name and talking to it raw: the ready
line read with a timeout, stderr kept in a file (a chatty log can never block the server), a stop that
sends SIGTERM and kills only if that is not heeded, and plain urllib HTTP."""

import json
import os
import select
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "scripts"


class LoopbackProcess:
    """`scripts/<script> --port 0 <args>`; `info` is its ready line, parsed."""

    def __init__(self, script, *args, start_timeout=60):
        self.script = script
        self.log = tempfile.NamedTemporaryFile(prefix=f"{script}-", suffix=".log", delete=False)
        self._final_log = None
        self.proc = subprocess.Popen([str(SCRIPTS / script), "--port", "0", *map(str, args)],
                                     stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL)
        self.ready_line, self.extra_stdout = self._first_line(start_timeout)
        self.info = json.loads(self.ready_line)

    def _first_line(self, timeout):
        """(the first line, whatever else stdout had already carried)."""
        deadline = time.monotonic() + timeout
        buf = b""
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"{self.script} did not start; log:\n{self.log_text()}")
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                buf += os.read(self.proc.stdout.fileno(), 65536)
        first, _, rest = buf.partition(b"\n")
        return first.decode(), rest

    def assert_one_line(self):
        assert self.extra_stdout == b"", f"{self.script} printed more than one line on stdout: {self.extra_stdout!r}"

    def log_text(self):
        if self._final_log is not None:
            return self._final_log
        return Path(self.log.name).read_text(errors="replace")

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        if self._final_log is None:
            # Keep the log in memory for assertions and leave nothing behind in /tmp.
            self._final_log = self.log_text()
            self.log.close()
            Path(self.log.name).unlink(missing_ok=True)
        return self.proc.returncode


def http(method, url, data=None, headers=None, timeout=60):
    """(status, headers, body bytes) of one request; an HTTP error status is an answer, not an exception."""
    req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


# Every suite's shared server is put back after each test that used it, so one test's faults or knobs never
# leak into the next; these are the knobs all the servers have.
COMMON_RESTORE = (("DELETE", "/faults", None), ("POST", "/latency", {"ms": 0}))


def restore_shared_server(request, *calls):
    """Sends `calls` ((method, path, body) on /_control) to the `server` fixture, if the test used it."""
    if "server" in request.fixturenames:
        srv = request.getfixturevalue("server")
        for method, path, body in calls:
            srv.control(method, path, body)
