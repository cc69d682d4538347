"""End-to-end: the real binary under tmux, as an operator would use it."""
import os
import random
import stat
import time
from pathlib import Path

import pytest

from console_driver import client_count, query, registry_at


def test_open_filter_open_client_and_quit(open_console, demo):
    console = open_console()
    # The header's count and the table load separately: wait for both.
    console.wait_for("Name▲")
    screen = console.wait_for(f"{client_count(demo)} clients")
    assert "Name▲" in screen and "q quit" in screen
    console.keys("/")
    console.type("sched")
    # "1 of N" shows as soon as the field opens: wait until the list itself has narrowed.
    deadline = time.time() + 10
    while True:
        screen = console.screen()
        rows = [line for line in screen.splitlines()[2:] if "entra-sandbox" in line or "oidc-sandbox" in line]
        if "sched▏" in screen and rows and len(rows) < 20:
            break
        assert time.time() < deadline, screen
        time.sleep(0.1)
    assert rows[0].startswith("scheduling"), screen
    console.keys("Enter", "Enter")
    screen = console.wait_for("Key id")
    assert "Clients › scheduling" in screen
    assert "Environments:" in screen
    console.keys("Escape")
    console.wait_for("Name▲")
    console.keys("q")
    assert console.wait_exit() == 0


def test_rotate_by_keypress_with_file_delivery(open_console, demo, tmp_path):
    console = open_console()
    console.wait_for("Name▲")
    console.wait_for(f"{client_count(demo)} clients")
    # billing-api is an Entra-profile client in the seed-7 demo: overlapping secrets, no extra confirmation.
    client = query(demo, "SELECT c.id, c.displayName FROM client c JOIN identityProvider i ON i.id = c.identityProviderId "
                         "WHERE i.name = 'entra-sandbox' AND c.displayName = 'billing-api'")[0]
    console.keys("/")
    console.type(client[1])
    console.wait_for(f" 1 of {client_count(demo)}")
    console.wait_for("billing-api▏")
    console.keys("Enter", "r")
    console.wait_for("Rotate billing-api")
    console.wait_for("Retires:")
    secret_file = tmp_path / "billing-api.secret"
    console.keys("Tab", "Right", "Tab")
    console.type(str(secret_file))
    console.keys("Enter")
    screen = console.wait_for("new secret verified", timeout=20)
    mode = stat.S_IMODE(os.stat(secret_file).st_mode)
    assert mode == 0o600
    secret = secret_file.read_text().strip()
    assert len(secret) >= 20
    assert secret not in screen
    rotations = query(demo, "SELECT step FROM rotation WHERE clientRowId = ?", client[0])
    assert rotations and rotations[-1][0] in ("grace", "done")
    actions = [row[0] for row in query(demo, "SELECT action FROM auditEvent WHERE subject = ?", "client billing-api")]
    assert "rotation.planned" in actions and "rotation.secret-delivered" in actions
    # The registry never holds the secret's text.
    dump = "\n".join(str(row) for row in query(demo, "SELECT * FROM secret") + query(demo, "SELECT * FROM auditEvent"))
    assert secret not in dump
    console.keys("Enter", "q")
    assert console.wait_exit() == 0


def open_client(console, demo, name):
    console.wait_for("Name▲")
    console.wait_for(f"{client_count(demo)} clients")
    console.keys("/")
    console.type(name)
    console.wait_for(f" 1 of {client_count(demo)}")
    console.wait_for(f"{name}▏")
    console.keys("Enter", "Enter")
    console.wait_for("Key id")


