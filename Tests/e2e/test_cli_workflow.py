"""The issue's end-to-end path: demo → list → expiring → rotate → advance → policy → audit."""
import json
import os
import stat

import pytest

from clientele_runner import Clientele


def first_entra_client(cli, skip=0):
    rows = cli.query(
        "SELECT c.displayName FROM client c JOIN identityProvider i ON i.id = c.identityProviderId "
        "WHERE i.name = 'entra-sandbox' AND c.displayName NOT IN (SELECT displayName FROM client GROUP BY displayName HAVING count(*) > 1) "
        "AND c.id NOT IN (SELECT clientRowId FROM rotation) ORDER BY c.id LIMIT 1 OFFSET ?",
        skip,
    )
    return rows[0][0]


def test_demo_builds_a_registry_with_every_part(demo):
    # The 60 generated, and the demo gateways' own: 8 clients Anypoint's client provider registered at the Entra
    # sandbox, 6 sets of secrets the gateways hold themselves.
    assert demo.query("SELECT count(*) FROM client")[0][0] == 60 + 8 + 6
    assert {row[0] for row in demo.query("SELECT name FROM environment")} == {"Sandbox", "Dev", "Test", "Prod"}
    kinds = {row[0] for row in demo.query("SELECT DISTINCT policy FROM policyAssignment")}
    # Every kind but OpenID Connect token enforcement, which neither Kong OSS nor Anypoint (without a stored
    # introspection secret) can run: the demo's gateways refuse it, and the matrix says so.
    assert kinds == {"client-id-enforcement", "rate-limiting", "spike-control", "jwt-validation", "ip-allowlist",
                     "header-injection", "cors"}


# On PostgreSQL the demo builds only into an empty database and refuses one that holds a registry, in one line
# (test_bench_postgres.py, test_postgres_registry_refusals.py).
@pytest.mark.sqlite_file  # the file's and its folder's permissions, and the file reused at the path
def test_demo_registry_file_is_owner_only_and_reused(demo):
    assert stat.S_IMODE(os.stat(demo.registry).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(demo.registry.parent).st_mode) == 0o700
    # Reuse, not rebuild, on a second run.
    again = demo.run("demo", "--registry", str(demo.registry), "--build-only", check=0)
    assert "Reusing" in again.stdout


def test_demo_is_deterministic_for_a_seed(tmp_path, cli):
    names = []
    other = Clientele(tmp_path / "other", engine=cli.engine)
    try:
        for runner in (cli, other):
            runner.now = "2026-11-23T12:00:00Z"
            runner.run("demo", "--registry", str(runner.registry), "--build-only", "--seed", "42", "--clients", "30",
                       check=0)
            names.append(runner.query("SELECT displayName, clientId FROM client ORDER BY id"))
    finally:
        other.close()
    assert names[0] == names[1] and len(names[0]) == 30 + 8 + 6


def test_client_list_filters_and_json(demo):
    result = demo.run("client", "list", "--env", "Prod", "--json", check=0)
    clients = json.loads(result.stdout)
    assert clients and all("Prod" in c["environments"] for c in clients)
    name = clients[0]["displayName"]
    filtered = json.loads(demo.run("client", "list", "--filter", name[:5], "--json", check=0).stdout)
    assert any(c["displayName"] == name for c in filtered)


def test_expiring_exit_codes(demo):
    due = demo.run("secrets", "expiring", "--within", "30d", "--json")
    assert due.returncode == 1
    rows = json.loads(due.stdout)
    assert rows and all(r["daysLeft"] <= 30 for r in rows)
    assert [r["expiresAt"] for r in rows] == sorted(r["expiresAt"] for r in rows)
    # Clientele's own admin credential (21 days in the demo) is among them.
    assert any(r["kind"] == "admin-credential" for r in rows)
    # Far in the past nothing is due yet: exit 0.
    demo.now = "2020-01-01T00:00:00Z"
    clear = demo.run("secrets", "expiring", "--within", "1d")
    assert clear.returncode == 0, clear.stderr
    assert "Nothing expires" in clear.stdout


