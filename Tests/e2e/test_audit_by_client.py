"""The audit trail is tied to clients by row id: one display name at two IdPs is two clients, each with its own history,
and a registry made by the previous version keeps verifying and keeps its client pages' history.

fixtures/registry-v1.sqlite was made by the previous version's binary (commit 74e3e4f, schema v1), with the clock
fixed by CLIENTELE_TEST_NOW: `demo --clients 40`; `client register twin-api` at entra-sandbox (#41, env Prod) and at
oidc-sandbox (#42, env Dev); `rotate '#41' --grace 1d`, then `rotations advance` two days later; `client register
gone-api` (#43), `client delete gone-api --yes`, and `client register gone-api` again (#44); then its WAL folded in.
Its trail has 58 events and verified intact under that version."""
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "registry-v1.sqlite"


def events_on_page(cli, client_row_id):
    shown = json.loads(cli.run("client", "show", f"#{client_row_id}", "--json", check=0).stdout)
    return shown["recentEvents"]


def twin_rows(cli, name):
    return [row[0] for row in cli.query("SELECT id FROM client WHERE displayName = ? ORDER BY id", name)]


def test_twins_at_two_idps_see_only_their_own_history(demo):
    demo.run("client", "register", "twin-api", "--idp", "entra-sandbox", "--secret-file",
             str(demo.home / "a.secret"), check=0)
    demo.run("client", "register", "twin-api", "--idp", "oidc-sandbox", "--secret-file",
             str(demo.home / "b.secret"), check=0)
    first, second = twin_rows(demo, "twin-api")
    demo.run("rotate", f"#{first}", "--grace", "1d", "--secret-file", str(demo.home / "c.secret"), check=0)

    first_events = events_on_page(demo, first)
    second_events = events_on_page(demo, second)
    assert [e["action"] for e in second_events] == ["client.recorded"]
    assert second_events[0]["clientRowId"] == second
    assert "rotation.planned" in [e["action"] for e in first_events]
    assert all(e["clientRowId"] == first for e in first_events)
    # The text page too: the twin that was never rotated lists no rotation events.
    page = demo.run("client", "show", f"#{second}", check=0).stdout
    assert "rotation." not in page.split("Recent audit events", 1)[1]
    assert "Audit trail intact" in demo.run("audit", "verify", check=0).stdout


@pytest.fixture
def previous(cli):
    """A copy of the registry the previous version made, opened (and so migrated) by this one."""
    cli.registry.parent.mkdir(parents=True)
    shutil.copy(FIXTURE, cli.registry)
    cli.registry.chmod(0o600)
    cli.now = "2026-11-29T12:00:00Z"
    return cli


@pytest.mark.sqlite_file  # a file the previous version (SQLite only) wrote
def test_fixture_is_what_the_previous_version_wrote():
    # Guards the premise of the tests below: schema v1, no client row id on its events.
    with sqlite3.connect(FIXTURE) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
        columns = [row[1] for row in db.execute("PRAGMA table_info(auditEvent)")]
        assert "clientRowId" not in columns
        assert db.execute("SELECT count(*) FROM auditEvent").fetchone()[0] == 58


@pytest.mark.sqlite_file  # a file the previous version (SQLite only) wrote
def test_a_registry_from_the_previous_version_still_verifies(previous):
    result = previous.run("audit", "verify")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Audit trail intact: 58 events" in result.stdout
    assert previous.query("PRAGMA user_version")[0][0] == 9
    # New events after the migration extend the same chain.
    previous.run("env", "add", "Staging", check=0)
    assert "Audit trail intact: 59 events" in previous.run("audit", "verify", check=0).stdout


@pytest.mark.sqlite_file  # a file the previous version (SQLite only) wrote
def test_old_events_keep_their_client_pages_by_row_id(previous):
    entra_twin, oidc_twin = 41, 42
    entra_events = [e["action"] for e in events_on_page(previous, entra_twin)]
    oidc_events = [e["action"] for e in events_on_page(previous, oidc_twin)]
    # Back-filled by their details (client id, IdP, rotation number), not by the shared name.
    assert oidc_events == ["client.recorded"]
    assert entra_events == ["rotation.completed", "rotation.grace-started", "rotation.secret-verified",
                            "rotation.secret-delivered", "rotation.secret-created", "rotation.planned",
                            "client.recorded"]
    # A demo client with a unique name keeps its history by name alone.
    shipping = previous.query("SELECT id FROM client WHERE displayName = 'shipping-worker'")[0][0]
    assert "rotation.completed" in [e["action"] for e in events_on_page(previous, shipping)]


@pytest.mark.sqlite_file  # a file the previous version (SQLite only) wrote
def test_a_reused_name_does_not_inherit_a_deleted_clients_history(previous):
    (gone_again,) = twin_rows(previous, "gone-api")
    assert gone_again == 44
    assert [e["action"] for e in events_on_page(previous, gone_again)] == ["client.recorded"]
    # The deleted client's events are still in the trail, tied to its row id or to none, never to #44.
    rows = previous.query("SELECT action, clientRowId FROM auditEvent WHERE subject = 'client gone-api' ORDER BY id")
    assert [action for action, _ in rows] == ["client.recorded", "client.deleted", "client.recorded"]
    assert [row_id for _, row_id in rows] == [None, None, 44]


def test_sync_drift_lands_on_the_twin_it_was_found_at(cli, tmp_path):
    cli.run("init", check=0)
    cli.run("idp", "add", "sandbox", "--name", "lab", check=0)
    cli.run("idp", "add", "sandbox", "--name", "lab2", check=0)
    for idp in ("lab", "lab2"):
        cli.run("client", "register", "twin-api", "--idp", idp, "--secret-file", str(tmp_path / f"{idp}.secret"), check=0)
    first, second = twin_rows(cli, "twin-api")
    # A secret added in the second IdP's portal, behind the registry's back.
    app = cli.sandbox_query("SELECT appId FROM app", idp="lab2")[0][0]
    cli.sandbox_query("INSERT INTO password(keyId, appId, hint, displayName, salt, hash, createdAt, expiresAt) "
                      "VALUES ('portal-key-1', ?, 'Zq9', 'made in portal', ?, ?, '2026-11-01 00:00:00', "
                      "'2027-11-01 00:00:00')", app, b"", b"\x00", idp="lab2")
    assert cli.run("sync", "--idp", "lab2").returncode == 1
    assert "sync.secret-found-at-idp" in [e["action"] for e in events_on_page(cli, second)]
    assert "sync.secret-found-at-idp" not in [e["action"] for e in events_on_page(cli, first)]
