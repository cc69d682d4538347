"""Kill the process between rotation steps (CLIENTELE_TEST_FAULT) and show that a re-run resumes, that the client
always keeps a working secret, and that at most one extra secret is ever left at the IdP."""
import signal

import pytest

FAULTS = ["after-idp-create", "after-created", "after-deliver", "after-delivered", "after-verified",
          "after-grace-started", "after-idp-remove"]


def secrets_at_idp(cli, client):
    return cli.sandbox_query(
        "SELECT count(*) FROM password p JOIN app a ON a.appId = p.appId WHERE a.displayName = ?", client)[0][0]


@pytest.mark.parametrize("fault", FAULTS)
def test_kill_between_steps_then_advance_resumes(demo, tmp_path, fault):
    client = demo.query(
        "SELECT c.displayName FROM client c JOIN identityProvider i ON i.id = c.identityProviderId "
        "WHERE i.name = 'entra-sandbox' AND c.id NOT IN (SELECT clientRowId FROM rotation) "
        "AND c.displayName NOT IN (SELECT displayName FROM client GROUP BY displayName HAVING count(*) > 1) "
        "ORDER BY c.id LIMIT 1")[0][0]
    known = tmp_path / "known.secret"
    demo.run("rotate", client, "--grace", "0", "--yes", "--secret-file", str(known), check=0)
    before = secrets_at_idp(demo, client)
    assert before == 1

    new = tmp_path / "new.secret"
    if fault == "after-idp-remove":
        # Old secrets are removed when the grace period ends, so this kill lands in `rotations advance`.
        demo.run("rotate", client, "--grace", "2d", "--secret-file", str(new), check=0)
        demo.now = "2026-11-27T00:00:00Z"
        crashed = demo.run("rotations", "advance", env={"CLIENTELE_TEST_FAULT": fault})
    else:
        crashed = demo.run("rotate", client, "--grace", "2d", "--secret-file", str(new),
                           env={"CLIENTELE_TEST_FAULT": fault})
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    # Killed anywhere, the client still has a working secret, and at most one extra exists at the IdP.
    assert secrets_at_idp(demo, client) <= before + 1
    working = [path for path in (known, new) if path.exists() and path.read_text().strip()
               and demo.run("secrets", "test", client, "--secret-file", str(path)).returncode == 0]
    assert working, f"no working secret after a kill at {fault}"

    resumed = demo.run("rotations", "advance")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    demo.run("secrets", "test", client, "--secret-file", str(new), check=0)
    assert secrets_at_idp(demo, client) <= before + 1

    demo.now = "2026-11-27T00:00:00Z"
    demo.run("rotations", "advance", check=0)
    assert secrets_at_idp(demo, client) == 1
    demo.run("secrets", "test", client, "--secret-file", str(new), check=0)
    assert demo.run("secrets", "test", client, "--secret-file", str(known)).returncode == 1
    state = demo.query("SELECT r.step, r.leaseOwner FROM rotation r JOIN client c ON c.id = r.clientRowId "
                       "WHERE c.displayName = ? ORDER BY r.id DESC LIMIT 1", client)[0]
    assert state == ("done", None)
    demo.run("audit", "verify", check=0)
