"""The gateways' client side against the real test servers, through the real binary: an Anypoint application made
for an Entra client by an external client provider (Graph test server as the IdP), "Reset Secret" pressed in
Anypoint, the client deleted at the IdP; a Kong consumer's key rotated with overlap and killed at every step
boundary; a Tyk OAuth client rotated with confirmation; and no secret text anywhere. The test servers check their
answers against the official documents (--validate-responses) and deck, as their own suites do."""
import json
import signal
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from loopback import LoopbackServer

ROOT = Path(__file__).resolve().parents[2]
TYK_DOCUMENT = ROOT / "Tests" / "TestServers" / "tyk_server" / "contract" / "gateway-openapi-fragment.yaml"
FAULTS = ["after-idp-create", "after-created", "after-deliver", "after-delivered", "after-verified",
          "after-grace-started", "after-idp-remove"]


def request(method, url, body=None, headers=None, form=False):
    if form:
        data = urllib.parse.urlencode(body).encode()
        content = "application/x-www-form-urlencoded"
    else:
        data = json.dumps(body).encode() if body is not None else None
        content = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": content, **(headers or {})})
    with urllib.request.urlopen(req, timeout=30) as response:
        raw = response.read()
        return json.loads(raw) if raw else None


def app_differences(cli, env):
    result = cli.run("gateway", "drift", "--env", env, "--json")
    rows = json.loads(result.stdout)
    return result.returncode, [(a["finding"]["kind"], a.get("app")) for r in rows for a in r["apps"]]


def registry_text(cli):
    return cli.stored_bytes().decode("latin-1")


@pytest.fixture
def graph():
    server = LoopbackServer("graph-test-server", "--applications", "2", "--seed", "5", "--quiet")
    yield server
    server.stop()


@pytest.fixture
def anypoint():
    server = LoopbackServer("anypoint-test-server", "--apis", "2", "--environments", "Prod", "--quiet",
                            "--validate-responses")
    yield server
    report = request("GET", server["control"] + "/contract")
    server.stop()
    assert report["violations"] == [], report


def anypoint_bearer(anypoint):
    token = request("POST", anypoint["token_url"], {
        "client_id": anypoint["client_id"], "client_secret": Path(anypoint["client_secret_file"]).read_text(),
        "grant_type": "client_credentials"})["access_token"]
    return {"Authorization": f"Bearer {token}"}


def graph_bearer(graph):
    token = request("POST", f"{graph['authority']}/{graph['tenant']}/oauth2/v2.0/token", {
        "grant_type": "client_credentials", "client_id": graph["client_id"],
        "client_secret": Path(graph["client_secret_file"]).read_text().strip(),
        "scope": "https://graph.microsoft.com/.default"}, form=True)["access_token"]
    return {"Authorization": f"Bearer {token}"}


def test_anypoint_reset_secret_is_a_stale_copy_and_a_client_deleted_at_the_idp_leaves_an_orphan(
        cli, graph, anypoint, tmp_path):
    cli.run("init", check=0)
    cli.run("idp", "add", "entra", "--name", "corp", "--tenant", graph["tenant"], "--client-id", graph["client_id"],
            "--secret-file", graph["client_secret_file"], "--authority", graph["authority"], "--graph", graph["graph"],
            check=0)
    cli.run("gateway", "add", "anypoint", "--name", "mule", "--url", anypoint["base_url"], "--organization",
            anypoint["organization_id"], "--client-id", anypoint["client_id"], "--secret-file",
            anypoint["client_secret_file"], check=0)
    cli.run("env", "add", "Prod", "--gateway", "mule", "--gateway-environment", anypoint["environments"]["Prod"],
            check=0)
    first = tmp_path / "portal.secret"
    cli.run("client", "register", "portal-app", "--idp", "corp", "--env", "Prod", "--secret-file", str(first), check=0)
    client = json.loads(cli.run("client", "show", "portal-app", "--json", check=0).stdout)["client"]
    # Anypoint's external client provider made the application for that client, with a copy of its secret.
    app = request("POST", anypoint["control"] + "/applications", {
        "name": "Portal App", "clientId": client["clientId"], "clientSecret": first.read_text().strip(), "environment": "Prod"})
    synced = cli.run("gateway", "sync", "--gateway", "mule", "--json")
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert app_differences(cli, "Prod") == (0, [])
    page = json.loads(cli.run("client", "show", "portal-app", "--json", check=0).stdout)
    assert [(a["gateway"], a["app"], a["holdsSecrets"]) for a in page["gatewayApps"]] == [
        ("mule", "application Portal App", False)]

    # "Reset Secret" in Anypoint: Anypoint's copy changes, Entra's secret does not.
    exchange = f"{anypoint['base_url']}/exchange/api/v2/organizations/{anypoint['organization_id']}"
    request("POST", f"{exchange}/applications/{app['id']}/secret/reset", headers=anypoint_bearer(anypoint))
    reset_copy = request("GET", f"{exchange}/applications/{app['id']}", headers=anypoint_bearer(anypoint))["clientSecret"]
    assert reset_copy != first.read_text()
    assert app_differences(cli, "Prod") == (1, [("stale-secret-copy", "application Portal App")])
    cli.run("secrets", "test", "portal-app", "--secret-file", str(first), check=0)
    text = cli.run("gateway", "drift", "--env", "Prod").stdout
    assert "IdP corp rejects the copy of portal-app's secret that mule shows" in text

    # The client is deleted in Entra, behind Clientele's back: its application lingers at Anypoint.
    request("DELETE", f"{graph['graph']}/applications/{client['objectId']}", headers=graph_bearer(graph))
    assert app_differences(cli, "Prod") == (1, [("orphaned-at-gateway", "application Portal App")])

    outputs = "".join(cli.run(*args).stdout for args in (
        ("gateway", "apps", "--json"), ("gateway", "drift", "--json"), ("audit", "list", "--json", "--limit", "500"),
        ("client", "show", "portal-app", "--json")))
    for secret in (first.read_text().strip(), reset_copy):
        assert secret not in registry_text(cli) and secret not in outputs