def test_rotate_with_command_delivery_keeps_the_commands_output_off_the_screen(open_console, demo, tmp_path):
    console = open_console()
    open_client(console, demo, "billing-api")
    console.keys("r")
    console.wait_for("Retires:")
    secret_file = tmp_path / "piped.secret"
    # A chatty command, as `vault kv put` is: under ncurses its output would land in the middle of the screen. It
    # lingers, so the screen is looked at while the output would still be there.
    command = f"umask 077; cat > {secret_file}; printf 'NOISE-%s\\n' STDOUT; printf 'NOISE-%s\\n' STDERR >&2; sleep 2"
    console.keys("Tab", "Right", "Right", "Tab")
    console.type(command)
    console.keys("Enter")
    deadline = time.time() + 20
    screen = console.screen()
    while "new secret verified" not in screen:
        # printf builds the words, so the command line typed into the dialog does not contain them.
        assert "NOISE-STDOUT" not in screen and "NOISE-STDERR" not in screen, screen
        assert time.time() < deadline, screen
        time.sleep(0.05)
        screen = console.screen()
    secret = secret_file.read_text().strip()
    assert len(secret) >= 20 and secret not in screen
    console.keys("Enter", "q")
    assert console.wait_exit() == 0


def test_remove_a_secret_by_keypress_cancel_first(open_console, demo):
    console = open_console(width=120, height=40)
    open_client(console, demo, "billing-api")
    client_id = query(demo, "SELECT id FROM client WHERE displayName = 'billing-api'")[0][0]
    # The cursor is on the first secret row, as the page draws them.
    key_id, hint = query(demo, "SELECT keyId, hint FROM secret WHERE clientRowId = ? "
                               "ORDER BY state = 'removed', expiresAt DESC LIMIT 1", client_id)[0]
    console.keys("x")
    screen = console.wait_for("Remove secret")
    assert f"Remove secret {hint}" in screen and "[ Cancel ]" in screen
    console.keys("Enter")  # the default button: Cancel
    console.wait_gone("Remove secret")
    assert query(demo, "SELECT state FROM secret WHERE keyId = ?", key_id)[0][0] != "removed"
    console.keys("x")
    console.wait_for("Remove secret")
    console.keys("Right", "Enter")
    console.wait_for(f"removed secret {hint}")
    assert query(demo, "SELECT state FROM secret WHERE keyId = ?", key_id)[0][0] == "removed"
    actions = [row[0] for row in query(demo, "SELECT action FROM auditEvent WHERE details LIKE ?", f"%{key_id}%")]
    assert "secret.removed" in actions
    console.keys("q")
    assert console.wait_exit() == 0


def test_toggle_a_policy_in_the_matrix(open_console, demo):
    console = open_console(width=120, height=40)
    console.wait_for(f"{client_count(demo)} clients")
    console.keys("4")
    console.wait_for("rate-limit")  # the matrix heading: the screen has loaded
    # Sandbox × rate-limiting (third column) is empty in the demo.
    console.keys("l", "l", "Enter")
    console.wait_for("Assign rate-limiting in Sandbox")
    console.wait_for("requests is required")
    console.type("50")
    console.wait_for("✓ valid")
    console.keys("Enter")
    console.wait_for("+ assign rate-limiting in Sandbox")
    console.keys("Enter")
    console.wait_gone("[ Apply ]")
    console.wait_gone("Applying")
    deadline = time.time() + 10
    while not query(demo, "SELECT a.policy FROM policyAssignment a JOIN environment e ON e.id = a.environmentId "
                          "WHERE e.name = 'Sandbox' AND a.policy = 'rate-limiting'"):
        assert time.time() < deadline, "rate-limiting was not assigned"
        time.sleep(0.1)
    console.wait_for("assigned at position")
    # Toggling again asks before unassigning; Enter alone (Cancel) keeps it.
    console.keys("Enter")
    console.wait_for("Unassign rate-limiting from Sandbox?")
    console.keys("Enter")
    console.wait_gone("Unassign rate-limiting")
    assert query(demo, "SELECT count(*) FROM policyAssignment a JOIN environment e ON e.id = a.environmentId "
                       "WHERE e.name = 'Sandbox' AND a.policy = 'rate-limiting'")[0][0] == 1
    console.keys("q")
    assert console.wait_exit() == 0


