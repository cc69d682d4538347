"""Runs the real `clientele` binary with a registry, a home and a clock of a test's own. A module of its own, not
conftest's: pytest loads Tests/Console's conftest under the same name, so tests import from here."""
import hashlib
import os
import sqlite3
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("CLIENTELE_BIN", ROOT / ".build" / "debug" / "clientele"))


class Clientele:
    """Runs the binary with a registry, a home and a clock of the test's own."""

    def __init__(self, home: Path):
        self.home = home
        self.registry = home / "data" / "registry.sqlite"
        self.now = None
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "CLIENTELE_REGISTRY": str(self.registry),
            "USER": "tester",
            "LANG": "C.UTF-8",
        }

    def run(self, *args, input=None, env=None, check=None):
        environment = dict(self.env)
        if self.now:
            environment["CLIENTELE_TEST_NOW"] = self.now
        environment.update(env or {})
        result = subprocess.run(
            [str(BINARY), *args], input=input, capture_output=True, text=True, env=environment, timeout=120
        )
        if check is not None:
            assert result.returncode == check, f"exit {result.returncode}\nstdout:{result.stdout}\nstderr:{result.stderr}"
        return result

    def start(self, *args, env=None):
        """The binary started in the background, for tests that act while it runs."""
        environment = dict(self.env)
        if self.now:
            environment["CLIENTELE_TEST_NOW"] = self.now
        environment.update(env or {})
        return subprocess.Popen([str(BINARY), *args], env=environment, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def sandbox_file(self, idp="entra-sandbox"):
        return self.registry.parent / f"registry.sandbox-{idp}.sqlite"

    def query(self, sql, *params):
        with sqlite3.connect(self.registry) as db:
            return db.execute(sql, params).fetchall()

    def sandbox_query(self, sql, *params, idp="entra-sandbox"):
        with sqlite3.connect(self.sandbox_file(idp)) as db:
            return db.execute(sql, params).fetchall()

    def snapshot(self):
        """The registry's bytes once the WAL is folded in: equal snapshots mean nothing was written."""
        with sqlite3.connect(self.registry) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return hashlib.sha256(self.registry.read_bytes()).hexdigest()
