"""A rotation held open by a person keeps its lease: cron's `rotations advance`, run meanwhile with the clock moved
on (as real time would), must not take it over and withdraw the secret the operator is reading (issue: fenced
rotation leases). The console runs the real binary under tmux with a one-second lease, held for several terms."""
import datetime
import os
import re
import subprocess
import time
from pathlib import Path

from console_driver import client_count, clientele_binary, query, registry_at

LEASE = "1"


def cli(registry: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "CLIENTELE_TEST_LEASE": LEASE, **(env or {})}
    return subprocess.run([str(clientele_binary()), *args, "--registry", str(registry)], capture_output=True,
                          text=True, env=environment, timeout=60)


def revealed_secret(masked: str, revealed: str) -> str:
    """The masked line that the reveal turned into one long word (the footer's key hints change too)."""
    changed = [after.strip().strip("│").strip() for before, after in zip(masked.splitlines(), revealed.splitlines())
               if before != after and "•" in before]
    assert len(changed) == 1, changed
    assert re.fullmatch(r"\S{20,}", changed[0]), changed
    return changed[0]


def test_a_show_once_dialog_held_open_keeps_its_lease_against_cron(open_console, demo, tmp_path):
    console = open_console(extra_env={"CLIENTELE_TEST_LEASE": LEASE})
    console.wait_for("Name▲")
    console.wait_for(f"{client_count(demo)} clients")
    client_row = query(demo, "SELECT c.id FROM client c JOIN identityProvider i ON i.id = c.identityProviderId "
                             "WHERE i.name = 'entra-sandbox' AND c.displayName = 'billing-api'")[0][0]
    console.keys("/")
    console.type("billing-api")
    console.wait_for(f" 1 of {client_count(demo)}")
    console.wait_for("billing-api▏")
    console.keys("Enter", "r")
    console.wait_for("Rotate billing-api")
    console.wait_for("Retires:")
    console.keys("Enter")  # delivery: shown once
    masked = console.wait_for("New secret for billing-api", timeout=20)
    console.keys("v")
    time.sleep(0.5)
    secret = revealed_secret(masked, console.screen())
    rotation = query(demo, "SELECT id FROM rotation WHERE clientRowId = ? AND step NOT IN ('done', 'failed')",
                     client_row)[0][0]

    # Cron, with its clock ten minutes on, while the operator reads the secret for several lease terms.
    later = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    started = time.monotonic()
    while time.monotonic() - started < 5:
        advanced = cli(demo, "rotations", "advance", env={"CLIENTELE_TEST_NOW": later})
        assert advanced.returncode == 0, advanced.stdout + advanced.stderr
        assert f"rotation #{rotation} of billing-api: waiting" in advanced.stdout, advanced.stdout
        assert "another Clientele process" in advanced.stdout and "is working on it" in advanced.stdout
        time.sleep(0.7)
    assert "New secret for billing-api" in console.screen()
    assert query(demo, "SELECT step FROM rotation WHERE id = ?", rotation)[0][0] == "created"

    console.keys("Enter")  # closes the dialog: the rotation goes on to verify the secret
    console.wait_for("new secret verified", timeout=20)
    assert "failed" not in console.screen()
    console.keys("Enter", "q")
    assert console.wait_exit() == 0

    secret_file = tmp_path / "shown.secret"
    secret_file.write_text(secret + "\n")
    secret_file.chmod(0o600)
    tested = cli(demo, "secrets", "test", "billing-api", "--secret-file", str(secret_file))
    assert tested.returncode == 0, tested.stdout + tested.stderr
    ended = cli(demo, "rotations", "advance", str(rotation), "--end-grace")
    assert ended.returncode == 0 and "done" in ended.stdout, ended.stdout + ended.stderr
    assert cli(demo, "secrets", "test", "billing-api", "--secret-file", str(secret_file)).returncode == 0

    rotation_field = registry_at(demo).json_text("details", "rotation")
    actions = [row[0] for row in query(
        demo, f"SELECT action FROM auditEvent WHERE action LIKE 'rotation.%' AND {rotation_field} = ?", str(rotation))]
    assert actions.count("rotation.completed") == 1, actions
    assert actions.count("rotation.secret-delivered") == 1, actions
    assert "rotation.secret-withdrawn" not in actions and "rotation.reissuing" not in actions, actions
    assert cli(demo, "audit", "verify").returncode == 0
