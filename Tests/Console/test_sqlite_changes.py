"""A console on a SQLite registry hears of other processes' changes as they commit (the registry's folder watched
with inotify), not when its revision poll comes round: the poll is slowed to 60 s here (CLIENTELE_TEST_POLL), so
what reaches the screen sooner came through the watch."""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from console_driver import (TmuxConsole, appears_within, command_runner, lab_with_one_client,  # noqa: E402
                            scratch_environment)


def test_another_process_change_reaches_the_console_as_it_commits(tmp_path):
    registry = tmp_path / "data" / "registry.sqlite"
    environment = scratch_environment(tmp_path, registry)

    clientele = command_runner(environment)
    lab_with_one_client(clientele, tmp_path)
    console = TmuxConsole(registry, tmp_path, extra_env={**environment, "CLIENTELE_TEST_POLL": "60"})
    try:
        console.wait_for("alpha-api", timeout=20)
        # A new client, registered by another process.
        clientele("client", "register", "beta-api", "--idp", "lab", "--secret-file", str(tmp_path / "beta"))
        assert appears_within(console, "beta-api", 0.3) <= 0.3
        # A change to a row already listed (patched in place): alpha's secret rotated as if 40 days from now, so
        # its next expiry moves and its name does not.
        before = next(line for line in console.screen().splitlines() if "alpha-api" in line)
        later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 40 * 86_400))
        clientele("rotate", "alpha-api", "--grace", "0s", "--yes", "--secret-file", str(tmp_path / "alpha-2"),
                  now=later)
        started = time.monotonic()
        while time.monotonic() - started < 0.3:
            row = next((line for line in console.screen().splitlines() if "alpha-api" in line), before)
            if row != before:
                break
            time.sleep(0.01)
        else:
            raise AssertionError(f"alpha-api's row did not change within 0.3 s; screen:\n{console.screen()}")
    finally:
        console.close()
