"""The PostgreSQL server the end-to-end tests share: the one `scripts/test` started ($CLIENTELE_TEST_POSTGRES), or
else one started here for this pytest run with `scripts/postgres-test-server`. Without PostgreSQL installed the
tests that need it fail, saying so: they never skip. Rows are read with `psql`, PostgreSQL's own client, so what
the tests see of the registry does not go through Clientele."""
import atexit
import os
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "postgres-test-server"
_server = None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One throwaway server of the test's own, for the tests that restart it."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="clientele-e2e-pg-")
        self.url = subprocess.run([str(SCRIPT), "start", self.folder, str(free_port())], check=True,
                                  capture_output=True, text=True).stdout.strip()

    def restart(self):
        subprocess.run([str(SCRIPT), "restart", self.folder], check=True, capture_output=True, text=True)

    def stop(self):
        subprocess.run([str(SCRIPT), "stop", self.folder], check=False, capture_output=True)


def server_url():
    global _server
    shared = os.environ.get("CLIENTELE_TEST_POSTGRES")
    if shared:
        return shared
    if _server is None:
        _server = Server()
        atexit.register(_server.stop)
    return _server.url


def fresh_database(label="e2e", base=None, template=None):
    """A new database named for the test, empty or a copy of the database `template`; its URL."""
    base = base or server_url()
    name = f"{label}_{uuid.uuid4().hex[:12]}".lower()
    if template is None:
        psql(base + "/postgres", f"CREATE DATABASE {name}")
        return f"{base}/{name}"
    # The copy needs the template without sessions: the last one of the process that built it may still be
    # closing for a moment after that process exited.
    deadline = time.monotonic() + 10
    while True:
        result = subprocess.run(["psql", base + "/postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                                 f"CREATE DATABASE {name} TEMPLATE {template}"], capture_output=True, text=True,
                                timeout=60)
        if result.returncode == 0:
            return f"{base}/{name}"
        assert "is being accessed by other users" in result.stderr and time.monotonic() < deadline, result.stderr
        time.sleep(0.05)


def psql(url, sql):
    """The rows `sql` answers, each a tuple of strings (NULL as None)."""
    result = subprocess.run(["psql", url, "-X", "-q", "-A", "-t", "-F", "\t", "-P", "null=\\N",
                             "-v", "ON_ERROR_STOP=1", "-c", sql],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"psql: {result.stderr.strip()} in: {sql}"
    return [tuple(None if cell == "\\N" else cell for cell in line.split("\t"))
            for line in result.stdout.splitlines() if line]
