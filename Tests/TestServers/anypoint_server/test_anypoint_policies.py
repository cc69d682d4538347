"""Policies on an API instance through raw requests: the provider's validation as 400s in Anypoint's error
shape, duplicates, order (on create, PATCH of one, bulk PATCH of many), fullInfo and the other list shapes."""

import pytest

from anypoint_harness import POLICY_GROUP, rate_limiting


@pytest.fixture
def api(server, request):
    """A fresh instance per test (distinct offsets), so one test's policies never meet another's."""
    offset = 100 + request.node.nodeid.__hash__() % 2000
    r = server.call("GET", server.env_url("Sandbox"), params={"offset": offset, "limit": 1})
    api_id = r.json()["assets"][0]["apis"][0]["id"]
    yield server.env_url("Sandbox", f"/{api_id}/policies"), api_id
    server.control("POST", "/policy-list-shape", {"shape": "array"})
    for p in server.call("GET", server.env_url("Sandbox", f"/{api_id}/policies"),
                         params={"fullInfo": "false"}).json():
        server.call("DELETE", server.env_url("Sandbox", f"/{api_id}/policies/{p['id']}"))


def _post(server, url, body, **params):
    return server.call("POST", url, json=body, params=params)


def _orders(server, url):
    return [(p["assetId"], p["order"]) for p in server.call("GET", url, params={"fullInfo": "false"}).json()]


def test_create_get_patch_delete(server, api):
    url, api_id = api
    r = _post(server, url, rate_limiting(), allowDuplicated="true")
    assert r.status_code == 201
    created = r.json()
    assert created["apiId"] == api_id and created["order"] == 1 and created["disabled"] is False
    one = server.call("GET", f"{url}/{created['id']}")
    assert one.status_code == 200 and one.json()[0]["configurationData"] == rate_limiting()["configurationData"]
    r = server.call("PATCH", f"{url}/{created['id']}", json={"disabled": True, "assetVersion": "1.4.2"})
    assert r.status_code == 200 and r.json()["disabled"] is True and r.json()["assetVersion"] == "1.4.2"
    assert server.call("GET", url).json() == []  # fullInfo defaults to true: active policies only
    assert [p["id"] for p in server.call("GET", url, params={"fullInfo": "false"}).json()] == [created["id"]]
    assert server.call("DELETE", f"{url}/{created['id']}").status_code == 204
    r = server.call("GET", f"{url}/{created['id']}")
    assert r.status_code == 404 and r.json()["error"] == "Not Found"


@pytest.mark.parametrize("change, message", [
    ({"configurationData": {"keySelector": "x"}}, "configurationData.rateLimits is required for policy rate-limiting"),
    ({"configurationData": {"rateLimits": "ten"}}, "configurationData.rateLimits must be of type array"),
    ({"configurationData": {"rateLimits": [], "burst": 3}}, "configurationData.burst is not a field of policy rate-limiting"),
    ({"assetVersion": "latest"}, "assetVersion 'latest' is not a version"),
    ({"groupId": None}, "groupId is required"),
    ({"order": 0}, "order must be a positive integer"),
    ({"pointcutData": [{"methodRegex": "(GET"}]}, "pointcutData regex '(GET' does not compile"),
    ({"colour": "red"}, "unknown property 'colour'"),
])
def test_schema_violations_are_400s_naming_the_field(server, api, change, message):
    url, _ = api
    body = {k: v for k, v in {**rate_limiting(), **change}.items() if v is not None}
    r = _post(server, url, body)
    assert r.status_code == 400
    assert r.json() == {"error": "Bad Request", "message": message}
    assert _orders(server, url) == []


def test_spike_control_and_ip_allowlist_checks(server, api):
    url, _ = api
    spike = {"groupId": POLICY_GROUP, "assetId": "spike-control", "assetVersion": "1.2.2",
             "configurationData": {"maximumRequests": 1, "timePeriodInMilliseconds": 9000, "delayTimeInMillis": 100,
                                   "delayAttempts": 1}}
    r = _post(server, url, spike)
    assert (r.status_code, r.json()["message"]) == (400, "configurationData.timePeriodInMilliseconds must be at most 5000")
    spike["configurationData"]["timePeriodInMilliseconds"] = 1000
    assert _post(server, url, spike).status_code == 201
    allow = {"groupId": POLICY_GROUP, "assetId": "ip-allowlist", "assetVersion": "1.1.2",
             "configurationData": {"ipExpression": "#[attributes.headers['x-forwarded-for']]", "ips": ["10.0.0.0/8", 7]}}
    r = _post(server, url, allow)
    assert (r.status_code, r.json()["message"]) == (400, "configurationData.ips must be of type string_array")


