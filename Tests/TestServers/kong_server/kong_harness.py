"""Starting scripts/kong-test-server and talking to it: raw HTTP as Clientele's adapter will, and Kong's own
decK (Debian's /usr/bin/deck 1.4.0) as the independent client."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# Tests/e2e loads this file by path, so the shared harness is found from here, not from pytest's path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import loopback_harness  # noqa: E402  (ready line, log file, clean stop, raw HTTP)

REPO = loopback_harness.REPO
SERVER_SCRIPT = REPO / "scripts" / "kong-test-server"
SEEDED_APIS = 2500


class ServerProcess(loopback_harness.LoopbackProcess):
    """One server on loopback, through scripts/kong-test-server."""

    def __init__(self, *args, start_timeout=60):
        super().__init__(SERVER_SCRIPT.name, *args, start_timeout=start_timeout)
        self.first_line = self.ready_line
        self.url = self.info["admin_url"]
        token_file = self.info["admin_token_file"]
        self.token = Path(token_file).read_text() if token_file else None

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
    status, resp_headers, raw = loopback_harness.http(method, url, data, headers, timeout=30)
    return status, dict(resp_headers), _parse(raw)


def _parse(raw):
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw
