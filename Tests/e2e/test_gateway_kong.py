"""Policies reach a Kong gateway: the real binary against scripts/kong-test-server on loopback, with Kong's own
decK (Debian's deck 1.4.0) as the independent peer that reads and changes what Clientele applied."""
import importlib.util
import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "kong_harness_for_e2e", ROOT / "Tests" / "TestServers" / "kong_server" / "kong_harness.py")
kong_harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(kong_harness)


@pytest.fixture
def kong():
    server = kong_harness.ServerProcess("--apis", "3", "--quiet")
    yield server
    server.stop()


def connect(cli, kong, env="Prod"):
    cli.run("init", check=0)
    cli.run("gateway", "add", "kong", "--name", "kong-prod", "--admin-url", kong.url,
            "--token-file", kong.info["admin_token_file"], check=0)
    cli.run("env", "add", env, "--gateway", "kong-prod", "--gateway-environment", "seeded", check=0)


def plugins_in(dump):
    found = list(dump.get("plugins", []))
    for service in dump.get("services", []):
        for plugin in service.get("plugins", []):
            found.append(dict(plugin, service=service["name"]))
    return found


def deck_dump(kong, folder):
    out = Path(folder) / "dump.json"
    result = kong.deck("dump", "--format", "json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    return json.loads(out.read_text())


def drift(cli, env="Prod"):
    result = cli.run("gateway", "drift", "--env", env, "--json")
    return result.returncode, json.loads(result.stdout) if result.stdout.strip() else None


def write_requests(kong):
    status, stats = kong.control("GET", "/stats")
    assert status == 200
    return {route: count for route, count in stats["by_route"].items() if not route.startswith("GET ")}


def test_apply_then_deck_sees_it_then_a_deck_change_is_exactly_the_drift_and_adopt_takes_it(cli, kong, tmp_path):
    connect(cli, kong)
    check = cli.run("gateway", "check", "kong-prod", check=0)
    assert "3.10" in check.stdout and "reachable" in check.stdout
    synced = cli.run("gateway", "sync", check=0)
    assert "3 APIs" in synced.stdout
    apis = json.loads(cli.run("api", "list", "--env", "Prod", "--json", check=0).stdout)
    assert sorted(api["name"] for api in apis) == ["api-00001", "api-00002", "api-00003"]

    cli.run("policy", "assign", "rate-limiting", "--env", "Prod", "--config", "requests=100", "--config", "window=1m",
            check=0)
    plan = cli.run("policy", "plan", "--env", "Prod", check=0)
    assert plan.stdout.count("+ create") == 3, plan.stdout
    assert "rate-limiting" in plan.stdout and "config.minute: 100" in plan.stdout
    code, report = drift(cli)
    assert code == 1 and {d["kind"] for d in report[0]["differences"]} == {"missing"}

    applied = cli.run("policy", "apply", "--env", "Prod", "--yes", check=0)
    assert "3 steps made" in applied.stdout, applied.stdout
    assert drift(cli)[0] == 0

    dump = deck_dump(kong, tmp_path)
    limits = [p for p in plugins_in(dump) if p["name"] == "rate-limiting"]
    assert len(limits) == 3 and all(p["config"]["minute"] == 100 for p in limits)
    assert all("managed-by-clientele" in p.get("tags", []) for p in limits)

    # Someone raises one service's limit with decK: drift names exactly that field, theirs vs ours.
    changed = 0
    for service in dump.get("services", []):
        for plugin in service.get("plugins", []):
            if service["name"] == "api-00002" and plugin["name"] == "rate-limiting":
                plugin["config"]["minute"] = 500
                changed += 1
    assert changed == 1, "decK 1.4.0 nests a service's plugins under it"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(dump))
    synced = kong.deck("sync", "-s", str(edited))
    assert synced.returncode == 0, synced.stderr
    code, report = drift(cli)
    assert code == 1
    differences = report[0]["differences"]
    assert len(differences) == 1, differences
    assert differences[0]["kind"] == "configured" and differences[0]["apiName"] == "api-00002"
    assert [(c["path"], c["theirs"], c["ours"]) for c in differences[0]["changes"]] == [("config.minute", 500, 100)]

    # The gateway's side wins: the registry now holds the raised limit for that service alone.
    cli.run("gateway", "sync", "--adopt", check=0)
    shown = json.loads(cli.run("policy", "show", "--env", "Prod", "--json", check=0).stdout)
    narrowed = [row for row in shown if row["api"] == "api-00002"]
    assert narrowed and narrowed[0]["configuration"]["requests"] == 500
    assert drift(cli)[0] == 0
    events = [row[0] for row in cli.query("SELECT action FROM auditEvent ORDER BY id")]
    assert "policy.assigned" in events and events.count("policy.step-applied") == 3

    # The export is a decK file decK accepts and finds equal to the gateway, with no credential in it.
    export = tmp_path / "prod.json"
    cli.run("gateway", "export", "--env", "Prod", "--format", "deck", "--output", str(export), check=0)
    validated = subprocess.run(["deck", "validate", "-s", str(export)], capture_output=True, text=True,
                               env=dict(os.environ, DECK_ANALYTICS="off", HOME=tempfile.gettempdir()))
    assert validated.returncode == 0, validated.stderr + validated.stdout
    diff = kong.deck("diff", "-s", str(export), "--non-zero-exit-code")
    assert diff.returncode == 0, diff.stdout + diff.stderr
    assert kong.token not in export.read_text()


