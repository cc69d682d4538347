"""Rotation policies through the binary: `rotation-policy set/list/show/remove`, `rotations advance` starting the
rotations a policy makes due under a moved clock (`CLIENTELE_TEST_NOW`), parallel cron runs starting one rotation
per client, and `secrets expiring` saying which policy rotates each secret and when."""
import json
from datetime import datetime, timedelta, timezone

NOW = "2026-11-23T12:00:00Z"


def at(days):
    moment = datetime(2026, 11, 23, 12, tzinfo=timezone.utc) + timedelta(days=days)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sql_time(days):
    moment = datetime(2026, 11, 23, 12) + timedelta(days=days)
    return moment.strftime("%Y-%m-%d %H:%M:%S.000")


def due_entra_clients(cli, rotate_before_days=30):
    return {row[0] for row in cli.query(
        "SELECT DISTINCT c.id FROM client c JOIN identityProvider i ON i.id = c.identityProviderId "
        "JOIN secret s ON s.clientRowId = c.id WHERE i.name = 'entra-sandbox' AND s.state IN ('active', 'pending') "
        "AND s.expiresAt <= ? AND c.id NOT IN (SELECT clientRowId FROM rotation WHERE step NOT IN ('done', 'failed'))",
        sql_time(rotate_before_days))}


def command_into(folder):
    # Each run writes its own file: the test reads every delivered secret back.
    return f"cat > {folder}/$(date +%s%N)-$$.secret"


def test_a_policy_starts_the_rotations_it_makes_due_and_advance_finishes_them(demo, tmp_path):
    delivered = tmp_path / "delivered"
    delivered.mkdir()
    result = demo.run("rotation-policy", "set", "--idp", "entra-sandbox", "--rotate-before", "30d", "--grace", "2d",
                      "--secret-command", command_into(delivered), check=0)
    assert result.stdout.startswith("Set policy idp entra-sandbox: rotate 30d before expiry, grace 2d, new secrets to command cat")
    listed = json.loads(demo.run("rotation-policy", "list", "--json", check=0).stdout)
    assert listed == [{"policy": "idp entra-sandbox", "idp": "entra-sandbox", "rotateBefore": "30d", "grace": "2d",
                       "command": "cat", "updatedAt": NOW}]
    shown = demo.run("rotation-policy", "show", "--idp", "entra-sandbox", check=0).stdout
    assert shown.startswith("policy idp entra-sandbox: rotate 30d before expiry")

    due = due_entra_clients(demo)
    assert len(due) >= 3, "the demo should have Entra clients expiring within 30 days"
    expiring = json.loads(demo.run("secrets", "expiring", "--within", "30d", "--json").stdout)
    for item in expiring:
        if item["kind"] == "client-secret" and item["idp"] == "entra-sandbox":
            assert item["policy"] == "idp entra-sandbox"
            assert item["policyRotation"] in ("next-advance", "open")
        else:
            assert "policy" not in item
    table = demo.run("secrets", "expiring", "--within", "30d").stdout
    assert "POLICY" in table and "policy idp entra-sandbox: next advance" in table

    advanced = demo.run("rotations", "advance")
    assert advanced.returncode in (0, 2), advanced.stderr
    started = [line for line in advanced.stdout.splitlines() if line.startswith("Policy idp entra-sandbox started rotation #")]
    assert len(started) == len(due), advanced.stdout
    rows = demo.query("SELECT r.clientRowId, r.step, r.actor FROM rotation r JOIN rotationPolicy p ON p.id = r.rotationPolicyId")
    assert {row[0] for row in rows} == due and len(rows) == len(due)
    assert {row[1] for row in rows} == {"grace"}
    assert {row[2] for row in rows} == {"rotation-policy idp entra-sandbox"}
    planned = demo.query("SELECT actor, details FROM auditEvent WHERE action = 'rotation.planned' AND actor LIKE 'rotation-policy%'")
    assert len(planned) == len(due)
    for _, details in planned:
        assert json.loads(details)["policy"] == "idp entra-sandbox"
        assert json.loads(details)["startedBy"].startswith("tester@")
    files = list(delivered.iterdir())
    assert len(files) == len(due) and all(f.read_text().strip() for f in files)

    # The next run finds them open: nothing more starts.
    again = demo.run("rotations", "advance")
    assert "started rotation" not in again.stdout
    assert len(demo.query("SELECT id FROM rotation WHERE rotationPolicyId IS NOT NULL")) == len(due)

    # Past the grace period, advance retires the old secrets; the new ones are far from due.
    demo.now = at(3)
    demo.run("rotations", "advance")
    steps = {row[0] for row in demo.query("SELECT step FROM rotation WHERE rotationPolicyId IS NOT NULL")}
    assert steps == {"done"}
    assert not due_entra_clients(demo) & due


