"""A console on a PostgreSQL registry hears of other processes' changes as they commit (LISTEN/NOTIFY), and after
its listening session is dropped it catches up with what it missed. The revision poll is slowed to 60 s here
(CLIENTELE_TEST_POLL), so what reaches the screen sooner came by notification."""
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from console_driver import TmuxConsole, clientele_binary  # noqa: E402
from postgres import fresh_database, psql  # noqa: E402


def appears_within(console, text, seconds):
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if text in console.screen():
            return time.monotonic() - started
        time.sleep(0.01)
    raise AssertionError(f"{text!r} did not appear within {seconds}s; screen:\n{console.screen()}")


def test_another_process_change_reaches_the_console_by_notification_and_after_a_dropped_listener(tmp_path):
    url = fresh_database("console")
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
                   "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
                   "CLIENTELE_REGISTRY": url, "LANG": "C.UTF-8"}

    def clientele(*args):
        result = subprocess.run([str(clientele_binary()), *args], env=environment, capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
    clientele("init")
    clientele("idp", "add", "sandbox", "--name", "lab")
    clientele("client", "register", "alpha-api", "--idp", "lab", "--secret-file", str(tmp_path / "alpha"))
    console = TmuxConsole(url, tmp_path, extra_env={**environment, "CLIENTELE_TEST_POLL": "60"})
    try:
        console.wait_for("alpha-api", timeout=20)
        time.sleep(0.5)  # the listener is up once the first frame's loads are done
        # Another process registers a client: the console shows it once the commit is heard.
        clientele("client", "register", "beta-api", "--idp", "lab", "--secret-file", str(tmp_path / "beta"))
        assert appears_within(console, "beta-api", 0.2) <= 0.2

        # The listening session is cut (a proxy timing out, a server restart): the change made meanwhile still
        # arrives, because the console reads the revision again once it listens anew.
        dropped = psql(url, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND query LIKE 'LISTEN%'")
        assert dropped == [("1",)], dropped
        clientele("client", "register", "gamma-api", "--idp", "lab", "--secret-file", str(tmp_path / "gamma"))
        appears_within(console, "gamma-api", 1.0)
    finally:
        console.close()
