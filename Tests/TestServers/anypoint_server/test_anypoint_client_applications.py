"""The client applications as a gateway's client side (issue 11): an application seeded through
/_control/applications as an external client provider leaves it (the IdP's client id and a copy of its
secret), Exchange's secret reset (a new secret only the gateway knows), paging over more than one page, the
contracts as the application and as each API instance show them, and anypoint-sdk reading the same
applications through the API Platform listing it uses. Every Anypoint answer goes through the validator."""

import json
import secrets
import urllib.error
import urllib.request

import pytest
from anypoint_sdk import AnypointClient

from anypoint_harness import ServerProcess
from contract_validator import ContractValidator, validating

SEEDED_APPLICATIONS = 260  # more than one page of 250, Exchange's largest


@pytest.fixture(scope="module")
def server():
    srv = ServerProcess("--apis", 3, "--applications", SEEDED_APPLICATIONS, "--seed", "anypoint-apps", "--quiet")
    srv.validator = ContractValidator(srv.base_url)
    with validating(srv.validator):
        yield srv
    srv.stop()


def _apps(server, rest=""):
    return f"{server.base_url}/exchange/api/v2/organizations/{server.org_id}/applications{rest}"


def _seed(server, body):
    """POST /_control/applications: (status, parsed answer), 4xx included."""
    req = urllib.request.Request(server.info["control"] + "/applications", data=json.dumps(body).encode(),
                                 method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def _external(server, name):
    client_id, secret = secrets.token_hex(16), secrets.token_urlsafe(30)
    status, app = _seed(server, {"name": name, "clientId": client_id, "clientSecret": secret,
                                 "environment": "Prod"})
    assert status == 201, app
    return app, client_id, secret


def test_a_seeded_application_is_answered_as_exchange_shows_it_and_reset_leaves_the_copy_stale(server):
    app, client_id, secret = _external(server, "Entra orders client")
    assert (app["clientId"], app["clientSecret"], app["name"]) == (client_id, secret, "Entra orders client")
    read = server.call("GET", _apps(server, f"/{app['id']}"))
    assert read.status_code == 200 and read.json() == app
    listed = server.call("GET", _apps(server), params={"query": "Entra orders"}).json()
    assert [a["id"] for a in listed] == [app["id"]] and "clientSecret" not in listed[0]
    # "Reset Secret" pressed in Anypoint: the gateway now shows a secret the IdP never issued.
    reset = server.call("POST", _apps(server, f"/{app['id']}/secret/reset"))
    assert reset.status_code == 201 and reset.content == b""
    after = server.call("GET", _apps(server, f"/{app['id']}")).json()
    assert after["clientId"] == client_id and after["clientSecret"] not in (secret, "")
    assert after["audit"]["updated"]["date"]
    again = server.call("POST", _apps(server, f"/{app['id']}/secret/reset"))
    assert again.status_code == 201
    assert server.call("GET", _apps(server, f"/{app['id']}")).json()["clientSecret"] != after["clientSecret"]


@pytest.mark.parametrize("body, status, message", [
    ({"clientId": "c1", "clientSecret": "s1"}, 400, "name is required"),
    ({"name": "No id", "clientSecret": "s1"}, 400, "clientId is required"),
    ({"name": "No secret", "clientId": "c2", "clientSecret": ""}, 400, "clientSecret is required"),
    ({"name": "Elsewhere", "clientId": "c3", "clientSecret": "s", "environment": "Staging"}, 404,
     "Environment Staging not found"),
    ({"name": "Extra", "clientId": "c4", "clientSecret": "s", "owner": "me"}, 400, "unknown property 'owner'"),
])
def test_bad_seeds_are_one_line_and_change_nothing(server, body, status, message):
    before = len(server.call("GET", _apps(server), params={"limit": 250, "offset": 0}).json())
    assert _seed(server, body) == (status, {"error": message})
    assert len(server.call("GET", _apps(server), params={"limit": 250, "offset": 0}).json()) == before


def test_a_client_id_or_name_seeded_twice_is_a_conflict(server):
    app, client_id, _ = _external(server, "Twice")
    assert _seed(server, {"name": "Twice again", "clientId": client_id, "clientSecret": "x"}) == (
        409, {"error": f"An application with client id {client_id} already exists"})
    assert _seed(server, {"name": "Twice", "clientId": "another", "clientSecret": "x"})[0] == 409
    # The environment may be named by its id as well as its name.
    status, by_id = _seed(server, {"name": "By id", "clientId": secrets.token_hex(16), "clientSecret": "x",
                                   "environment": server.environments["Sandbox"]})
    assert status == 201 and by_id["id"] != app["id"]


def test_every_application_once_over_pages(server):
    ids, names = [], []
    for offset in range(0, SEEDED_APPLICATIONS + 250, 100):
        page = server.call("GET", _apps(server), params={"offset": offset, "limit": 100}).json()
        ids += [a["id"] for a in page]
        names += [a["name"].lower() for a in page]
    assert len(ids) == len(set(ids)) >= SEEDED_APPLICATIONS
    assert names == sorted(names)
    assert server.call("GET", _apps(server), params={"limit": 251}).status_code == 400


def test_anypoint_sdk_lists_every_application_with_the_secret_anypoint_shows(server):
    app, client_id, secret = _external(server, "SDK-read client")
    sdk = AnypointClient.from_client_credentials(server.client_id, server.client_secret, base_url=server.base_url,
                                                 timeout=10)
    try:
        before = server.validator.outside
        rows = sdk.applications.list(server.org_id)
        assert len(rows) >= SEEDED_APPLICATIONS + 1 and len({r["id"] for r in rows}) == len(rows)
        assert server.validator.outside - before >= 2  # more than one page of the SDK's 200
        mine = next(r for r in rows if r["id"] == app["id"])
        assert (mine["clientId"], mine["clientSecret"], mine["coreServicesId"]) == (client_id, secret, client_id)
        server.call("POST", _apps(server, f"/{app['id']}/secret/reset"))
        shown = server.call("GET", _apps(server, f"/{app['id']}")).json()["clientSecret"]
        mine = next(r for r in sdk.applications.list(server.org_id) if r["id"] == app["id"])
        assert mine["clientSecret"] == shown != secret
    finally:
        sdk.close()


def test_contracts_agree_as_the_application_and_as_each_instance_show_them(server):
    app, client_id, _ = _external(server, "Contracted client")
    prod = server.environments["Prod"]
    api_a = server.call("GET", server.env_url("Sandbox"), params={"limit": 1}).json()["assets"][0]["apis"][0]
    api_b = server.call("GET", server.env_url("Prod"), params={"limit": 1}).json()["assets"][0]["apis"][0]
    # One through API Manager, one through Exchange.
    r = server.call("POST", server.env_url("Sandbox", f"/{api_a['id']}/contracts"), json={"applicationId": app["id"]})
    assert r.status_code == 201, r.text
    r = server.call("POST", _apps(server, f"/{app['id']}/contracts"), json={
        "apiId": str(api_b["id"]), "environmentId": prod, "instanceType": "api", "acceptedTerms": True,
        "organizationId": server.org_id, "groupId": api_b["groupId"], "assetId": api_b["assetId"],
        "version": api_b["assetVersion"], "versionGroup": "v1"})
    assert r.status_code == 201, r.text
    by_app = server.call("GET", _apps(server, f"/{app['id']}/contracts")).json()
    assert sorted((c["apiId"], c["status"]) for c in by_app) == sorted(
        [(api_a["id"], "APPROVED"), (api_b["id"], "APPROVED")])
    for env, api in (("Sandbox", api_a), ("Prod", api_b)):
        rows = server.call("GET", server.env_url(env, f"/{api['id']}/contracts")).json()["contracts"]
        (row,) = [c for c in rows if c["applicationId"] == app["id"]]
        assert row["application"]["coreServicesId"] == client_id
        assert row["id"] in {c["id"] for c in by_app}
    # Revoked at API Manager, revoked as the application sees it.
    (row,) = [c for c in by_app if c["apiId"] == api_a["id"]]
    r = server.call("PATCH", server.env_url("Sandbox", f"/{api_a['id']}/contracts/{row['id']}"),
                    json={"status": "REVOKED"})
    assert r.status_code == 200
    statuses = {c["apiId"]: c["status"] for c in server.call("GET", _apps(server, f"/{app['id']}/contracts")).json()}
    assert statuses == {api_a["id"]: "REVOKED", api_b["id"]: "APPROVED"}