def test_resize_down_to_20x5_and_back(open_console, demo):
    console = open_console()
    console.wait_for("Name▲")
    console.wait_for(f"{client_count(demo)} clients")
    console.resize(20, 5)
    screen = console.wait_for("too small")
    assert "20×5" in screen
    console.resize(100, 30)
    console.wait_for(f"{client_count(demo)} clients", timeout=3)
    console.resize(30, 8)
    console.wait_for("too small")
    console.keys("q")
    assert console.wait_exit() == 0


def test_readonly_says_so_and_offers_no_rotation(open_console, demo):
    console = open_console(readonly=True)
    screen = console.wait_for("READ-ONLY")
    assert "r rotate" not in screen
    console.keys("r")
    time.sleep(0.5)
    assert "Rotate " not in console.screen()
    # On a client's page neither rotating nor removing a secret is offered.
    console.keys("Enter")
    screen = console.wait_for("Key id")
    assert "x remove" not in screen and "r rotate" not in screen
    console.keys("x")
    time.sleep(0.5)
    assert "Remove secret" not in console.screen()
    console.keys("C-c")
    assert console.wait_exit() == 0


def test_changes_by_another_process_appear_without_restart(open_console, demo):
    console = open_console()
    console.wait_for("Name▲")
    console.wait_for(f"{client_count(demo)} clients")
    # What any other writer does: change a row and bump the revision in the same transaction.
    registry_at(demo).write("UPDATE client SET displayName = 'renamed-by-cli' WHERE displayName = 'accounts-api'",
                            "UPDATE registryInfo SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'")
    console.wait_for("renamed-by-cli", timeout=5)
    console.keys("q")
    assert console.wait_exit() == 0


def test_key_and_byte_storm_at_random_sizes(open_console, demo):
    """Random keys, bytes and sizes for a bounded time: the console must neither crash nor hang."""
    seed = int(os.environ.get("CLIENTELE_STORM_SEED", random.randrange(1 << 30)))
    duration = float(os.environ.get("CLIENTELE_STORM_SECONDS", "20"))
    rng = random.Random(seed)
    console = open_console()
    console.wait_for("Name▲")
    console.wait_for(f"{client_count(demo)} clients")
    named = ["Up", "Down", "Left", "Right", "PageUp", "PageDown", "Home", "End", "Enter", "Escape", "Tab", "BTab",
             "BSpace", "DC", "F1", "F5", "C-r", "C-b", "C-f", "C-u", "C-w", "C-a", "C-e", "/", ":", "?", "r", "v",
             "w", "x", "j", "k", "g", "G", "s", "S", "a", "A", "E", "e", "1", "2", "3", "4", "5", "6", "Space", "y", "n"]
    # Never q or Ctrl-C: they quit, which is correct but would end the storm early.
    forbidden = {ord("q"), 0x03}
    deadline = time.time() + duration
    steps = 0
    while time.time() < deadline:
        roll = rng.random()
        if roll < 0.55:
            console.keys(*rng.choices(named, k=rng.randint(1, 6)))
        elif roll < 0.75:
            console.type("".join(rng.choice("abcxyz-_./~ 支付é🚚0123456789") for _ in range(rng.randint(1, 12))))
        elif roll < 0.92:
            data = bytes(b for b in (rng.randrange(256) for _ in range(rng.randint(1, 16))) if b not in forbidden)
            if data:
                console.bytes(data)
        else:
            console.resize(rng.randint(1, 200), rng.randint(1, 60))
        steps += 1
        assert console.exit_status() is None, f"console exited during the storm (seed {seed}, step {steps})"
        time.sleep(rng.uniform(0, 0.03))
    console.resize(100, 30)
    # Back to a known state: close any dialog, leave any field, and quit.
    console.keys("Escape", "Escape", "Escape")
    time.sleep(0.3)
    console.keys("C-c")
    status = console.wait_exit(timeout=15)
    assert status == 0, f"exit status {status} (seed {seed})"


@pytest.mark.sqlite_file  # the demo creates the file at a new path
def test_clientele_demo_opens_the_console_on_a_new_demo_registry(tmp_path):
    from console_driver import TmuxConsole, clientele_binary
    import shlex
    registry = tmp_path / "fresh" / "registry.sqlite"
    command = shlex.join([str(clientele_binary()), "demo", "--registry", str(registry)])
    console = TmuxConsole(registry, tmp_path, command=command)
    try:
        console.wait_for("Name▲", timeout=30)
        screen = console.wait_for(f"{client_count(registry)} clients")
        assert "entra-sandbox" in screen and "q quit" in screen
        console.keys("3")
        console.wait_for("Expired (")
        console.keys("q")
        assert console.wait_exit() == 0
        assert registry.exists()
    finally:
        console.close()


def test_console_reads_the_configuration_file_the_cli_reads(open_console, demo, tmp_path):
    config = tmp_path / "config" / "clientele"
    config.mkdir(parents=True)
    (config / "config.yaml").write_text("rotation:\n  grace: 3d\nexpiry:\n  critical: 45d\n  warning: 60d\n  notice: 120d\n")
    console = open_console(width=120, height=40, extra_env={"XDG_CONFIG_HOME": str(tmp_path / "config")})
    console.wait_for(f"{client_count(demo)} clients")
    console.keys("3")
    console.wait_for("Within 45 days")
    console.keys("1")
    console.wait_for("Name▲")
    console.keys("r")
    screen = console.wait_for("Retires:")
    # Whichever client is first: an Entra one offers the configured grace, an OIDC one offers none at all.
    assert "Grace     3d" in screen or "No grace period" in screen, screen
    assert "7d▏" not in screen, screen
    console.keys("Escape", "q")
    assert console.wait_exit() == 0


def test_a_bad_configuration_file_is_one_line_before_the_screen_opens(open_console, demo, tmp_path):
    config = tmp_path / "config" / "clientele"
    config.mkdir(parents=True)
    (config / "config.yaml").write_text("rotation:\n  grace: soon\n")
    console = open_console(extra_env={"XDG_CONFIG_HOME": str(tmp_path / "config")})
    assert console.wait_exit() != 0
    screen = console.screen()
    assert "config file" in screen and "rotation.grace" in screen and "'soon'" in screen, screen
    assert "Name▲" not in screen


def test_matrix_legend_drift_screen_and_their_keys(open_console, demo):
    console = open_console(width=120, height=40)
    console.wait_for(f"{client_count(demo)} clients")
    console.keys("4")
    screen = console.wait_for("✓ applied  ~ pending  ≠ drifted  ✗ not expressible  ? not read  □ record only")
    assert "a apply" in screen
    console.keys("7")
    console.wait_for("Clients › Policies › Drift")
    deadline = time.time() + 20
    # Whether the demo binds its environments to a gateway or not, the screen says what it found.
    while not any(text in console.screen() for text in ("No environment is bound", "difference", "no drift", "not read")):
        assert time.time() < deadline, console.screen()
        time.sleep(0.1)
    console.keys("?")
    help_screen = console.wait_for("Keys on Drift")
    assert "take the gateway's side" in help_screen and "push the registry's view" in help_screen
    console.keys("Escape", "q")
    assert console.wait_exit() == 0


def test_readonly_offers_no_apply_push_or_adopt(open_console, demo):
    console = open_console(width=120, height=40, readonly=True)
    console.wait_for("READ-ONLY")
    console.keys("4")
    screen = console.wait_for("✓ applied")
    assert "a apply" not in screen
    console.keys("a")
    time.sleep(0.5)
    assert "Apply to" not in console.screen() and "Reading" not in console.screen()
    console.keys("7")
    console.wait_for("Clients › Policies › Drift")
    console.keys("?")
    help_screen = console.wait_for("Keys on Drift")
    assert "push the registry's view" not in help_screen and "take the gateway's side" not in help_screen
    console.keys("Escape", "q")
    assert console.wait_exit() == 0