def test_a_kill_at_every_step_boundary_resumes_and_sends_no_step_twice(cli, kong):
    connect(cli, kong)
    cli.run("policy", "assign", "rate-limiting", "--env", "Prod", "--config", "requests=100", check=0)
    cli.run("policy", "assign", "cors", "--env", "Prod", "--config", "origins=https://app.example", check=0)
    kong.control("DELETE", "/stats")
    kills = 0
    for fault in ["after-gateway-step#1", "after-gateway-step-recorded#1"] * 3:
        run = cli.run("policy", "apply", "--env", "Prod", "--yes", env={"CLIENTELE_TEST_FAULT": fault})
        assert run.returncode == -9, run.stdout + run.stderr
        kills += 1
    finished = cli.run("policy", "apply", "--env", "Prod", "--yes", check=0)
    assert "resuming" in finished.stdout or "Applied" in finished.stdout
    # Six plugins, six writes in all: a step sent just before a kill was found done, never resent.
    assert sum(write_requests(kong).values()) == 6, write_requests(kong)
    assert drift(cli)[0] == 0
    events = [row[0] for row in cli.query("SELECT action FROM auditEvent ORDER BY id")]
    assert events.count("policy.apply-started") == 1
    assert events.count("policy.applied") == 1
    assert events.count("policy.step-applied") + events.count("policy.step-found-applied") >= 6


def test_throttling_is_retried_after_retry_after(cli, kong):
    connect(cli, kong)
    kong.control("DELETE", "/stats")
    kong.control("POST", "/faults", {"method": "GET", "path_regex": "^/services", "status": 429, "retry_after": 1})
    cli.run("gateway", "sync", check=0)
    status, stats = kong.control("GET", "/stats")
    assert stats["by_status"].get("429") == 1


def test_bad_credential_and_unreachable_gateway_are_one_line_each(cli, kong, tmp_path):
    cli.run("init", check=0)
    wrong = tmp_path / "wrong-token"
    wrong.write_text("not-the-token")
    wrong.chmod(0o600)
    cli.run("gateway", "add", "kong", "--name", "kong-wrong", "--admin-url", kong.url, "--token-file", str(wrong),
            check=0)
    checked = cli.run("gateway", "check", "kong-wrong")
    assert checked.returncode == 2
    assert "kong-wrong" in checked.stdout + checked.stderr and "not-the-token" not in checked.stdout + checked.stderr

    cli.run("gateway", "add", "kong", "--name", "kong-gone", "--admin-url", "http://127.0.0.1:9", check=0)
    cli.run("env", "add", "Gone", "--gateway", "kong-gone", check=0)
    result = cli.run("gateway", "drift", "--env", "Gone")
    assert result.returncode == 2
    assert len(result.stdout.strip().splitlines()) == 1 and "kong-gone" in result.stdout
    assert "refused" in result.stdout or "cannot connect" in result.stdout


def test_a_kind_kong_cannot_run_is_refused_at_assign_time_and_nothing_changes(cli, kong):
    connect(cli, kong)
    before = cli.snapshot()
    result = cli.run("policy", "assign", "oidc-access-token-enforcement", "--env", "Prod",
                     "--config", "issuer=https://idp.example")
    assert result.returncode == 2
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and "Enterprise" in line and "jwt-validation" in line and "kong-prod" in line
    assert cli.snapshot() == before
