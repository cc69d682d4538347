"""A console on a PostgreSQL registry hears of other processes' changes as they commit (LISTEN/NOTIFY), and after
its listening session is dropped it catches up with what it missed. The revision poll is slowed to 60 s here
(CLIENTELE_TEST_POLL), so what reaches the screen sooner came by notification."""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from console_driver import (TmuxConsole, appears_within, command_runner, lab_with_one_client,  # noqa: E402
                            scratch_environment)
from postgres import fresh_database, psql  # noqa: E402


def test_another_process_change_reaches_the_console_by_notification_and_after_a_dropped_listener(tmp_path):
    url = fresh_database("console")
    environment = scratch_environment(tmp_path, url)

    clientele = command_runner(environment)
    lab_with_one_client(clientele, tmp_path)
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
