"""Runs the real `clientele` binary with a registry, a home and a clock of a test's own. A module of its own, not
conftest's: pytest loads Tests/Console's conftest under the same name, so tests import from here.
The engine is `CLIENTELE_TEST_ENGINE`'s (`postgres`, or unset for SQLite), as for the Swift suites: on PostgreSQL
each Clientele has a database of its own, and `registry` is its URL."""
import os
import subprocess
from pathlib import Path

from registry_engines import ENGINE, PostgresRegistry, SQLiteRegistry

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("CLIENTELE_BIN", ROOT / ".build" / "debug" / "clientele"))


class Clientele:
    """Runs the binary with a registry, a home and a clock of the test's own."""

    def __init__(self, home: Path, engine: str = ENGINE, store=None):
        self.home = home
        self.engine = engine
        if store is None:
            store = PostgresRegistry() if engine == "postgres" else SQLiteRegistry(home / "data" / "registry.sqlite")
        self.store = store
        self.registry = self.store.location
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
        return self.store.sandbox_file(idp)

    def query(self, sql, *params):
        return self.store.query(sql, *params)

    def sandbox_query(self, sql, *params, idp="entra-sandbox"):
        return self.store.sandbox_query(idp, sql, *params)

    def tamper(self, sql):
        """`sql` run on the registry as someone with the database in hand would, past what guards it (on
        PostgreSQL the trigger that keeps the audit trail append-only): what `audit verify` must catch."""
        self.store.tamper(sql)

    def snapshot(self):
        """Equal snapshots mean nothing was written."""
        return self.store.snapshot()

    def stored_bytes(self, sandboxes=False):
        """All the registry stores (with `sandboxes`, its sandboxes' state too), to show a text is not in it."""
        return self.store.stored_bytes(sandboxes)

    def close(self):
        self.store.drop()