@pytest.fixture
def kong():
    server = LoopbackServer("kong-test-server", "--apis", "1", "--quiet")
    yield server
    server.stop()


def kong_keys(kong, consumer):
    return request("GET", f"{kong['admin_url']}/consumers/{consumer}/key-auth", headers=kong_headers(kong))["data"]


def kong_headers(kong):
    return {"Kong-Admin-Token": Path(kong["admin_token_file"]).read_text().strip()}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_kong_consumers_key_rotation_survives_a_kill_at_every_step(cli, kong, tmp_path, fault):
    cli.run("init", check=0)
    cli.run("gateway", "add", "kong", "--name", "kong-prod", "--admin-url", kong["admin_url"], "--token-file",
            kong["admin_token_file"], check=0)
    cli.run("env", "add", "Prod", "--gateway", "kong-prod", "--gateway-environment", "prod", check=0)
    request("POST", f"{kong['admin_url']}/consumers", {"username": "billing-batch", "tags": ["prod"]},
            kong_headers(kong))
    old = tmp_path / "old.key"
    created = request("POST", f"{kong['admin_url']}/consumers/billing-batch/key-auth", {}, kong_headers(kong))
    old.write_text(created["key"])
    cli.run("gateway", "sync", "--gateway", "kong-prod")
    name = "billing-batch key-auth"
    cli.run("secrets", "test", name, "--secret-file", str(old), check=0)

    new = tmp_path / "new.key"
    if fault == "after-idp-remove":
        cli.run("rotate", name, "--grace", "1d", "--secret-file", str(new), check=0)
        cli.now = "2030-01-01T00:00:00Z"
        crashed = cli.run("rotations", "advance", env={"CLIENTELE_TEST_FAULT": fault})
    else:
        crashed = cli.run("rotate", name, "--grace", "1d", "--secret-file", str(new), env={"CLIENTELE_TEST_FAULT": fault})
    assert crashed.returncode == -signal.SIGKILL, crashed.stdout + crashed.stderr
    # Killed anywhere, the consumer still has a working key, and at most one extra exists at Kong.
    assert len(kong_keys(kong, "billing-batch")) <= 2
    working = [p for p in (old, new) if p.exists() and p.read_text().strip()
               and cli.run("secrets", "test", name, "--secret-file", str(p)).returncode == 0]
    assert working, f"no working key after a kill at {fault}"
    drift = json.loads(cli.run("sync", "--idp", "kong-prod", "--dry-run", "--json").stdout)[0]
    extra = drift["secretsUnknownToRegistry"]
    assert len(extra) <= 1 and all(d["fromInterruptedRotation"] for d in extra), extra

    cli.run("rotations", "advance", check=0)
    cli.now = "2030-01-01T00:00:00Z"
    cli.run("rotations", "advance", check=0)
    cli.run("secrets", "test", name, "--secret-file", str(new), check=0)
    assert cli.run("secrets", "test", name, "--secret-file", str(old)).returncode == 1
    assert len(kong_keys(kong, "billing-batch")) == 1
    cli.now = None
    after = json.loads(cli.run("sync", "--idp", "kong-prod", "--dry-run", "--json").stdout)[0]
    assert after["secretsUnknownToRegistry"] == [] and after["secretsGoneAtIdP"] == []
    for key in (old.read_text(), new.read_text()):
        assert key not in registry_text(cli)
    cli.run("audit", "verify", check=0)


@pytest.fixture
def tyk():
    server = LoopbackServer("tyk-test-server", "--apis", "1", "--quiet", "--validate-responses", str(TYK_DOCUMENT))
    yield server
    violations = request("GET", server["control"] + "/peer-check")["violations"]
    server.stop()
    assert violations == [], violations


