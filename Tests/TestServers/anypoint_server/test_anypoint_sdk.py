"""anypoint-sdk (PyPI, third party) driven as an independent client: it fetches its own token, reads /me,
lists environments, pages every API instance, applies, updates, lists and removes policies. Every response
it receives is also validated against the contract by the module's validator."""

import time

import pytest
from anypoint_sdk import AnypointClient
from anypoint_sdk._http import HttpError

from anypoint_harness import POLICY_GROUP, SEEDED_APIS


def test_from_client_credentials_with_a_wrong_secret_fails_with_401(server):
    with pytest.raises(HttpError) as err:
        AnypointClient.from_client_credentials(server.client_id, "wrong-" + server.client_secret,
                                               base_url=server.base_url, timeout=10)
    assert err.value.status == 401


def test_me_and_accessible_organizations_name_the_seeded_organization(server, client):
    me = client.organizations.me()
    assert me["client"]["client_id"] == server.client_id
    assert me["user"]["organization"]["id"] == server.org_id
    assert [o["id"] for o in client.organizations.list_accessible()] == [server.org_id]


def test_environments_are_the_ready_lines(server, client):
    envs = client.environments.list(server.org_id, use_cache=False)
    assert {e["name"]: e["id"] for e in envs} == server.environments


def test_list_instances_pages_through_all_2500_in_each_environment(server, client):
    before = server.validator.checked
    for name, env_id in server.environments.items():
        rows = client.apis.list_instances(server.org_id, env_id)
        assert len(rows) == SEEDED_APIS
        assert len({r["id"] for r in rows}) == SEEDED_APIS
        assert {r["environmentId"] for r in rows} == {env_id}
        assert rows[0]["exchangeAssetName"] == "API 00001" and rows[-1]["exchangeAssetName"] == "API 02500"
    # 2,500 rows at the SDK's page size of 200: 13 pages per environment, each one validated.
    assert server.validator.checked - before == 2 * 13


def test_one_page_and_one_instance(server, client):
    env_id = server.environments["Prod"]
    page = client.apis.list_instances(server.org_id, env_id, offset=2490, limit=50)
    assert len(page) == 10
    detail = client.apis.get_instance(server.org_id, env_id, page[0]["id"])
    assert detail["id"] == page[0]["id"] and detail["environmentId"] == env_id
    with pytest.raises(HttpError) as err:
        client.apis.get_instance(server.org_id, server.environments["Sandbox"], page[0]["id"])
    assert err.value.status == 404


def test_apply_update_list_and_remove_a_policy(server, client):
    env_id = server.environments["Sandbox"]
    api_id = client.apis.list_instances(server.org_id, env_id, limit=1, offset=7)[0]["id"]
    created = client.policies.apply_api_policy_template(
        server.org_id, env_id, api_id, policy_template_id="rate-limiting", asset_version="1.4.1",
        configuration={"rateLimits": [{"maximumRequests": 5, "timePeriodInMilliseconds": 1000}]})
    assert created["assetId"] == "rate-limiting" and created["groupId"] == POLICY_GROUP and created["order"] == 1

    updated = client.policies.update_api_policy(server.org_id, env_id, api_id, created["id"], {
        "configurationData": {"rateLimits": [{"maximumRequests": 9, "timePeriodInMilliseconds": 1000}]}})
    assert updated["configurationData"]["rateLimits"][0]["maximumRequests"] == 9

    # The SDK reads {"policies": [{policyId, configuration, template, ...}]}; the OpenAPI fragment documents a
    # top-level array. The server emits what the SDK reads when told to, and the validator duly rejects it.
    server.control("POST", "/policy-list-shape", {"shape": "envelope"})
    with server.validator.expect_violation() as violations:
        listed = client.policies.list_api_policies(server.org_id, env_id, api_id)
    assert len(violations) == 1 and "policies" in violations[0]
    assert [(p["policyId"], p["configuration"]["rateLimits"][0]["maximumRequests"]) for p in listed] == [
        (created["id"], 9)]
    assert listed[0]["template"] == {"assetId": "rate-limiting", "groupId": POLICY_GROUP, "assetVersion": "1.4.1"}

    client.policies.delete_api_policy(server.org_id, env_id, api_id, created["id"])
    with server.validator.expect_violation():
        assert client.policies.list_api_policies(server.org_id, env_id, api_id) == []


def test_a_rejected_policy_is_an_http_400(server, client):
    env_id = server.environments["Prod"]
    api_id = client.apis.list_instances(server.org_id, env_id, limit=1, offset=3)[0]["id"]
    with pytest.raises(HttpError) as err:
        client.policies.apply_api_policy_template(server.org_id, env_id, api_id, policy_template_id="rate-limiting",
                                                  configuration={"keySelector": "#[1]"})
    assert err.value.status == 400
    assert "rateLimits is required" in err.value.body


def test_sdk_retries_a_429_after_retry_after_and_succeeds(server, client):
    server.control("POST", "/faults", {"kind": "status", "status": 429, "retry_after": 1, "count": 1,
                                       "method": "GET", "path_regex": "/environments/[^/]+/apis$"})
    started = time.monotonic()
    rows = client.apis.list_instances(server.org_id, server.environments["Prod"], limit=5)
    assert len(rows) == 5
    assert time.monotonic() - started >= 0.9  # it waited for Retry-After before trying again
    assert server.control("GET", "/faults") == {"faults": []}


def test_sdk_gives_up_on_a_lasting_503(server, client):
    server.control("POST", "/faults", {"kind": "status", "status": 503, "retry_after": 0, "count": 10,
                                       "path_regex": "/apis/[0-9]+$"})
    api_id = client.apis.list_instances(server.org_id, server.environments["Prod"], limit=1)[0]["id"]
    with pytest.raises(HttpError) as err:
        client.apis.get_instance(server.org_id, server.environments["Prod"], api_id)
    assert err.value.status == 503
    # one try and three retries spent four of the ten
    assert server.control("GET", "/faults")["faults"][0]["remaining"] == 6