def test_expiring_prometheus_format(demo):
    result = demo.run("secrets", "expiring", "--within", "30d", "--format", "prometheus")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "# TYPE clientele_secret_expiry_seconds gauge" in lines
    samples = [l for l in lines if l.startswith("clientele_secret_expiry_seconds{")]
    assert samples and all(l.rsplit(" ", 1)[1].lstrip("-").isdigit() for l in samples)
    assert any(l.startswith('clientele_secrets_due{status="expired"') for l in lines)


def test_rotate_with_file_grace_and_advance(demo, tmp_path):
    client = first_entra_client(demo)
    first = tmp_path / "first.secret"
    # First a rotation without grace, so the test holds a secret it knows (the demo's are unknowable).
    demo.run("rotate", client, "--grace", "0", "--yes", "--secret-file", str(first), check=0)
    assert stat.S_IMODE(os.stat(first).st_mode) == 0o600
    demo.run("secrets", "test", client, "--secret-file", str(first), check=0)

    second = tmp_path / "second.secret"
    result = demo.run("rotate", client, "--grace", "7d", "--secret-file", str(second), check=0)
    assert "grace" in result.stdout
    assert stat.S_IMODE(os.stat(second).st_mode) == 0o600
    assert first.read_text() != second.read_text()
    # During the grace period both work.
    demo.run("secrets", "test", client, "--secret-file", str(first), check=0)
    demo.run("secrets", "test", client, "--secret-file", str(second), check=0)
    states = dict(demo.query(
        "SELECT s.hint, s.state FROM secret s JOIN client c ON c.id = s.clientRowId WHERE c.displayName = ? AND s.state <> 'removed'", client))
    assert "grace" in states.values() and "active" in states.values()

    # Before the grace ends, advance leaves it alone.
    listed = demo.run("rotations", "advance", check=0)
    assert "grace" in listed.stdout
    demo.run("secrets", "test", client, "--secret-file", str(first), check=0)

    demo.now = "2026-12-01T13:00:00Z"
    advanced = demo.run("rotations", "advance", check=0)
    assert "done" in advanced.stdout
    rejected = demo.run("secrets", "test", client, "--secret-file", str(first))
    assert rejected.returncode == 1, rejected.stdout + rejected.stderr
    assert "rejects" in rejected.stdout
    demo.run("secrets", "test", client, "--secret-file", str(second), check=0)
    # The registry and the audit trail record it.
    steps = [row[0] for row in demo.query(
        "SELECT r.step FROM rotation r JOIN client c ON c.id = r.clientRowId WHERE c.displayName = ? ORDER BY r.id", client)]
    assert steps == ["done", "done"]
    actions = [row[0] for row in demo.query("SELECT action FROM auditEvent WHERE subject = ? ORDER BY id", f"client {client}")]
    for action in ("rotation.planned", "rotation.secret-created", "rotation.secret-delivered",
                   "rotation.secret-verified", "rotation.grace-started", "rotation.completed"):
        assert action in actions


def test_rotate_refuses_terminal_delivery_without_a_terminal(demo):
    client = first_entra_client(demo)
    before = demo.snapshot()
    result = demo.run("rotate", client)
    assert result.returncode == 2
    assert "--secret-file" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert demo.snapshot() == before


def test_no_overlap_idp_needs_confirmation(demo, tmp_path):
    client = demo.query(
        "SELECT c.displayName FROM client c JOIN identityProvider i ON i.id = c.identityProviderId "
        "WHERE i.name = 'oidc-sandbox' ORDER BY c.id LIMIT 1")[0][0]
    before = demo.snapshot()
    refused = demo.run("rotate", client, "--secret-file", str(tmp_path / "x.secret"))
    assert refused.returncode == 2
    assert "cannot keep two secrets" in refused.stderr and "--yes" in refused.stderr
    assert not (tmp_path / "x.secret").exists()
    assert demo.snapshot() == before
    demo.run("rotate", client, "--yes", "--secret-file", str(tmp_path / "x.secret"), check=0)
    demo.run("secrets", "test", client, "--secret-file", str(tmp_path / "x.secret"), check=0)
    assert demo.sandbox_query(
        "SELECT count(*) FROM password p JOIN app a ON a.appId = p.appId WHERE a.displayName = ?", client,
        idp="oidc-sandbox")[0][0] == 1


def test_secret_command_delivery(demo, tmp_path):
    client = first_entra_client(demo)
    target = tmp_path / "piped.secret"
    demo.run("rotate", client, "--grace", "1d", "--secret-command", f"cat > {target}", check=0)
    demo.run("secrets", "test", client, "--secret-stdin", input=target.read_text(), check=0)


def test_policy_assign_plan_unassign(demo):
    plan = demo.run("policy", "plan", "cors", "--env", "Test", "--config", "origins=https://app.example.com", check=0)
    assert plan.stdout.startswith("+ assign cors in Test")
    assert not demo.query("SELECT 1 FROM policyAssignment p JOIN environment e ON e.id = p.environmentId WHERE e.name = 'Test' AND p.policy = 'cors'")
    demo.run("policy", "assign", "cors", "--env", "Test", "--config", "origins=https://app.example.com", "--position", "1", check=0)
    shown = json.loads(demo.run("policy", "show", "--env", "Test", "--json", check=0).stdout)
    assert shown[0]["policy"] == "cors" and shown[0]["position"] == 1
    assert [r["position"] for r in shown] == list(range(1, len(shown) + 1))
    reconfigure = demo.run("policy", "assign", "cors", "--env", "Test", "--config", "origins=https://other.example.com", check=0)
    assert "~ reconfigure" in reconfigure.stdout and "origins" in reconfigure.stdout
    same = demo.run("policy", "assign", "cors", "--env", "Test", "--config", "origins=https://other.example.com", check=0)
    assert "no change" in same.stdout
    demo.run("policy", "unassign", "cors", "--env", "Test", check=0)
    shown = json.loads(demo.run("policy", "show", "--env", "Test", "--json", check=0).stdout)
    assert all(r["policy"] != "cors" for r in shown)
    assert [r["position"] for r in shown] == list(range(1, len(shown) + 1))
    actions = [r[0] for r in demo.query("SELECT action FROM auditEvent WHERE subject = 'environment Test' ORDER BY id DESC LIMIT 3")]
    assert actions == ["policy.unassigned", "policy.reconfigured", "policy.assigned"]


def test_client_policies_through_environments(demo):
    client = demo.query(
        "SELECT c.displayName FROM client c JOIN clientEnvironment ce ON ce.clientRowId = c.id "
        "JOIN environment e ON e.id = ce.environmentId WHERE e.name = 'Prod' ORDER BY c.id LIMIT 1")[0][0]
    rows = json.loads(demo.run("policy", "show", "--client", client, "--json", check=0).stdout)
    assert any(r["environment"] == "Prod" and r["policy"] == "ip-allowlist" for r in rows)


def test_audit_verify_detects_tampering_behind_clienteles_back(demo):
    demo.run("audit", "verify", check=0)
    demo.tamper("UPDATE auditEvent SET actor = 'mallory' WHERE id = 5")
    broken = demo.run("audit", "verify")
    assert broken.returncode == 1
    assert "#5" in broken.stdout and "altered" in broken.stdout


def test_audit_verify_detects_removed_events(demo):
    demo.tamper("DELETE FROM auditEvent WHERE id = 7")
    broken = demo.run("audit", "verify")
    assert broken.returncode == 1 and "#7" in broken.stdout and "removed" in broken.stdout


def test_audit_verify_detects_events_cut_from_the_end(demo):
    last = demo.query("SELECT max(id) FROM auditEvent")[0][0]
    demo.tamper(f"DELETE FROM auditEvent WHERE id = {last}")
    broken = demo.run("audit", "verify")
    assert broken.returncode == 1 and f"#{last}" in broken.stdout


def test_audit_export_formats(demo):
    lines = demo.run("audit", "export", "--format", "jsonl", check=0).stdout.splitlines()
    events = [json.loads(line) for line in lines]
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)
    assert all(len(e["hash"]) == 64 for e in events)
    csv_lines = demo.run("audit", "export", "--format", "csv", check=0).stdout.splitlines()
    assert csv_lines[0] == "id,at,actor,action,subject,details,previous_hash,hash"
    assert len(csv_lines) == len(lines) + 1


def test_env_add_and_remove(demo):
    demo.run("env", "add", "Staging", "--gateway", "tyk", check=0)
    names = [e["name"] for e in json.loads(demo.run("env", "list", "--json", check=0).stdout)]
    assert names[-1] == "Staging"
    refused = demo.run("env", "remove", "Prod")
    assert refused.returncode == 2 and "--force" in refused.stderr
    demo.run("env", "remove", "Staging", check=0)


def test_init_creates_a_registry_once(cli):
    result = cli.run("init", check=0)
    assert "Created registry" in result.stdout
    assert "already exists" in cli.run("init", check=0).stdout


@pytest.mark.sqlite_file  # the file's and its folder's permissions
def test_init_creates_an_owner_only_registry_file(cli):
    cli.run("init", check=0)
    assert stat.S_IMODE(os.stat(cli.registry).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(cli.registry.parent).st_mode) == 0o700


def test_secrets_remove_needs_yes_then_removes_at_the_idp(demo):
    client, key_id, hint = demo.query(
        "SELECT c.displayName, s.keyId, s.hint FROM secret s JOIN client c ON c.id = s.clientRowId "
        "JOIN identityProvider i ON i.id = c.identityProviderId WHERE i.name = 'entra-sandbox' "
        "AND s.state = 'active' AND c.displayName NOT IN (SELECT displayName FROM client GROUP BY displayName HAVING count(*) > 1) "
        "AND c.id NOT IN (SELECT clientRowId FROM rotation) ORDER BY s.id LIMIT 1"
    )[0]
    before = demo.snapshot()
    # Without --yes and without a terminal: one line, nothing changed, at the IdP either.
    refused = demo.run("secrets", "remove", client, key_id[:8])
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "--yes" in refused.stderr and key_id in refused.stderr
    assert demo.snapshot() == before
    assert demo.sandbox_query("SELECT count(*) FROM password WHERE keyId = ?", key_id)[0][0] == 1
    # A key id nobody has, and a prefix too short to name one: one line each, naming the client or the key.
    unknown = demo.run("secrets", "remove", client, "ffffffff", "--yes")
    assert unknown.returncode == 2 and client in unknown.stderr and "ffffffff" in unknown.stderr
    short = demo.run("secrets", "remove", client, "ab", "--yes")
    assert short.returncode == 2 and "'ab'" in short.stderr
    assert demo.snapshot() == before

    removed = json.loads(demo.run("secrets", "remove", client, key_id[:8], "--yes", "--json", check=0).stdout)
    assert removed["keyId"] == key_id and removed["hint"] == hint and removed["client"] == client
    assert demo.sandbox_query("SELECT count(*) FROM password WHERE keyId = ?", key_id)[0][0] == 0
    assert demo.query("SELECT state FROM secret WHERE keyId = ?", key_id)[0][0] == "removed"
    event = demo.query("SELECT action, actor, details FROM auditEvent ORDER BY id DESC LIMIT 1")[0]
    assert event[0] == "secret.removed" and event[1].startswith("tester@") and key_id in event[2]
    demo.run("audit", "verify", check=0)