def test_a_tyk_oauth_client_rotates_only_when_confirmed(cli, tyk, tmp_path):
    headers = {"X-Tyk-Authorization": Path(tyk["secret_file"]).read_text()}
    api = request("GET", tyk["admin_url"] + "/tyk/apis", headers=headers)[0]
    api["use_oauth2"] = True
    api["use_keyless"] = False
    api["oauth_meta"] = {"allowed_access_types": ["client_credentials"], "allowed_authorize_types": ["token"]}
    request("PUT", f"{tyk['admin_url']}/tyk/apis/{api['api_id']}", api, headers)
    request("GET", tyk["admin_url"] + "/tyk/reload?block=true", headers=headers)
    created = request("POST", tyk["admin_url"] + "/tyk/oauth/clients/create", {
        "api_id": api["api_id"], "redirect_uri": "https://partner.example/cb", "description": "partner-portal"}, headers)
    old = tmp_path / "old.secret"
    old.write_text(created["secret"])

    cli.run("init", check=0)
    cli.run("gateway", "add", "tyk", "--name", "tyk-prod", "--url", tyk["admin_url"], "--secret-file",
            tyk["secret_file"], check=0)
    cli.run("env", "add", "Prod", "--gateway", "tyk-prod", check=0)
    cli.run("gateway", "sync", "--gateway", "tyk-prod")
    client = created["client_id"]
    cli.run("secrets", "test", client, "--secret-file", str(old), check=0)

    new = tmp_path / "new.secret"
    refused = cli.run("rotate", client, "--secret-file", str(new))
    assert refused.returncode != 0
    assert "gateway 'tyk-prod' cannot keep two secrets" in refused.stdout + refused.stderr
    assert request("GET", f"{tyk['admin_url']}/tyk/oauth/clients/{api['api_id']}/{client}", headers=headers)[
        "secret"] == old.read_text()
    new.unlink(missing_ok=True)
    cli.run("rotate", client, "--secret-file", str(new), "--yes", check=0)
    assert request("GET", f"{tyk['admin_url']}/tyk/oauth/clients/{api['api_id']}/{client}", headers=headers)[
        "secret"] == new.read_text().strip()
    cli.run("secrets", "test", client, "--secret-file", str(new), check=0)
    assert cli.run("secrets", "test", client, "--secret-file", str(old)).returncode == 1
    rotation = json.loads(cli.run("rotations", "list", "--all", "--json", check=0).stdout)[0]
    assert (rotation["step"], rotation["idp"]) == ("done", "tyk-prod")
    for secret in (old.read_text(), new.read_text()):
        assert secret not in registry_text(cli)


def test_an_anypoint_held_apps_contract_is_drift_only_where_it_is_and_adopt_takes_it(cli, tmp_path):
    server = LoopbackServer("anypoint-test-server", "--apis", "1", "--environments", "Sandbox,Prod", "--quiet",
                            "--validate-responses")
    try:
        cli.run("init", check=0)
        cli.run("gateway", "add", "anypoint", "--name", "mule", "--url", server["base_url"], "--organization",
                server["organization_id"], "--client-id", server["client_id"], "--secret-file",
                server["client_secret_file"], check=0)
        for env in ("Sandbox", "Prod"):
            cli.run("env", "add", env, "--gateway", "mule", "--gateway-environment", server["environments"][env],
                    check=0)
        # An application Anypoint validates itself (client-id enforcement: no IdP has its client id), with a
        # contract to Sandbox's API made in API Manager.
        app = request("POST", server["control"] + "/applications", {
            "name": "Batch Reconciler", "clientId": "b7c0ffee00000000000000000000beef",
            "clientSecret": "anypoint-held-secret-0001", "environment": "Sandbox"})
        bearer = anypoint_bearer(server)
        sandbox = f"{server['admin_url']}/organizations/{server['organization_id']}/environments/{server['environments']['Sandbox']}"
        api_id = request("GET", f"{sandbox}/apis", headers=bearer)["assets"][0]["apis"][0]["id"]
        request("POST", f"{sandbox}/apis/{api_id}/contracts", {"applicationId": app["id"]}, bearer)

        assert cli.run("gateway", "sync", "--gateway", "mule").returncode == 1
        held = json.loads(cli.run("client", "show", "b7c0ffee00000000000000000000beef", "--json", check=0).stdout)
        assert held["identityProvider"] == "mule" and held["gatewayApps"][0]["holdsSecrets"] is True
        # The contract is Sandbox's: Prod has nothing to say, and says so with its exit code.
        assert app_differences(cli, "Prod") == (0, [])
        assert app_differences(cli, "Sandbox") == (1, [("contract-not-in-registry", "application Batch Reconciler")])
        cli.run("gateway", "sync", "--gateway", "mule", "--adopt", check=0)
        assert app_differences(cli, "Sandbox") == (0, [])
        access = json.loads(cli.run("client", "show", "b7c0ffee00000000000000000000beef", "--json", check=0).stdout)["access"]
        assert [a["environment"] for a in access] == ["Sandbox"]
        assert "anypoint-held-secret-0001" not in registry_text(cli)
    finally:
        report = request("GET", server["control"] + "/contract")
        server.stop()
        assert report["violations"] == [], report
