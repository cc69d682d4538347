"""Policies reach Tyk and Anypoint through the real binary: assign, plan, apply, see it applied, change it behind
Clientele's back, see the drift, resolve it both ways. The test servers check every answer they give against the
official OpenAPI documents (--validate-responses), and the tests fail if any answer broke them."""
import json
import urllib.request
from pathlib import Path

import pytest

from loopback import LoopbackServer

ROOT = Path(__file__).resolve().parents[2]
TYK_DOCUMENT = ROOT / "Tests" / "TestServers" / "tyk_server" / "contract" / "gateway-openapi-fragment.yaml"


def request(method, url, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req, timeout=30) as response:
        raw = response.read()
        return json.loads(raw) if raw else None


def drift(cli, env):
    result = cli.run("gateway", "drift", "--env", env, "--json")
    return result.returncode, json.loads(result.stdout)[0]["differences"]


def theirs_alone(differences):
    """What someone else set up at the gateway and Clientele leaves alone (the seeded APIs' own auth)."""
    return [d for d in differences if d["kind"] == "unassigned" and d["theirs"]["managed"] is False]


@pytest.fixture
def tyk():
    server = LoopbackServer("tyk-test-server", "--apis", "3", "--quiet", "--validate-responses", str(TYK_DOCUMENT))
    yield server
    violations = request("GET", server["control"] + "/peer-check")["violations"]
    server.stop()
    assert violations == [], violations


@pytest.fixture
def anypoint():
    server = LoopbackServer("anypoint-test-server", "--apis", "3", "--environments", "Sandbox,Prod", "--quiet",
                            "--validate-responses")
    yield server
    report = request("GET", server["control"] + "/contract")
    server.stop()
    assert report["checked"] > 0 and report["violations"] == [], report


def test_tyk_apply_drift_push_and_adopt(cli, tyk):
    cli.run("init", check=0)
    cli.run("gateway", "add", "tyk", "--name", "tyk-prod", "--url", tyk["admin_url"], "--secret-file",
            tyk["secret_file"], check=0)
    cli.run("gateway", "check", "tyk-prod", check=0)
    cli.run("env", "add", "Prod", "--gateway", "tyk-prod", check=0)
    code, seeded = drift(cli, "Prod")
    assert code == 1 and seeded == theirs_alone(seeded) and seeded, seeded
    cli.run("policy", "assign", "rate-limiting", "--env", "Prod", "--config", "requests=100", "--config", "window=1m",
            check=0)
    cli.run("policy", "assign", "cors", "--env", "Prod", "--config", "origins=https://app.example", check=0)
    plan = cli.run("policy", "plan", "--env", "Prod", check=0).stdout
    assert "rate: 100" in plan and "per: 60" in plan and "reload" in plan, plan
    applied = cli.run("policy", "apply", "--env", "Prod", "--yes", check=0).stdout
    assert "left alone" not in applied or "auth" in applied
    assert drift(cli, "Prod") == (1, seeded)

    # Behind Clientele's back: one API's CORS max_age, straight through the Tyk API, then a reload.
    secret = Path(tyk["secret_file"]).read_text()
    headers = {"X-Tyk-Authorization": secret}
    apis = request("GET", tyk["admin_url"] + "/tyk/apis", headers=headers)
    target = apis[0]
    target["CORS"]["max_age"] = 99
    request("PUT", f"{tyk['admin_url']}/tyk/apis/{target['api_id']}", target, headers)
    request("GET", tyk["admin_url"] + "/tyk/reload?block=true", headers=headers)
    code, differences = drift(cli, "Prod")
    changed = [d for d in differences if d not in seeded]
    assert code == 1 and len(changed) == 1
    assert changed[0]["kind"] == "configured"
    assert [(c["path"], c["theirs"], c["ours"]) for c in changed[0]["changes"]] == [("CORS.max_age", 99, 600)]

    cli.run("policy", "apply", "--env", "Prod", "--yes", check=0)
    assert drift(cli, "Prod") == (1, seeded)
    target = request("GET", f"{tyk['admin_url']}/tyk/apis/{target['api_id']}", headers=headers)
    target["CORS"]["max_age"] = 120
    request("PUT", f"{tyk['admin_url']}/tyk/apis/{target['api_id']}", target, headers)
    request("GET", tyk["admin_url"] + "/tyk/reload?block=true", headers=headers)
    cli.run("gateway", "sync", "--adopt")
    shown = json.loads(cli.run("policy", "show", "--env", "Prod", "--json", check=0).stdout)
    assert any(r["policy"] == "cors" and r["api"] == target["name"] and r["configuration"]["max-age"] == "2m"
               for r in shown), shown


def test_anypoint_apply_drift_push_and_adopt(cli, anypoint):
    cli.run("init", check=0)
    cli.run("gateway", "add", "anypoint", "--name", "mule", "--url", anypoint["base_url"], "--organization",
            anypoint["organization_id"], "--client-id", anypoint["client_id"], "--secret-file",
            anypoint["client_secret_file"], check=0)
    cli.run("gateway", "check", "mule", check=0)
    cli.run("env", "add", "Prod", "--gateway", "mule", "--gateway-environment", anypoint["environments"]["Prod"],
            check=0)
    cli.run("gateway", "sync", "--gateway", "mule", check=0)
    cli.run("policy", "assign", "rate-limiting", "--env", "Prod", "--config", "requests=100", "--config", "window=1m",
            check=0)
    cli.run("policy", "assign", "ip-allowlist", "--env", "Prod", "--config", "cidrs=10.0.0.0/8", check=0)
    plan = cli.run("policy", "plan", "--env", "Prod", check=0).stdout
    assert "rate-limiting 1.4.1" in plan and "rateLimits[0].maximumRequests: 100" in plan, plan
    assert "rateLimits[0].timePeriodInMilliseconds: 60000" in plan
    cli.run("policy", "apply", "--env", "Prod", "--yes", check=0)
    assert drift(cli, "Prod") == (0, [])

    # Someone raises one instance's limit in API Manager.
    token = request("POST", anypoint["token_url"], {
        "client_id": anypoint["client_id"], "client_secret": Path(anypoint["client_secret_file"]).read_text(),
        "grant_type": "client_credentials"})["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    base = f"{anypoint['admin_url']}/organizations/{anypoint['organization_id']}/environments/{anypoint['environments']['Prod']}"
    instance = request("GET", base + "/apis", headers=bearer)["assets"][0]["apis"][0]["id"]
    policies = request("GET", f"{base}/apis/{instance}/policies", headers=bearer)
    policies = policies["policies"] if isinstance(policies, dict) else policies
    limit = next(p for p in policies if (p.get("assetId") or p.get("template", {}).get("assetId")) == "rate-limiting")
    policy_id = limit.get("id") or limit.get("policyId")
    configuration = limit.get("configurationData") or limit.get("configuration")
    configuration["rateLimits"][0]["maximumRequests"] = 150
    request("PATCH", f"{base}/apis/{instance}/policies/{policy_id}", {"configurationData": configuration}, bearer)
    code, differences = drift(cli, "Prod")
    assert code == 1 and len(differences) == 1
    assert [(c["path"], c["theirs"], c["ours"]) for c in differences[0]["changes"]] == [
        ("rateLimits[0].maximumRequests", 150, 100)]

    cli.run("gateway", "sync", "--adopt", check=0)
    assert drift(cli, "Prod") == (0, [])
    shown = json.loads(cli.run("policy", "show", "--env", "Prod", "--json", check=0).stdout)
    assert any(r["policy"] == "rate-limiting" and r["api"] and r["configuration"]["requests"] == 150 for r in shown)