def test_a_policy_starts_rotations_only_once_the_clock_makes_them_due(demo, tmp_path):
    demo.run("rotation-policy", "set", "--idp", "entra-sandbox", "--rotate-before", "7d", "--grace", "1d",
             "--secret-command", "cat > /dev/null", check=0)
    first = due_entra_clients(demo, 7)
    demo.run("rotations", "advance")
    assert {row[0] for row in demo.query("SELECT clientRowId FROM rotation WHERE rotationPolicyId IS NOT NULL")} == first
    # A week on, the secrets that entered the window since are started too, and only those.
    demo.now = at(7)
    later = {row[0] for row in demo.query(
        "SELECT DISTINCT c.id FROM client c JOIN identityProvider i ON i.id = c.identityProviderId "
        "JOIN secret s ON s.clientRowId = c.id WHERE i.name = 'entra-sandbox' AND s.state IN ('active', 'pending') "
        "AND s.expiresAt <= ? AND s.expiresAt > ? AND c.id NOT IN (SELECT clientRowId FROM rotation WHERE step NOT IN ('done', 'failed'))",
        sql_time(14), sql_time(7))}
    assert later, "the demo should have Entra secrets expiring in the second week"
    demo.run("rotations", "advance")
    started = {row[0] for row in demo.query("SELECT clientRowId FROM rotation WHERE rotationPolicyId IS NOT NULL")}
    assert later <= started and first <= started


def test_parallel_cron_runs_start_one_rotation_per_client(demo):
    demo.run("rotation-policy", "set", "--idp", "entra-sandbox", "--rotate-before", "30d", "--grace", "2d",
             "--secret-command", "cat > /dev/null", check=0)
    due = due_entra_clients(demo)
    runs = [demo.start("rotations", "advance") for _ in range(3)]
    for run in runs:
        _, errors = run.communicate(timeout=120)
        # The run that lost the race starts nothing and says nothing: it is not a failure.
        assert "could not start" not in errors, errors
    rows = demo.query("SELECT clientRowId FROM rotation WHERE rotationPolicyId IS NOT NULL")
    assert len(rows) == len(due) and {row[0] for row in rows} == due


def test_an_environment_policy_governs_and_one_secret_idps_are_left_to_an_operator(demo):
    result = demo.run("rotation-policy", "set", "--env", "Prod", "--rotate-before", "30d", "--grace", "2d",
                      "--secret-command", "cat > /dev/null", check=0)
    assert "note: clients of env Prod at IdP 'oidc-sandbox' are left to an operator" in result.stdout
    demo.run("rotation-policy", "set", "--idp", "entra-sandbox", "--rotate-before", "10d", "--grace", "2d",
             "--secret-command", "cat > /dev/null", check=0)
    expiring = json.loads(demo.run("secrets", "expiring", "--within", "30d", "--json").stdout)
    prod = {row[0] for row in demo.query(
        "SELECT c.displayName FROM client c JOIN clientEnvironment m ON m.clientRowId = c.id "
        "JOIN environment e ON e.id = m.environmentId WHERE e.name = 'Prod'")}
    for item in expiring:
        if item["kind"] == "client-secret" and item["client"] in prod:
            assert item["policy"] == "env Prod"
            if item["idp"] == "oidc-sandbox":
                assert item["policyRotation"] == "operator"
        elif item["kind"] == "client-secret" and item["idp"] == "entra-sandbox":
            assert item["policy"] == "idp entra-sandbox"
    assert "policy env Prod: left to an operator (one-secret IdP)" in demo.run("secrets", "expiring", "--within", "30d").stdout
    advanced = demo.run("rotations", "advance")
    assert "Policy env Prod leaves " in advanced.stdout and "IdP 'oidc-sandbox' keeps one secret per client" in advanced.stdout
    policies = {row[0] for row in demo.query(
        "SELECT CASE WHEN p.environmentId IS NULL THEN 'idp' ELSE 'env' END FROM rotation r "
        "JOIN rotationPolicy p ON p.id = r.rotationPolicyId")}
    assert policies == {"idp", "env"}


def test_bad_policies_are_one_line_naming_the_flag_and_change_nothing(demo):
    before = demo.snapshot()
    cases = [
        (["--idp", "entra-sandbox", "--rotate-before", "30d"], "--secret-command is required: a schedule runs unattended"),
        (["--idp", "entra-sandbox", "--env", "Prod", "--rotate-before", "30d", "--secret-command", "cat"],
         "give exactly one of --env and --idp"),
        (["--idp", "entra-sandbox", "--rotate-before", "800d", "--secret-command", "cat"],
         "--rotate-before 800d is not shorter than the lifetime IdP 'entra-sandbox' gives a new secret (365d)"),
        (["--idp", "entra-sandbox", "--rotate-before", "5d", "--secret-command", "cat"],
         "the configuration's rotation.grace (7d) is not shorter than --rotate-before 5d"),
        (["--idp", "oidc-sandbox", "--rotate-before", "30d", "--secret-command", "cat"],
         "--idp oidc-sandbox: IdP 'oidc-sandbox' keeps one secret per client"),
        (["--idp", "nowhere", "--rotate-before", "30d", "--secret-command", "cat"], "no identity provider 'nowhere'"),
        (["--idp", "entra-sandbox", "--rotate-before", "0d", "--secret-command", "cat"], "--rotate-before"),
    ]
    for args, expected in cases:
        result = demo.run("rotation-policy", "set", *args)
        assert result.returncode != 0, args
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert any(expected in line for line in lines), (args, result.stderr)
        if "is required" not in expected and "exactly one" not in expected and expected != "--rotate-before":
            assert len(lines) == 1, (args, result.stderr)
    assert demo.snapshot() == before
    missing = demo.run("rotation-policy", "remove", "--env", "Prod")
    assert missing.returncode == 2 and missing.stderr.strip() == (
        "clientele: no rotation policy for env Prod; see `clientele rotation-policy list`")
