"""Starting scripts/kong-test-server and talking to it: raw HTTP as Clientele's adapter will, and Kong's own
decK (Debian's /usr/bin/deck 1.4.0) as the independent client."""

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

REPO = Path(__file__).resolve().parents[3]
SERVER_SCRIPT = REPO / "scripts" / "kong-test-server"
SEEDED_APIS = 2500


class ServerProcess:
    """One server on loopback; stderr goes to a file so a chatty log can never block it."""

    def __init__(self, *args, start_timeout=60):
        self.log = tempfile.NamedTemporaryFile(prefix="kong-test-server-", suffix=".log", delete=False)
        self._final_log = None
        self.proc = subprocess.Popen([str(SERVER_SCRIPT), "--port", "0", *map(str, args)],
                                     stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL)
        self.first_line, self.extra_stdout = self._first_line(start_timeout)
        self.info = json.loads(self.first_line)
        self.url = self.info["admin_url"]
        token_file = self.info["admin_token_file"]
        self.token = Path(token_file).read_text() if token_file else None

    def _first_line(self, timeout):
        deadline = time.monotonic() + timeout
        buf = b""
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"server did not start; log:\n{self.log_text()}")
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                buf += os.read(self.proc.stdout.fileno(), 65536)
        first, _, rest = buf.partition(b"\n")
        return first.decode(), rest

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

    # ---- raw HTTP ----------------------------------------------------------------------------

    def admin(self, method, path, body=None, token=...):
        """(status, headers, parsed JSON or raw bytes) of one Admin API call."""
        token = self.token if token is ... else token
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token is not None:
            headers["Kong-Admin-Token"] = token
        return http(method, self.url + path, body, headers)

    def control(self, method, path, body=None):
        status, _, payload = http(method, self.info["control"] + path, body,
                                  {"Content-Type": "application/json"} if body is not None else {})
        return status, payload

    # ---- decK --------------------------------------------------------------------------------

    def deck(self, *args, token=..., timeout=60):
        token = self.token if token is ... else token
        cmd = ["deck", *args, "--kong-addr", self.url]
        if token is not None:
            cmd += ["--headers", f"Kong-Admin-Token:{token}"]
        env = dict(os.environ, DECK_ANALYTICS="off", HOME=tempfile.gettempdir())
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


def http(method, url, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), _parse(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), _parse(err.read())


def _parse(raw):
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw
