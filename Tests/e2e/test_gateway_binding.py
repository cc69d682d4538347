"""Environments and gateways: a registry from the previous version keeps each environment's gateway kind,
unbound; binding refuses, in one line and changing nothing, what the gateway cannot run; the sandbox gateway
serves plan, apply and drift with no server."""
import json
import shutil
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "registry-v1.sqlite"


def previous_version_registry(cli):
    cli.now = "2026-11-23T12:00:00Z"
    cli.registry.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE, cli.registry)
    return cli


@pytest.mark.sqlite_file  # a file the previous version (SQLite only) wrote
def test_a_previous_registry_keeps_its_gateway_kinds_unbound(cli):
    previous_version_registry(cli)
    rows = json.loads(cli.run("env", "list", "--json", check=0).stdout)
    assert [(r["name"], r["gateway"], r.get("gatewayName")) for r in rows] == [
        ("Sandbox", "anypoint", None), ("Dev", "anypoint", None), ("Test", "kong", None), ("Prod", "kong", None)]
    table = cli.run("env", "list", check=0).stdout
    assert "kong (not bound)" in table
    assert cli.query("PRAGMA user_version") == [(9,)]
    cli.run("audit", "verify", check=0)


@pytest.mark.sqlite_file  # a file the previous version (SQLite only) wrote
def test_binding_refuses_what_the_gateway_cannot_run_and_changes_nothing(cli):
    previous_version_registry(cli)
    cli.run("gateway", "add", "kong", "--name", "kong-prod", "--admin-url", "http://127.0.0.1:9", check=0)
    before = cli.snapshot()
    result = cli.run("env", "set", "Prod", "--gateway", "kong-prod", "--gateway-environment", "prod")
    assert result.returncode == 2
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1
    assert "Prod" in line and "kong-prod" in line and "oidc-access-token-enforcement" in line
    assert cli.snapshot() == before


def test_unknown_gateway_and_missing_anypoint_environment_are_one_line(cli):
    cli.run("init", check=0)
    result = cli.run("env", "add", "Prod", "--gateway", "nowhere")
    assert result.returncode == 2 and "no gateway 'nowhere'" in result.stderr and "gateway add" in result.stderr
    cli.run("gateway", "add", "anypoint", "--name", "mule", "--organization", "org-1", "--client-id", "app",
            "--secret-env", "ANYPOINT_SECRET", check=0)
    before = cli.snapshot()
    result = cli.run("env", "add", "Prod", "--gateway", "mule")
    assert result.returncode == 2 and "--gateway-environment" in result.stderr
    assert cli.snapshot() == before
    assert json.loads(cli.run("env", "list", "--json", check=0).stdout) == []
    listed = json.loads(cli.run("gateway", "list", "--json", check=0).stdout)
    assert listed == [{"name": "mule", "kind": "anypoint", "endpoint": "https://anypoint.mulesoft.com",
                       "credential": "env $ANYPOINT_SECRET", "environments": []}]
    removed = cli.run("gateway", "remove", "mule", check=0)
    assert "Nothing changed at the gateway" in removed.stdout


def test_a_bound_gateway_cannot_be_removed(cli):
    cli.run("init", check=0)
    cli.run("gateway", "add", "kong", "--name", "k", "--admin-url", "http://127.0.0.1:9", check=0)
    cli.run("env", "add", "Prod", "--gateway", "k", check=0)
    result = cli.run("gateway", "remove", "k")
    assert result.returncode == 2 and "bound to Prod" in result.stderr


def test_the_demo_gateways_show_every_state_and_drift_resolves_both_ways(demo):
    matrix_before = demo.run("gateway", "drift", "--json")
    assert matrix_before.returncode == 1
    reports = {r["environment"]: r for r in json.loads(matrix_before.stdout)}
    assert set(reports) == {"Sandbox", "Dev", "Test", "Prod"}
    prod = reports["Prod"]["differences"]
    assert [(d["kind"], d["apiName"], d["element"]) for d in prod] == [("configured", "payments-api", "rate-limiting")]
    assert [(c["path"], c["theirs"], c["ours"]) for c in prod[0]["changes"]] == [("config.minute", 500, 100)]
    test = reports["Test"]["differences"]
    assert [(d["kind"], d["element"], d["theirs"]["managed"]) for d in test] == [("unassigned", "cors", False)]
    assert {d["kind"] for d in reports["Dev"]["differences"]} == {"missing"}

    # Push Prod (the registry wins), adopt Test (the gateway wins).
    demo.run("policy", "apply", "--env", "Prod", "--yes", check=0)
    demo.run("gateway", "sync", "--gateway", "kong-sandbox", "--adopt", check=0)
    code = demo.run("gateway", "drift", "--env", "Test").returncode
    assert code == 0
    assert demo.run("gateway", "drift", "--env", "Prod").returncode == 0
    shown = json.loads(demo.run("policy", "show", "--env", "Test", "--json", check=0).stdout)
    assert any(r["policy"] == "cors" and r["api"] == "orders-api" for r in shown)
