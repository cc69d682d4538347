"""The client side: Exchange client applications (raw requests, each reply validated), SLA tiers and
contracts (anypoint-sdk, both of its contract paths: Exchange with a tier, API Manager without)."""

import pytest
from anypoint_sdk._http import HttpError


def _apps(server, rest=""):
    return f"{server.base_url}/exchange/api/v2/organizations/{server.org_id}/applications{rest}"


def _new_app(server, name):
    r = server.call("POST", _apps(server), json={"name": name, "description": "orders", "grantTypes": [
        "client_credentials"], "redirectUri": [], "url": "https://orders.example.test"})
    assert r.status_code == 201, r.text
    return r.json()


def test_application_lifecycle_and_secret_reset(server):
    app = _new_app(server, "Orders service")
    assert len(app["clientId"]) == 32 and len(app["clientSecret"]) == 32
    listed = server.call("GET", _apps(server), params={"query": "orders"}).json()
    assert [a["id"] for a in listed] == [app["id"]] and "clientSecret" not in listed[0]
    r = server.call("POST", _apps(server, f"/{app['id']}/secret/reset"))
    assert r.status_code == 201 and r.content == b""
    read = server.call("GET", _apps(server, f"/{app['id']}")).json()
    assert read["clientId"] == app["clientId"] and read["clientSecret"] != app["clientSecret"]
    r = server.call("PATCH", _apps(server, f"/{app['id']}"), json={"description": "orders v2"})
    assert r.json()["description"] == "orders v2"
    assert server.call("DELETE", _apps(server, f"/{app['id']}")).status_code == 204
    assert server.call("GET", _apps(server, f"/{app['id']}")).status_code == 404


@pytest.mark.parametrize("body, status, message", [
    ({"description": "no name"}, 400, "name is required"),
    ({"name": "x", "grantTypes": "client_credentials"}, 400, "grantTypes must be a list of strings"),
    ({"name": "x", "owner": "me"}, 400, "unknown property 'owner'"),
])
def test_bad_applications_are_refused(server, body, status, message):
    r = server.call("POST", _apps(server), json=body)
    assert (r.status_code, r.json()["message"]) == (status, message)


def test_application_names_are_unique(server):
    _new_app(server, "Billing")
    r = server.call("POST", _apps(server), json={"name": "Billing"})
    assert r.status_code == 409 and r.json()["error"] == "Conflict"


def test_a_tiered_contract_through_exchange_and_its_revocation(server, client):
    env_id = server.environments["Prod"]
    api = client.apis.list_instances(server.org_id, env_id, offset=11, limit=1)[0]
    gold = client.tiers.create_tier(server.org_id, env_id, api["id"], "Gold",
                                    [{"maximumRequests": 100, "timePeriodInMilliseconds": 60000}], auto_approve=True)
    silver = client.tiers.create_tier(server.org_id, env_id, api["id"], "Silver",
                                      [{"maximumRequests": 10, "timePeriodInMilliseconds": 60000}])
    assert [t["name"] for t in client.tiers.list_api_tiers(server.org_id, env_id, api["id"])] == ["Gold", "Silver"]
    app = _new_app(server, "Partner portal")
    contract = client.contracts.create_contract(server.org_id, env_id, api["id"], app["id"], tier_id=gold["id"],
                                                asset_id=api["assetId"], asset_version=api["assetVersion"],
                                                group_id=api["groupId"])
    assert contract["status"] == "APPROVED" and contract["tier"]["name"] == "Gold"
    (row,) = client.contracts.list_api_contracts(server.org_id, env_id, api["id"])
    assert (row["id"], row["applicationId"], row["tierName"]) == (contract["id"], app["id"], "Gold")
    # Still active: the application cannot go, nor the contract be deleted.
    assert server.call("DELETE", _apps(server, f"/{app['id']}")).status_code == 409
    with pytest.raises(HttpError) as err:
        client.contracts.delete_contract(server.org_id, env_id, api["id"], contract["id"])
    assert err.value.status == 409
    revoked = client.contracts.revoke_contract(server.org_id, env_id, api["id"], contract["id"])
    assert revoked["status"] == "REVOKED" and revoked["revokedDate"]
    client.contracts.delete_contract(server.org_id, env_id, api["id"], contract["id"])
    assert client.contracts.list_api_contracts(server.org_id, env_id, api["id"]) == []
    # A tier without auto-approve leaves the contract pending, with the tier as requested.
    pending = server.call("POST", _apps(server, f"/{app['id']}/contracts"), json={
        "apiId": str(api["id"]), "environmentId": env_id, "instanceType": "api", "acceptedTerms": True,
        "organizationId": server.org_id, "groupId": api["groupId"], "assetId": api["assetId"], "version": "1.0.0",
        "versionGroup": "v1", "requestedTierId": silver["id"]}).json()
    assert pending["status"] == "PENDING" and pending["requestedTier"]["name"] == "Silver"


def test_an_untiered_contract_through_api_manager(server, client):
    env_id = server.environments["Sandbox"]
    api_id = client.apis.list_instances(server.org_id, env_id, offset=12, limit=1)[0]["id"]
    app = _new_app(server, "Reporting")
    contract = client.contracts.create_contract(server.org_id, env_id, api_id, app["id"])
    assert contract["status"] == "APPROVED" and contract["application"]["coreServicesId"] == app["clientId"]
    with pytest.raises(HttpError) as err:
        client.contracts.create_contract(server.org_id, env_id, api_id, app["id"])
    assert err.value.status == 409
    with pytest.raises(HttpError) as err:
        client.contracts.create_contract(server.org_id, env_id, api_id, 999999)
    assert err.value.status == 404


def test_bad_tiers_are_refused(server, client):
    env_id = server.environments["Sandbox"]
    api_id = client.apis.list_instances(server.org_id, env_id, offset=13, limit=1)[0]["id"]
    with pytest.raises(HttpError) as err:
        client.tiers.create_tier(server.org_id, env_id, api_id, "Bronze", [{"maximumRequests": 0,
                                                                           "timePeriodInMilliseconds": 1}])
    assert err.value.status == 400 and "limits" in err.value.body
    with pytest.raises(HttpError) as err:
        client.tiers.create_tier(server.org_id, env_id, api_id, "Bronze", [], status="INACTIVE")
    assert err.value.status == 400 and "status must be ACTIVE or DEPRECATED" in err.value.body
