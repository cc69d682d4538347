"""Retirement that waits for callers, through the binary on the demo's sandbox IdP: an old secret used after the new
one was delivered is held, shown as held, and removed only when its callers stop or an operator says so."""
import json

from test_cli_workflow import first_entra_client


def rotate_with_file(demo, client, path):
    demo.run("rotate", client, "--grace", "7d", "--secret-file", str(path), check=0)


def old_key_id(demo, client):
    rows = demo.query(
        "SELECT s.keyId FROM secret s JOIN client c ON c.id = s.clientRowId WHERE c.displayName = ? AND s.state = 'grace'",
        client)
    assert len(rows) == 1, rows
    return rows[0][0]


def test_a_caller_on_the_old_secret_holds_the_rotation_until_the_operator_ends_it(demo, tmp_path):
    client = first_entra_client(demo)
    first, second = tmp_path / "first.secret", tmp_path / "second.secret"
    demo.run("rotate", client, "--grace", "0", "--yes", "--secret-file", str(first), check=0)
    rotate_with_file(demo, client, second)
    key = old_key_id(demo, client)
    rotation = demo.query("SELECT max(id) FROM rotation")[0][0]

    # Two days in, a caller still signs in with the first secret.
    demo.now = "2026-11-25T12:00:00Z"
    demo.run("secrets", "test", client, "--secret-file", str(first), check=0)

    # The grace ends: the rotation holds, the old secret still works, and everything says why.
    demo.now = "2026-11-30T13:00:00Z"
    held = demo.run("rotations", "advance", check=0)
    assert f"old secret {key[:8]} used 5 d ago: holding until" in held.stdout, held.stdout
    demo.run("secrets", "test", client, "--secret-file", str(first), check=0)
    listed = demo.run("rotations", "list", check=0)
    assert f"old secret {key[:8]} used" in listed.stdout
    rows = json.loads(demo.run("rotations", "list", "--json", check=0).stdout)
    row = next(r for r in rows if r["id"] == rotation)
    assert row["step"] == "grace" and row["hold"]["keyId"] == key
    assert row["hold"]["holdingUntil"] == "2026-12-01T13:00:00Z" and row["hold"]["extendedBy"] == "1d"
    details = demo.query("SELECT details FROM auditEvent WHERE action = 'rotation.held-in-use' ORDER BY id")
    first_hold = json.loads(details[0][0])
    assert first_hold["keyId"] == key and first_hold["lastUsedAt"] == "2026-11-25T12:00:00Z"
    assert first_hold["holdingUntil"] == "2026-12-01T13:00:00Z"

    # Ending the grace shows the last use and needs a yes; without it nothing changes.
    before = demo.snapshot()
    refused = demo.run("rotations", "advance", str(rotation), "--end-grace")
    assert refused.returncode != 0
    line = refused.stderr.strip()
    assert len(line.splitlines()) == 1 and f"old secret {key[:8]} was used" in line and "--yes" in line, line
    assert demo.snapshot() == before
    demo.run("secrets", "test", client, "--secret-file", str(first), check=0)

    done = demo.run("rotations", "advance", str(rotation), "--end-grace", "--yes", check=0)
    assert "done" in done.stdout
    assert demo.run("secrets", "test", client, "--secret-file", str(first)).returncode == 1
    demo.run("secrets", "test", client, "--secret-file", str(second), check=0)
    ended = json.loads(demo.query(
        "SELECT details FROM auditEvent WHERE action = 'rotation.grace-ended-early' ORDER BY id DESC LIMIT 1")[0][0])
    assert ended["keyId"] == key
    demo.run("audit", "verify", check=0)


def test_a_hold_runs_to_its_maximum_then_waits_for_an_operator(demo, tmp_path):
    (demo.home / "config" / "clientele").mkdir(parents=True)
    (demo.home / "config" / "clientele" / "config.yaml").write_text("rotation:\n  hold-step: 1d\n  hold-max: 2d\n")
    client = first_entra_client(demo)
    first, second = tmp_path / "first.secret", tmp_path / "second.secret"
    demo.run("rotate", client, "--grace", "0", "--yes", "--secret-file", str(first), check=0)
    rotate_with_file(demo, client, second)
    key = old_key_id(demo, client)
    # A caller that never switches: a sign-in an hour before every look.
    for use, look in (("2026-11-23T13:00:00Z", "2026-11-30T13:00:00Z"), ("2026-11-30T14:00:00Z", "2026-12-01T14:00:00Z"),
                      ("2026-12-01T15:00:00Z", "2026-12-02T15:00:00Z"), ("2026-12-02T16:00:00Z", "2026-12-20T00:00:00Z")):
        demo.now = use
        demo.run("secrets", "test", client, "--secret-file", str(first), check=0)
        demo.now = look
        result = demo.run("rotations", "advance", check=0)
    assert f"old secret {key[:8]} used" in result.stdout and "held for an operator" in result.stdout, result.stdout
    assert "--end-grace --yes" in result.stdout
    holds = [json.loads(row[0])["holdingUntil"] for row in
             demo.query("SELECT details FROM auditEvent WHERE action = 'rotation.held-in-use' ORDER BY id")]
    assert holds[:2] == ["2026-12-01T13:00:00Z", "2026-12-02T14:00:00Z"] and holds[2] == "operator", holds
    assert len(holds) == 3, "waiting for an operator is said once, not at every cron run"
    # Weeks later it is still there, and still works.
    demo.run("secrets", "test", client, "--secret-file", str(first), check=0)


def test_a_caller_that_switched_lets_the_grace_end_as_before(demo, tmp_path):
    client = first_entra_client(demo)
    first, second = tmp_path / "first.secret", tmp_path / "second.secret"
    demo.run("rotate", client, "--grace", "0", "--yes", "--secret-file", str(first), check=0)
    demo.run("secrets", "test", client, "--secret-file", str(first), check=0)
    demo.now = "2026-11-23T12:30:00Z"
    rotate_with_file(demo, client, second)
    demo.now = "2026-11-30T13:00:00Z"
    advanced = demo.run("rotations", "advance", check=0)
    assert "done" in advanced.stdout, advanced.stdout
    assert demo.run("secrets", "test", client, "--secret-file", str(first)).returncode == 1