def test_unknown_template_is_404_and_a_duplicate_409_unless_allowed(server, api):
    url, _ = api
    r = _post(server, url, {**rate_limiting(), "assetId": "no-such-policy"})
    assert r.status_code == 404 and "no-such-policy" in r.json()["message"]
    assert _post(server, url, rate_limiting()).status_code == 201
    r = _post(server, url, rate_limiting())
    assert r.status_code == 409 and r.json()["error"] == "Conflict"
    assert _post(server, url, rate_limiting(), allowDuplicated="true").status_code == 201


def _apply_three(server, url):
    bodies = [rate_limiting(),
              {"groupId": POLICY_GROUP, "assetId": "header-injection", "assetVersion": "1.3.2",
               "configurationData": {"inboundHeaders": [{"key": "x-a", "value": "1"}]}},
              {"groupId": POLICY_GROUP, "assetId": "client-id-enforcement", "assetVersion": "1.3.3",
               "configurationData": {"credentialsOriginHasHttpBasicAuthenticationHeader": "customExpression",
                                     "clientIdExpression": "#[attributes.headers['client_id']]",
                                     "clientSecretExpression": "#[attributes.headers['client_secret']]"}}]
    return [_post(server, url, b).json()["id"] for b in bodies]


def test_order_on_create_and_bulk_reorder(server, api):
    url, _ = api
    rl, hi, cid = _apply_three(server, url)
    assert _orders(server, url) == [("rate-limiting", 1), ("header-injection", 2), ("client-id-enforcement", 3)]
    # A policy created at an order goes there and pushes the rest down.
    r = _post(server, url, {"groupId": POLICY_GROUP, "assetId": "cors", "assetVersion": "1.3.2", "order": 1,
                            "configurationData": {"originGroups": [], "publicResource": True}})
    assert r.status_code == 201 and r.json()["order"] == 1
    assert [a for a, _ in _orders(server, url)] == ["cors", "rate-limiting", "header-injection", "client-id-enforcement"]
    r = server.call("PATCH", url, json=[{"id": cid, "order": 1}, {"id": rl, "order": 4}])
    assert r.status_code == 200
    assert _orders(server, url) == [("client-id-enforcement", 1), ("cors", 2), ("header-injection", 3),
                                    ("rate-limiting", 4)]
    r = server.call("PATCH", f"{url}/{hi}", json={"order": 1})
    assert r.json()["order"] == 1
    assert [a for a, _ in _orders(server, url)][:2] == ["header-injection", "client-id-enforcement"]


@pytest.mark.parametrize("body, status", [([{"id": 1, "order": 1, "disabled": True}], 400), ([], 400),
                                          ({"id": 1, "order": 1}, 400), ([{"id": 999999999, "order": 1}], 404)])
def test_bulk_patch_changes_only_order(server, api, body, status):
    url, _ = api
    before = _apply_three(server, url) and _orders(server, url)
    r = server.call("PATCH", url, json=body)
    assert r.status_code == status
    assert _orders(server, url) == before


def test_patch_refuses_what_cannot_change(server, api):
    url, _ = api
    pid = _post(server, url, rate_limiting()).json()["id"]
    r = server.call("PATCH", f"{url}/{pid}", json={"assetId": "cors"})
    assert (r.status_code, r.json()["message"]) == (400, "property 'assetId' cannot be changed")
    r = server.call("PATCH", f"{url}/{pid}", json={"configurationData": {"rateLimits": {}}})
    assert (r.status_code, r.json()["message"]) == (400, "configurationData.rateLimits must be of type array")
    r = server.call("PATCH", f"{url}/{pid}", data=b"{not json", headers={"Content-Type": "application/json"})
    assert (r.status_code, r.json()["message"]) == (400, "the body is not JSON")


def test_compact_list_shape_conforms_and_carries_the_template(server, api):
    url, _ = api
    pid = _post(server, url, rate_limiting()).json()["id"]
    server.control("POST", "/policy-list-shape", {"shape": "compact"})
    (entry,) = server.call("GET", url).json()
    assert entry["policyId"] == pid and "id" not in entry
    assert entry["template"] == {"assetId": "rate-limiting", "groupId": POLICY_GROUP, "assetVersion": "1.4.1"}
    assert entry["configuration"]["rateLimits"][0]["maximumRequests"] == 10
