"""`rotate` never silently ignores what it was asked, grace periods the IdP cannot honour are refused, and the
rotation lease holds against `rotations advance` while its holder works and gives way once the holder is gone."""
import signal
import time


def entra_client(demo, free=True):
    return demo.query(
        "SELECT c.displayName FROM client c JOIN identityProvider i ON i.id = c.identityProviderId "
        "WHERE i.name = 'entra-sandbox' " + ("AND c.id NOT IN (SELECT clientRowId FROM rotation) " if free else "")
        + "AND c.displayName NOT IN (SELECT displayName FROM client GROUP BY displayName HAVING count(*) > 1) "
        "ORDER BY c.id LIMIT 1")[0][0]


def oidc_client(demo):
    return demo.query(
        "SELECT c.displayName FROM client c JOIN identityProvider i ON i.id = c.identityProviderId "
        "WHERE i.name = 'oidc-sandbox' AND c.id NOT IN (SELECT clientRowId FROM rotation) "
        "AND c.displayName NOT IN (SELECT displayName FROM client GROUP BY displayName HAVING count(*) > 1) "
        "ORDER BY c.id LIMIT 1")[0][0]


def test_flags_an_open_rotation_cannot_take_are_refused_and_change_nothing(demo, tmp_path):
    client = entra_client(demo)
    first = tmp_path / "first.secret"
    demo.run("rotate", client, "--grace", "7d", "--secret-file", str(first), check=0)
    rotation = demo.query("SELECT r.id FROM rotation r JOIN client c ON c.id = r.clientRowId "
                          "WHERE c.displayName = ? AND r.step = 'grace'", client)[0][0]
    before = demo.snapshot()
    cases = [
        ("--secret-file", str(tmp_path / "new.secret")),
        ("--secret-file", str(tmp_path / "no-such-folder" / "new.secret")),
        ("--secret-command", "cat > /dev/null"),
        ("--grace", "1d"),
        ("--lifetime", "30d"),
    ]
    for flag, value in cases:
        result = demo.run("rotate", client, flag, value, "--yes")
        assert result.returncode == 2, (flag, result.stdout, result.stderr)
        line = result.stderr.strip()
        assert len(line.splitlines()) == 1, line
        assert f"rotation #{rotation} open at 'in grace'" in line, line
        assert f"clientele rotations advance {rotation} --end-grace" in line, line
        assert f"clientele rotate {client}` with no delivery" in line, line
        assert demo.snapshot() == before
    assert not (tmp_path / "new.secret").exists()
    # Two command lines that start with the same program are told apart, though only the program is named.
    piped = entra_client(demo)
    demo.run("rotate", piped, "--grace", "7d", "--secret-command", "cat > /dev/null", check=0)
    refused = demo.run("rotate", piped, "--secret-command", "cat > /dev/null; true", "--yes")
    assert refused.returncode == 2, refused.stderr
    assert "cannot take a different command cat (it delivers by another command line)" in refused.stderr, refused.stderr
    # Without such flags (or with the ones it has) it resumes, as before.
    resumed = demo.run("rotate", client, check=0)
    assert f"Resuming rotation #{rotation}" in resumed.stdout
    demo.run("rotate", client, "--secret-file", str(first), "--grace", "7d", check=0)


def test_a_grace_the_idp_cannot_honour_is_refused(demo, tmp_path):
    client = entra_client(demo)
    before = demo.snapshot()
    result = demo.run("rotate", client, "--grace", "9999d", "--secret-file", str(tmp_path / "s"))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "clientele: --grace 9999d is longer than IdP 'entra-sandbox' lets a secret live (730d): "
        "the old secret would expire before the grace period ended")
    single = oidc_client(demo)
    result = demo.run("rotate", single, "--grace", "7d", "--yes", "--secret-file", str(tmp_path / "s"))
    assert result.returncode == 2
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1
    assert "--grace 7d: IdP 'oidc-sandbox' keeps one secret per client" in line and "leave --grace out" in line
    assert demo.snapshot() == before
    assert not (tmp_path / "s").exists()
    # Left out, no grace applies there, and the rotation goes through.
    demo.run("rotate", single, "--yes", "--secret-file", str(tmp_path / "s"), check=0)


def test_a_delivery_command_that_outlives_the_lease_is_not_taken_over(demo, tmp_path):
    client = entra_client(demo)
    piped = tmp_path / "piped.secret"
    holder = demo.start("rotate", client, "--grace", "1d", "--secret-command", f"sleep 6; cat > {piped}",
                        env={"CLIENTELE_TEST_LEASE": "1"})
    # Wait until the holder has planned its rotation, however slow the machine.
    deadline = time.monotonic() + 60
    while not demo.query("SELECT 1 FROM rotation r JOIN client c ON c.id = r.clientRowId WHERE c.displayName = ? "
                         "AND r.step NOT IN ('done', 'failed', 'grace')", client):
        assert holder.poll() is None and time.monotonic() < deadline, holder.communicate()
        time.sleep(0.05)
    checked = 0
    while not piped.exists():
        advanced = demo.run("rotations", "advance", env={"CLIENTELE_TEST_LEASE": "1",
                                                         "CLIENTELE_TEST_NOW": "2026-11-23T12:30:00Z"})
        assert advanced.returncode == 0, advanced.stderr
        if piped.exists():
            break  # the command finished while cron ran: what cron saw is no longer a question of the lease
        # The command has not written the secret yet, so the holder was at work throughout this run.
        assert "another Clientele process" in advanced.stdout, advanced.stdout
        checked += 1
        time.sleep(0.5)
    out, err = holder.communicate(timeout=60)
    assert holder.returncode == 0, out + err
    assert checked >= 2, "cron never ran while the command held the rotation"
    assert "new secret verified" in out
    demo.run("secrets", "test", client, "--secret-file", str(piped), check=0)
    withdrawn = demo.query("SELECT count(*) FROM auditEvent WHERE action IN ('rotation.secret-withdrawn', 'rotation.reissuing')")
    assert withdrawn == [(0,)]


def test_a_killed_holder_is_taken_over_at_once_even_with_a_long_lease(demo, tmp_path):
    client = entra_client(demo)
    new = tmp_path / "new.secret"
    crashed = demo.run("rotate", client, "--grace", "1d", "--secret-file", str(new),
                       env={"CLIENTELE_TEST_FAULT": "after-created", "CLIENTELE_TEST_LEASE": "86400"})
    assert crashed.returncode == -signal.SIGKILL
    lease = demo.query("SELECT r.leaseOwner, r.leaseHolder FROM rotation r JOIN client c ON c.id = r.clientRowId "
                       "WHERE c.displayName = ? AND r.step = 'created'", client)[0]
    assert lease[0] and '"pid"' in lease[1]
    resumed = demo.run("rotations", "advance", env={"CLIENTELE_TEST_LEASE": "86400"})
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "is working on it" not in resumed.stdout
    assert demo.query("SELECT r.step, r.leaseOwner FROM rotation r JOIN client c ON c.id = r.clientRowId "
                      "WHERE c.displayName = ? ORDER BY r.id DESC LIMIT 1", client)[0] == ("grace", None)
    demo.run("secrets", "test", client, "--secret-file", str(new), check=0)


def test_a_malformed_lease_hook_is_one_line(demo):
    before = demo.snapshot()
    result = demo.run("rotations", "advance", env={"CLIENTELE_TEST_LEASE": "soon"})
    assert result.returncode == 2
    assert result.stderr.strip() == "clientele: CLIENTELE_TEST_LEASE='soon' is not a number of seconds from 0.1 to 86400"
    assert demo.snapshot() == before
